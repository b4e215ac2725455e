package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/selection"
	"penggerak/internal/storage"
	"penggerak/web/i18n"
	"penggerak/web/layout"
	"penggerak/web/pages/dashboard"
	selectionpage "penggerak/web/pages/selection"
)

// maxPakta bounds the Pakta Integritas upload. Every deadline of the selection (sheet due days,
// tahap 2 due hours, confirmation days, appeal window) is the cohort's configuration
// (selection.Program), never a constant here.
const maxPakta = selection.MaxPakta

func (s *Server) sel() *selection.Store { return selection.NewStore(s.db).WithLetter(s.letter) }

func (s *Server) stageParam(w http.ResponseWriter, r *http.Request) (selection.Stage, bool) {
	st := selection.Stage(chi.URLParam(r, "stage"))
	if !st.Valid() {
		s.notFound(w, r)
		return "", false
	}
	return st, true
}

// selectionHome lists cohorts for the national admin.
func (s *Server) selectionHome(w http.ResponseWriter, r *http.Request) {
	cs, err := s.sel().Cohorts(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, selectionpage.Home(s.base(r, "selection.home.title"), cs))
}

// selectionCohort is a cohort's selection overview: rubrics, assignment, runs.
func (s *Server) selectionCohort(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return
	}
	s.renderSelectionCohort(w, r, http.StatusOK, id, func(*selectionpage.CohortProps) {})
}

// renderSelectionCohort renders a cohort's selection overview with status; change fills in a
// refused run form.
func (s *Server) renderSelectionCohort(w http.ResponseWriter, r *http.Request, status int, id int64, change func(*selectionpage.CohortProps)) {
	ctx := r.Context()
	c, err := s.sel().Cohort(ctx, id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	p := selectionpage.CohortProps{Cohort: c, Rubrics: map[selection.Stage]bool{}}
	for _, st := range selection.Stages {
		_, err := s.sel().LoadRubric(ctx, id, st)
		p.Rubrics[st] = err == nil
	}
	if p.Runs, err = s.sel().CohortRuns(ctx, id); err != nil {
		s.serveError(w, r, err)
		return
	}
	change(&p)
	s.render(w, r, status, selectionpage.Cohort(s.base(r, "selection.cohort.title"), p))
}

// remindersPage shows a cohort's reminder offsets.
func (s *Server) remindersPage(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		return err
	}
	rem, err := s.sel().CohortReminders(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.Reminders(s.base(r, "selection.reminders.title"), selectionpage.RemindersProps{Cohort: c, Form: selection.FormOf(rem)}))
	return nil
}

// saveReminders stores a cohort's reminder offsets; a refused form re-renders with what was typed.
func (s *Server) saveReminders(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		return err
	}
	var f selection.ReminderForm
	if !s.decode(w, r, &f) {
		return nil
	}
	rem, errs := f.Parse()
	if errs != nil {
		s.render(w, r, http.StatusUnprocessableEntity, selectionpage.Reminders(s.base(r, "selection.reminders.title"),
			selectionpage.RemindersProps{Cohort: c, Form: f, Errors: errs}))
		return nil
	}
	if err := s.sel().SaveReminders(r.Context(), actor(r), id, rem); err != nil {
		return err
	}
	s.flash(r, "selection.reminders.saved")
	redirect(w, r, "/admin/seleksi/"+strconv.FormatInt(id, 10))
	return nil
}

// rubricPage shows the rubric form of a cohort's stage.
func (s *Server) rubricPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "cohort")
	st, ok2 := s.stageParam(w, r)
	if !ok || !ok2 {
		return
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	p := selectionpage.RubricProps{Cohort: c, Stage: st, Form: selection.RubricForm{PassingGrade: "60", Threshold: "15"}}
	if sr, err := s.sel().LoadRubric(r.Context(), id, st); err == nil {
		p.Form = selection.RubricForm{PassingGrade: strconv.FormatFloat(sr.Rubric.PassingGrade, 'f', -1, 64),
			Threshold: strconv.FormatFloat(sr.Rubric.Threshold, 'f', -1, 64), AvoidSameRegency: sr.AvoidSameRegency,
			Criteria: selection.CriteriaText(sr.Rubric.Criteria)}
	}
	s.render(w, r, http.StatusOK, selectionpage.RubricPage(s.rubricBase(r, c, st), p))
}

