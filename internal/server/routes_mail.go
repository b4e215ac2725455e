package server

import "github.com/go-chi/chi/v5"

// mailRoutes: the national admin's staff outbox and the review outbox of held decision mails
// (issue 12); in development, the outbox of every mail sent.
func (s *Server) mailRoutes(r chi.Router) {
	admin := r.With(s.requireRole(adminOnly...))
	admin.Get("/admin/surat", s.handle(s.staffOutbox))
	admin.Get("/admin/surat/tinjau", s.handle(s.mailReview))
	admin.Post("/admin/surat/tinjau/lepas", s.handle(s.releaseMail))

	if s.cfg.Dev() {
		r.Get("/dev/outbox", s.handle(s.devOutbox))
	}
}
