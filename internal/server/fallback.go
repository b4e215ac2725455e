package server

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
)

// getFallback is the page of a POST-only address: the nearest parent path that answers GET
// (/tiket/T/batal → /tiket/T, /staf/klinik/5/peserta/9/batal → its confirmation page or
// /staf/klinik/5, /lamaran/3/dokumen/7 → /lamaran/3/dokumen), "/" when none does but the root.
// A GET of a POST-only address goes there (an old bookmark, a page too large for keepRefused),
// and so does a refused form whose request names no page it came from (keepRefused).
func getFallback(mux chi.Routes, path string) string {
	p := strings.TrimRight(path, "/")
	for {
		i := strings.LastIndex(p, "/")
		if i <= 0 {
			return "/"
		}
		p = p[:i]
		if mux.Match(chi.NewRouteContext(), http.MethodGet, p) {
			return p
		}
	}
}
