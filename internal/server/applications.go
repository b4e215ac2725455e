package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/storage"
	apppage "penggerak/web/pages/application"
	"penggerak/web/pages/dashboard"
)

// roleNames are the roles the principal holds, for the eligibility rules.
func roleNames(p *account.Principal) []string { return p.RoleNames() }

// recruitmentSection builds the teacher's dashboard section: open cohorts, whether the
// teacher's school is in a target kab/kota, and their applications.
func (s *Server) recruitmentSection(r *http.Request) (*dashboard.RecruitmentProps, error) {
	p := principal(r)
	ctx := r.Context()
	open, err := s.cohorts.OpenForRegistration(ctx, s.now())
	if err != nil {
		return nil, err
	}
	prof, err := s.applications.Profile(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	mine, err := s.applications.Mine(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	out := &dashboard.RecruitmentProps{HasProfile: prof != nil, TZ: prof.Timezone()}
	for _, c := range open {
		item := dashboard.OpenCohort{Config: c, Failures: cohort.Eligibility(c, prof.Applicant(roleNames(p)), s.now())}
		if a, ok := mine[c.ID]; ok {
			item.Application = &a
		}
		out.Open = append(out.Open, item)
	}
	var pastIDs []int64
	for _, a := range mine {
		if !slices.ContainsFunc(out.Open, func(o dashboard.OpenCohort) bool { return o.Config.ID == a.CohortID }) {
			out.Past = append(out.Past, a)
			pastIDs = append(pastIDs, a.CohortID)
		}
	}
	if len(pastIDs) > 0 {
		if out.CohortNames, err = s.cohorts.Names(ctx, pastIDs); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(mine))
	for _, a := range mine {
		ids = append(ids, a.ID)
	}
	if out.Progress, err = s.applications.MyProgresses(ctx, p.User.ID, ids); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) applyPage(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	cfg, err := s.cohorts.Config(r.Context(), idParam(r, "cohortID"))
	if err == nil && cfg.Status == cohort.StatusDraft {
		err = database.ErrNotFound
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	prof, err := s.applications.Profile(r.Context(), p.User.ID)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	mine, err := s.applications.Mine(r.Context(), p.User.ID)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	props := apppage.ApplyProps{Cohort: cfg, Failures: cohort.Eligibility(cfg, prof.Applicant(roleNames(p)), s.now()), TZ: prof.Timezone()}
	if a, ok := mine[cfg.ID]; ok {
		props.Existing = &a
	}
	s.render(w, r, http.StatusOK, apppage.Apply(s.base(r, "application.apply.title"), props))
}

func (s *Server) applyStart(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	id, err := s.applications.Start(r.Context(), actor(r), p.User.ID, roleNames(p), idParam(r, "cohortID"), s.now())
	if errors.Is(err, application.ErrNotEligible) {
		s.flash(r, "application.flash.not_eligible")
		redirect(w, r, "/pendaftaran/"+chi.URLParam(r, "cohortID"))
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	redirect(w, r, "/lamaran/"+strconv.FormatInt(id, 10)+"/profil")
}

// stepProps loads the teacher's own application for a step page.
func (s *Server) stepProps(r *http.Request, step string) (apppage.StepProps, error) {
	d, err := s.applications.Details(r.Context(), principal(r).User.ID, idParam(r, "id"))
	if err != nil {
		return apppage.StepProps{}, err
	}
	return apppage.StepProps{D: d, Step: step, TZ: d.Profile.Timezone(), Now: s.now(),
		Editable: d.Editable(s.now()), SaveTimeout: s.requestTimeout() * 4 / 3,
		CV: application.CVForm{Section: "umum"}}, nil
}

func (s *Server) renderStep(w http.ResponseWriter, r *http.Request, status int, step string, change func(*apppage.StepProps)) {
	p, err := s.stepProps(r, step)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	change(&p)
	s.render(w, r, status, apppage.StepPage(s.base(r, "application.step."+step), p))
}

func (s *Server) applicationStep(w http.ResponseWriter, r *http.Request) {
	step := chi.URLParam(r, "step")
	if step == "kirim" || step == "tarik" {
		// The address of a refused submit or withdrawal, reloaded: back to the review step.
		redirect(w, r, "/lamaran/"+chi.URLParam(r, "id")+"/tinjau")
		return
	}
	if !slices.Contains(application.StepSlugs, step) {
		s.notFound(w, r)
		return
	}
	s.renderStep(w, r, http.StatusOK, step, func(p *apppage.StepProps) {
		if step == "tinjau" && p.Editable {
			// The review says before the click what would keep the application from being sent.
			p.Problems = application.SubmitProblems(p.D)
		}
	})
}

// stepError answers an error of a step's store call; it reports whether there was one. An
// incomplete application and an error with a form message (errorKinds, e.g. the application
// is locked or registration closed) re-render the step with the message; anything else gets
// serveError's page.
func (s *Server) stepError(w http.ResponseWriter, r *http.Request, step string, err error) bool {
	if err == nil {
		return false
	}
	var inc *application.IncompleteError
	if errors.As(err, &inc) {
		s.renderStep(w, r, http.StatusUnprocessableEntity, step, func(p *apppage.StepProps) { p.Problems = inc.Problems })
		return true
	}
	if status, key, ok := knownError(err); ok && (errors.Is(err, application.ErrLocked) || errors.Is(err, application.ErrClosed)) {
		s.renderStep(w, r, status, step, func(p *apppage.StepProps) { p.Message = key })
		return true
	}
	s.serveError(w, r, err)
	return true
}

func (s *Server) nextStep(w http.ResponseWriter, r *http.Request, step, flash string) {
	if flash != "" {
		s.flash(r, flash)
	}
	redirect(w, r, "/lamaran/"+chi.URLParam(r, "id")+"/"+step)
}

func (s *Server) applicationConfirmProfile(w http.ResponseWriter, r *http.Request) {
	err := s.applications.ConfirmProfile(r.Context(), principal(r).User.ID, idParam(r, "id"), s.now())
	if errors.Is(err, application.ErrIncomplete) {
		s.renderStep(w, r, http.StatusUnprocessableEntity, "profil", func(p *apppage.StepProps) { p.Message = "application.profile.missing" })
		return
	}
	if s.stepError(w, r, "profil", err) {
		return
	}
	s.nextStep(w, r, "cv", "application.flash.profile_confirmed")
}

func (s *Server) applicationAddCV(w http.ResponseWriter, r *http.Request) {
	var f application.CVForm
	if !s.decode(w, r, &f) {
		return
	}
	e, errs := f.Parse()
	if len(errs) > 0 {
		s.renderStep(w, r, http.StatusUnprocessableEntity, "cv", func(p *apppage.StepProps) { p.CV, p.Errors = f, errs })
		return
	}
	if s.stepError(w, r, "cv", s.applications.AddCV(r.Context(), principal(r).User.ID, idParam(r, "id"), e, s.now())) {
		return
	}
	s.nextStep(w, r, "cv", "application.flash.cv_added")
}

// applicationEditCV shows the CV step with the edit form of one entry, filled with what is
// stored (404 for an entry of another application).
func (s *Server) applicationEditCV(w http.ResponseWriter, r *http.Request) {
	p, err := s.stepProps(r, "cv")
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	eid := idParam(r, "entryID")
	i := slices.IndexFunc(p.D.CV, func(e application.CVEntry) bool { return e.ID == eid })
	if i < 0 {
		s.notFound(w, r)
		return
	}
	p.CV, p.EditEntry = application.FormOf(p.D.CV[i]), eid
	s.render(w, r, http.StatusOK, apppage.StepPage(s.base(r, "application.cv.edit_title"), p))
}

// applicationUpdateCV saves an edited CV entry; a refused form comes back with what was typed
// and a message per field.
func (s *Server) applicationUpdateCV(w http.ResponseWriter, r *http.Request) {
	var f application.CVForm
	if !s.decode(w, r, &f) {
		return
	}
	eid := idParam(r, "entryID")
	e, errs := f.Parse()
	if len(errs) > 0 {
		s.renderStep(w, r, http.StatusUnprocessableEntity, "cv", func(p *apppage.StepProps) { p.CV, p.Errors, p.EditEntry = f, errs, eid })
		return
	}
	if s.stepError(w, r, "cv", s.applications.UpdateCV(r.Context(), principal(r).User.ID, idParam(r, "id"), eid, e, s.now())) {
		return
	}
	s.nextStep(w, r, "cv", "application.flash.cv_updated")
}

func (s *Server) applicationDeleteCV(w http.ResponseWriter, r *http.Request) {
	if s.stepError(w, r, "cv", s.applications.DeleteCV(r.Context(), principal(r).User.ID, idParam(r, "id"), idParam(r, "entryID"), s.now())) {
		return
	}
	s.nextStep(w, r, "cv", "application.flash.cv_removed")
}

// essayAnswers reads fields essay_<question id> from the form.
func (s *Server) essayAnswers(w http.ResponseWriter, r *http.Request) (map[int64]string, bool) {
	if err := r.ParseForm(); err != nil {
		s.clientError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
		return nil, false
	}
	out := map[int64]string{}
	for k, v := range r.PostForm {
		if qid, err := strconv.ParseInt(strings.TrimPrefix(k, "essay_"), 10, 64); err == nil && strings.HasPrefix(k, "essay_") && len(v) > 0 {
			out[qid] = strings.ReplaceAll(v[0], "\r\n", "\n")
		}
	}
	return out, true
}

// applicationSaveEssays is the Save button: everything typed is kept, and answers outside their
// limits are shown with a message (422).
func (s *Server) applicationSaveEssays(w http.ResponseWriter, r *http.Request) {
	answers, ok := s.essayAnswers(w, r)
	if !ok {
		return
	}
	if s.stepError(w, r, "esai", s.applications.SaveEssays(r.Context(), principal(r).User.ID, idParam(r, "id"), answers, s.now())) {
		return
	}
	p, err := s.stepProps(r, "esai")
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	if probs := application.EssayProblems(p.D.Essays); len(probs) > 0 {
		p.EssayErrors = probs
		s.render(w, r, http.StatusUnprocessableEntity, apppage.StepPage(s.base(r, "application.step.esai"), p))
		return
	}
	s.nextStep(w, r, "dokumen", "application.flash.essays_saved")
}

// applicationAutosave stores the essay drafts while the teacher types (web/static/autosave.js)
// and answers with a small status fragment. X-Autosave-Saved, set only when the drafts were
// stored, is the server's save time in milliseconds: the script records it as the server copy's
// time, so an older local draft never overwrites it later.
func (s *Server) applicationAutosave(w http.ResponseWriter, r *http.Request) {
	answers, ok := s.essayAnswers(w, r)
	if !ok {
		return
	}
	uid := principal(r).User.ID
	err := s.applications.SaveEssays(r.Context(), uid, idParam(r, "id"), answers, s.now())
	if err != nil && !errors.Is(err, application.ErrLocked) && !errors.Is(err, application.ErrClosed) {
		s.serveError(w, r, err)
		return
	}
	prof, perr := s.applications.Profile(r.Context(), uid)
	if perr != nil {
		s.serveError(w, r, perr)
		return
	}
	now := s.now()
	if err == nil {
		w.Header().Set("X-Autosave-Saved", strconv.FormatInt(now.UnixMilli(), 10))
	}
	s.render(w, r, http.StatusOK, apppage.AutosaveStatus(err == nil, now, prof.Timezone()))
}

func (s *Server) applicationUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	uid, id, docID := principal(r).User.ID, idParam(r, "id"), idParam(r, "docID")
	d, err := s.applications.Details(ctx, uid, id)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	i := slices.IndexFunc(d.Documents, func(x application.Document) bool { return x.ID == docID })
	if i < 0 {
		s.notFound(w, r)
		return
	}
	fail := func(key string) {
		s.renderStep(w, r, http.StatusUnprocessableEntity, "dokumen", func(p *apppage.StepProps) { p.DocErrors = map[int64]string{docID: key} })
	}
	// Streamed, with this document's limit checked while it arrives (not read whole first).
	max := int64(d.Documents[i].MaxBytes)
	sp, filename, err := receiveUpload(r, "file", max)
	switch {
	case errors.Is(err, storage.ErrTooBig):
		fail("application.upload.too_big")
		return
	case err != nil:
		fail("application.upload.empty")
		return
	}
	defer sp.Close()
	if key := application.CheckUpload(sp.Head, sp.Size, max, sp.Reader()); key != "" {
		fail(key)
		return
	}
	err = s.applications.Upload(ctx, actor(r), uid, id, docID, filename, sp.Reader(), sp.Size, sp.SHA256, s.now())
	if s.stepError(w, r, "dokumen", err) {
		return
	}
	s.nextStep(w, r, "dokumen", "application.flash.uploaded")
}

// documentDownload serves an uploaded PDF to its owner, an admin, or the assigned assessor,
// always as an attachment.
func (s *Server) documentDownload(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	f, err := s.applications.DocumentFile(r.Context(), application.Viewer{UserID: p.User.ID, Admin: p.Has(account.RoleAdmin), IP: clientIP(r)}, idParam(r, "docID"))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	name := strings.Map(func(c rune) rune {
		if c < 32 || c == '"' || c == '\\' || c > 126 {
			return '_'
		}
		return c
	}, f.OriginalName)
	s.serveFile(w, r, f.Key, name)
}

func (s *Server) applicationConsent(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Agree bool `form:"agree"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if !f.Agree {
		s.renderStep(w, r, http.StatusUnprocessableEntity, "persetujuan", func(p *apppage.StepProps) {
			p.Errors = map[string]string{"agree": "application.consent.required"}
		})
		return
	}
	if s.stepError(w, r, "persetujuan", s.applications.Consent(r.Context(), principal(r).User.ID, idParam(r, "id"), clientIP(r), s.now())) {
		return
	}
	s.nextStep(w, r, "tinjau", "application.flash.consented")
}

// applicationSubmit submits the application once the teacher ticked the confirmation: a
// submitted application is locked (a one-tap submit with JavaScript off was possible before).
func (s *Server) applicationSubmit(w http.ResponseWriter, r *http.Request) {
	if !confirmed(r) {
		s.renderStep(w, r, http.StatusUnprocessableEntity, "tinjau", func(p *apppage.StepProps) {
			p.Errors = map[string]string{"confirm-submit": "application.submit.confirm_required"}
		})
		return
	}
	_, err := s.applications.Submit(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), s.now())
	if s.stepError(w, r, "tinjau", err) {
		return
	}
	s.flash(r, "application.flash.submitted")
	redirect(w, r, "/lamaran/"+chi.URLParam(r, "id")+"/tanda-terima")
}

// applicationWithdraw withdraws the application once the teacher ticked the confirmation.
func (s *Server) applicationWithdraw(w http.ResponseWriter, r *http.Request) {
	if !confirmed(r) {
		s.renderStep(w, r, http.StatusUnprocessableEntity, "tinjau", func(p *apppage.StepProps) {
			p.Errors = map[string]string{"confirm-withdraw": "application.withdraw.confirm_required"}
		})
		return
	}
	if s.stepError(w, r, "tinjau", s.applications.Withdraw(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), s.now())) {
		return
	}
	s.flash(r, "application.flash.withdrawn")
	redirect(w, r, "/dasbor")
}

// receipt loads the teacher's own receipt (404 for another's or an unsent application).
func (s *Server) receipt(w http.ResponseWriter, r *http.Request) (apppage.ReceiptProps, bool) {
	rc, err := s.applications.Receipt(r.Context(), principal(r).User.ID, idParam(r, "id"))
	if err != nil {
		s.serveError(w, r, err)
		return apppage.ReceiptProps{}, false
	}
	return apppage.ReceiptProps{R: rc, Now: s.now()}, true
}

func (s *Server) applicationReceipt(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.receipt(w, r); ok {
		s.render(w, r, http.StatusOK, apppage.Receipt(s.base(r, "application.receipt.title"), p))
	}
}

// applicationReceiptPrint is the receipt alone on a page, for printing.
func (s *Server) applicationReceiptPrint(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.receipt(w, r); ok {
		s.render(w, r, http.StatusOK, apppage.ReceiptPrint(s.base(r, "application.receipt.title"), p))
	}
}

// applicationReceiptPDF is the receipt as a PDF attachment (personal data: not cached).
func (s *Server) applicationReceiptPDF(w http.ResponseWriter, r *http.Request) {
	p, ok := s.receipt(w, r)
	if !ok {
		return
	}
	b, err := application.ReceiptPDF(p.R, p.Now)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	number := ""
	if p.R.RegistrationNumber != nil {
		number = *p.R.RegistrationNumber
	}
	sendPDF(w, "tanda-terima-"+fileSafeName(number)+".pdf", b)
}

// fileSafeName keeps letters, digits and dashes of s for a download's file name.
func fileSafeName(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			return c
		}
		return -1
	}, s)
}

// watchScope is the principal's region scope for the regional lists: national for the admin,
// otherwise the union of their dinas scopes (kab/kota or provincial jurisdiction) and BGP provinces.
func watchScope(p *account.Principal) application.Scope {
	if p.Has(account.RoleAdmin) {
		return application.Scope{National: true}
	}
	sc := application.Scope{Regencies: []string{}, Provinces: []string{}, BGPProvinces: []string{}}
	for _, g := range p.Scopes(account.RoleDinas) {
		switch {
		case g.RegencyCode != "":
			sc.Regencies = append(sc.Regencies, g.RegencyCode)
		case g.ProvinceCode != "":
			sc.Provinces = append(sc.Provinces, g.ProvinceCode)
		}
	}
	for _, g := range p.Scopes(account.RoleBGP) {
		if g.ProvinceCode != "" {
			sc.BGPProvinces = append(sc.BGPProvinces, g.ProvinceCode)
		}
	}
	return sc
}

func (s *Server) watchList(w http.ResponseWriter, r *http.Request) {
	var f application.Filter
	if err := s.forms.Decode(&f, r.URL.Query()); err != nil {
		s.clientError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	page, err := s.applications.List(r.Context(), watchScope(principal(r)), f)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	cohorts, err := s.cohorts.List(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, apppage.Watch(s.base(r, "application.watch.title"), apppage.WatchProps{Filter: f, Page: page, Cohorts: cohorts, Query: r.URL.Query()}))
}

func (s *Server) watchView(w http.ResponseWriter, r *http.Request) {
	d, err := s.applications.InScope(r.Context(), watchScope(principal(r)), idParam(r, "id"))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, apppage.WatchView(s.base(r, "application.watch.view"), apppage.StepProps{D: d, TZ: d.Profile.Timezone(), Now: s.now()}))
}