// saveRubric stores a rubric (national admin only).
func (s *Server) saveRubric(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "cohort")
	st, ok2 := s.stageParam(w, r)
	if !ok || !ok2 {
		return
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	var f selection.RubricForm
	if !s.decode(w, r, &f) {
		return
	}
	rub, errs := f.Parse()
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, selectionpage.RubricPage(s.rubricBase(r, c, st),
			selectionpage.RubricProps{Cohort: c, Stage: st, Form: f, Errors: errs}))
		return
	}
	if err := s.sel().SaveRubric(r.Context(), actor(r), id, st, rub, f.AvoidSameRegency); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.rubric.saved")
	redirect(w, r, "/admin/seleksi/"+strconv.FormatInt(id, 10))
}

// autoAssign assigns two assessors to every eligible application of a stage.
func (s *Server) autoAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "cohort")
	st, ok2 := s.stageParam(w, r)
	if !ok || !ok2 {
		return
	}
	if _, err := s.sel().AutoAssign(r.Context(), actor(r), id, st, s.now()); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.assign.done")
	redirect(w, r, "/admin/seleksi/"+strconv.FormatInt(id, 10)+"/beban")
}

// workload shows each assessor's assigned, done and overdue sheets, and the sheets to reassign.
func (s *Server) workload(w http.ResponseWriter, r *http.Request) {
	if err := s.renderWorkload(w, r, http.StatusOK, func(*selectionpage.WorkloadProps) {}); err != nil {
		s.serveError(w, r, err)
	}
}

// renderWorkload renders a cohort's workload page; change fills in the bulk move's form or result.
func (s *Server) renderWorkload(w http.ResponseWriter, r *http.Request, status int, change func(*selectionpage.WorkloadProps)) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	ctx := r.Context()
	c, err := s.sel().Cohort(ctx, id)
	if err != nil {
		return err
	}
	p := selectionpage.WorkloadProps{Cohort: c}
	if p.Workloads, err = s.sel().Workloads(ctx, id, s.now()); err != nil {
		return err
	}
	if p.Sheets, err = s.sel().CohortSheets(ctx, id); err != nil {
		return err
	}
	if p.Regencies, err = s.applications.TargetRegencies(ctx, id); err != nil {
		return err
	}
	change(&p)
	s.render(w, r, status, selectionpage.Workload(s.base(r, "selection.workload.title"), p))
	return nil
}

// moveSheets moves every unstarted tahap 1 sheet of one assessor (optionally one kab/kota) to
// another at once; a refused form re-renders the workload page with what was chosen.
func (s *Server) moveSheets(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	var f selectionpage.MoveForm
	if !s.decode(w, r, &f) {
		return nil
	}
	errs := map[string]string{}
	from, err1 := strconv.ParseInt(f.From, 10, 64)
	to, err2 := strconv.ParseInt(f.To, 10, 64)
	if err1 != nil || from <= 0 {
		errs["from"] = "verval.move.error.from"
	}
	switch {
	case err2 != nil || to <= 0:
		errs["to"] = "verval.move.error.to"
	case to == from:
		errs["to"] = "verval.move.error.same"
	}
	if len(f.Regency) > 5 {
		errs["regency"] = "verval.move.error.regency"
	}
	if len(errs) == 0 {
		res, err := s.sel().ReassignSheets(r.Context(), actor(r), id, from, to, f.Regency)
		switch {
		case errors.Is(err, database.ErrConflict):
			errs["to"] = "verval.move.error.to"
		case err != nil:
			return err
		default:
			return s.renderWorkload(w, r, http.StatusOK, func(p *selectionpage.WorkloadProps) { p.Moved = &res })
		}
	}
	return s.renderWorkload(w, r, http.StatusUnprocessableEntity, func(p *selectionpage.WorkloadProps) { p.Move, p.MoveErrors = f, errs })
}

