package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/account"
	"penggerak/internal/database"
	"penggerak/web/pages/public"
)

// serverError logs err and shows the friendly 500 page (or 503 while the database is
// unreachable). The user never sees err itself.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away (closed the tab, lost the connection): nobody is left to
		// read a page, and it is not a fault of ours. 499 is what nginx logs for this.
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "client closed request",
			slog.String("method", r.Method), slog.String("request_id", middleware.GetReqID(r.Context())))
		w.WriteHeader(499)
		return
	}
	status, key := http.StatusInternalServerError, "error.500"
	if errors.Is(err, account.ErrBusy) {
		w.Header().Set("Retry-After", "10")
		s.errorPage(w, r, http.StatusServiceUnavailable, "error.busy")
		return
	}
	if dbUnavailable(err) {
		status, key = http.StatusServiceUnavailable, "error.503"
		w.Header().Set("Retry-After", "30")
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "server error", slog.String("error", err.Error()),
		slog.String("method", r.Method), slog.String("request_id", middleware.GetReqID(r.Context())))
	s.errorPage(w, r, status, key)
}

// clientError shows an error page with status and the message key.
func (s *Server) clientError(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.errorPage(w, r, status, key)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "error.404")
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusForbidden, "error.403")
}

// storeError maps a store's sentinel errors to pages: not found 404, forbidden 403, conflict
// 409; anything else is a server error.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, database.ErrNotFound):
		s.notFound(w, r)
	case errors.Is(err, account.ErrForbidden):
		s.forbidden(w, r)
	case errors.Is(err, database.ErrConflict):
		s.errorPage(w, r, http.StatusConflict, "error.409")
	default:
		s.serverError(w, r, err)
	}
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	// Each error page has its own title (403 and 404 used to share "Terjadi kesalahan").
	titleKey := "error.title"
	switch status {
	case http.StatusForbidden:
		titleKey = "error.title.403"
	case http.StatusNotFound:
		titleKey = "error.title.404"
	case http.StatusMethodNotAllowed, http.StatusBadRequest:
		titleKey = "error.title.400"
	case http.StatusRequestEntityTooLarge:
		titleKey = "error.title.413"
	case http.StatusConflict:
		titleKey = "error.title.409"
	case http.StatusServiceUnavailable:
		titleKey = "error.title.503"
	}
	b := s.base(r, titleKey)
	s.render(w, r, status, public.ErrorPage(b, status, key))
}

// dbUnavailable reports whether err means the database cannot be reached right now.
func dbUnavailable(err error) bool {
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// admin_shutdown, crash_shutdown, cannot_connect_now
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	return errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
}
