package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Bad input is cleaned here, once, before any handler reads it: text that PostgreSQL cannot
// store (a NUL byte, invalid UTF-8) would otherwise turn a pasted hidden character into a 500.
// cleanInput runs for every application route: it rewrites the query string and parses and
// cleans a urlencoded body, so r.URL.Query(), r.FormValue, r.PostForm and s.decode all see
// clean text. A path holding such bytes names nothing (404). Multipart bodies carry only files
// and flags; their file names are cleaned by filecheck.CleanFileName.

// cleanText removes NUL and the other C0 control characters except tab, newline and carriage
// return, and replaces each invalid UTF-8 sequence by U+FFFD, so the person sees where the
// unreadable character was.
func cleanText(s string) string {
	if !needsCleaning(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, s)
}

func needsCleaning(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c >= 0x80 {
			return !isCleanUnicode(s)
		}
	}
	return false
}

func isCleanUnicode(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' {
			return false
		}
	}
	return true
}

// cleanValues cleans every key and value of v in place; it reports whether anything changed.
func cleanValues(v url.Values) bool {
	changed := false
	for k, vs := range v {
		ck := cleanText(k)
		for i, s := range vs {
			if c := cleanText(s); c != s {
				vs[i], changed = c, true
			}
		}
		if ck != k {
			delete(v, k)
			v[ck] = append(v[ck], vs...)
			changed = true
		}
	}
	return changed
}

// cleanInput is the middleware described above.
func (s *Server) cleanInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if needsCleaning(r.URL.Path) {
			s.notFound(w, r)
			return
		}
		if r.URL.RawQuery != "" {
			q, err := url.ParseQuery(r.URL.RawQuery)
			if cleanValues(q) || err != nil {
				r.URL.RawQuery = q.Encode()
			}
		}
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.clientError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
					return
				}
				s.clientError(w, r, http.StatusBadRequest, "error.bad_request")
				return
			}
			cleanValues(r.PostForm)
			cleanValues(r.Form)
		}
		next.ServeHTTP(w, r)
	})
}
