package server

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/cohort"
	"penggerak/internal/mail"
	"penggerak/internal/region"
	"penggerak/internal/training"
	"penggerak/web/pages/dashboard"
	trainingpage "penggerak/web/pages/training"
)

// training: the pendidikan — roster, mentors, groups (issue 10). Every query is scoped in the
// training store's SQL; handlers only pick the viewer's scope.

func (s *Server) trainingStore() *training.Store { return training.NewStore(s.db) }

// trainingScope is the region of the viewer's staff roles (admin national, BGP province, Dinas).
func trainingScope(p *account.Principal) training.Scope {
	n, provs, regs := p.RegionFilter(account.RoleAdmin, account.RoleBGP, account.RoleDinas)
	return training.Scope{National: n, Provinces: provs, Regencies: regs}
}

// bgpScope is the provinces in which the viewer may change training (BGP only).
func bgpScope(p *account.Principal) training.Scope {
	_, provs, _ := p.RegionFilter(account.RoleBGP)
	return training.Scope{Provinces: provs}
}

// viewer is who asks for a group: staff scope when the user holds a staff role.
func viewer(p *account.Principal) training.Viewer {
	v := training.Viewer{UserID: p.User.ID}
	if p.HasAny(staff...) {
		sc := trainingScope(p)
		v.Staff = &sc
	}
	return v
}

func (s *Server) trainingIndex(w http.ResponseWriter, r *http.Request) {
	cs, err := s.trainingStore().Cohorts(r.Context(), trainingScope(principal(r)))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, trainingpage.Index(s.base(r, "training.index.title"), trainingpage.IndexProps{Cohorts: cs}))
}

// trainingPath reads {cohort} and {prov}.
func trainingPath(r *http.Request) (int64, string, bool) {
	id, ok := pathInt(r, "cohort")
	prov := chi.URLParam(r, "prov")
	return id, prov, ok && len(prov) == 2
}

func (s *Server) trainingProvince(w http.ResponseWriter, r *http.Request) {
	s.renderProvince(w, r, http.StatusOK, trainingpage.ProvinceProps{})
}

// renderProvince shows the province page with p's forms (typed values and problems kept).
func (s *Server) renderProvince(w http.ResponseWriter, r *http.Request, status int, p trainingpage.ProvinceProps) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	pr := principal(r)
	var err error
	if p.View, err = s.trainingStore().Province(ctx, trainingScope(pr), id, prov); err != nil {
		s.serveError(w, r, err)
		return
	}
	if p.Lokakarya, err = s.trainingStore().ProvinceLokakarya(ctx, trainingScope(pr), id, prov); err != nil {
		s.serveError(w, r, err)
		return
	}
	bs := bgpScope(pr)
	p.CanEdit = p.View.CohortStatus == "pendidikan" && containsString(bs.Provinces, prov)
	if p.CanEdit {
		if p.Candidates, err = s.trainingStore().Candidates(ctx, id, prov); err != nil {
			s.serveError(w, r, err)
			return
		}
		if p.Regencies, err = s.regions.Regencies(ctx, prov); err != nil {
			s.serveError(w, r, err)
			return
		}
	}
	s.render(w, r, status, trainingpage.Province(s.base(r, "training.province.title"), p))
}

