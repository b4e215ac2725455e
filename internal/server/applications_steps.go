package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"penggerak/internal/application"
	"penggerak/internal/database"
	apppage "penggerak/web/pages/application"
)

// confirmProfile records that the teacher checked their profile (the profil step).
func (s *Server) confirmProfile(w http.ResponseWriter, r *http.Request) error {
	err := s.applications.ConfirmProfile(r.Context(), principal(r).User.ID, idParam(r, "id"), s.now())
	return s.stepDone(w, r, "profil", err, "cv", "application.flash.profile_confirmed")
}

// addCV adds an entry to the CV step; a refused form comes back with what was typed.
func (s *Server) addCV(w http.ResponseWriter, r *http.Request) error {
	var f application.CVForm
	if !s.decode(w, r, &f) {
		return nil
	}
	e, errs := f.Parse()
	if len(errs) > 0 {
		return s.renderStep(w, r, http.StatusUnprocessableEntity, "cv", func(p *apppage.StepProps) { p.CV, p.Errors = f, errs })
	}
	err := s.applications.AddCV(r.Context(), principal(r).User.ID, idParam(r, "id"), e, s.now())
	return s.stepDone(w, r, "cv", err, "cv", "application.flash.cv_added")
}

// editCV shows the CV step with the edit form of one entry, filled with what is stored (404
// for an entry of another application).
func (s *Server) editCV(w http.ResponseWriter, r *http.Request) error {
	p, err := s.stepProps(r, "cv")
	if err != nil {
		return err
	}
	eid := idParam(r, "entryID")
	i := slices.IndexFunc(p.D.CV, func(e application.CVEntry) bool { return e.ID == eid })
	if i < 0 {
		return database.ErrNotFound
	}
	p.CV, p.EditEntry = application.FormOf(p.D.CV[i]), eid
	s.render(w, r, http.StatusOK, apppage.StepPage(s.base(r, "application.cv.edit_title"), p))
	return nil
}

// updateCV saves an edited CV entry; a refused form comes back with what was typed and a
// message per field.
func (s *Server) updateCV(w http.ResponseWriter, r *http.Request) error {
	var f application.CVForm
	if !s.decode(w, r, &f) {
		return nil
	}
	eid := idParam(r, "entryID")
	e, errs := f.Parse()
	if len(errs) > 0 {
		return s.renderStep(w, r, http.StatusUnprocessableEntity, "cv", func(p *apppage.StepProps) { p.CV, p.Errors, p.EditEntry = f, errs, eid })
	}
	err := s.applications.UpdateCV(r.Context(), principal(r).User.ID, idParam(r, "id"), eid, e, s.now())
	return s.stepDone(w, r, "cv", err, "cv", "application.flash.cv_updated")
}

// deleteCV removes an entry of the CV step.
func (s *Server) deleteCV(w http.ResponseWriter, r *http.Request) error {
	err := s.applications.DeleteCV(r.Context(), principal(r).User.ID, idParam(r, "id"), idParam(r, "entryID"), s.now())
	return s.stepDone(w, r, "cv", err, "cv", "application.flash.cv_removed")
}

// errTooLarge: a body past its size limit (413).
var errTooLarge = refuse(http.StatusRequestEntityTooLarge, "error.too_large")

// essayAnswers reads fields essay_<question id> from the form; a form that cannot be read
// (past its size limit) is errTooLarge.
func essayAnswers(r *http.Request) (map[int64]string, error) {
	if err := r.ParseForm(); err != nil {
		return nil, errTooLarge
	}
	out := map[int64]string{}
	for k, v := range r.PostForm {
		if qid, err := strconv.ParseInt(strings.TrimPrefix(k, "essay_"), 10, 64); err == nil && strings.HasPrefix(k, "essay_") && len(v) > 0 {
			out[qid] = strings.ReplaceAll(v[0], "\r\n", "\n")
		}
	}
	return out, nil
}

// saveEssays is the Save button: everything typed is kept, and answers outside their limits
// are shown with a message (422).
func (s *Server) saveEssays(w http.ResponseWriter, r *http.Request) error {
	answers, err := essayAnswers(r)
	if err != nil {
		return err
	}
	if _, err := s.applications.SaveEssays(r.Context(), principal(r).User.ID, idParam(r, "id"), answers, s.now()); err != nil {
		return s.refuseStep(w, r, "esai", err)
	}
	p, err := s.stepProps(r, "esai")
	if err != nil {
		return err
	}
	if probs := application.EssayProblems(p.D.Essays); len(probs) > 0 {
		p.EssayErrors = probs
		s.render(w, r, http.StatusUnprocessableEntity, apppage.StepPage(s.base(r, "application.step.esai"), p))
		return nil
	}
	s.nextStep(w, r, "dokumen", "application.flash.essays_saved")
	return nil
}

// autosaveEssays stores the essay drafts while the teacher types (web/static/autosave.js)
// and answers with a small status fragment. X-Autosave-Saved, set only when the drafts were
// stored, is the server's save time in milliseconds: the script records it as the server copy's
// time, so an older local draft never overwrites it later.
func (s *Server) autosaveEssays(w http.ResponseWriter, r *http.Request) error {
	answers, err := essayAnswers(r)
	if err != nil {
		return err
	}
	tz, err := s.applications.SaveEssays(r.Context(), principal(r).User.ID, idParam(r, "id"), answers, s.now())
	if err != nil && !errors.Is(err, application.ErrLocked) && !errors.Is(err, application.ErrClosed) {
		return err
	}
	now := s.now()
	if err == nil {
		w.Header().Set("X-Autosave-Saved", strconv.FormatInt(now.UnixMilli(), 10))
	}
	s.render(w, r, http.StatusOK, apppage.AutosaveStatus(err == nil, now, tz))
	return nil
}

// recordConsent records the consent to the processing of personal data (the persetujuan step).
func (s *Server) recordConsent(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Agree bool `form:"agree"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if !f.Agree {
		return s.renderStep(w, r, http.StatusUnprocessableEntity, "persetujuan", func(p *apppage.StepProps) {
			p.Errors = map[string]string{"agree": "application.consent.required"}
		})
	}
	err := s.applications.Consent(r.Context(), principal(r).User.ID, idParam(r, "id"), clientIP(r), s.now())
	return s.stepDone(w, r, "persetujuan", err, "tinjau", "application.flash.consented")
}
