package server

import (
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/database"
	"penggerak/internal/help"
	helppage "penggerak/web/pages/help"
)

func (s *Server) helpContacts() *help.Store { return help.NewStore(s.db) }

// helpEditor is who may edit which contacts: the admin all, a BGP admin their provinces.
func helpEditor(p *account.Principal) help.Editor {
	e := help.Editor{Admin: p.Has(account.RoleAdmin)}
	for _, g := range p.Scopes(account.RoleBGP) {
		if g.ProvinceCode != "" {
			e.Provinces = append(e.Provinces, g.ProvinceCode)
		}
	}
	return e
}

// helpPage is the applicants' help and contact page: the contact of the teacher's own
// province's BGP first (from their profile), the national admin, the other BGPs, the FAQ.
func (s *Server) helpPage(w http.ResponseWriter, r *http.Request) error {
	all, err := s.helpContacts().All(r.Context())
	if err != nil {
		return err
	}
	var props helppage.Props
	mine := ""
	if p := principal(r); p != nil {
		props.CanEdit = p.HasAny(account.RoleAdmin, account.RoleBGP)
		prof, err := s.applications.Profile(r.Context(), p.User.ID)
		if err != nil {
			return err
		}
		if prof != nil {
			mine = prof.ProvinceCode
		}
	}
	for i, c := range all {
		switch {
		case c.ProvinceCode == "":
			props.National = c
		case c.ProvinceCode == mine:
			props.Mine = &all[i]
		case c.Set():
			props.Provinces = append(props.Provinces, c)
		}
	}
	s.render(w, r, http.StatusOK, helppage.Page(s.base(r, "help.title"), props))
	return nil
}

// paktaTemplate is the blank Pakta Integritas form as a PDF (no personal data in it).
func (s *Server) paktaTemplate(w http.ResponseWriter, r *http.Request) error {
	b, err := application.PaktaTemplatePDF()
	if err != nil {
		return err
	}
	sendPDF(w, "pakta-integritas.pdf", b)
	return nil
}

func (s *Server) helpAdmin(w http.ResponseWriter, r *http.Request) error {
	all, err := s.helpContacts().All(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, helppage.Admin(s.base(r, "help.admin.title"), helppage.AdminProps{Contacts: all, Editor: helpEditor(principal(r))}))
	return nil
}

// helpContact loads the contact of the {scope} in the path when the reader may edit it (404
// otherwise, as for any object of another region).
func (s *Server) helpContact(r *http.Request) (help.Contact, error) {
	scope := chi.URLParam(r, "scope")
	c, err := s.helpContacts().Get(r.Context(), scope)
	if err == nil && !helpEditor(principal(r)).May(scope) {
		err = fmt.Errorf("help contact %s: %w", scope, database.ErrNotFound)
	}
	return c, err
}

func (s *Server) helpEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.helpContact(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, helppage.Edit(s.base(r, "help.admin.title"), helppage.FormProps{Contact: c, Form: help.FormOf(c)}))
	return nil
}

func (s *Server) helpSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.helpContact(r)
	if err != nil {
		return err
	}
	var f help.Form
	if !s.decode(w, r, &f) {
		return nil
	}
	nc, errs := f.Parse()
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, helppage.Edit(s.base(r, "help.admin.title"), helppage.FormProps{Contact: c, Form: f, Errors: errs}))
		return nil
	}
	if err := s.helpContacts().Save(r.Context(), actor(r), helpEditor(principal(r)), c.Scope(), nc); err != nil {
		return err
	}
	s.flash(r, "help.flash.saved")
	redirect(w, r, "/staf/bantuan")
	return nil
}