// reassign moves an unsubmitted sheet to another assessor.
func (s *Server) reassign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "sheet")
	if !ok {
		return
	}
	var f struct {
		Assessor int64  `form:"assessor"`
		Back     string `form:"back"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if err := s.sel().Reassign(r.Context(), actor(r), id, f.Assessor); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.assign.moved")
	redirect(w, r, safeNext(f.Back, "/admin/seleksi"))
}

// createRun computes a result run (a correction when a run is already published).
func (s *Server) createRun(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return
	}
	var f struct {
		Corrects int64  `form:"corrects"`
		Reason   string `form:"reason"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	run, err := s.sel().CreateRun(r.Context(), actor(r), id, f.Corrects, f.Reason)
	switch {
	case errors.Is(err, selection.ErrCorrection):
		errs := map[string]string{}
		if f.Corrects == 0 {
			errs["corrects"] = "selection.run.error.corrects"
		}
		if len(strings.TrimSpace(f.Reason)) < 5 {
			errs["reason"] = "selection.run.error.reason"
		}
		s.renderSelectionCohort(w, r, http.StatusUnprocessableEntity, id, func(p *selectionpage.CohortProps) {
			p.Corrects, p.Reason, p.Errors, p.Problem = f.Corrects, f.Reason, errs, "form.has_errors"
		})
		return
	case errors.Is(err, selection.ErrScoringPending):
		pending, _ := selection.AsPending(err)
		s.renderSelectionCohort(w, r, http.StatusConflict, id, func(p *selectionpage.CohortProps) {
			p.Corrects, p.Reason, p.Problem, p.Pending = f.Corrects, f.Reason, "selection.error.scoring_pending", pending
		})
		return
	case err != nil:
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.run.created_flash")
	redirect(w, r, "/seleksi/hasil/"+strconv.FormatInt(run, 10))
}

// publishRun publishes a run (with an override reason when provinces have not signed off).
func (s *Server) publishRun(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return
	}
	var f struct {
		Override string `form:"override"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	// Publication mails every applicant and cannot be undone: it needs the ticked confirmation.
	if !confirmed(r) {
		s.renderRun(w, r, http.StatusUnprocessableEntity, id, func(p *selectionpage.RunProps) {
			p.PublishError, p.Override = "selection.publish.confirm_required", f.Override
		})
		return
	}
	prog, err := s.sel().RunProgram(r.Context(), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	err = s.sel().Publish(r.Context(), actor(r), id, f.Override, prog.ConfirmBy(s.now()), s.cfg.BaseURL)
	if errors.Is(err, selection.ErrNeedsSignOff) {
		s.flash(r, "selection.publish.needs_signoff")
		redirect(w, r, "/seleksi/hasil/"+strconv.FormatInt(id, 10))
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.publish.done")
	redirect(w, r, "/seleksi/hasil/"+strconv.FormatInt(id, 10))
}

// regionFilter is the principal's region limit for results: national for the admin, provinces
// for BGP, kab/kota or provinces for Dinas; Dinas alone sees published runs only.
func regionFilter(p *account.Principal) (selection.RegionFilter, bool) {
	var f selection.RegionFilter
	if p.Has(account.RoleAdmin) {
		return selection.RegionFilter{National: true}, false
	}
	for _, sc := range p.Scopes(account.RoleBGP) {
		f.Provinces = append(f.Provinces, sc.ProvinceCode)
	}
	publishedOnly := len(f.Provinces) == 0
	for _, sc := range p.Scopes(account.RoleDinas) {
		if sc.RegencyCode != "" {
			f.Regencies = append(f.Regencies, sc.RegencyCode)
		} else {
			f.Provinces = append(f.Provinces, sc.ProvinceCode)
		}
	}
	if f.Provinces == nil {
		f.Provinces = []string{}
	}
	if f.Regencies == nil {
		f.Regencies = []string{}
	}
	return f, publishedOnly
}

// runsPage lists result runs (Dinas: published only).
func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	_, publishedOnly := regionFilter(principal(r))
	runs, err := s.sel().Runs(r.Context(), publishedOnly)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, selectionpage.Runs(s.base(r, "selection.runs.title"), runs))
}

// runPage shows a run limited to the viewer's region: counts against quota, distribution,
// table, sign-offs; BGP can sign off their province; the admin can publish.
func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return
	}
	s.renderRun(w, r, http.StatusOK, id, func(*selectionpage.RunProps) {})
}

// renderRun renders a result run's page; change sets what a refused form needs shown.
func (s *Server) renderRun(w http.ResponseWriter, r *http.Request, status int, id int64, change func(*selectionpage.RunProps)) {
	p := principal(r)
	f, publishedOnly := regionFilter(p)
	page, _ := strconv.Atoi(r.URL.Query().Get("hal"))
	v, err := s.sel().LoadRun(r.Context(), id, f, publishedOnly, r.URL.Query().Get("periksa") == "1", page)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	provs, err := s.regions.Provinces(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	props := selectionpage.RunProps{View: v, Admin: p.Has(account.RoleAdmin), ProvinceNames: map[string]string{}}
	for _, pr := range provs {
		props.ProvinceNames[pr.Code] = pr.Name
	}
	for _, sc := range p.Scopes(account.RoleBGP) {
		for _, pc := range v.Provinces {
			if pc == sc.ProvinceCode && v.Run.PublishedAt == nil {
				props.CanSign = append(props.CanSign, pc)
			}
		}
	}
	if err := s.loadObjections(r, &props, f); err != nil {
		s.serveError(w, r, err)
		return
	}
	change(&props)
	s.render(w, r, status, selectionpage.Run(s.base(r, "selection.run.title"), props))
}

// signOffRun records a BGP sign-off of one of their provinces.
func (s *Server) signOffRun(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return
	}
	if s.askConfirm(w, r, "selection.signoff.submit", "selection.signoff.confirm_hint", "/seleksi/hasil/"+strconv.FormatInt(id, 10)) {
		return
	}
	var f struct {
		Province string `form:"province"`
		Comment  string `form:"comment"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	allowed := false
	for _, sc := range principal(r).Scopes(account.RoleBGP) {
		allowed = allowed || (sc.ProvinceCode != "" && sc.ProvinceCode == f.Province)
	}
	if !allowed {
		s.forbidden(w, r)
		return
	}
	if len(f.Comment) > 2000 {
		s.clientError(w, r, http.StatusUnprocessableEntity, "selection.error.note")
		return
	}
	if err := s.sel().SignOffRun(r.Context(), actor(r), id, f.Province, f.Comment); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.signoff.done")
	redirect(w, r, "/seleksi/hasil/"+strconv.FormatInt(id, 10))
}

// assessorSheets lists the assessor's own sheets.
func (s *Server) assessorSheets(w http.ResponseWriter, r *http.Request) {
	sheets, err := s.sel().AssessorSheets(r.Context(), principal(r).User.ID)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, selectionpage.Sheets(s.base(r, "selection.sheets.title"), sheets, s.now()))
}

