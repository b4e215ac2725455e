package server

import (
	"net/http"

	"penggerak/internal/account"
	"penggerak/internal/application"
	apppage "penggerak/web/pages/application"
)

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

// listWatched is the regional list of applications in the reader's scope.
func (s *Server) listWatched(w http.ResponseWriter, r *http.Request) error {
	var f application.Filter
	if err := s.forms.Decode(&f, r.URL.Query()); err != nil {
		return errBadRequest
	}
	page, err := s.applications.List(r.Context(), watchScope(principal(r)), f)
	if err != nil {
		return err
	}
	cohorts, err := s.cohorts.List(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, apppage.Watch(s.base(r, "application.watch.title"), apppage.WatchProps{Filter: f, Page: page, Cohorts: cohorts, Query: r.URL.Query()}))
	return nil
}

// showWatched is one application in the reader's scope, read-only.
func (s *Server) showWatched(w http.ResponseWriter, r *http.Request) error {
	d, err := s.applications.InScope(r.Context(), watchScope(principal(r)), idParam(r, "id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, apppage.WatchView(s.base(r, "application.watch.view"), apppage.StepProps{D: d, TZ: d.Profile.Timezone(), Now: s.now()}))
	return nil
}
