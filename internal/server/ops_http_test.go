package server_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

func head(c *apptest.Client, path string) apptest.Response {
	req, _ := http.NewRequest(http.MethodHead, c.Base+path, nil)
	return c.Do(req)
}

// Every GET route answers HEAD as it answers GET (not 405, and no body), and every download
// (Content-Disposition: attachment) is marked no-store: they hold personal data.
func TestHeadAndDownloadCaching(t *testing.T) {
	f := newFixture(t)
	downloads := 0
	for _, rc := range matrix {
		actor := probeActor(rc)
		if rc.Method != "GET" || actor == "" {
			continue
		}
		path := rc.Pattern
		if rc.Path != nil {
			path = rc.Path(f)
		}
		c := f.Clients[actor]
		get := c.Get(path)
		h := head(c, path)
		if h.Status != get.Status || h.Status == http.StatusMethodNotAllowed {
			t.Errorf("HEAD %s as %s: %d, GET gives %d", path, actor, h.Status, get.Status)
		}
		if h.Body != "" {
			t.Errorf("HEAD %s: a body of %d bytes", path, len(h.Body))
		}
		if strings.HasPrefix(get.Header.Get("Content-Disposition"), "attachment") {
			downloads++
			if !strings.Contains(get.Header.Get("Cache-Control"), "no-store") {
				t.Errorf("download %s (%s): Cache-Control %q, want no-store", rc.Pattern, get.Header.Get("Content-Type"), get.Header.Get("Cache-Control"))
			}
		}
	}
	t.Logf("%d downloads checked", downloads)
	for _, p := range []string{"/healthz", "/readyz"} {
		if res := head(f.Clients["anon"], p); res.Status != http.StatusOK {
			t.Errorf("HEAD %s: %d", p, res.Status)
		}
	}
}

// Public pages may be kept by the browser for the Back button (no-cache: revalidated); pages of
// a signed-in user and error pages are never stored.
func TestPublicPagesCacheable(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	anon := a.Anonymous()
	for _, p := range []string{"/", "/tentang-data", "/masuk", "/daftar", "/klinik", "/lupa-sandi"} {
		if cc := anon.Get(p).Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s signed out: Cache-Control %q, want no-cache", p, cc)
		}
	}
	if cc := anon.Get("/tidak-ada").Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("404 page: Cache-Control %q", cc)
	}
	a.User("guru.cache@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru.cache@x.test")
	for _, p := range []string{"/", "/klinik", "/dasbor"} {
		if cc := c.Get(p).Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s signed in: Cache-Control %q, want no-store", p, cc)
		}
	}
	// A failed sign-in re-renders what was typed: not stored.
	if cc := anon.PostForm("/masuk", url.Values{"email": {"x@y.test"}, "password": {"salah"}}).Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("failed sign-in: Cache-Control %q", cc)
	}
}

// /metrics is not on the public address; the metrics handler (METRICS_ADDR) serves it.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	if res := a.Anonymous().Get("/metrics"); res.Status != http.StatusNotFound {
		t.Errorf("public /metrics: %d, want 404", res.Status)
	}
	hs := httptest.NewServer(a.Server.MetricsHandler())
	defer hs.Close()
	res, err := http.Get(hs.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(body.String(), "penggerak_http_requests_total") {
		t.Errorf("metrics: %d\n%.500s", res.StatusCode, body.String())
	}
	req, _ := http.NewRequest(http.MethodHead, hs.URL+"/metrics", nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("HEAD /metrics: %v %v", res, err)
	}
	if res, _ := http.Get(hs.URL + "/dasbor"); res == nil || res.StatusCode != 404 {
		t.Errorf("the metrics address serves other pages")
	}
}

// When the session cannot be saved, the visitor gets one error page, not the error page and
// then the handler's redirect ("http: superfluous response.WriteHeader call").
func TestFailedSessionSaveWritesOneResponse(t *testing.T) {
	t.Parallel()
	var errLog apptest.LogBuffer
	a := apptest.Start(t, apptest.Options{ErrorLog: &errLog})
	db := a.DB
	if _, err := db.Exec(context.Background(), `ALTER TABLE sessions RENAME TO sessions_gone`); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = db.Exec(context.Background(), `ALTER TABLE sessions_gone RENAME TO sessions`) }()
	res := a.Anonymous().PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/"}})
	if res.Status != http.StatusInternalServerError || res.Location != "" || !strings.Contains(res.Body, "</html>") || strings.Count(res.Body, "<html") != 1 {
		t.Errorf("status %d, Location %q\n%.1000s", res.Status, res.Location, res.Body)
	}
	time.Sleep(100 * time.Millisecond)
	if strings.Contains(errLog.String(), "superfluous") {
		t.Errorf("server log: %s", errLog.String())
	}
}
