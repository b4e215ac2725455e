package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"penggerak/web/i18n"
	"penggerak/web/layout"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a page: it renders into a buffer first, so a template error becomes a clean 500
// instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		s.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", cacheControl(r, status))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

type publicPageKey struct{}

// publicPage marks the routes of pages that hold nothing personal for a signed-out visitor
// (home, the data notice, the clinic list, the sign-in form, …).
func publicPage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), publicPageKey{}, true)))
	})
}

// cacheControl is "no-cache" for a public page shown to a signed-out visitor (the browser may
// keep it for the Back button and revalidates it before reuse; scs adds Vary: Cookie), and
// "no-store" for everything else: pages of a signed-in user, error pages and form re-renders.
func cacheControl(r *http.Request, status int) string {
	if pub, _ := r.Context().Value(publicPageKey{}).(bool); pub && status == http.StatusOK &&
		principal(r) == nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		return "no-cache"
	}
	return "no-store"
}

// base builds the layout data of a page whose title has the message key titleKey. It takes the
// flash message out of the session.
func (s *Server) base(r *http.Request, titleKey string) layout.Base {
	ctx := r.Context()
	b := layout.Base{
		Title: i18n.T(ctx, titleKey),
		Lang:  i18n.Lang(ctx),
		Path:  r.URL.RequestURI(),
		Dev:   s.cfg.Dev(),
		// htmx gives up a third later than the server's deadline, so the server's own "busy"
		// answer normally arrives first; the htmx timeout covers a stalled connection.
		HTMXTimeout: s.requestTimeout() * 4 / 3,
	}
	if sessionLoaded(r) {
		if key := s.sessions.PopString(ctx, "flash"); key != "" {
			b.Flash = i18n.T(ctx, key)
		}
	}
	if p := principal(r); p != nil {
		b.User = &layout.User{Name: p.User.Name, Roles: p.Roles()}
	}
	return b
}

// baseHTMX is base for a page that uses htmx (the school search, the live clinic counts).
func (s *Server) baseHTMX(r *http.Request, titleKey string) layout.Base {
	b := s.base(r, titleKey)
	b.HTMX = true
	return b
}

// flash stores a message key to show once on the next page.
func (s *Server) flash(r *http.Request, key string) { s.sessions.Put(r.Context(), "flash", key) }

// redirect sends a 303 See Other, so a form POST is followed by a GET.
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// flashRedirect ends a POST that did its work: the message key is shown once on the page it
// redirects to (303).
func (s *Server) flashRedirect(w http.ResponseWriter, r *http.Request, key, to string) error {
	s.flash(r, key)
	redirect(w, r, to)
	return nil
}

// safeNext returns next when it is a local path, otherwise fallback (no open redirects).
func safeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	if u, err := url.Parse(next); err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}

// decode parses a urlencoded form into dst (a struct with `form` tags). Unknown fields are
// ignored. A body over the limit gives a 413 page and false.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, dst any) bool {
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.clientError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
			return false
		}
		s.clientError(w, r, http.StatusBadRequest, "error.bad_request")
		return false
	}
	if err := s.forms.Decode(dst, r.PostForm); err != nil {
		s.clientError(w, r, http.StatusBadRequest, "error.bad_request")
		return false
	}
	return true
}

// isHTMX reports whether the request came from htmx (so a fragment may be returned).
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }
