package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// applicationRoutes: the teacher's application (lamaran) step by step and its receipt; the
// regional watching of applications by staff (read-only, scoped in SQL); and document
// downloads for any signed-in user the handler finds allowed to see the document.
func (s *Server) applicationRoutes(r chi.Router) {
	guru := r.With(s.requireRole(account.RoleGuru))
	guru.Get("/pendaftaran/{cohortID}", s.handle(s.showApply))
	guru.Post("/pendaftaran/{cohortID}", s.handle(s.startApplication))
	guru.Get("/lamaran/{id}/tanda-terima", s.handle(s.showReceipt))
	guru.Get("/lamaran/{id}/tanda-terima.pdf", s.handle(s.receiptPDF))
	guru.Get("/lamaran/{id}/tanda-terima/cetak", s.handle(s.printReceipt))
	guru.Get("/lamaran/{id}/{step}", s.handle(s.showStep))
	guru.Post("/lamaran/{id}/profil", s.handle(s.confirmProfile))
	guru.Post("/lamaran/{id}/cv", s.handle(s.addCV))
	guru.Post("/lamaran/{id}/cv/{entryID}/hapus", s.handle(s.deleteCV))
	guru.Get("/lamaran/{id}/cv/{entryID}/ubah", s.handle(s.editCV))
	guru.Post("/lamaran/{id}/cv/{entryID}", s.handle(s.updateCV))
	guru.Post("/lamaran/{id}/esai", s.handle(s.saveEssays))
	guru.Post("/lamaran/{id}/esai/draf", s.handle(s.autosaveEssays))
	guru.Post("/lamaran/{id}/dokumen/{docID}", s.handle(s.uploadDocument))
	guru.Post("/lamaran/{id}/persetujuan", s.handle(s.recordConsent))
	guru.Post("/lamaran/{id}/kirim", s.handle(s.submitApplication))
	guru.Post("/lamaran/{id}/tarik", s.handle(s.withdrawApplication))

	regional := r.With(s.requireRole(staff...))
	regional.Get("/pantau/lamaran", s.handle(s.listWatched))
	regional.Get("/pantau/lamaran/{id}", s.handle(s.showWatched))

	r.With(s.requireSignIn).Get("/berkas/{docID}", s.handle(s.downloadDocument))
}