// trainingAppoint appoints a PP or fasilitator in a kab/kota of the BGP's province.
func (s *Server) trainingAppoint(w http.ResponseWriter, r *http.Request) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		User    string `form:"user"`
		Role    string `form:"role"`
		Regency string `form:"regency"`
		Cap     string `form:"cap"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	form := trainingpage.AppointForm{User: f.User, Role: f.Role, Regency: f.Regency, Cap: f.Cap}
	a, errs := training.ParseAppointment(f.User, f.Role, f.Regency, f.Cap)
	if len(errs) == 0 && a.Regency[:2] != prov {
		errs["regency"] = "training.error.regency"
	}
	if len(errs) == 0 {
		_, err := s.trainingStore().Appoint(r.Context(), actor(r), bgpScope(principal(r)), id, a)
		switch {
		case errors.Is(err, training.ErrNoGrant):
			errs["user"] = "training.error.no_grant"
		case errors.Is(err, training.ErrAppointed):
			errs["user"] = "training.error.appointed"
		case err != nil:
			s.serveError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		form.Errors = errs
		s.renderProvince(w, r, http.StatusUnprocessableEntity, trainingpage.ProvinceProps{Appoint: form})
		return
	}
	s.flash(r, "training.flash.appointed")
	redirect(w, r, "/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov)
}

// trainingPropose replaces the province's proposal with a new one.
func (s *Server) trainingPropose(w http.ResponseWriter, r *http.Request) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.trainingStore().Propose(r.Context(), actor(r), bgpScope(principal(r)), id, prov); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.proposed")
	redirect(w, r, "/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov+"#kelompok")
}

// editProblems turns a store error of a hand edit into the form's problems; ok false means the
// error was not a rule (already answered).
func (s *Server) editProblems(w http.ResponseWriter, r *http.Request, err error, form *trainingpage.EditForm) bool {
	var pe *training.ProblemError
	if errors.As(err, &pe) {
		form.Problems = pe.Problems
		for _, p := range pe.Problems {
			if p == training.ProblemReasonMissing {
				form.Errors = map[string]string{"reason": training.ProblemReasonMissing}
			}
		}
		return true
	}
	s.serveError(w, r, err)
	return false
}

func parseID(v string) int64 {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// trainingMove moves a CGP into a group (the rules checked; a reason for confirmed groups).
func (s *Server) trainingMove(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Participant string `form:"participant"`
		Group       string `form:"group"`
		Reason      string `form:"reason"`
	}
	form := trainingpage.EditForm{Errors: map[string]string{}}
	s.groupEdit(w, r, &f, func() func() error {
		form.Participant, form.Group, form.Reason = f.Participant, f.Group, f.Reason
		pid, gid := parseID(f.Participant), parseID(f.Group)
		if pid == 0 {
			form.Errors["participant"] = "training.error.participant"
		}
		if gid == 0 {
			form.Errors["group"] = "training.error.group"
		}
		return func() error {
			return s.trainingStore().Move(r.Context(), actor(r), bgpScope(principal(r)), pid, gid, f.Reason)
		}
	}, &form, "training.flash.moved", func(p *trainingpage.ProvinceProps) { p.Move = form })
}

// trainingSwapPP gives a group another PP (the rules checked; a reason for confirmed groups).
func (s *Server) trainingSwapPP(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Group  string `form:"swap_group"`
		Mentor string `form:"mentor"`
		Reason string `form:"reason"`
	}
	form := trainingpage.EditForm{Errors: map[string]string{}}
	s.groupEdit(w, r, &f, func() func() error {
		form.Group, form.Mentor, form.Reason = f.Group, f.Mentor, f.Reason
		gid, mid := parseID(f.Group), parseID(f.Mentor)
		if gid == 0 {
			form.Errors["group"] = "training.error.group"
		}
		if mid == 0 {
			form.Errors["mentor"] = "training.error.mentor"
		}
		return func() error {
			return s.trainingStore().SetPP(r.Context(), actor(r), bgpScope(principal(r)), gid, mid, f.Reason)
		}
	}, &form, "training.flash.swapped", func(p *trainingpage.ProvinceProps) { p.SwapPP = form })
}

// groupEdit is the one sequence of a BGP's hand edit of a group (a move or a PP swap): decode
// the form into dst, let check fill form (and its field errors) and return the store call,
// check the reason's length, then apply it: on success the flash and the province page at the
// group; a broken rule or a field error re-renders the province page with the form as typed
// (placed by show).
func (s *Server) groupEdit(w http.ResponseWriter, r *http.Request, dst any, check func() func() error,
	form *trainingpage.EditForm, flash string, show func(*trainingpage.ProvinceProps)) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.decode(w, r, dst) {
		return
	}
	apply := check()
	if len(form.Reason) > 500 {
		form.Errors["reason"] = "training.error.reason_long"
	}
	if len(form.Errors) == 0 {
		err := apply()
		if err == nil {
			s.flash(r, flash)
			redirect(w, r, "/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov+"#kelompok-"+form.Group)
			return
		}
		if !s.editProblems(w, r, err, form) {
			return
		}
	}
	var p trainingpage.ProvinceProps
	show(&p)
	s.renderProvince(w, r, http.StatusUnprocessableEntity, p)
}

func (s *Server) trainingConfirmPage(w http.ResponseWriter, r *http.Request) {
	s.renderConfirm(w, r, http.StatusOK, trainingpage.ConfirmProps{})
}

func (s *Server) renderConfirm(w http.ResponseWriter, r *http.Request, status int, p trainingpage.ConfirmProps) {
	id, prov, ok := trainingPath(r)
	if !ok || !containsString(bgpScope(principal(r)).Provinces, prov) {
		s.notFound(w, r)
		return
	}
	var err error
	if p.View, err = s.trainingStore().Province(r.Context(), bgpScope(principal(r)), id, prov); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, status, trainingpage.Confirm(s.base(r, "training.confirm.title"), p))
}

// trainingConfirm confirms the province's proposed groups (checkbox required) and mails the
// CGPs and their PPs in their own language.
func (s *Server) trainingConfirm(w http.ResponseWriter, r *http.Request) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		Sure string `form:"sure"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if f.Sure != "1" {
		s.renderConfirm(w, r, http.StatusUnprocessableEntity, trainingpage.ConfirmProps{Error: "training.error.sure"})
		return
	}
	compose := func(rc training.Recipient) mail.Message {
		l := s.i18n.Localizer(rc.Lang)
		data := map[string]any{"Name": rc.Name, "Group": rc.Group, "PP": rc.PP, "URL": s.cfg.BaseURL + "/dasbor"}
		return mail.Message{Subject: l.T("training.mail.group.subject"), Body: l.T("training.mail.group.body", data)}
	}
	_, err := s.trainingStore().Confirm(r.Context(), actor(r), bgpScope(principal(r)), id, prov, compose, s.now())
	var pe *training.ProblemError
	switch {
	case errors.As(err, &pe):
		s.renderConfirm(w, r, http.StatusUnprocessableEntity, trainingpage.ConfirmProps{Problems: pe.Problems})
		return
	case err != nil:
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.confirmed")
	redirect(w, r, "/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov)
}

// trainingGroup shows a group to staff of its region, its PP, its fasilitator and its members;
// anyone else gets 404.
func (s *Server) trainingGroup(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "group")
	if !ok {
		s.notFound(w, r)
		return
	}
	g, h, err := s.trainingStore().Group(r.Context(), viewer(principal(r)), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, trainingpage.Group(s.base(r, "training.group.title"), trainingpage.GroupProps{Group: g, History: h, Contacts: true}))
}

