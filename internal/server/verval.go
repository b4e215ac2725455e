package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/application"
	"penggerak/internal/database"
	"penggerak/internal/selection"
	apppage "penggerak/web/pages/application"
	cohortpage "penggerak/web/pages/cohort"
	selectionpage "penggerak/web/pages/selection"
)

func (s *Server) vervalAutoAssign(w http.ResponseWriter, r *http.Request) error {
	id := idParam(r, "id")
	if _, err := s.cohorts.Get(r.Context(), id); err != nil {
		return err
	}
	if _, _, err := s.applications.AutoAssign(r.Context(), actor(r), id); err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.assigned")
}

func (s *Server) vervalAssign(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Number     string `form:"number"`
		AssessorID int64  `form:"assessor_id"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	err := s.applications.Assign(r.Context(), actor(r), idParam(r, "id"), f.Number, f.AssessorID)
	key := ""
	switch {
	case errors.Is(err, database.ErrNotFound):
		key = "cohort.verval.unknown_number"
	case errors.Is(err, application.ErrNoAssessor):
		key = "cohort.verval.not_assessor"
	case err != nil:
		return err
	}
	if key != "" {
		if err := s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.AssignError = key }); err != nil {
			return err
		}
		return nil
	}
	return s.backToCohort(w, r, "cohort.flash.assigned")
}

func (s *Server) vervalQueue(w http.ResponseWriter, r *http.Request) error {
	q, err := s.applications.Queue(r.Context(), principal(r).User.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, apppage.VervalQueue(s.base(r, "verval.queue.title"), q))
	return nil
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, change func(*apppage.ReviewProps)) error {
	d, err := s.applications.ForAssessor(r.Context(), principal(r).User.ID, idParam(r, "id"))
	if err != nil {
		return err
	}
	p := apppage.ReviewProps{D: d, TZ: d.Profile.Timezone()}
	change(&p)
	s.render(w, r, status, apppage.VervalReview(s.base(r, "verval.review.title"), p))
	return nil
}

func (s *Server) vervalReview(w http.ResponseWriter, r *http.Request) error {
	return s.renderReview(w, r, http.StatusOK, func(*apppage.ReviewProps) {})
}

func (s *Server) vervalDecide(w http.ResponseWriter, r *http.Request) error {
	var f application.DecisionForm
	if !s.decode(w, r, &f) {
		return nil
	}
	docID := idParam(r, "docID")
	if errs := f.Validate(); len(errs) > 0 {
		return s.renderReview(w, r, http.StatusUnprocessableEntity, func(p *apppage.ReviewProps) { p.ErrDoc, p.Form, p.Errors = docID, f, errs })
	}
	if err := s.applications.Decide(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), docID, f, s.now()); err != nil {
		return err
	}
	s.flash(r, "verval.flash.decided")
	redirect(w, r, "/verval/"+chi.URLParam(r, "id"))
	return nil
}

func (s *Server) vervalFinish(w http.ResponseWriter, r *http.Request) error {
	// Finishing verval decides the application's outcome and tells the applicant: confirmed first.
	if s.askConfirm(w, r, "verval.finish", "verval.finish.confirm_hint", "/verval/"+chi.URLParam(r, "id")) {
		return nil
	}
	_, err := s.applications.Finish(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), s.now())
	if errors.Is(err, application.ErrUndecided) {
		return s.renderReview(w, r, http.StatusConflict, func(p *apppage.ReviewProps) { p.Message = "verval.error.undecided" })
	}
	if err != nil {
		return err
	}
	s.flash(r, "verval.flash.finished")
	redirect(w, r, "/verval")
	return nil
}

// renderVervalAssign renders a cohort's verval assignment page (dry run, batches, bulk move);
// change fills in a refused or answered form.
func (s *Server) renderVervalAssign(w http.ResponseWriter, r *http.Request, status int, change func(*selectionpage.VervalAssignProps)) error {
	id, ok := pathInt(r, "id")
	if !ok {
		return database.ErrNotFound
	}
	c, err := s.cohorts.Get(r.Context(), id)
	if err != nil {
		return err
	}
	p := selectionpage.VervalAssignProps{CohortID: c.ID, CohortName: c.Name}
	if p.Preview, err = s.applications.PreviewAutoAssign(r.Context(), id); err != nil {
		return err
	}
	if p.Batches, err = s.applications.VervalBatches(r.Context(), id); err != nil {
		return err
	}
	if p.Regencies, err = s.applications.TargetRegencies(r.Context(), id); err != nil {
		return err
	}
	change(&p)
	s.render(w, r, status, selectionpage.VervalAssign(s.base(r, "verval.batch.title"), p))
	return nil
}

// vervalPreview shows what the automatic verval assignment would do (storing nothing), the
// committed batches with their undo, and the bulk reassignment form.
func (s *Server) vervalPreview(w http.ResponseWriter, r *http.Request) error {
	return s.renderVervalAssign(w, r, http.StatusOK, func(*selectionpage.VervalAssignProps) {})
}

// undoVervalBatch undoes a whole verval batch while unstarted (confirmed on the server).
func (s *Server) undoVervalBatch(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "id")
	batch, ok2 := pathInt(r, "batch")
	if !ok || !ok2 {
		return database.ErrNotFound
	}
	back := "/admin/angkatan/" + strconv.FormatInt(id, 10) + "/verval/bagi"
	if s.askConfirm(w, r, "verval.batch.undo", "verval.batch.undo_hint", back) {
		return nil
	}
	err := s.applications.UndoVervalBatch(r.Context(), actor(r), id, batch)
	if errors.Is(err, application.ErrBatchStarted) {
		return s.renderVervalAssign(w, r, http.StatusConflict, func(p *selectionpage.VervalAssignProps) { p.Error = "verval.batch.error.started" })
	}
	if err != nil {
		return err
	}
	s.flash(r, "verval.batch.undone_flash")
	redirect(w, r, back)
	return nil
}

// moveVervalMany moves every unstarted verval assignment of one assessor (optionally in one
// kab/kota) to another assessor at once. Unconfirmed, it stores nothing and lists what the move
// would do with the confirmation to tick; confirmed, it moves exactly the previewed
// applications, or, when the move has changed since (409), nothing and shows the move as it
// stands now. A refused form re-renders with what was chosen.
func (s *Server) moveVervalMany(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "id")
	if !ok {
		return database.ErrNotFound
	}
	if _, err := s.cohorts.Get(r.Context(), id); err != nil {
		return err
	}
	var f selection.MoveForm
	var previewed struct {
		Apps []int64 `form:"app"`
	}
	if !s.decode(w, r, &f) || !s.decode(w, r, &previewed) {
		return nil
	}
	m, errs := f.Parse()
	if errs == nil {
		filter := application.MoveFilter{From: m.From, RegencyCode: m.Regency}
		var res application.MoveResult
		var err error
		if confirmed(r) {
			res, err = s.applications.ReassignMany(r.Context(), actor(r), id, filter, m.To, previewed.Apps)
		} else {
			res, err = s.applications.PreviewReassignMany(r.Context(), id, filter, m.To)
		}
		switch {
		case errors.Is(err, application.ErrNoAssessor):
			errs = map[string]string{"to": "verval.move.error.to"}
		case errors.Is(err, application.ErrMoveChanged):
			return s.renderVervalAssign(w, r, http.StatusConflict, func(p *selectionpage.VervalAssignProps) { p.Move, p.MovePreview, p.MoveChanged = f, &res, true })
		case err != nil:
			return err
		case confirmed(r):
			return s.renderVervalAssign(w, r, http.StatusOK, func(p *selectionpage.VervalAssignProps) { p.Moved = &res })
		default:
			return s.renderVervalAssign(w, r, http.StatusOK, func(p *selectionpage.VervalAssignProps) { p.Move, p.MovePreview = f, &res })
		}
	}
	return s.renderVervalAssign(w, r, http.StatusUnprocessableEntity, func(p *selectionpage.VervalAssignProps) { p.Move, p.MoveErrors = f, errs })
}
