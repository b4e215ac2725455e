package server

import (
	"net/http"
	"penggerak/internal/database"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// pathInt is the one parser of numeric path parameters ({id}, {sid}, …): ok only for a positive
// decimal int64. idParam and s.idParam are the two shapes its callers want.
func pathInt(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// idParam is pathInt for handlers that treat 0 as "not found": 0 when the parameter is not a
// positive integer.
func idParam(r *http.Request, name string) int64 {
	n, _ := pathInt(r, name)
	return n
}

// idParam parses a numeric URL parameter; a bad one is answered 404 and ok is false.
func (s *Server) idParam(w http.ResponseWriter, r *http.Request, name string) (int64, bool) {
	id, ok := pathInt(r, name)
	if !ok {
		s.notFound(w, r)
	}
	return id, ok
}

// pathForm reads the id in path parameter name and decodes the posted form into f. ok is false
// when the id is not a positive integer (err is database.ErrNotFound) or when the form could
// not be read (decode has answered; err is nil).
func (s *Server) pathForm(w http.ResponseWriter, r *http.Request, name string, f any) (id int64, ok bool, err error) {
	if id, ok = pathInt(r, name); !ok {
		return 0, false, database.ErrNotFound
	}
	return id, s.decode(w, r, f), nil
}
