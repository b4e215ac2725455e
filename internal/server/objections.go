package server

import (
	"errors"
	"net/http"
	"strconv"

	"penggerak/internal/account"
	"penggerak/internal/database"
	"penggerak/internal/selection"
	selectionpage "penggerak/web/pages/selection"
)

// loadObjections adds a run's objections (within the viewer's region) and, for each province
// the BGP viewer may still return, its kab/kota in the run.
func (s *Server) loadObjections(r *http.Request, p *selectionpage.RunProps, f selection.RegionFilter) error {
	obs, err := s.sel().RunObjections(r.Context(), p.View.Run.ID, f)
	if err != nil {
		return err
	}
	p.Objections = obs
	open := map[string]bool{}
	for _, o := range obs {
		open[o.ProvinceCode] = open[o.ProvinceCode] || o.Open()
	}
	for _, pc := range p.CanSign {
		if open[pc] {
			continue
		}
		regs, err := s.sel().RunRegencies(r.Context(), p.View.Run.ID, pc)
		if err != nil {
			return err
		}
		if p.CanReturn == nil {
			p.CanReturn = map[string][]selection.Regency{}
		}
		p.CanReturn[pc] = regs
	}
	return nil
}

// bgpProvince reports whether the principal is BGP of the province.
func bgpProvince(p *account.Principal, province string) bool {
	for _, sc := range p.Scopes(account.RoleBGP) {
		if sc.ProvinceCode != "" && sc.ProvinceCode == province {
			return true
		}
	}
	return false
}

// returnRun records a BGP's return of its province's part of a run to the national admin, with
// a comment per kab/kota. Another province (or a run without results in the province) is 404;
// a refused form re-renders the run page with what was typed.
func (s *Server) returnRun(w http.ResponseWriter, r *http.Request) error {
	var f selection.ObjectionForm
	id, ok, err := s.pathForm(w, r, "run", &f)
	if !ok {
		return err
	}
	if !bgpProvince(principal(r), f.Province) {
		return database.ErrNotFound
	}
	regs, err := s.sel().RunRegencies(r.Context(), id, f.Province)
	if err != nil {
		return err
	}
	comments, errs := f.Parse(regs)
	if errs != nil {
		return s.renderRun(w, r, http.StatusUnprocessableEntity, id, func(p *selectionpage.RunProps) { p.ReturnForm, p.ReturnErrors = f, errs })
	}
	_, err = s.sel().ReturnRun(r.Context(), actor(r), id, f.Province, comments)
	if errors.Is(err, selection.ErrObjectionOpen) {
		return s.renderRun(w, r, http.StatusConflict, id, func(p *selectionpage.RunProps) { p.ReturnError = "selection.objection.error.open" })
	}
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.objection.returned", "/seleksi/hasil/"+strconv.FormatInt(id, 10))
}

// answerObjection records the national admin's answer to an objection: a reply, or a correction
// run (then the admin is taken to the new run).
func (s *Server) answerObjection(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "run")
	oid, ok2 := pathInt(r, "objection")
	if !ok || !ok2 {
		return database.ErrNotFound
	}
	var f selection.AnswerForm
	if !s.decode(w, r, &f) {
		return nil
	}
	if errs := f.Parse(); errs != nil {
		return s.renderRun(w, r, http.StatusUnprocessableEntity, id, func(p *selectionpage.RunProps) { p.AnswerFor, p.AnswerForm, p.AnswerErrors = oid, f, errs })
	}
	run, err := s.sel().AnswerObjection(r.Context(), actor(r), id, oid, f.Kind, f.Answer)
	if err != nil {
		return err
	}
	s.flash(r, "selection.objection.answered")
	if run != 0 {
		redirect(w, r, "/seleksi/hasil/"+strconv.FormatInt(run, 10))
		return nil
	}
	redirect(w, r, "/seleksi/hasil/"+strconv.FormatInt(id, 10))
	return nil
}
