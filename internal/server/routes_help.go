package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// helpRoutes: help (issue 11). The applicants' help and contact page and the blank Pakta
// Integritas form are public; the contacts are edited by the admin (all) and a BGP (own
// province).
func (s *Server) helpRoutes(r chi.Router) {
	r.With(publicPage).Get("/bantuan", s.handle(s.helpPage))
	r.Get("/bantuan/pakta-integritas.pdf", s.handle(s.paktaTemplate))

	editors := r.With(s.requireRole(account.RoleAdmin, account.RoleBGP))
	editors.Get("/staf/bantuan", s.handle(s.helpAdmin))
	editors.Get("/staf/bantuan/{scope}", s.handle(s.helpEdit))
	editors.Post("/staf/bantuan/{scope}", s.handle(s.helpSave))
}
