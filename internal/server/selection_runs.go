package server

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/selection"
	selectionpage "penggerak/web/pages/selection"
)

// createRun computes a result run (a correction when a run is already published).
func (s *Server) createRun(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return nil
	}
	var f struct {
		Corrects int64  `form:"corrects"`
		Reason   string `form:"reason"`
	}
	if !s.decode(w, r, &f) {
		return nil
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
		return s.renderSelectionCohort(w, r, http.StatusUnprocessableEntity, id, func(p *selectionpage.CohortProps) {
			p.Corrects, p.Reason, p.Errors, p.Problem = f.Corrects, f.Reason, errs, "form.has_errors"
		})
	case errors.Is(err, selection.ErrScoringPending):
		pending, _ := selection.AsPending(err)
		return s.renderSelectionCohort(w, r, http.StatusConflict, id, func(p *selectionpage.CohortProps) {
			p.Corrects, p.Reason, p.Problem, p.Pending = f.Corrects, f.Reason, "selection.error.scoring_pending", pending
		})
	case err != nil:
		return err
	}
	return s.flashRedirect(w, r, "selection.run.created_flash", "/seleksi/hasil/"+strconv.FormatInt(run, 10))
}

// publishRun publishes a run (with an override reason when provinces have not signed off).
func (s *Server) publishRun(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return nil
	}
	var f struct {
		Override string `form:"override"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	// Publication mails every applicant and cannot be undone: it needs the ticked confirmation.
	if !confirmed(r) {
		return s.renderRun(w, r, http.StatusUnprocessableEntity, id, func(p *selectionpage.RunProps) {
			p.PublishError, p.Override = "selection.publish.confirm_required", f.Override
		})
	}
	prog, err := s.sel().RunProgram(r.Context(), id)
	if err != nil {
		return err
	}
	err = s.sel().Publish(r.Context(), actor(r), id, f.Override, prog.ConfirmBy(s.now()), s.cfg.BaseURL)
	if errors.Is(err, selection.ErrNeedsSignOff) {
		s.flash(r, "selection.publish.needs_signoff")
		redirect(w, r, "/seleksi/hasil/"+strconv.FormatInt(id, 10))
		return nil
	}
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.publish.done", "/seleksi/hasil/"+strconv.FormatInt(id, 10))
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
func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) error {
	_, publishedOnly := regionFilter(principal(r))
	runs, err := s.sel().Runs(r.Context(), publishedOnly)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.Runs(s.base(r, "selection.runs.title"), runs))
	return nil
}

// runPage shows a run limited to the viewer's region: counts against quota, distribution,
// table, sign-offs; BGP can sign off their province; the admin can publish.
func (s *Server) runPage(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return nil
	}
	return s.renderRun(w, r, http.StatusOK, id, func(*selectionpage.RunProps) {})
}

// renderRun renders a result run's page; change sets what a refused form needs shown.
func (s *Server) renderRun(w http.ResponseWriter, r *http.Request, status int, id int64, change func(*selectionpage.RunProps)) error {
	p := principal(r)
	f, publishedOnly := regionFilter(p)
	page, _ := strconv.Atoi(r.URL.Query().Get("hal"))
	v, err := s.sel().LoadRun(r.Context(), id, f, publishedOnly, r.URL.Query().Get("periksa") == "1", page)
	if err != nil {
		return err
	}
	provs, err := s.regions.Provinces(r.Context())
	if err != nil {
		return err
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
		return err
	}
	change(&props)
	s.render(w, r, status, selectionpage.Run(s.base(r, "selection.run.title"), props))
	return nil
}

// signOffRun records a BGP sign-off of one of their provinces.
func (s *Server) signOffRun(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return nil
	}
	if s.askConfirm(w, r, "selection.signoff.submit", "selection.signoff.confirm_hint", "/seleksi/hasil/"+strconv.FormatInt(id, 10)) {
		return nil
	}
	var f struct {
		Province string `form:"province"`
		Comment  string `form:"comment"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	allowed := false
	for _, sc := range principal(r).Scopes(account.RoleBGP) {
		allowed = allowed || (sc.ProvinceCode != "" && sc.ProvinceCode == f.Province)
	}
	if !allowed {
		return account.ErrForbidden
	}
	if len(f.Comment) > 2000 {
		s.clientError(w, r, http.StatusUnprocessableEntity, "selection.error.note")
		return nil
	}
	if err := s.sel().SignOffRun(r.Context(), actor(r), id, f.Province, f.Comment); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.signoff.done", "/seleksi/hasil/"+strconv.FormatInt(id, 10))
}
