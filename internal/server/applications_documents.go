package server

import (
	"errors"
	"net/http"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/storage"
	apppage "penggerak/web/pages/application"
)

// uploadDocument stores the teacher's PDF for one required document (the dokumen step); a
// refused file is named beside its document.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	uid, id, docID := principal(r).User.ID, idParam(r, "id"), idParam(r, "docID")
	// Only the document's limit before the file arrives (the whole application, with its
	// cohort's configuration, only for a page to show).
	max, err := s.applications.DocumentLimit(ctx, uid, id, docID)
	if err != nil {
		return err
	}
	refused := func(key string) error {
		return s.renderStep(w, r, http.StatusUnprocessableEntity, "dokumen", func(p *apppage.StepProps) { p.DocErrors = map[int64]string{docID: key} })
	}
	// Streamed, with this document's limit checked while it arrives (not read whole first).
	sp, filename, err := receiveUpload(r, "file", max)
	switch {
	case errors.Is(err, storage.ErrTooBig):
		return refused("application.upload.too_big")
	case err != nil:
		return refused("application.upload.empty")
	}
	defer sp.Close()
	if key := application.CheckUpload(sp.Head, sp.Size, max, sp.Reader()); key != "" {
		return refused(key)
	}
	err = s.applications.Upload(ctx, actor(r), uid, id, docID, filename, sp.Reader(), sp.Size, sp.SHA256, s.now())
	return s.stepDone(w, r, "dokumen", err, "dokumen", "application.flash.uploaded")
}

// downloadDocument serves an uploaded PDF to its owner, an admin, or the assigned assessor,
// always as an attachment.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	f, err := s.applications.DocumentFile(r.Context(), application.Viewer{UserID: p.User.ID, Admin: p.Has(account.RoleAdmin), IP: clientIP(r)}, idParam(r, "docID"))
	if err != nil {
		return err
	}
	name := strings.Map(func(c rune) rune {
		if c < 32 || c == '"' || c == '\\' || c > 126 {
			return '_'
		}
		return c
	}, f.OriginalName)
	return s.serveFile(w, r, f.Key, name)
}