// trainingMine is the CGP's page: their group, PP and fasilitator with contacts.
func (s *Server) trainingMine(w http.ResponseWriter, r *http.Request) {
	gs, err := s.trainingStore().MyGroups(r.Context(), principal(r).User.ID)
	var ls []training.Lokakarya
	if err == nil {
		ls, err = s.trainingStore().MyLokakarya(r.Context(), principal(r).User.ID)
	}
	var vs []training.Visit
	if err == nil {
		vs, err = s.trainingStore().MyVisits(r.Context(), principal(r).User.ID, s.now())
	}
	var ps []training.Progress
	if err == nil {
		ps, err = s.trainingStore().MyProgress(r.Context(), principal(r).User.ID)
	}
	var cs []training.Certificate
	if err == nil {
		cs, err = s.myCertificates(r)
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, trainingpage.Mine(s.base(r, "training.mine.title"), trainingpage.MineProps{Groups: gs, Lokakarya: ls, Visits: vs, Progress: ps, Certificates: cs}))
}

// ppMentees lists the PP's own groups and mentees.
func (s *Server) ppMentees(w http.ResponseWriter, r *http.Request) {
	gs, err := s.trainingStore().MentoredGroups(r.Context(), principal(r).User.ID)
	var ls []training.Lokakarya
	if err == nil {
		ls, err = s.trainingStore().PPLokakarya(r.Context(), principal(r).User.ID)
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, trainingpage.Mentees(s.base(r, "training.pp.title"), trainingpage.MentorProps{Groups: gs, Lokakarya: ls}))
}

