package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// appealRoutes: appeals (sanggah), issue 12. The applicant files; the national admin and the
// BGP (its province, read-only) see the queue; the national admin rejects, upholds and
// corrects.
func (s *Server) appealRoutes(r chi.Router) {
	r.With(s.requireRole(account.RoleGuru)).Post("/seleksi/saya/hasil/{run}/sanggah", s.handle(s.fileAppeal))

	readers := r.With(s.requireRole(account.RoleAdmin, account.RoleBGP))
	readers.Get("/seleksi/sanggah", s.handle(s.appealsPage))
	readers.Get("/seleksi/sanggah/{appeal}", s.handle(s.appealPage))
	readers.Get("/seleksi/sanggah/{appeal}/berkas", s.handle(s.appealFile))

	admin := r.With(s.requireRole(adminOnly...))
	admin.Post("/admin/seleksi/sanggah/{appeal}/tolak", s.handle(s.rejectAppeal))
	admin.Post("/admin/seleksi/sanggah/{appeal}/terima", s.handle(s.upholdAppeal))
	admin.Post("/admin/seleksi/sanggah/{appeal}/koreksi", s.handle(s.correctAppeal))
}
