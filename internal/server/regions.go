package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/region"
	"penggerak/internal/school"
	"penggerak/web/pages/wilayah"
)

// staffFilter is the region filter of the staff roles the user holds.
func staffFilter(p *account.Principal) region.ScopeFilter {
	nat, provs, regs := p.RegionFilter(staff...)
	return region.ScopeFilter{National: nat, Provinces: provs, Regencies: regs}
}

// regionIndex lists the kabupaten/kota in the user's scope.
func (s *Server) regionIndex(w http.ResponseWriter, r *http.Request) error {
	f := staffFilter(principal(r))
	props := wilayah.IndexProps{ProvinceCode: r.URL.Query().Get("provinsi")}
	var err error
	if f.National {
		if props.Provinces, err = s.regions.Provinces(r.Context()); err != nil {
			return err
		}
	}
	if props.Regencies, err = s.regions.RegenciesInScope(r.Context(), f, props.ProvinceCode); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, wilayah.Index(s.base(r, "region.title"), props))
	return nil
}

// regionPage shows one kabupaten/kota: 403 outside the user's scope, 404 for an unknown code.
func (s *Server) regionPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	reg, err := s.regions.RegencyInScope(ctx, chi.URLParam(r, "kode"), staffFilter(principal(r)))
	if err != nil {
		return err
	}
	q := r.URL.Query()
	props := wilayah.RegencyProps{Regency: reg, Jenjang: q.Get("jenjang"), Q: q.Get("q")}
	if props.Province, err = s.regions.Province(ctx, reg.ProvinceCode); err != nil {
		return err
	}
	if props.Counts, err = s.overview.RegionCounts(ctx, account.Scope{ProvinceCode: reg.ProvinceCode, RegencyCode: reg.Code}); err != nil {
		return err
	}
	filter := school.Filter{RegencyCode: reg.Code, Jenjang: props.Jenjang, Q: props.Q, After: q.Get("setelah"), Limit: 50}
	if props.Schools, err = s.schools().List(ctx, filter); err != nil {
		return err
	}
	b := s.base(r, "region.title")
	b.Title = reg.Name + " · " + b.Title // "Kabupaten Ogan Komering Ulu · Wilayah", not the list's title
	s.render(w, r, http.StatusOK, wilayah.Regency(b, props))
	return nil
}
