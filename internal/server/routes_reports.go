package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// reportRoutes: reports (issue 13) for admin, BGP and Dinas, each figure counted inside the
// viewer's region scope in SQL: dashboards per cohort, the clinic report and exports; the
// national admin and BGP admins also have the user export, the assessor report and the
// assessor list import.
func (s *Server) reportRoutes(r chi.Router) {
	regional := r.With(s.requireRole(staff...))
	regional.Get("/laporan", s.handle(s.reportIndex))
	regional.Get("/laporan/angkatan/{cohort}", s.handle(s.reportDashboard))
	regional.Get("/laporan/klinik", s.handle(s.reportClinics))
	// exports: ?format=xlsx|csv, streamed to a temporary file, audited, then sent
	regional.Get("/ekspor/lamaran", s.handle(s.exportApplications))
	regional.Get("/ekspor/verval", s.handle(s.exportVerval))
	regional.Get("/ekspor/hasil/{run}", s.handle(s.exportRun))
	// a large export is queued by posting to its own address (exportjobs.go); the owner
	// follows it on its page and downloads the file there
	regional.Post("/ekspor/lamaran", s.handle(s.exportApplications))
	regional.Post("/ekspor/verval", s.handle(s.exportVerval))
	regional.Post("/ekspor/hasil/{run}", s.handle(s.exportRun))
	regional.Get("/ekspor/tugas", s.handle(s.exportJobList))
	regional.Get("/ekspor/tugas/{id}", s.handle(s.exportJobPage))
	regional.Get("/ekspor/tugas/{id}/unduh", s.handle(s.exportJobDownload))

	admins := regional.With(s.requireRole(account.RoleAdmin, account.RoleBGP))
	admins.Get("/ekspor/pengguna", s.handle(s.exportUsers))
	admins.Post("/ekspor/pengguna", s.handle(s.exportUsers))
	admins.Get("/laporan/asesor", s.handle(s.reportAssessors))
	// assessor list import with a preview (e-mail + scope → asesor grant)
	admins.Get("/admin/impor/asesor", s.handle(s.assessorImportPage))
	admins.Post("/admin/impor/asesor", s.handle(s.assessorImportUpload))
	admins.Get("/admin/impor/asesor/{token}", s.handle(s.assessorImportShow))
	admins.Post("/admin/impor/asesor/{token}", s.handle(s.assessorImportCommit))
	admins.Get("/ekspor/asesor", s.handle(s.exportAssessors))
}
