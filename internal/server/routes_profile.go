package server

import (
	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
)

// profileRoutes: the teacher's profile, and the personal-data rights of every signed-in user
// (UU PDP; SECURITY.md 19) with the national admin's decisions on deletion requests.
func (s *Server) profileRoutes(r chi.Router) {
	guru := r.With(s.requireRole(account.RoleGuru))
	guru.Get("/profil", s.handle(s.profilePage))
	guru.Post("/profil", s.handle(s.saveProfile))
	guru.Get("/profil/sekolah", s.handle(s.schoolSearch))

	signedIn := r.With(s.requireSignIn)
	signedIn.Get("/profil/data-saya", s.handle(s.myData))
	signedIn.Get("/profil/data-saya/unduh", s.handle(s.downloadMyData))
	// integrity (issue 11): the personal-data download as a readable PDF too
	signedIn.Get("/profil/data-saya/unduh.pdf", s.handle(s.downloadMyData))
	signedIn.Post("/profil/data-saya/hapus", s.handle(s.requestDeletion))

	admin := r.With(s.requireRole(adminOnly...))
	admin.Get("/admin/permintaan-hapus", s.handle(s.deletionRequests))
	admin.Post("/admin/permintaan-hapus/{id}", s.handle(s.decideDeletion))
}
