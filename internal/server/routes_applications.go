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
	guru.Get("/pendaftaran/{cohortID}", s.applyPage)
	guru.Post("/pendaftaran/{cohortID}", s.applyStart)
	guru.Get("/lamaran/{id}/tanda-terima", s.applicationReceipt)
	guru.Get("/lamaran/{id}/tanda-terima.pdf", s.applicationReceiptPDF)
	guru.Get("/lamaran/{id}/tanda-terima/cetak", s.applicationReceiptPrint)
	guru.Get("/lamaran/{id}/{step}", s.applicationStep)
	guru.Post("/lamaran/{id}/profil", s.applicationConfirmProfile)
	guru.Post("/lamaran/{id}/cv", s.applicationAddCV)
	guru.Post("/lamaran/{id}/cv/{entryID}/hapus", s.applicationDeleteCV)
	guru.Get("/lamaran/{id}/cv/{entryID}/ubah", s.applicationEditCV)
	guru.Post("/lamaran/{id}/cv/{entryID}", s.applicationUpdateCV)
	guru.Post("/lamaran/{id}/esai", s.applicationSaveEssays)
	guru.Post("/lamaran/{id}/esai/draf", s.applicationAutosave)
	guru.Post("/lamaran/{id}/dokumen/{docID}", s.applicationUpload)
	guru.Post("/lamaran/{id}/persetujuan", s.applicationConsent)
	guru.Post("/lamaran/{id}/kirim", s.applicationSubmit)
	guru.Post("/lamaran/{id}/tarik", s.applicationWithdraw)

	regional := r.With(s.requireRole(staff...))
	regional.Get("/pantau/lamaran", s.watchList)
	regional.Get("/pantau/lamaran/{id}", s.watchView)

	r.With(s.requireSignIn).Get("/berkas/{docID}", s.documentDownload)
}
