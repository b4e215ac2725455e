package server

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
)

// Post/Redirect/Get for refused forms (issue 11). A form posted to an address that has no page
// of its own (a POST-only route: /lamaran/3/dokumen/7, /staf/klinik/5/batalkan) used to be
// re-rendered, refused (400/409/413/422, with what was typed and a message per field), at that
// address: the address bar then held the POST URL, and reloading re-posted the form.
//
// keepRefused answers such a refusal with 303 to the page the form lives on instead, and keeps
// the rendered page (status and body) in the visitor's session for one GET of that page: the
// person sees exactly what the handler rendered, with the page's own address; reloading then
// shows the page afresh. Only page navigations are concerned: htmx requests, scripts' fetches
// (the essay autosave), answers that are not HTML and POST routes that share their path with a
// page are left as they were.

// refusedKey is the session key of the kept page.
const refusedKey = "refused"

// RefusedHeader is set on the 303 that answers a refused form: the status the page will be
// shown with (so a client that does not follow redirects, such as the tests', knows the form
// was refused rather than accepted).
const RefusedHeader = "Form-Refused"

// Bounds on a kept page: what is captured while the handler writes, and what is kept in the
// session once compressed (rendered pages compress about tenfold). A page over either is
// answered at the POST address as before.
const (
	maxRefusedPage = 2 << 20
	maxRefusedKept = 128 << 10
)

