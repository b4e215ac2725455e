package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
)

// sessionCookie returns the session's Set-Cookie header of res, parsed.
func sessionCookie(t *testing.T, res apptest.Response) *http.Cookie {
	t.Helper()
	for _, line := range res.Header.Values("Set-Cookie") {
		if c, err := http.ParseSetCookie(line); err == nil && c.Name == "penggerak_session" {
			return c
		}
	}
	t.Fatalf("no session cookie in %v", res.Header.Values("Set-Cookie"))
	return nil
}

// signInToken creates a guru (email) and signs them in on a fresh client, returning the client
// and the session token the sign-in set.
func signInToken(t *testing.T, a *apptest.App, email string) (*apptest.Client, string) {
	t.Helper()
	a.User(email, account.RoleGuru, account.Scope{})
	c := a.Anonymous()
	res := c.PostForm("/masuk", url.Values{"email": {email}, "password": {apptest.Password}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.Status)
	}
	return c, sessionCookie(t, res).Value
}

// withCookie asks for path carrying only the given session token.
func withCookie(t *testing.T, a *apptest.App, token, path string) apptest.Response {
	t.Helper()
	c := a.Anonymous()
	req, _ := http.NewRequest(http.MethodGet, a.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "penggerak_session", Value: token})
	return c.Do(req)
}

// SECURITY.md 4: the session token changes at sign-in and at sign-out (an older token is
// worthless), the cookie is HttpOnly and SameSite=Lax (Secure when configured), and an idle
// session ends after 2 hours (cookie and stored expiry; the 12-hour absolute lifetime is scs's
// Lifetime in server.go).
func TestSessionTokenAndCookie(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("siti@x.test", account.RoleGuru, account.Scope{})
	c := a.Anonymous()

	// A visitor's session (the language choice) before signing in.
	res := c.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/masuk"}})
	before := sessionCookie(t, res).Value

	res = c.PostForm("/masuk", url.Values{"email": {"siti@x.test"}, "password": {apptest.Password}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.Status)
	}
	ck := sessionCookie(t, res)
	signedIn := ck.Value
	if signedIn == before || signedIn == "" {
		t.Fatalf("the session token was not renewed at sign-in")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Path != "/" {
		t.Errorf("cookie attributes: %+v", ck)
	}
	if ck.MaxAge < int((2*time.Hour).Seconds())-60 || ck.MaxAge > int((2*time.Hour).Seconds()) {
		t.Errorf("cookie Max-Age %d, want the 2 h idle timeout", ck.MaxAge)
	}
	var expiry time.Time
	if err := a.DB.QueryRow(t.Context(), `SELECT expiry FROM sessions WHERE token = $1`, signedIn).Scan(&expiry); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(expiry); d > 2*time.Hour || d < 2*time.Hour-time.Minute {
		t.Errorf("stored session expires in %v, want the 2 h idle timeout", d)
	}
	if res := withCookie(t, a, before, "/dasbor"); res.Status != http.StatusSeeOther {
		t.Errorf("the pre-sign-in token opens the dashboard: %d", res.Status)
	}
	if res := withCookie(t, a, signedIn, "/dasbor"); res.Status != http.StatusOK {
		t.Fatalf("the signed-in token: %d", res.Status)
	}

	res = c.PostForm("/keluar", nil)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", res.Status)
	}
	if after := sessionCookie(t, res).Value; after == signedIn {
		t.Errorf("the session token was not renewed at sign-out")
	}
	if res := withCookie(t, a, signedIn, "/dasbor"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/masuk") {
		t.Errorf("the signed-out token still opens the dashboard: %d %s", res.Status, res.Location)
	}

	secure := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.SessionSecure = true }})
	secure.User("budi@x.test", account.RoleGuru, account.Scope{})
	res = secure.Anonymous().PostForm("/masuk", url.Values{"email": {"budi@x.test"}, "password": {apptest.Password}})
	if ck := sessionCookie(t, res); !ck.Secure || !ck.HttpOnly {
		t.Errorf("SESSION_SECURE=true: cookie %+v", ck)
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("HSTS with SESSION_SECURE: %q", hsts)
	}
}

// The data notice summarises the retention rules and the breach promise, in both languages.
func TestDataNoticeRetention(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := a.Anonymous()
	wantBody(t, c.Get("/tentang-data"), http.StatusOK, "Berapa lama data disimpan", "dihapus setelah 24 jam", "3 × 24 jam", "setelah 30 hari")
	c.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/tentang-data"}})
	wantBody(t, c.Get("/tentang-data"), http.StatusOK, "How long data is kept", "deleted after 24 hours", "3 × 24 hours")
}

// SECURITY.md 12: an ordinary form body over 1 MiB is refused with 413 and a clear page,
// and fields the form does not know are ignored.
func TestFormBodyLimitAndUnknownFields(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("siti@x.test", account.RoleGuru, account.Scope{})
	c := a.Anonymous()
	big := url.Values{"email": {"siti@x.test"}, "password": {apptest.Password}, "isi": {strings.Repeat("a", 2<<20)}}
	res := c.PostForm("/masuk", big)
	if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "<html") {
		t.Errorf("2 MiB form: status %d", res.Status)
	}
	res = c.PostForm("/masuk", url.Values{"email": {"siti@x.test"}, "password": {apptest.Password}, "role": {"admin"}, "user_id": {"1"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("sign-in with unknown fields: %d", res.Status)
	}
	if res := c.Get("/dasbor"); res.Status != http.StatusOK || strings.Contains(res.Body, "/admin/") {
		t.Errorf("after unknown fields: %d, admin links shown: %v", res.Status, strings.Contains(res.Body, "/admin/"))
	}
}

// Behind a proxy (TRUST_PROXY=true) the client's address comes from X-Forwarded-For, so
// limits per address and the audit log see the real client; otherwise the header is ignored.
func TestTrustProxy(t *testing.T) {
	t.Parallel()
	for _, trust := range []bool{false, true} {
		a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.TrustProxy = trust }})
		c := a.Anonymous()
		req, _ := http.NewRequest(http.MethodPost, a.URL+"/masuk", strings.NewReader(url.Values{"email": {"x@x.test"}, "password": {"salah-sandi"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		if res := c.Do(req); res.Status != http.StatusUnauthorized {
			t.Fatalf("trust %v: status %d", trust, res.Status)
		}
		var ip string
		if err := a.DB.QueryRow(t.Context(), `SELECT ip FROM login_failures`).Scan(&ip); err != nil {
			t.Fatal(err)
		}
		want := "127.0.0.1"
		if trust {
			want = "203.0.113.7"
		}
		if ip != want {
			t.Errorf("TRUST_PROXY=%v: failure recorded from %q, want %q", trust, ip, want)
		}
	}
}
