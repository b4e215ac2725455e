package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestStaticHashedNamesAndGzip(t *testing.T) {
	url := Asset("app.css")
	if url == "/static/app.css" || !strings.HasPrefix(url, "/static/app.") {
		t.Fatalf("Asset(app.css) = %q, want a content-hashed name", url)
	}
	h := StaticHandler()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "gzip" || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	css, _ := io.ReadAll(zr)
	if !strings.Contains(string(css), "--accent") {
		t.Errorf("gzip body is not the stylesheet")
	}
	// Without gzip the plain file is served.
	req = httptest.NewRequest(http.MethodGet, url, nil)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "" || !strings.Contains(rec.Body.String(), "--accent") {
		t.Errorf("plain request got %q", rec.Header().Get("Content-Encoding"))
	}
}
