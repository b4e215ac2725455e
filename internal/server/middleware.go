package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/klauspost/compress/gzhttp"

	"penggerak/internal/account"
	"penggerak/internal/audit"
	"penggerak/internal/confver"
	"penggerak/internal/database"
	"penggerak/web/i18n"
)

// Body limits: ordinary forms are small; multipart uploads get a ceiling here and a tighter
// per-document limit in their handler.
const (
	maxFormBytes   = 1 << 20
	maxUploadBytes = 25 << 20
)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one structured line per request: the route pattern, never the raw path
// or query (they may carry tokens), and no personal data.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		info := &requestInfo{}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info))
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.observe(r, sw.status, d)
		route := "unmatched"
		if rc := chi.RouteContext(r.Context()); rc != nil && rc.RoutePattern() != "" {
			route = rc.RoutePattern()
		}
		uid := info.userID
		s.log.LogAttrs(r.Context(), levelFor(sw.status), "request",
			slog.String("method", r.Method), slog.String("route", route), slog.Int("status", sw.status),
			slog.Duration("duration", d), slog.String("request_id", middleware.GetReqID(r.Context())), slog.Int64("user_id", uid))
	})
}

// recoverPanics turns a panic into the 500 page.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serveError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// DefaultRequestTimeout is the request deadline when the configuration sets none.
const DefaultRequestTimeout = 15 * time.Second

// deadline gives every request a deadline (REQUEST_TIMEOUT; uploads four times as long, for
// a slow phone connection): the request's context ends there, so its database work is
// cancelled, its connection goes back to the pool, and the user gets the "busy" page instead
// of a request that hangs.
func (s *Server) deadline(next http.Handler) http.Handler {
	d := s.requestTimeout()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := d
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			limit = 4 * d
		}
		ctx, cancel := context.WithTimeout(r.Context(), limit)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) requestTimeout() time.Duration {
	if s.cfg.RequestTimeout <= 0 {
		return DefaultRequestTimeout
	}
	return s.cfg.RequestTimeout
}