// ppMentee shows one of the PP's own mentees with their visits; another PP's mentee is 404.
func (s *Server) ppMentee(w http.ResponseWriter, r *http.Request) {
	s.renderMentee(w, r, http.StatusOK, trainingpage.MenteeProps{})
}

func (s *Server) renderMentee(w http.ResponseWriter, r *http.Request, status int, p trainingpage.MenteeProps) {
	id, ok := pathInt(r, "participant")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx, uid := r.Context(), principal(r).User.ID
	var err error
	if p.Mentee, err = s.trainingStore().Mentee(ctx, uid, id); err != nil {
		s.serveError(w, r, err)
		return
	}
	st, err := s.trainingStore().Settings(ctx, p.Mentee.CohortID)
	if err == nil {
		p.Visits, err = s.trainingStore().MenteeVisits(ctx, uid, id, s.now())
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	p.Planned, p.Pass = st.VisitsPlanned, st.AssessmentPass
	if p.Score, err = s.trainingStore().Assessment(ctx, id, "pengajar_praktik"); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, status, trainingpage.Mentee(s.base(r, "training.pp.title"), p))
}

// planVisit plans (or re-plans) a visit to one of the PP's mentees.
func (s *Server) planVisit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "participant")
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		Number string `form:"plan_number"`
		Date   string `form:"plan_date"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	_, errs, err := s.trainingStore().PlanVisit(r.Context(), principal(r).User.ID, id, f.Number, f.Date)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if len(errs) > 0 {
		s.renderMentee(w, r, http.StatusUnprocessableEntity, trainingpage.MenteeProps{PlanNumber: f.Number, PlanDate: f.Date, PlanErrors: errs})
		return
	}
	s.flash(r, "training.flash.planned")
	redirect(w, r, "/pendampingan/peserta/"+strconv.FormatInt(id, 10))
}

// visitPage is the log form of one of the PP's visits.
func (s *Server) visitPage(w http.ResponseWriter, r *http.Request) {
	s.renderVisit(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderVisit(w http.ResponseWriter, r *http.Request, status int, typed *training.VisitLog, errs map[string]string) {
	id, ok := pathInt(r, "visit")
	if !ok {
		s.notFound(w, r)
		return
	}
	v, err := s.trainingStore().PPVisit(r.Context(), principal(r).User.ID, id, s.now())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	form := training.VisitLog{Notes: v.Notes, FollowUp: v.FollowUp, Mode: deref(v.Mode)}
	if v.VisitedOn != nil {
		form.Date = v.VisitedOn.Format("2006-01-02")
	}
	if typed != nil {
		form = *typed
	}
	s.render(w, r, status, trainingpage.Visit(s.baseHTMX(r, "training.visit.title"), trainingpage.VisitProps{Visit: v, Form: form, Errors: errs, Timezone: v.Timezone}))
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
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
func (s *Server) saveVisit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "visit")
	if !ok {
		s.notFound(w, r)
		return
	}
	var f visitForm
	if !s.decode(w, r, &f) {
		return
	}
	l := f.log()
	submit := f.Action == "kirim"
	if submit && f.Sure != "1" {
		_, errs := training.CheckVisitLog(l, true)
		errs["sure"] = "training.error.visit_sure"
		s.renderVisit(w, r, http.StatusUnprocessableEntity, &l, errs)
		return
	}
	errs, err := s.trainingStore().SaveVisit(r.Context(), actor(r), principal(r).User.ID, id, l, submit, s.now(), s.visitMail)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if len(errs) > 0 {
		s.renderVisit(w, r, http.StatusUnprocessableEntity, &l, errs)
		return
	}
	if submit {
		s.flash(r, "training.flash.visit_sent")
	} else {
		s.flash(r, "training.flash.visit_draft")
	}
	redirect(w, r, "/pendampingan/kunjungan/"+strconv.FormatInt(id, 10))
}

func (s *Server) visitMail(name, lang string) mail.Message {
	l := s.i18n.Localizer(lang)
	data := map[string]any{"Name": name, "URL": s.cfg.BaseURL + "/pelatihan/saya"}
	return mail.Message{Subject: l.T("training.mail.visit.subject"), Body: l.T("training.mail.visit.body", data)}
}

// autosaveVisit is the htmx autosave of a draft: it answers with the state line (422 when the
// draft cannot be stored as typed, so the phone keeps its copy).
func (s *Server) autosaveVisit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "visit")
	if !ok {
		s.notFound(w, r)
		return
	}
	var f visitForm
	if !s.decode(w, r, &f) {
		return
	}
	now := s.now()
	errs, err := s.trainingStore().SaveVisit(r.Context(), actor(r), principal(r).User.ID, id, f.log(), false, now, s.visitMail)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if len(errs) > 0 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return
	}
	v, err := s.trainingStore().PPVisit(r.Context(), principal(r).User.ID, id, now)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, trainingpage.VisitState(v.DraftSavedAt, v.Timezone))
}

// acknowledgeVisit records the CGP's acknowledgement and/or comment on a log of their own.
func (s *Server) acknowledgeVisit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "visit")
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		Ack     string `form:"ack"`
		Comment string `form:"comment"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if len([]rune(f.Comment)) > 2000 {
		s.clientError(w, r, http.StatusUnprocessableEntity, "training.error.comment_long")
		return
	}
	if err := s.trainingStore().AcknowledgeVisit(r.Context(), principal(r).User.ID, id, f.Ack == "1", f.Comment, s.now()); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.acknowledged")
	redirect(w, r, "/pelatihan/saya#kunjungan-"+strconv.FormatInt(id, 10))
}

