package server

import "github.com/go-chi/chi/v5"

// auditRoutes: the national admin reads the audit log and verifies its hash chain.
func (s *Server) auditRoutes(r chi.Router) {
	admin := r.With(s.requireRole(adminOnly...))
	admin.Get("/admin/audit", s.handle(s.auditLog))
	admin.Get("/admin/audit/verifikasi", s.handle(s.auditVerify))
}