// securityHeaders sets the CSP (no inline script), framing, sniffing and referrer policies.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "+
			"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)")
		if s.cfg.SessionSecure {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody caps request bodies.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			limit := int64(maxFormBytes)
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				limit = maxUploadBytes
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

type principalKey struct{}

// requestInfo carries what inner middleware learns back out to the request log.
type requestInfo struct{ userID int64 }

type requestInfoKey struct{}

// sessionLoadedKey marks a request whose session was loaded, so error pages rendered before
// (or without) a session do not touch it.
type sessionLoadedKey struct{}

func sessionLoaded(r *http.Request) bool {
	ok, _ := r.Context().Value(sessionLoadedKey{}).(bool)
	return ok
}

// loadPrincipal puts the signed-in user with their current roles in the request context and
// picks the interface language.
func (s *Server) loadPrincipal(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := s.sessions.GetString(ctx, "lang")
		loaded := loadedSession(ctx)
		if loaded != nil && loaded.found {
			// The versions of the configuration kept in memory, read with the session.
			ctx = confver.With(ctx, loaded.row.Versions)
		}
		if id := s.sessions.GetInt64(ctx, sessionUserID); id != 0 {
			var p *account.Principal
			var err error
			if loaded != nil && loaded.found && loaded.row.UserID == id {
				p, err = loaded.row.Principal, loaded.row.PrincipalErr // read with the session
			} else {
				p, err = s.accounts.Principal(ctx, id)
			}
			switch {
			case err == nil && s.sessions.GetString(ctx, sessionCredential) != p.CredentialTag:
				// The password was reset or changed since this session signed in.
				_ = s.sessions.Destroy(ctx)
			case err == nil:
				ctx = context.WithValue(ctx, principalKey{}, p)
				if info, ok := ctx.Value(requestInfoKey{}).(*requestInfo); ok {
					info.userID = p.User.ID
				}
				if lang == "" {
					lang = p.User.Language
				}
			case errors.Is(err, database.ErrNotFound) || errors.Is(err, account.ErrDisabled):
				_ = s.sessions.Destroy(ctx)
			default:
				s.serveError(w, r, err)
				return
			}
		}
		ctx = i18n.WithLocalizer(ctx, s.i18n.Localizer(lang))
		ctx = context.WithValue(ctx, sessionLoadedKey{}, true)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// principal returns the signed-in user, or nil.
func principal(r *http.Request) *account.Principal {
	p, _ := r.Context().Value(principalKey{}).(*account.Principal)
	return p
}

// actor returns who is acting and from where, for the audit log.
func actor(r *http.Request) audit.Actor {
	a := audit.Actor{IP: clientIP(r)}
	if p := principal(r); p != nil {
		a.UserID = p.User.ID
	}
	return a
}

// clientIP is the remote address without the port. Behind a proxy, chi's RealIP (enabled by
// TRUST_PROXY) has already rewritten RemoteAddr.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// requireSignIn sends signed-out visitors to the sign-in page, coming back here afterwards.
func (s *Server) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if principal(r) == nil {
			target := "/masuk"
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requireRole lets through signed-in users holding any of roles; others get 403.
func (s *Server) requireRole(roles ...account.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return s.requireSignIn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !principal(r).HasAny(roles...) {
				s.forbidden(w, r)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}

func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// compressTypes are the content types compressed on the way out.
var compressTypes = []string{"text/html", "text/css", "text/javascript", "application/javascript", "text/csv"}

// Compress returns the response compression middleware: klauspost's gzhttp at level 5, gzip
// only. It replaced chi's middleware.Compress, which allocates a compress/flate writer for
// every compressible response as soon as headers are written and holds it (about 1 MiB at
// level 5) for the whole life of the response: at 500 connections the flate writers of
// in-flight responses were 268 MB of an 851 MiB server. gzhttp buffers a response until it
// knows it is worth compressing (MinSize, 1 KiB), then takes one writer per response from a
// pool (klauspost's deflate, smaller and faster than compress/flate's) and returns it when the
// response ends. Exported so the benchmark baseline compresses exactly as the app does.
func Compress() func(http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.CompressionLevel(5), gzhttp.EnableZstd(false), gzhttp.ContentTypes(compressTypes))
	if err != nil {
		panic(err) // the options are constants
	}
	return func(h http.Handler) http.Handler { return wrap(h) }
}

// maxInFlight bounds the requests being handled at once; more wait in a queue (up to
// inFlightBacklog, at most inFlightWait each) instead of each taking memory, a compressor and a
// database connection wait of its own. Beyond the queue, or after the wait, the client gets the
// friendly 503 page; a client that leaves while queued is logged as 499 (see limitInFlight).
const (
	maxInFlight     = 128
	inFlightBacklog = 8192
	inFlightWait    = 20 * time.Second
)

// limitInFlight lets at most maxInFlight requests run at once; up to inFlightBacklog more wait
// at most inFlightWait for a slot. (chi's ThrottleBacklog answers 429 to a client that left
// while waiting and to a full queue; here a client that left is a 499, like serverError's, and
// a full queue or a long wait is the 503 "busy" page with Retry-After.)
func (s *Server) limitInFlight(next http.Handler) http.Handler {
	slots := make(chan struct{}, maxInFlight)
	queue := make(chan struct{}, maxInFlight+inFlightBacklog)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case queue <- struct{}{}:
		default:
			s.serveError(w, r, account.ErrBusy)
			return
		}
		defer func() { <-queue }()
		timer := time.NewTimer(inFlightWait)
		defer timer.Stop()
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			s.serveError(w, r, context.Canceled)
			return
		case <-timer.C:
			s.serveError(w, r, account.ErrBusy)
			return
		}
		defer func() { <-slots }()
		next.ServeHTTP(w, r)
	})
}
