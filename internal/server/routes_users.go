package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// userRoutes: the region pages of staff (admin, BGP, Dinas; each handler scopes its queries
// to the user's region), and user administration, by the national admin and BGP admins only
// (Dinas passes the staff guard and is refused by the second, 403).
func (s *Server) userRoutes(r chi.Router) {
	regional := r.With(s.requireRole(staff...))
	regional.Get("/wilayah", s.handle(s.regionIndex))
	regional.Get("/wilayah/{kode}", s.handle(s.regionPage))

	admins := regional.With(s.requireRole(account.RoleAdmin, account.RoleBGP))
	admins.Get("/admin/pengguna", s.handle(s.userList))
	admins.Get("/admin/pengguna/{id}", s.handle(s.userDetail))
	admins.Post("/admin/pengguna/{id}/peran", s.handle(s.grantRole))
	admins.Post("/admin/pengguna/{id}/peran/{grant}/cabut", s.handle(s.revokeRole))
}