// fasClasses lists the groups of the fasilitator's own classes.
func (s *Server) fasClasses(w http.ResponseWriter, r *http.Request) {
	gs, err := s.trainingStore().Classes(r.Context(), principal(r).User.ID)
	var ps []training.Progress
	if err == nil {
		ps, err = s.fasProgress(r)
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, trainingpage.Classes(s.base(r, "training.fas.title"), trainingpage.MentorProps{Groups: gs, Progress: ps}))
}

// addTrainingCards links each role to its training page: staff to the province pages, the PP to
// their mentees, the fasilitator to their classes, and a CGP in a confirmed group to it.
func (s *Server) addTrainingCards(r *http.Request, props *dashboard.Props) error {
	p := principal(r)
	for _, role := range []account.Role{account.RoleAdmin, account.RoleBGP, account.RoleDinas} {
		props.Add(role, dashboard.TrainingCard("training.dash.staff", "/pelatihan"))
	}
	props.Add(account.RolePengajarPraktik, dashboard.TrainingCard("training.dash.pp", "/pendampingan"))
	props.Add(account.RoleFasilitator, dashboard.TrainingCard("training.dash.fas", "/kelas"))
	if p.Has(account.RoleGuru) {
		gs, err := s.trainingStore().MyGroups(r.Context(), p.User.ID)
		if err != nil {
			return err
		}
		if len(gs) > 0 {
			props.Add(account.RoleGuru, dashboard.TrainingCard("training.dash.mine", "/pelatihan/saya"))
		}
	}
	return nil
}

