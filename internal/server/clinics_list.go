package server

import (
	"errors"
	"net/http"
	"strings"

	"penggerak/internal/clinic"
	"penggerak/internal/database"
	"penggerak/web/components"
	pages "penggerak/web/pages/clinic"
)

// The public side of coaching clinics: the list of upcoming events by region and search, and an
// event's page. Registration and tickets are in clinics.go.

// regionOptions lists provinces, each followed by its kabupaten/kota, limited to keep (nil: all).
func (s *Server) regionOptions(r *http.Request, keep func(province, regency string) bool) ([]components.Option, error) {
	provs, err := s.regions.Provinces(r.Context())
	if err != nil {
		return nil, err
	}
	regs, err := s.regions.Regencies(r.Context(), "")
	if err != nil {
		return nil, err
	}
	var out []components.Option
	for _, p := range provs {
		if keep == nil || keep(p.Code, "") {
			out = append(out, components.Option{Value: p.Code, Label: p.Name})
		}
		for _, g := range regs {
			if g.ProvinceCode == p.Code && (keep == nil || keep(p.Code, g.Code)) {
				out = append(out, components.Option{Value: g.Code, Label: "— " + g.Name})
			}
		}
	}
	return out, nil
}

// clinicList lists upcoming events by region and search. A signed-in teacher who has not chosen a
// region yet (no ?wilayah= at all) sees the kabupaten/kota of their school first; choosing
// "Semua wilayah" sends an empty wilayah and lists everything.
func (s *Server) clinicList(w http.ResponseWriter, r *http.Request) error {
	query := r.URL.Query()
	p := pages.ListProps{Region: query.Get("wilayah"), Q: searchText(query.Get("q"), 100), SignedIn: principal(r) != nil}
	if !query.Has("wilayah") && p.SignedIn {
		own, err := s.teacherRegency(r)
		if err != nil {
			return err
		}
		p.Region, p.OwnRegion = own, own != ""
	}
	var err error
	if p.Items, err = s.clinics.Upcoming(r.Context(), p.Region, p.Q, s.now()); err != nil {
		return err
	}
	if p.Regions, err = s.regionOptions(r, nil); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.List(s.base(r, "clinic.list.title"), p))
	return nil
}

// teacherRegency is the kabupaten/kota of the signed-in teacher's school ("" without a profile
// or a known school).
func (s *Server) teacherRegency(r *http.Request) (string, error) {
	prof, err := s.profiles().Get(r.Context(), principal(r).User.ID)
	if errors.Is(err, database.ErrNotFound) || (err == nil && prof.NPSN == "") {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	sc, err := s.clinics.School(r.Context(), prof.NPSN)
	if errors.Is(err, clinic.ErrUnknownSchool) {
		return "", nil
	}
	return sc.RegencyCode, err
}

func (s *Server) clinicPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.openClinic(r)
	if err != nil {
		return err
	}
	p := pages.DetailProps{C: c, Now: s.now(), SignedIn: principal(r) != nil}
	if pr := principal(r); pr != nil {
		if mine, err := s.clinics.Active(r.Context(), c.ID, pr.User.ID); err == nil {
			p.Mine, p.MyTicket = &mine, "/tiket/"+s.clinics.Signer().Ticket(c.ID, mine.ID)
		}
	}
	b := s.base(r, "clinic.title")
	b.Title = c.Title
	s.render(w, r, http.StatusOK, pages.Detail(b, p))
	return nil
}

// searchText is a search box's text trimmed and cut to max characters (the query string is
// already cleaned of bytes PostgreSQL cannot store by cleanInput).
func searchText(q string, max int) string {
	q = strings.TrimSpace(q)
	if r := []rune(q); len(r) > max {
		q = string(r[:max])
	}
	return q
}
