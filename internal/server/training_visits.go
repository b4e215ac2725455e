package server

import (
	"net/http"
	"strconv"

	"penggerak/internal/database"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: the PP's mentees and pendampingan individu (visit logs, their autosave, the CGP's acknowledgement).

// ppMentees lists the PP's own groups and mentees.
func (s *Server) ppMentees(w http.ResponseWriter, r *http.Request) error {
	gs, err := s.trainingStore().MentoredGroups(r.Context(), principal(r).User.ID)
	var ls []training.Lokakarya
	if err == nil {
		ls, err = s.trainingStore().PPLokakarya(r.Context(), principal(r).User.ID)
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.Mentees(s.base(r, "training.pp.title"), trainingpage.MentorProps{Groups: gs, Lokakarya: ls}))
	return nil
}

// ppMentee shows one of the PP's own mentees with their visits; another PP's mentee is 404.
func (s *Server) ppMentee(w http.ResponseWriter, r *http.Request) error {
	return s.renderMentee(w, r, http.StatusOK, trainingpage.MenteeProps{})
}

func (s *Server) renderMentee(w http.ResponseWriter, r *http.Request, status int, p trainingpage.MenteeProps) error {
	id, ok := pathInt(r, "participant")
	if !ok {
		return database.ErrNotFound
	}
	ctx, uid := r.Context(), principal(r).User.ID
	var err error
	if p.Mentee, err = s.trainingStore().Mentee(ctx, uid, id); err != nil {
		return err
	}
	st, err := s.trainingStore().Settings(ctx, p.Mentee.CohortID)
	if err == nil {
		p.Visits, err = s.trainingStore().MenteeVisits(ctx, uid, id, s.now())
	}
	if err != nil {
		return err
	}
	p.Planned, p.Pass = st.VisitsPlanned, st.AssessmentPass
	if p.Score, err = s.trainingStore().Assessment(ctx, id, "pengajar_praktik"); err != nil {
		return err
	}
	s.render(w, r, status, trainingpage.Mentee(s.base(r, "training.pp.title"), p))
	return nil
}

// planVisit plans (or re-plans) a visit to one of the PP's mentees.
func (s *Server) planVisit(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Number string `form:"plan_number"`
		Date   string `form:"plan_date"`
	}
	id, ok, err := s.pathForm(w, r, "participant", &f)
	if !ok {
		return err
	}
	_, errs, err := s.trainingStore().PlanVisit(r.Context(), principal(r).User.ID, id, f.Number, f.Date)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderMentee(w, r, http.StatusUnprocessableEntity, trainingpage.MenteeProps{PlanNumber: f.Number, PlanDate: f.Date, PlanErrors: errs})
	}
	return s.flashRedirect(w, r, "training.flash.planned", "/pendampingan/peserta/"+strconv.FormatInt(id, 10))
}

// visitPage is the log form of one of the PP's visits.
func (s *Server) visitPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderVisit(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderVisit(w http.ResponseWriter, r *http.Request, status int, typed *training.VisitLog, errs map[string]string) error {
	id, ok := pathInt(r, "visit")
	if !ok {
		return database.ErrNotFound
	}
	v, err := s.trainingStore().PPVisit(r.Context(), principal(r).User.ID, id, s.now())
	if err != nil {
		return err
	}
	form := training.VisitLog{Notes: v.Notes, FollowUp: v.FollowUp, Mode: deref(v.Mode)}
	if v.VisitedOn != nil {
		form.Date = v.VisitedOn.Format("2006-01-02")
	}
	if typed != nil {
		form = *typed
	}
	s.render(w, r, status, trainingpage.Visit(s.baseHTMX(r, "training.visit.title"), trainingpage.VisitProps{Visit: v, Form: form, Errors: errs, Timezone: v.Timezone}))
	return nil
}

type visitForm struct {
	Date     string `form:"visited_on"`
	Mode     string `form:"mode"`
	Notes    string `form:"notes"`
	FollowUp string `form:"follow_up"`
	Action   string `form:"action"`
	Sure     string `form:"sure"`
}

func (f visitForm) log() training.VisitLog {
	return training.VisitLog{Date: f.Date, Mode: f.Mode, Notes: f.Notes, FollowUp: f.FollowUp}
}

// saveVisit saves the log as a draft ("Simpan draf") or sends it to the CGP ("Kirim", with the
// checkbox): the form without JavaScript.
func (s *Server) saveVisit(w http.ResponseWriter, r *http.Request) error {
	var f visitForm
	id, ok, err := s.pathForm(w, r, "visit", &f)
	if !ok {
		return err
	}
	l := f.log()
	submit := f.Action == "kirim"
	if submit && f.Sure != "1" {
		_, errs := training.CheckVisitLog(l, true)
		errs["sure"] = "training.error.visit_sure"
		return s.renderVisit(w, r, http.StatusUnprocessableEntity, &l, errs)
	}
	errs, err := s.trainingStore().SaveVisit(r.Context(), actor(r), principal(r).User.ID, id, l, submit, s.now(), s.trainingMails().Visit)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return s.renderVisit(w, r, http.StatusUnprocessableEntity, &l, errs)
	}
	if submit {
		s.flash(r, "training.flash.visit_sent")
	} else {
		s.flash(r, "training.flash.visit_draft")
	}
	redirect(w, r, "/pendampingan/kunjungan/"+strconv.FormatInt(id, 10))
	return nil
}

// autosaveVisit is the htmx autosave of a draft: it answers with the state line (422 when the
// draft cannot be stored as typed, so the phone keeps its copy).
func (s *Server) autosaveVisit(w http.ResponseWriter, r *http.Request) error {
	var f visitForm
	id, ok, err := s.pathForm(w, r, "visit", &f)
	if !ok {
		return err
	}
	now := s.now()
	errs, err := s.trainingStore().SaveVisit(r.Context(), actor(r), principal(r).User.ID, id, f.log(), false, now, s.trainingMails().Visit)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return nil
	}
	v, err := s.trainingStore().PPVisit(r.Context(), principal(r).User.ID, id, now)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.VisitState(v.DraftSavedAt, v.Timezone))
	return nil
}

// acknowledgeVisit records the CGP's acknowledgement and/or comment on a log of their own.
func (s *Server) acknowledgeVisit(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Ack     string `form:"ack"`
		Comment string `form:"comment"`
	}
	id, ok, err := s.pathForm(w, r, "visit", &f)
	if !ok {
		return err
	}
	if len([]rune(f.Comment)) > 2000 {
		return refuse(http.StatusUnprocessableEntity, "training.error.comment_long")
	}
	if err := s.trainingStore().AcknowledgeVisit(r.Context(), principal(r).User.ID, id, f.Ack == "1", f.Comment, s.now()); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "training.flash.acknowledged", "/pelatihan/saya#kunjungan-"+strconv.FormatInt(id, 10))
}
