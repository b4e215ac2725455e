package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/application"
	"penggerak/internal/database"
	apppage "penggerak/web/pages/application"
	cohortpage "penggerak/web/pages/cohort"
)

func (s *Server) vervalAutoAssign(w http.ResponseWriter, r *http.Request) {
	id := idParam(r, "id")
	if _, err := s.cohorts.Get(r.Context(), id); err != nil {
		s.serveError(w, r, err)
		return
	}
	if _, _, err := s.applications.AutoAssign(r.Context(), actor(r), id); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.assigned")
}

func (s *Server) vervalAssign(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Number     string `form:"number"`
		AssessorID int64  `form:"assessor_id"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	err := s.applications.Assign(r.Context(), actor(r), idParam(r, "id"), f.Number, f.AssessorID)
	key := ""
	switch {
	case errors.Is(err, database.ErrNotFound):
		key = "cohort.verval.unknown_number"
	case errors.Is(err, application.ErrNoAssessor):
		key = "cohort.verval.not_assessor"
	case err != nil:
		s.serveError(w, r, err)
		return
	}
	if key != "" {
		if err := s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.AssignError = key }); err != nil {
			s.serveError(w, r, err)
		}
		return
	}
	s.backToCohort(w, r, "cohort.flash.assigned")
}

func (s *Server) vervalQueue(w http.ResponseWriter, r *http.Request) {
	q, err := s.applications.Queue(r.Context(), principal(r).User.ID)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, apppage.VervalQueue(s.base(r, "verval.queue.title"), q))
}

func (s *Server) renderReview(w http.ResponseWriter, r *http.Request, status int, change func(*apppage.ReviewProps)) {
	d, err := s.applications.ForAssessor(r.Context(), principal(r).User.ID, idParam(r, "id"))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	p := apppage.ReviewProps{D: d, TZ: d.Profile.Timezone()}
	change(&p)
	s.render(w, r, status, apppage.VervalReview(s.base(r, "verval.review.title"), p))
}

func (s *Server) vervalReview(w http.ResponseWriter, r *http.Request) {
	s.renderReview(w, r, http.StatusOK, func(*apppage.ReviewProps) {})
}

func (s *Server) vervalDecide(w http.ResponseWriter, r *http.Request) {
	var f application.DecisionForm
	if !s.decode(w, r, &f) {
		return
	}
	docID := idParam(r, "docID")
	if errs := f.Validate(); len(errs) > 0 {
		s.renderReview(w, r, http.StatusUnprocessableEntity, func(p *apppage.ReviewProps) { p.ErrDoc, p.Form, p.Errors = docID, f, errs })
		return
	}
	if err := s.applications.Decide(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), docID, f, s.now()); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "verval.flash.decided")
	redirect(w, r, "/verval/"+chi.URLParam(r, "id"))
}

func (s *Server) vervalFinish(w http.ResponseWriter, r *http.Request) {
	// Finishing verval decides the application's outcome and tells the applicant: confirmed first.
	if s.askConfirm(w, r, "verval.finish", "verval.finish.confirm_hint", "/verval/"+chi.URLParam(r, "id")) {
		return
	}
	_, err := s.applications.Finish(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), s.now())
	if errors.Is(err, application.ErrUndecided) {
		s.renderReview(w, r, http.StatusConflict, func(p *apppage.ReviewProps) { p.Message = "verval.error.undecided" })
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "verval.flash.finished")
	redirect(w, r, "/verval")
}
