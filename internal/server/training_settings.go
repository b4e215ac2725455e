package server

import (
	"errors"
	"net/http"
	"strconv"

	"penggerak/internal/database"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: the per-cohort training settings, edited by the national admin.

// trainingSettingsPage shows the settings form of a cohort (its own values, or the defaults).
func (s *Server) trainingSettingsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSettings(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, typed, errs map[string]string) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	cs, err := s.trainingStore().SettingsForEdit(r.Context(), id)
	if err != nil {
		return err
	}
	if typed == nil {
		typed = training.SettingsValues(cs.Settings)
	}
	s.render(w, r, status, trainingpage.SettingsPage(s.base(r, "training.settings.title"),
		trainingpage.SettingsProps{Cohort: cs, Values: typed, Errors: errs}))
	return nil
}

// saveTrainingSettings checks and stores the settings; every field is re-shown as typed with its
// own message when one is wrong.
func (s *Server) saveTrainingSettings(w http.ResponseWriter, r *http.Request) error {
	var none struct{}
	id, ok, err := s.pathForm(w, r, "cohort", &none)
	if !ok {
		return err
	}
	typed := map[string]string{}
	for _, f := range training.SettingFields {
		typed[f.Name] = r.PostForm.Get(f.Name)
	}
	st, errs := training.ParseSettings(typed)
	if len(errs) == 0 {
		err := s.trainingStore().SaveSettings(r.Context(), actor(r), id, st)
		switch {
		case errors.Is(err, training.ErrCohortDone):
			errs["_form"] = "training.settings.error.done"
		case err != nil:
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderSettings(w, r, http.StatusUnprocessableEntity, typed, errs)
	}
	return s.flashRedirect(w, r, "training.flash.settings", "/pelatihan/"+strconv.FormatInt(id, 10)+"/pengaturan")
}