// keepRefused is the middleware described above. mux is the whole router: the page a form
// lives on must answer GET there.
func (s *Server) keepRefused(mux chi.Routes) func(http.Handler) http.Handler {
	// The GET route patterns; a POST whose pattern is not among them is POST-only.
	pages := sync.OnceValue(func() map[string]bool {
		m := map[string]bool{}
		_ = chi.Walk(mux, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
			if method == http.MethodGet {
				m[route] = true
			}
			return nil
		})
		return m
	})
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !navigation(r) {
				next.ServeHTTP(w, r)
				return
			}
			switch r.Method {
			case http.MethodGet:
				if s.serveRefused(w, r) {
					return
				}
				next.ServeHTTP(w, r)
			case http.MethodPost:
				rc := chi.RouteContext(r.Context())
				if rc == nil || pages()[rc.RoutePattern()] {
					next.ServeHTTP(w, r)
					return
				}
				cw := &refusedWriter{ResponseWriter: w}
				next.ServeHTTP(cw, r)
				if cw.capturing {
					s.redirectRefused(w, r, mux, cw)
				}
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// navigation reports whether r loads a page in the browser's window (a form submitted or a
// link followed), as opposed to htmx, a script's fetch or a prefetch. Clients that send no
// Sec-Fetch-Mode (older browsers, the tests' client) count as navigations.
func navigation(r *http.Request) bool {
	if isHTMX(r) || r.Header.Get("Sec-Purpose") != "" || r.Header.Get("Purpose") == "prefetch" {
		return false
	}
	mode := r.Header.Get("Sec-Fetch-Mode")
	return mode == "" || mode == "navigate"
}

// redirectRefused keeps the captured refusal in the session and answers 303 to the form's
// page; a page too large to keep is written out at the POST address as before.
func (s *Server) redirectRefused(w http.ResponseWriter, r *http.Request, mux chi.Routes, cw *refusedWriter) {
	to := refusedTarget(mux, r, s.cfg.BaseURL)
	kept, ok := encodeRefused(keptPage{status: cw.status, user: userID(r), at: to, body: cw.buf.Bytes()})
	if !ok {
		cw.flushThrough()
		return
	}
	s.sessions.Put(r.Context(), refusedKey, kept)
	h := w.Header()
	h.Del("Content-Type")
	h.Del("Content-Length")
	h.Set("Cache-Control", "no-store")
	h.Set(RefusedHeader, strconv.Itoa(cw.status))
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// serveRefused answers a GET of the address a refused page was kept for with that page, once,
// and reports whether it did. Any other page view drops a kept page left over (the person went
// elsewhere), so it never shows up later.
func (s *Server) serveRefused(w http.ResponseWriter, r *http.Request) bool {
	ctx := r.Context()
	v := s.sessions.GetString(ctx, refusedKey)
	if v == "" {
		return false
	}
	s.sessions.Remove(ctx, refusedKey)
	k, ok := decodeRefused(v)
	if !ok || k.at != canonicalURI(r.URL) || k.user != userID(r) {
		return false
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(k.status)
	_, _ = w.Write(k.body)
	return true
}

// refusedTarget is the page a refused form is shown on: the page it was sent from (the
// Referer, when it is of this site and answers GET: the CV step's form at /lamaran/3/cv posts
// to its own address, the busy page's form to the POST address, which then answers GET only
// when a page is there), else the nearest parent page (getFallback). (Not the POST address even when a GET route matches it:
// GET /lamaran/3/kirim is the review step's redirect, not a page.)
func refusedTarget(mux chi.Routes, r *http.Request, baseURL string) string {
	if ref, err := url.Parse(r.Header.Get("Referer")); err == nil && ref.Path != "" && sameSite(ref, r, baseURL) &&
		mux.Match(chi.NewRouteContext(), http.MethodGet, ref.Path) {
		if to := canonicalURI(ref); safeNext(to, "") != "" {
			return to
		}
	}
	return getFallback(mux, r.URL.Path)
}

// sameSite reports whether ref is an address of this site: the request's own host or that of
// BASE_URL (behind a proxy that rewrites Host).
func sameSite(ref *url.URL, r *http.Request, baseURL string) bool {
	if ref.Host == "" {
		return false
	}
	if strings.EqualFold(ref.Host, r.Host) {
		return true
	}
	b, err := url.Parse(baseURL)
	return err == nil && b.Host != "" && strings.EqualFold(ref.Host, b.Host)
}

// canonicalURI is u's path and query in one spelling, so the address redirected to and the
// one the browser then asks for compare equal.
func canonicalURI(u *url.URL) string {
	p := (&url.URL{Path: u.Path}).EscapedPath()
	if u.RawQuery == "" {
		return p
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return p + "?" + u.RawQuery
	}
	if e := q.Encode(); e != "" {
		return p + "?" + e
	}
	return p
}

// userID is the signed-in user's id, or 0.
func userID(r *http.Request) int64 {
	if p := principal(r); p != nil {
		return p.User.ID
	}
	return 0
}

// keptPage is a refused page waiting in the session for the GET of at.
type keptPage struct {
	status int
	user   int64 // who it was rendered for (0: signed out)
	at     string
	body   []byte
}

// encodeRefused writes k as a session value: status, user and address, then the gzipped page.
// ok is false when the page is too large to keep.
func encodeRefused(k keptPage) (string, bool) {
	var b bytes.Buffer
	var n [binary.MaxVarintLen64]byte
	b.Write(n[:binary.PutUvarint(n[:], uint64(k.status))])
	b.Write(n[:binary.PutVarint(n[:], k.user)])
	b.Write(n[:binary.PutUvarint(n[:], uint64(len(k.at)))])
	b.WriteString(k.at)
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(k.body)
	_ = zw.Close()
	if b.Len() > maxRefusedKept {
		return "", false
	}
	return b.String(), true
}

func decodeRefused(v string) (keptPage, bool) {
	b := []byte(v)
	var k keptPage
	status, n := binary.Uvarint(b)
	if n <= 0 || status < 400 || status > 499 {
		return k, false
	}
	b = b[n:]
	user, n := binary.Varint(b)
	if n <= 0 {
		return k, false
	}
	b = b[n:]
	l, n := binary.Uvarint(b)
	if n <= 0 || l > uint64(len(b)-n) {
		return k, false
	}
	k.status, k.user, k.at = int(status), user, string(b[n:n+int(l)])
	zr, err := gzip.NewReader(bytes.NewReader(b[n+int(l):]))
	if err != nil {
		return k, false
	}
	k.body, err = io.ReadAll(io.LimitReader(zr, maxRefusedPage))
	return k, err == nil
}

// refusedWriter holds back a POST's answer when it is a refused HTML page (a 4xx with an HTML
// body); every other answer goes through untouched as it is written.
type refusedWriter struct {
	http.ResponseWriter
	decided   bool
	capturing bool
	status    int
	buf       bytes.Buffer
}

func (w *refusedWriter) WriteHeader(code int) {
	if w.decided {
		if !w.capturing {
			w.ResponseWriter.WriteHeader(code)
		}
		return
	}
	w.decided = true
	if code >= 400 && code < 500 && strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		w.capturing, w.status = true, code
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *refusedWriter) Write(b []byte) (int, error) {
	if !w.decided {
		w.WriteHeader(http.StatusOK)
	}
	if !w.capturing {
		return w.ResponseWriter.Write(b)
	}
	if w.buf.Len()+len(b) > maxRefusedPage {
		w.flushThrough()
		return w.ResponseWriter.Write(b)
	}
	return w.buf.Write(b)
}

// flushThrough gives up keeping the page: what was held back is written out as it came.
func (w *refusedWriter) flushThrough() {
	if !w.capturing {
		return
	}
	w.capturing = false
	w.ResponseWriter.WriteHeader(w.status)
	_, _ = w.buf.WriteTo(w.ResponseWriter)
}

// Flush sends what was written so far, unless the page is being held back.
func (w *refusedWriter) Flush() {
	if w.capturing {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *refusedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