// sheetPage shows the scoring page of one of the assessor's sheets.
func (s *Server) sheetPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "sheet")
	if !ok {
		return
	}
	v, err := s.sel().Sheet(r.Context(), principal(r).User.ID, id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, selectionpage.SheetPage(s.base(r, "selection.sheet.title"), selectionpage.SheetProps{View: v, Form: formFromItems(v.Items)}))
}

func formFromItems(items []selection.ScoreItem) selection.SheetForm {
	var f selection.SheetForm
	for _, it := range items {
		sc := ""
		if it.Score != nil {
			sc = strconv.Itoa(*it.Score)
		}
		f.Scores, f.Notes = append(f.Scores, sc), append(f.Notes, it.Note)
	}
	return f
}

// saveSheet saves a draft or submits the assessor's scores.
func (s *Server) saveSheet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "sheet")
	if !ok {
		return
	}
	uid := principal(r).User.ID
	v, err := s.sel().Sheet(r.Context(), uid, id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	var f selection.SheetForm
	if !s.decode(w, r, &f) {
		return
	}
	items, errs := f.Parse(v.Rubric)
	// Sending the scores locks the sheet: it needs the ticked confirmation (a draft does not).
	if f.Submit && !confirmed(r) {
		errs["confirm-sheet"] = "selection.sheet.confirm_required"
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, selectionpage.SheetPage(s.base(r, "selection.sheet.title"),
			selectionpage.SheetProps{View: v, Form: f, Errors: errs}))
		return
	}
	if _, err := s.sel().SaveSheet(r.Context(), actor(r), uid, id, items, f.Submit, s.now()); err != nil {
		s.serveError(w, r, err)
		return
	}
	key := "selection.sheet.saved"
	if f.Submit {
		key = "selection.sheet.submitted"
	}
	s.flash(r, key)
	redirect(w, r, "/asesor/penilaian/"+strconv.FormatInt(id, 10))
}

