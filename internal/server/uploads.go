package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"penggerak/internal/storage"
)

// errNoFile says the form carried no file in the expected field (or an empty one).
var errNoFile = errors.New("no file in the form")

// receiveUpload streams the file of the multipart field into a temporary file, refusing it
// (storage.ErrTooBig) as soon as it passes max bytes: nothing is read into memory beyond a copy
// buffer, whatever the size sent (limitBody bounds the whole request at maxUploadBytes). It
// returns the spooled file, to Close, and the name the browser gave it.
func receiveUpload(r *http.Request, field string, max int64) (*storage.Spooled, string, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", errNoFile
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", errNoFile
		}
		if err != nil {
			return nil, "", tooBigOr(err, errNoFile)
		}
		if part.FormName() != field || part.FileName() == "" {
			_ = part.Close()
			continue
		}
		sp, err := storage.Spool(part, max, "")
		_ = part.Close()
		if err != nil {
			return nil, "", tooBigOr(err, err)
		}
		return sp, part.FileName(), nil
	}
}

// tooBigOr maps a body over limitBody's ceiling to storage.ErrTooBig, anything else to other.
func tooBigOr(err, other error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return storage.ErrTooBig
	}
	return other
}

// serveFile sends a stored file as a PDF attachment named name; an error opening it is
// returned for s.handle, before anything is written.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, key, name string) error {
	rc, size, err := s.files.Open(r.Context(), key)
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	_, _ = io.Copy(w, rc)
	return nil
}
