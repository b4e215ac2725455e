package server

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"penggerak/internal/clinic"
	"penggerak/web/components"
	pages "penggerak/web/pages/clinic"
)

// Invitations to an event by the staff: the schools picked by a filter (inside the event's
// region) are invited and e-mailed, and the letters (surat undangan) are sent as one PDF or a
// ZIP of one PDF per school.

func (s *Server) clinicInvitePage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	return s.renderInvite(w, r, c, clinic.InviteFilter{}, nil)
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, c clinic.Clinic, f clinic.InviteFilter, res *clinic.InviteResult) error {
	ctx := r.Context()
	invs, err := s.clinics.Invitations(ctx, c.ID)
	if err != nil {
		return err
	}
	p := pages.InviteProps{C: c, Filter: f, Invitations: invs, Result: res}
	regs, err := s.regions.Regencies(ctx, c.ProvinceCode)
	if err != nil {
		return err
	}
	for _, g := range regs {
		p.Regencies = append(p.Regencies, components.Option{Value: g.Code, Label: g.Name})
	}
	if reg := c.RegencyCode; reg != "" || f.Regency != "" {
		if reg == "" {
			reg = f.Regency
		}
		ds, err := s.regions.Districts(ctx, reg)
		if err != nil {
			return err
		}
		for _, d := range ds {
			p.Districts = append(p.Districts, components.Option{Value: d.Code, Label: d.Name})
		}
	}
	s.render(w, r, http.StatusOK, pages.Invite(s.base(r, "clinic.invite.heading"), p))
	return nil
}

func (s *Server) clinicInvite(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	var f clinic.InviteFilter
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	// Every newly invited school with an address is emailed at once, and a sent mail cannot be
	// taken back: asked first, without JavaScript too (issue 11).
	if c.Status != clinic.StatusCancelled && s.askConfirm(w, r, "clinic.invite.confirm.heading", "clinic.invite.confirm.lead", "/staf/klinik/"+strconv.FormatInt(c.ID, 10)+"/undangan") {
		return nil
	}
	res, err := s.clinics.Invite(r.Context(), actor(r), staffScope(r), c, f)
	if err != nil {
		return err
	}
	return s.renderInvite(w, r, c, f, &res)
}

func (s *Server) clinicLetters(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	invs, err := s.clinics.Invitations(r.Context(), c.ID)
	if err != nil {
		return err
	}
	name := "surat-undangan-" + strconv.FormatInt(c.ID, 10)
	if strings.HasSuffix(r.URL.Path, ".zip") {
		// Streamed as the letters are made (in order, by a few workers), not built whole first.
		start := func() error { zipHeaders(w, name+".zip", "private, no-store"); return nil }
		return s.streamDownload(w, r, start, func(out io.Writer) error { return s.clinics.LettersZIP(out, c, invs, s.now()) })
	}
	b, err := s.clinics.LettersPDF(c, invs, s.now())
	if err != nil {
		return err
	}
	sendPDF(w, name+".pdf", b)
	return nil
}
