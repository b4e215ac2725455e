package server

import (
	"io"
	"net/http"
)

// downloadStream is a response body that sends its headers with its first byte: until then,
// a download that fails can still become the error page.
type downloadStream struct {
	w       http.ResponseWriter
	start   func() error // audits and sets the headers, just before the first byte
	started bool
}

// Write starts the response (start) before the first bytes, then writes p.
func (d *downloadStream) Write(p []byte) (int, error) {
	if !d.started {
		if err := d.start(); err != nil {
			return 0, err
		}
		d.started = true
	}
	return d.w.Write(p)
}

// streamDownload writes the file that write makes straight to the response instead of building
// it in memory first. start runs just before the first byte: it may audit, and must do so before
// it sets the headers, so that a failed audit still gets a plain error page. An error before the
// first byte is returned (the handler's error page); after it, the response is aborted
// (http.ErrAbortHandler: the connection is cut, no end of the chunked body), so the client sees
// a broken download rather than a shorter file that looks complete. The log says why.
func (s *Server) streamDownload(w http.ResponseWriter, r *http.Request, start func() error, write func(io.Writer) error) error {
	d := &downloadStream{w: w, start: start}
	err := write(d)
	if err != nil && d.started {
		s.log.ErrorContext(r.Context(), "download aborted after its first byte", "path", r.URL.Path, "err", err)
		panic(http.ErrAbortHandler)
	}
	if err == nil && !d.started {
		return start() // an empty file: still its headers
	}
	return err
}

// zipHeaders are the headers of a ZIP download named name; cacheControl holds no-store (the
// files name teachers and schools).
func zipHeaders(w http.ResponseWriter, name, cacheControl string) {
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", cacheControl)
}
