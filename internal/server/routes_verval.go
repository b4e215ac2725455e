package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// vervalRoutes: the national admin assigns a cohort's applications to assessors for
// verification (verval), with a dry run, the undo of a whole batch and bulk reassignment
// (issue 12); assessors review the documents of the applications assigned to them.
func (s *Server) vervalRoutes(r chi.Router) {
	admin := r.With(s.requireRole(adminOnly...))
	admin.Post("/admin/angkatan/{id}/verval/bagi", s.handle(s.vervalAutoAssign))
	admin.Post("/admin/angkatan/{id}/verval/tugaskan", s.handle(s.vervalAssign))
	admin.Get("/admin/angkatan/{id}/verval/bagi", s.handle(s.vervalPreview))
	admin.Post("/admin/angkatan/{id}/verval/penugasan/{batch}/batal", s.handle(s.undoVervalBatch))
	admin.Post("/admin/angkatan/{id}/verval/pindah", s.handle(s.moveVervalMany))

	asesor := r.With(s.requireRole(account.RoleAsesor))
	asesor.Get("/verval", s.handle(s.vervalQueue))
	asesor.Get("/verval/{id}", s.handle(s.vervalReview))
	asesor.Post("/verval/{id}/dokumen/{docID}", s.handle(s.vervalDecide))
	asesor.Post("/verval/{id}/selesai", s.handle(s.vervalFinish))
}