// trainingSchedule schedules or moves a lokakarya of a kab/kota (time typed in its own zone) and
// mails the CGPs and PPs of its confirmed groups.
func (s *Server) trainingSchedule(w http.ResponseWriter, r *http.Request) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		Regency string `form:"lk-regency"`
		Number  string `form:"lk-number"`
		Date    string `form:"lk-date"`
		Time    string `form:"lk-time"`
		Place   string `form:"lk-place"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	form := trainingpage.LokakaryaForm{Regency: f.Regency, Number: f.Number, Date: f.Date, Time: f.Time, Place: f.Place}
	ctx := r.Context()
	st, err := s.trainingStore().Settings(ctx, id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	pv, err := s.regions.Province(ctx, prov)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	in, errs := training.ParseLokakarya(f.Regency, f.Number, f.Date, f.Time, f.Place, pv.Timezone, st.LokakaryaCount)
	if len(errs) == 0 && in.Regency[:2] != prov {
		errs["regency"] = "training.error.regency"
	}
	if len(errs) > 0 {
		form.Errors = errs
		s.renderProvince(w, r, http.StatusUnprocessableEntity, trainingpage.ProvinceProps{Schedule: form})
		return
	}
	compose := func(m training.LokakaryaMail) mail.Message {
		l := s.i18n.Localizer(m.Lang)
		key := "training.mail.lokakarya"
		if m.Moved {
			key = "training.mail.lokakarya_moved"
		}
		data := map[string]any{"Name": m.Name, "N": strconv.Itoa(m.Number), "When": region.InZone(m.StartsAt, m.Timezone).Format("02-01-2006 15:04") + " " + m.Timezone,
			"Place": m.Place, "Regency": m.Regency, "URL": s.cfg.BaseURL + "/pelatihan/saya"}
		return mail.Message{Subject: l.T(key+".subject", data), Body: l.T(key+".body", data)}
	}
	if _, err := s.trainingStore().ScheduleLokakarya(ctx, actor(r), bgpScope(principal(r)), id, in, compose); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.lokakarya")
	redirect(w, r, "/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov+"#lokakarya")
}

func recorder(p *account.Principal) training.Recorder {
	return training.Recorder{UserID: p.User.ID, BGPProvinces: bgpScope(p).Provinces}
}

// attendancePage is the lokakarya's attendance list: the PP's own mentees, or every CGP of the
// kab/kota for the province's BGP; anyone else 404.
func (s *Server) attendancePage(w http.ResponseWriter, r *http.Request) {
	s.renderAttendance(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderAttendance(w http.ResponseWriter, r *http.Request, status int, typed map[int64]training.AttendanceEntry, errs map[int64]string) {
	id, ok := pathInt(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	l, rows, err := s.trainingStore().AttendanceSheet(r.Context(), recorder(principal(r)), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, status, trainingpage.Attendance(s.base(r, "training.attendance.title"),
		trainingpage.AttendanceProps{Lokakarya: l, Rows: rows, Typed: typed, Errors: errs}))
}

// saveAttendance records the list (all or nothing); izin needs a reason.
func (s *Server) saveAttendance(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	var none struct{}
	if !s.decode(w, r, &none) {
		return
	}
	var es []training.AttendanceEntry
	typed := map[int64]training.AttendanceEntry{}
	for k, v := range r.PostForm {
		pidText, found := strings.CutPrefix(k, "status-")
		pid := parseID(pidText)
		if !found || pid == 0 || len(v) == 0 {
			continue
		}
		e := training.AttendanceEntry{ParticipantID: pid, Status: v[0], Reason: r.PostForm.Get("reason-" + pidText)}
		es = append(es, e)
		typed[pid] = e
	}
	if errs := training.CheckAttendance(es); len(errs) > 0 {
		s.renderAttendance(w, r, http.StatusUnprocessableEntity, typed, errs)
		return
	}
	if err := s.trainingStore().SaveAttendance(r.Context(), actor(r), recorder(principal(r)), id, es); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.attendance")
	redirect(w, r, "/lokakarya/"+strconv.FormatInt(id, 10)+"/presensi")
}

// maxProgressImport is the largest LMS export accepted (bytes).
const maxProgressImport = 2 << 20

func (s *Server) fasProgress(r *http.Request) ([]training.Progress, error) {
	return s.trainingStore().ClassProgress(r.Context(), principal(r).User.ID)
}

// progressPage shows the modules of one CGP of the fasilitator's classes; anyone else's 404.
func (s *Server) progressPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "participant")
	if !ok {
		s.notFound(w, r)
		return
	}
	ps, err := s.fasProgress(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	for _, p := range ps {
		if p.ParticipantID == id {
			score, err := s.trainingStore().Assessment(r.Context(), id, "fasilitator")
			var st training.Settings
			if err == nil {
				st, err = s.trainingStore().SettingsOf(r.Context(), id)
			}
			if err != nil {
				s.serveError(w, r, err)
				return
			}
			s.render(w, r, http.StatusOK, trainingpage.ProgressForm(s.base(r, "training.fas.title"),
				trainingpage.ProgressProps{Progress: p, Score: score, Pass: st.AssessmentPass}))
			return
		}
	}
	s.notFound(w, r)
}

// saveProgress records the ticked modules of one CGP (the others are not done).
func (s *Server) saveProgress(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "participant")
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		Modules []int `form:"modul"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	ps, err := s.fasProgress(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	var items []training.ProgressItem
	for _, p := range ps {
		if p.ParticipantID != id {
			continue
		}
		done := map[int]bool{}
		for _, m := range f.Modules {
			done[m] = true
		}
		for m := 1; m <= p.Modules; m++ {
			items = append(items, training.ProgressItem{ParticipantID: id, Module: m, Done: done[m]})
		}
	}
	if len(items) == 0 {
		s.notFound(w, r)
		return
	}
	if err := s.trainingStore().ApplyProgress(r.Context(), actor(r), principal(r).User.ID, items, "manual"); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.progress")
	redirect(w, r, "/kelas")
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, trainingpage.Import(s.base(r, "training.import.title"), trainingpage.ImportProps{}))
}

