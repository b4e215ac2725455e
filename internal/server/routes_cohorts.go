package server

import "github.com/go-chi/chi/v5"

// cohortRoutes: the national admin sets up a cohort (angkatan): its targets and their import,
// essay questions, required documents, status and copies.
func (s *Server) cohortRoutes(r chi.Router) {
	admin := r.With(s.requireRole(adminOnly...))
	admin.Get("/admin/angkatan", s.handle(s.cohortList))
	admin.Get("/admin/angkatan/baru", s.cohortNew)
	admin.Post("/admin/angkatan", s.handle(s.cohortCreate))
	admin.Get("/admin/angkatan/{id}", s.handle(s.cohortDetail))
	admin.Get("/admin/angkatan/{id}/ubah", s.handle(s.cohortEdit))
	admin.Post("/admin/angkatan/{id}", s.handle(s.cohortUpdate))
	admin.Post("/admin/angkatan/{id}/sasaran", s.handle(s.cohortSetTarget))
	admin.Post("/admin/angkatan/{id}/sasaran/hapus", s.handle(s.cohortRemoveTarget))
	admin.Post("/admin/angkatan/{id}/sasaran/impor", s.handle(s.cohortImportTargets))
	admin.Get("/admin/angkatan/{id}/sasaran/impor/{token}", s.handle(s.cohortTargetsPreview))
	admin.Post("/admin/angkatan/{id}/sasaran/impor/{token}", s.handle(s.cohortCommitTargets))
	admin.Post("/admin/angkatan/{id}/esai", s.handle(s.cohortAddQuestion))
	admin.Post("/admin/angkatan/{id}/esai/{qid}/hapus", s.handle(s.cohortRemoveQuestion))
	admin.Post("/admin/angkatan/{id}/dokumen", s.handle(s.cohortAddDocument))
	admin.Post("/admin/angkatan/{id}/dokumen/{did}/hapus", s.handle(s.cohortRemoveDocument))
	admin.Post("/admin/angkatan/{id}/status", s.handle(s.cohortTransition))
	admin.Post("/admin/angkatan/{id}/salin", s.handle(s.cohortCopy))
}