// myResult shows the applicant's published results with the full breakdown and pembekalan.
func (s *Server) myResult(w http.ResponseWriter, r *http.Request) {
	s.renderMyResult(w, r, http.StatusOK, nil)
}

// renderMyResult renders the results page with status and the errors of a refused seat action.
func (s *Server) renderMyResult(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) {
	s.renderMyResultWith(w, r, status, errs, selectionpage.AppealInput{}, nil)
}

// renderMyResultWith renders the results page with a refused appeal form as typed and its errors.
func (s *Server) renderMyResultWith(w http.ResponseWriter, r *http.Request, status int, errs map[string]string,
	appeal selectionpage.AppealInput, appealErrs map[string]string) {
	uid := principal(r).User.ID
	bs, err := s.sel().MyResults(r.Context(), uid)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	slots, err := s.sel().MySlots(r.Context(), uid)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, status, selectionpage.MyResult(s.base(r, "selection.my.title"), bs, slots, s.now(), errs,
		selectionpage.MyAppeal{Input: appeal, Errors: appealErrs}))
}

// confirmSeat confirms participation with the signed Pakta Integritas (PDF).
func (s *Server) confirmSeat(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "seat")
	if !ok {
		return
	}
	if err := s.sel().CheckSeat(r.Context(), principal(r).User.ID, id); err != nil {
		s.serveError(w, r, err)
		return
	}
	refused := func(status int) {
		s.renderMyResult(w, r, status, map[string]string{"pakta-" + strconv.FormatInt(id, 10): "selection.error.pakta"})
	}
	sp, _, err := receiveUpload(r, "pakta", maxPakta)
	switch {
	case errors.Is(err, storage.ErrTooBig):
		refused(http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		refused(http.StatusUnprocessableEntity)
		return
	}
	defer sp.Close()
	pdf, err := io.ReadAll(sp.Reader()) // at most maxPakta, checked while it arrived
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	err = s.sel().Confirm(r.Context(), actor(r), principal(r).User.ID, id, pdf, s.files, s.now())
	if errors.Is(err, selection.ErrNotPDF) {
		refused(http.StatusUnprocessableEntity)
		return
	}
	if errors.Is(err, selection.ErrPaktaTooBig) {
		s.clientError(w, r, http.StatusRequestEntityTooLarge, "selection.error.pakta")
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.seat.confirmed")
	redirect(w, r, "/seleksi/saya")
}

// declineSeat gives up the applicant's seat.
func (s *Server) declineSeat(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "seat")
	if !ok {
		return
	}
	if err := s.sel().CheckSeat(r.Context(), principal(r).User.ID, id); err != nil {
		s.serveError(w, r, err)
		return
	}
	var f struct {
		Sure bool `form:"yakin"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if !f.Sure { // withdrawing gives the seat away for good: one stray tap must not do it
		s.renderMyResult(w, r, http.StatusUnprocessableEntity, map[string]string{"decline-" + strconv.FormatInt(id, 10): "selection.seat.decline_unsure"})
		return
	}
	now := s.now()
	if err := s.sel().Decline(r.Context(), actor(r), principal(r).User.ID, id, now, s.cfg.BaseURL); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.seat.declined")
	redirect(w, r, "/seleksi/saya")
}

// seatsPage lists a run's pembekalan seats for the admin.
func (s *Server) seatsPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return
	}
	seats, err := s.sel().Seats(r.Context(), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, selectionpage.Seats(s.base(r, "selection.seats.title"), id, seats))
}

// expireSeats frees seats past their deadline and moves up cadangan.
func (s *Server) expireSeats(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return
	}
	if s.askConfirm(w, r, "selection.seats.expire", "selection.seats.expire_hint", "/admin/seleksi/hasil/"+strconv.FormatInt(id, 10)+"/pembekalan") {
		return
	}
	now := s.now()
	if _, err := s.sel().ExpireOverdue(r.Context(), actor(r), now, s.cfg.BaseURL); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.seats.expired")
	redirect(w, r, "/admin/seleksi/hasil/"+strconv.FormatInt(id, 10)+"/pembekalan")
}

// attendSeat records briefing attendance: the applicant becomes a CGP of the cohort.
func (s *Server) attendSeat(w http.ResponseWriter, r *http.Request) {
	s.recordBriefing(w, r, s.sel().RecordAttendance, "selection.seats.attended")
}

// absentSeat records that a confirmed participant did not attend the briefing.
func (s *Server) absentSeat(w http.ResponseWriter, r *http.Request) {
	// Absent means the participant does not become a CGP: a confirmation page first.
	if s.askConfirm(w, r, "selection.seats.absent_heading", "selection.seats.absent_hint", "/admin/seleksi/hasil/"+chi.URLParam(r, "run")+"/pembekalan") {
		return
	}
	s.recordBriefing(w, r, s.sel().RecordAbsence, "selection.seats.absent_recorded")
}

// recordBriefing records attendance or absence for the seat of the run in the URL.
func (s *Server) recordBriefing(w http.ResponseWriter, r *http.Request,
	record func(context.Context, audit.Actor, int64, int64, time.Time) error, flashKey string) {
	run, ok := s.idParam(w, r, "run")
	seat, ok2 := s.idParam(w, r, "seat")
	if !ok || !ok2 {
		return
	}
	if err := record(r.Context(), actor(r), run, seat, s.now()); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, flashKey)
	redirect(w, r, "/admin/seleksi/hasil/"+strconv.FormatInt(run, 10)+"/pembekalan")
}

// schedulePage shows the tahap 2 scheduling form and the cohort's sessions.
func (s *Server) schedulePage(w http.ResponseWriter, r *http.Request) {
	s.renderSchedule(w, r, http.StatusOK, selection.ScheduleForm{DayStart: "08:00", DayEnd: "16:00", Minutes: "75", Break: "15", Mode: "daring"}, nil)
}

func (s *Server) renderSchedule(w http.ResponseWriter, r *http.Request, status int, f selection.ScheduleForm, errs map[string]string) {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	slots, err := s.sel().CohortSlots(r.Context(), id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, status, selectionpage.Schedule(s.base(r, "selection.schedule.title"),
		selectionpage.ScheduleProps{Cohort: c, Form: f, Errors: errs, Slots: slots}))
}

// scheduleTahap2 plans sessions for everyone who passed tahap 1.
func (s *Server) scheduleTahap2(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return
	}
	var f selection.ScheduleForm
	if !s.decode(w, r, &f) {
		return
	}
	win, errs := f.Parse()
	if len(errs) > 0 {
		s.renderSchedule(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	if _, err := s.sel().ScheduleTahap2(r.Context(), actor(r), id, win, f.Mode, f.Location); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.schedule.done")
	redirect(w, r, "/admin/seleksi/"+strconv.FormatInt(id, 10)+"/jadwal")
}

// approveReschedule moves a session to the new time the admin picked (WIB).
func (s *Server) approveReschedule(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "slot")
	if !ok {
		return
	}
	var f struct {
		Start string `form:"start"` // YYYY-MM-DDTHH:MM (datetime-local), WIB
		Back  string `form:"back"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	start, err := time.ParseInLocation("2006-01-02T15:04", f.Start, time.FixedZone("WIB", 7*3600))
	if err != nil || start.Before(s.now()) {
		s.clientError(w, r, http.StatusUnprocessableEntity, "selection.error.new_time")
		return
	}
	if err := s.sel().ApproveReschedule(r.Context(), actor(r), id, start); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.schedule.moved")
	redirect(w, r, safeNext(f.Back, "/admin/seleksi"))
}

// markSlot records attendance or a no-show.
func (s *Server) markSlot(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "slot")
	if !ok {
		return
	}
	var f struct {
		Status string `form:"status"`
		Back   string `form:"back"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if err := s.sel().MarkSlot(r.Context(), actor(r), id, f.Status); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.schedule.marked")
	redirect(w, r, safeNext(f.Back, "/admin/seleksi"))
}

// requestReschedule records the applicant's one request to move their session.
func (s *Server) requestReschedule(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "slot")
	if !ok {
		return
	}
	var f struct {
		Reason string `form:"reason"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if n := len([]rune(strings.TrimSpace(f.Reason))); n < 5 || n > 1000 {
		s.clientError(w, r, http.StatusUnprocessableEntity, "selection.error.reason")
		return
	}
	if err := s.sel().RequestReschedule(r.Context(), actor(r), principal(r).User.ID, id, f.Reason, s.now()); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "selection.schedule.requested")
	redirect(w, r, "/seleksi/saya")
}