// importPreview reads an LMS export (CSV or XLSX, by content), matches each row to a CGP of the
// fasilitator's classes by email or NUPTK, and shows the preview or every row's problem.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	show := func(status int, p trainingpage.ImportProps) {
		s.render(w, r, status, trainingpage.Import(s.base(r, "training.import.title"), p))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxProgressImport+1<<20)
	if err := r.ParseMultipartForm(maxProgressImport + 1<<20); err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, fh, err := r.FormFile("file")
	if err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxProgressImport+1))
	if err != nil || len(data) > maxProgressImport {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.too_big"})
		return
	}
	raw, err := cohort.ReadFile(fh.Filename, data)
	if err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return
	}
	if len(raw) > training.MaxProgressRows { // the reader stops after its own row limit
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.too_many"})
		return
	}
	ps, err := s.fasProgress(r)
	if err != nil || len(ps) == 0 {
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.no_class"})
		return
	}
	maxModules := 0
	for _, p := range ps {
		maxModules = max(maxModules, p.Modules)
	}
	rows, errs := training.ParseProgress(raw, maxModules)
	matched, unknown, err := s.trainingStore().MatchProgress(r.Context(), principal(r).User.ID, rows)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	errs = append(errs, unknown...)
	slices.SortFunc(errs, func(a, b training.RowError) int { return a.Line - b.Line })
	if len(errs) > 0 {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{Rows: matched, Errors: errs})
		return
	}
	show(http.StatusOK, trainingpage.ImportProps{Rows: matched, Items: training.EncodeItems(matched)})
}

