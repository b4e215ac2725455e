package server

import "github.com/go-chi/chi/v5"

// schoolRoutes: the national admin's school list and its import, previewed first and
// committed once (reports, issue 13).
func (s *Server) schoolRoutes(r chi.Router) {
	admin := r.With(s.requireRole(adminOnly...))
	admin.Get("/admin/sekolah", s.handle(s.adminSchools))
	admin.Post("/admin/sekolah/impor", s.handle(s.importSchools))
	admin.Post("/admin/sekolah/impor/pratinjau", s.handle(s.importSchoolsPreview))
	admin.Get("/admin/sekolah/impor/{token}", s.handle(s.importSchoolsShow))
	admin.Post("/admin/sekolah/impor/{token}", s.handle(s.importSchoolsCommit))
}
