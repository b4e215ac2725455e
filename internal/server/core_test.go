package server_test

import (
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

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	res := a.Anonymous().Get("/")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	if !strings.Contains(res.Body, "Program Pendidikan Guru Penggerak") {
		t.Errorf("home page does not explain the program")
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("guru@x.test", account.RoleGuru, account.Scope{})
	c := a.Anonymous()
	req, _ := http.NewRequest(http.MethodPost, a.URL+"/masuk", strings.NewReader(url.Values{"email": {"guru@x.test"}, "password": {apptest.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res := c.Do(req)
	if res.Status != http.StatusForbidden {
		t.Fatalf("cross-site POST status %d, want 403", res.Status)
	}
	if !strings.Contains(res.Body, "berasal dari situs lain") {
		t.Errorf("403 page does not explain the refusal in Bahasa Indonesia")
	}
	// And the user was not signed in.
	if res := c.Get("/dasbor"); res.Status != http.StatusSeeOther {
		t.Errorf("dashboard after refused sign-in: %d", res.Status)
	}
}

func TestSignInOutAndRateLimit(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("siti@x.test", account.RoleGuru, account.Scope{})
	c := a.Anonymous()
	res := c.PostForm("/masuk", url.Values{"email": {"siti@x.test"}, "password": {"salah-sandi"}})
	if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, "Alamat surel atau kata sandi salah") {
		t.Fatalf("wrong password: %d", res.Status)
	}
	if !strings.Contains(res.Body, `value="siti@x.test"`) {
		t.Errorf("email not kept after a failed sign-in")
	}
	// The same message for an unknown account.
	res2 := c.PostForm("/masuk", url.Values{"email": {"tidak-ada@x.test"}, "password": {"salah-sandi"}})
	if res2.Status != http.StatusUnauthorized || !strings.Contains(res2.Body, "Alamat surel atau kata sandi salah") {
		t.Fatalf("unknown account: %d", res2.Status)
	}
	// Sign in, see the dashboard, sign out.
	res = c.PostForm("/masuk", url.Values{"email": {"SITI@x.test "}, "password": {apptest.Password}, "next": {"/dasbor"}})
	if res.Status != http.StatusSeeOther || res.Location != "/dasbor" {
		t.Fatalf("sign in: %d %q", res.Status, res.Location)
	}
	if res := c.Get("/dasbor"); res.Status != 200 || !strings.Contains(res.Body, "Selamat datang, Pengguna siti") {
		t.Fatalf("dashboard: %d", res.Status)
	}
	if res := c.PostForm("/keluar", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.Status)
	}
	if res := c.Get("/dasbor"); res.Status != http.StatusSeeOther {
		t.Fatalf("dashboard after sign-out: %d", res.Status)
	}
	// Five wrong passwords are free; the sixth attempt waits a second (a growing delay, not a
	// lock), the right password included — and once the wait is over, the right password gets in.
	for i := 0; i < account.FreeFailures; i++ {
		c.PostForm("/masuk", url.Values{"email": {"siti@x.test"}, "password": {"salah-lagi"}})
	}
	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM login_failures WHERE email = 'siti@x.test'`).Scan(&n); err != nil || n != 5 {
		t.Errorf("stored failures = %d (%v), want 5", n, err)
	}
	res = c.PostForm("/masuk", url.Values{"email": {"siti@x.test"}, "password": {apptest.Password}})
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "Tunggu 1 detik") {
		t.Fatalf("right password during the delay: %d\n%s", res.Status, res.Body)
	}
	a.SetNow(a.Now().Add(2 * time.Second))
	if res := c.PostForm("/masuk", url.Values{"email": {"siti@x.test"}, "password": {apptest.Password}}); res.Status != http.StatusSeeOther {
		t.Fatalf("right password after the delay: %d\n%s", res.Status, res.Body)
	}
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM login_failures WHERE email = 'siti@x.test'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("failures after a successful sign-in = %d (%v), want 0", n, err)
	}
}

func TestOpenRedirectRefused(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("guru@x.test", account.RoleGuru, account.Scope{})
	for _, next := range []string{"//evil.example", "https://evil.example/", "/\\evil.example"} {
		res := a.Anonymous().PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {apptest.Password}, "next": {next}})
		if res.Location != "/dasbor" {
			t.Errorf("next=%q redirected to %q", next, res.Location)
		}
	}
}

func TestEnglishSwitch(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := a.Anonymous()
	res := c.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/masuk"}})
	if res.Status != 303 || res.Location != "/masuk" {
		t.Fatalf("switch: %d %q", res.Status, res.Location)
	}
	if res := c.Get("/masuk"); !strings.Contains(res.Body, "Sign in to your account") {
		t.Errorf("page not in English after the switch")
	}
	if res := c.Get("/tidak-ada"); res.Status != 404 || !strings.Contains(res.Body, "was not found") {
		t.Errorf("404 page: %d", res.Status)
	}
}

// A client that went away is not a server error: no 500 page, status 499 in the log.
func TestClientGoneIsNotAServerError(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("pergi@x.test", account.RoleGuru, account.Scope{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	form := url.Values{"email": {"pergi@x.test"}, "password": {apptest.Password}}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/masuk", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	a.Server.ServeHTTP(rec, req)
	if rec.Code != 499 || strings.Contains(rec.Body.String(), "Terjadi kesalahan di server") {
		t.Fatalf("status %d for a request whose client left", rec.Code)
	}
}