// sheetDocument serves a PDF of the application on one of the assessor's own sheets, as an
// attachment.
func (s *Server) sheetDocument(w http.ResponseWriter, r *http.Request) {
	sheet, ok := s.idParam(w, r, "sheet")
	if !ok {
		return
	}
	doc, ok := s.idParam(w, r, "doc")
	if !ok {
		return
	}
	f, err := s.sel().SheetDocumentFile(r.Context(), principal(r).User.ID, sheet, doc)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.serveFile(w, r, "applications/"+path.Base(f.StorageName), "dokumen-"+strconv.FormatInt(doc, 10)+".pdf")
}

// addSelectionCards adds the selection's cards to the dashboard: open sheets for assessors,
// result review for BGP and Dinas, the selection overview for the admin, and the applicant's
// result page for teachers who have a published result or a tahap 2 session.
func (s *Server) addSelectionCards(r *http.Request, props *dashboard.Props) error {
	p := principal(r)
	ctx := r.Context()
	if p.Has(account.RoleAsesor) {
		n, err := s.sel().OpenSheetCount(ctx, p.User.ID)
		if err != nil {
			return err
		}
		props.Add(account.RoleAsesor, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.open_sheets", Count: n, Href: "/asesor/penilaian", LinkKey: "selection.sheets.title"}))
	}
	props.Add(account.RoleAdmin, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.admin", Count: -1, Href: "/admin/seleksi", LinkKey: "selection.home.title"}))
	for _, role := range []account.Role{account.RoleAdmin, account.RoleBGP} {
		props.Add(role, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.appeals", Count: -1, Href: "/seleksi/sanggah", LinkKey: "selection.appeal.queue"}))
	}
	for _, role := range []account.Role{account.RoleBGP, account.RoleDinas} {
		props.Add(role, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card." + string(role), Count: -1, Href: "/seleksi/hasil", LinkKey: "selection.runs.title"}))
	}
	if p.Has(account.RoleGuru) {
		bs, err := s.sel().MyResults(ctx, p.User.ID)
		if err != nil {
			return err
		}
		slots, err := s.sel().MySlots(ctx, p.User.ID)
		if err != nil {
			return err
		}
		if len(bs) > 0 || len(slots) > 0 {
			props.Add(account.RoleGuru, selectionpage.DashboardCard(selectionpage.Card{TextKey: "selection.card.guru", Count: -1, Href: "/seleksi/saya", LinkKey: "selection.my.title"}))
		}
	}
	return nil
}

// rubricBase titles a rubric page by its stage and cohort ("Rubrik: Tahap 1 — CV dan esai ·
// Angkatan 11"), so the three rubric pages of a cohort are told apart in tabs and history.
func (s *Server) rubricBase(r *http.Request, c selection.CohortRow, st selection.Stage) layout.Base {
	b := s.base(r, "selection.rubric.title")
	b.Title += ": " + i18n.T(r.Context(), "selection.stage."+string(st)) + " · " + c.Name
	return b
}
