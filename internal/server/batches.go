package server

import (
	"errors"
	"net/http"
	"strconv"

	"penggerak/internal/selection"
	selectionpage "penggerak/web/pages/selection"
)

// assignPreview shows what automatic assignment of a stage would do (per assessor, conflicts
// avoided, who cannot be assigned and why) with the commit form, and the cohort's batches with
// their undo forms. Nothing is stored.
func (s *Server) assignPreview(w http.ResponseWriter, r *http.Request) error {
	return s.renderAssignPreview(w, r, http.StatusOK, nil)
}

func (s *Server) renderAssignPreview(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	c, st, ok, err := s.stageCohort(w, r)
	if !ok {
		return err
	}
	p := selectionpage.PreviewProps{Cohort: c, Errors: errs}
	if p.Preview, err = s.sel().PreviewAssign(r.Context(), c.ID, st); err == nil {
		p.Batches, err = s.sel().Batches(r.Context(), c.ID)
	}
	if err != nil {
		return err
	}
	s.render(w, r, status, selectionpage.AssignPreview(s.base(r, "selection.batch.title"), p))
	return nil
}

// undoBatch removes a whole automatic assignment batch while none of its sheets was started
// (with the no-JS confirmation checkbox).
func (s *Server) undoBatch(w http.ResponseWriter, r *http.Request) error {
	cohort, ok := s.idParam(w, r, "cohort")
	batch, ok2 := s.idParam(w, r, "batch")
	if !ok || !ok2 {
		return nil
	}
	var f struct {
		Sure  bool   `form:"yakin"`
		Stage string `form:"stage"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	st := selection.Stage(f.Stage)
	if !st.Valid() {
		st = selection.StageTahap1
	}
	back := "/admin/seleksi/" + strconv.FormatInt(cohort, 10) + "/tugaskan/" + string(st)
	if !f.Sure {
		return s.renderUndoRefused(w, r, cohort, st, batch)
	}
	err := s.sel().UndoBatch(r.Context(), actor(r), cohort, batch)
	if errors.Is(err, selection.ErrBatchStarted) {
		s.errorPage(w, r, http.StatusConflict, "selection.batch.error.started")
		return nil
	}
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.batch.undone", back)
}

// renderUndoRefused re-renders the preview page of the stage with the undo form's error.
func (s *Server) renderUndoRefused(w http.ResponseWriter, r *http.Request, cohort int64, st selection.Stage, batch int64) error {
	rctx := r.Context()
	c, err := s.sel().Cohort(rctx, cohort)
	if err != nil {
		return err
	}
	p := selectionpage.PreviewProps{Cohort: c, Errors: map[string]string{"yakin-" + strconv.FormatInt(batch, 10): "selection.batch.error.sure"}}
	if p.Preview, err = s.sel().PreviewAssign(rctx, cohort, st); err == nil {
		p.Batches, err = s.sel().Batches(rctx, cohort)
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusUnprocessableEntity, selectionpage.AssignPreview(s.base(r, "selection.batch.title"), p))
	return nil
}