// importCommit applies a previewed import, all or nothing (checked again against the classes).
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Items string `form:"items"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	items, ok := training.DecodeItems(f.Items)
	if !ok {
		s.clientError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	if err := s.trainingStore().ApplyProgress(r.Context(), actor(r), principal(r).User.ID, items, "impor"); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.imported")
	redirect(w, r, "/kelas")
}

// recordAssessment stores the final assessment of the PP (of their mentee) or the fasilitator
// (of a CGP in their class); anyone else's CGP is 404.
func (s *Server) recordAssessment(role, back string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathInt(r, "participant")
		if !ok {
			s.notFound(w, r)
			return
		}
		var f struct {
			Score string `form:"score"`
		}
		if !s.decode(w, r, &f) {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(f.Score))
		if err != nil || n < 0 || n > 100 {
			s.clientError(w, r, http.StatusUnprocessableEntity, "training.error.score")
			return
		}
		if err := s.trainingStore().RecordAssessment(r.Context(), actor(r), principal(r).User.ID, role, id, n); err != nil {
			s.serveError(w, r, err)
			return
		}
		s.flash(r, "training.flash.assessed")
		redirect(w, r, back+strconv.FormatInt(id, 10))
	}
}

// graduationPage lists the province's CGPs with their unmet completion rules (staff in scope;
// the BGP of the province decides).
func (s *Server) graduationPage(w http.ResponseWriter, r *http.Request) {
	s.renderGraduation(w, r, http.StatusOK, trainingpage.GraduationProps{})
}

func (s *Server) renderGraduation(w http.ResponseWriter, r *http.Request, status int, p trainingpage.GraduationProps) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	pr := principal(r)
	v, err := s.trainingStore().Province(r.Context(), trainingScope(pr), id, prov)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	p.CohortID, p.ProvinceCode = id, prov
	p.CanEdit = v.CohortStatus == "pendidikan" && containsString(bgpScope(pr).Provinces, prov)
	p.Certificates = certScope(pr).National || containsString(certScope(pr).Provinces, prov)
	if p.Settings, p.Rows, err = s.trainingStore().Completion(r.Context(), trainingScope(pr), id, prov, s.now()); err != nil {
		s.serveError(w, r, err)
		return
	}
	for _, c := range p.Rows {
		if c.Status == "aktif" && c.Outcome == nil && len(c.Unmet) == 0 {
			p.Eligible++
		}
	}
	s.render(w, r, status, trainingpage.Graduation(s.base(r, "training.grad.title"), p))
}

// decideGraduation records lulus / tidak lulus (with a reason) for one CGP, lulus for every
// eligible CGP at once (checkbox), or a withdrawal (with a reason).
func (s *Server) decideGraduation(w http.ResponseWriter, r *http.Request) {
	id, prov, ok := trainingPath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		Participant string `form:"participant"`
		Outcome     string `form:"outcome"`
		Reason      string `form:"reason"`
		All         string `form:"all"`
		Sure        string `form:"sure"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	ctx, sc, pid := r.Context(), bgpScope(principal(r)), parseID(f.Participant)
	fail := func(formID int64, problems ...string) {
		s.renderGraduation(w, r, http.StatusUnprocessableEntity, trainingpage.GraduationProps{FormID: formID, Reason: f.Reason, Problems: problems})
	}
	var err error
	switch {
	case f.All == "1":
		if f.Sure != "1" {
			fail(0, "training.error.sure")
			return
		}
		var ids []int64
		if ids, err = s.trainingStore().Eligible(ctx, sc, id, prov, s.now()); err == nil {
			_, err = s.trainingStore().Decide(ctx, actor(r), sc, ids, training.Decision{Outcome: "lulus"}, s.now(), s.graduationMail)
		}
	case pid == 0:
		s.clientError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	case f.Outcome == "mundur":
		err = s.trainingStore().Withdraw(ctx, actor(r), sc, pid, f.Reason, s.now())
	default:
		_, err = s.trainingStore().Decide(ctx, actor(r), sc, []int64{pid}, training.Decision{Outcome: f.Outcome, Reason: f.Reason}, s.now(), s.graduationMail)
	}
	var pe *training.ProblemError
	switch {
	case errors.As(err, &pe):
		formID := pid
		if f.All == "1" {
			formID = 0
		}
		fail(formID, pe.Problems...)
		return
	case err != nil:
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.decided")
	redirect(w, r, "/pelatihan/"+strconv.FormatInt(id, 10)+"/"+prov+"/kelulusan")
}

func (s *Server) graduationMail(m training.GraduationMail) mail.Message {
	if m.Outcome == "lulus" {
		return s.certificateMail(m) // with the certificate (training_certificates.go)
	}
	l := s.i18n.Localizer(m.Lang)
	data := map[string]any{"Name": m.Name, "Cohort": m.Cohort, "Reason": m.Reason}
	return mail.Message{Subject: l.T("training.mail."+m.Outcome+".subject", data), Body: l.T("training.mail."+m.Outcome+".body", data)}
}
