package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"penggerak/internal/apptest"
)

// The Go profiles are on the metrics address only, and only for a client on this machine.
func TestProfilesOnTheMetricsAddressForLoopbackOnly(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	if res := a.Anonymous().Get("/debug/pprof/"); res.Status != http.StatusNotFound {
		t.Errorf("public /debug/pprof/: %d, want 404", res.Status)
	}
	hs := httptest.NewServer(a.Server.MetricsHandler())
	defer hs.Close()
	for path, want := range map[string]string{"/debug/pprof/": "goroutine", "/debug/pprof/goroutine?debug=1": "goroutine profile:"} {
		res, err := http.Get(hs.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("%s from loopback: %d\n%.300s", path, res.StatusCode, body)
		}
	}
	// The metrics address opened to the network: a profile is not for anyone else.
	req := httptest.NewRequest(http.MethodGet, "/debug/pprof/goroutine?debug=1", nil)
	req.RemoteAddr = "203.0.113.7:41000"
	rec := httptest.NewRecorder()
	a.Server.MetricsHandler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "goroutine") {
		t.Errorf("from 203.0.113.7: %d\n%.300s", rec.Code, rec.Body.String())
	}
}
