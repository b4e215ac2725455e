package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"penggerak/internal/database"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: final assessments by the PP and fasilitator, and the BGP's graduation decisions.

// recordAssessment stores the final assessment of the PP (of their mentee) or the fasilitator
// (of a CGP in their class); anyone else's CGP is 404.
func (s *Server) recordAssessment(role, back string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, ok := pathInt(r, "participant")
		if !ok {
			return database.ErrNotFound
		}
		var f struct {
			Score string `form:"score"`
		}
		if !s.decode(w, r, &f) {
			return nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(f.Score))
		if err != nil || n < 0 || n > 100 {
			return refuse(http.StatusUnprocessableEntity, "training.error.score")
		}
		if err := s.trainingStore().RecordAssessment(r.Context(), actor(r), principal(r).User.ID, role, id, n); err != nil {
			return err
		}
		s.flash(r, "training.flash.assessed")
		redirect(w, r, back+strconv.FormatInt(id, 10))
		return nil
	}
}

// graduationPage lists the province's CGPs with their unmet completion rules (staff in scope;
// the BGP of the province decides).
func (s *Server) graduationPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderGraduation(w, r, http.StatusOK, trainingpage.GraduationProps{})
}

func (s *Server) renderGraduation(w http.ResponseWriter, r *http.Request, status int, p trainingpage.GraduationProps) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	pr := principal(r)
	v, err := s.trainingStore().Province(r.Context(), trainingScope(pr), id, prov)
	if err != nil {
		return err
	}
	p.CohortID, p.ProvinceCode = id, prov
	p.CanEdit = v.CohortStatus == "pendidikan" && containsString(bgpScope(pr).Provinces, prov)
	p.Certificates = certScope(pr).National || containsString(certScope(pr).Provinces, prov)
	if p.Settings, p.Rows, err = s.trainingStore().Completion(r.Context(), trainingScope(pr), id, prov, s.now()); err != nil {
		return err
	}
	for _, c := range p.Rows {
		if c.Status == training.ParticipantActive && c.Outcome == nil && len(c.Unmet) == 0 {
			p.Eligible++
		}
	}
	s.render(w, r, status, trainingpage.Graduation(s.base(r, "training.grad.title"), p))
	return nil
}

// decideGraduation records lulus / tidak lulus (with a reason) for one CGP, lulus for every
// eligible CGP at once (checkbox), or a withdrawal (with a reason).
func (s *Server) decideGraduation(w http.ResponseWriter, r *http.Request) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	var f struct {
		Participant string `form:"participant"`
		Outcome     string `form:"outcome"`
		Reason      string `form:"reason"`
		All         string `form:"all"`
		Sure        string `form:"sure"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	ctx, sc, pid := r.Context(), bgpScope(principal(r)), parseID(f.Participant)
	fail := func(formID int64, problems ...string) error {
		return s.renderGraduation(w, r, http.StatusUnprocessableEntity, trainingpage.GraduationProps{FormID: formID, Reason: f.Reason, Problems: problems})
	}
	var err error
	switch {
	case f.All == "1":
		if f.Sure != "1" {
			return fail(0, "training.error.sure")
		}
		var ids []int64
		if ids, err = s.trainingStore().Eligible(ctx, sc, id, prov, s.now()); err == nil {
			_, err = s.trainingStore().Decide(ctx, actor(r), sc, ids, training.Decision{Outcome: training.OutcomeLulus}, s.now(), s.trainingMails().Graduation)
		}
	case pid == 0:
		return errBadRequest
	case !containsString(sc.Provinces, prov):
		return database.ErrNotFound // another province's CGP: nothing is asked
	case s.askConfirm(w, r, "training.grad.confirm.title", "training.grad.confirm.lead",
		"/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov+"/kelulusan"):
		// A decision is final (a lulus issues the certificate, each outcome is mailed): one tap
		// on a row's button asks first, with JavaScript off too.
		return nil
	case f.Outcome == string(training.ParticipantWithdrawn): // the row's third button
		err = s.trainingStore().Withdraw(ctx, actor(r), sc, pid, f.Reason, s.now())
	default:
		_, err = s.trainingStore().Decide(ctx, actor(r), sc, []int64{pid}, training.Decision{Outcome: training.Outcome(f.Outcome), Reason: f.Reason}, s.now(), s.trainingMails().Graduation)
	}
	var pe *training.ProblemError
	switch {
	case errors.As(err, &pe):
		formID := pid
		if f.All == "1" {
			formID = 0
		}
		return fail(formID, pe.Problems...)
	case err != nil:
		return err
	}
	s.flash(r, "training.flash.decided")
	redirect(w, r, "/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov+"/kelulusan")
	return nil
}
