package server_test

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
	"penggerak/internal/server"
	"penggerak/internal/testdb"
)

// The server's logs (debug level and up) over a whole account journey — sign-up with a
// phone number, email verification, a failed and a good sign-in, a password reset link, a
// 404, a 500 — hold none of the personal data or secrets that went through the requests
// (SECURITY.md 18), and each request line has method, route pattern, status and duration.
func TestLogsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	db, dbURL := testdb.New(t)
	var logs apptest.LogBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := config.Config{Env: "development", BaseURL: "http://127.0.0.1", DatabaseURL: dbURL, MailFrom: "noreply@test.local",
		UploadDir: t.TempDir(), SecretKey: "test-secret-key-0123456789abcdefghijklmnop", ShutdownTimeout: time.Second}
	srv := server.New(cfg, server.Deps{DB: db, Logger: logger, PasswordParams: account.TestParams})
	hs := httptest.NewServer(srv)
	defer srv.Close()
	defer hs.Close()
	jar, _ := cookiejar.New(nil)
	c := &apptest.Client{T: t, Base: hs.URL, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}

	const (
		name     = "Siti Aminah Lestari"
		email    = "Siti.Aminah@Sekolah.test"
		phone    = "0812-3456-7890"
		password = "kebun-mangga-77"
		newPass  = "sawah-padi-2026"
		query    = "cari=rahasia-kueri"
	)
	requests := 0
	want := func(res apptest.Response, status int, what string) {
		t.Helper()
		requests++
		if res.Status != status {
			t.Fatalf("%s: status %d, want %d", what, res.Status, status)
		}
	}
	link := func(to string) string {
		t.Helper()
		var body string
		if err := db.QueryRow(t.Context(), `SELECT body_text FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, to).Scan(&body); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`/(verifikasi|atur-ulang-sandi)/[A-Za-z0-9_-]{43}`).FindString(body)
		if m == "" {
			t.Fatalf("no link in %q", body)
		}
		return m
	}

	want(c.PostForm("/daftar", url.Values{"name": {name}, "email": {email}, "phone": {phone},
		"password": {password}, "password_confirm": {password}}), http.StatusSeeOther, "sign up")
	verify := link(strings.ToLower(email))
	want(c.Get(verify+"?"+query), http.StatusOK, "verification page")
	want(c.PostForm(verify, nil), http.StatusSeeOther, "verify")
	want(c.PostForm("/masuk", url.Values{"email": {email}, "password": {"salah-" + password}}), http.StatusUnauthorized, "wrong password")
	want(c.PostForm("/masuk", url.Values{"email": {email}, "password": {password}}), http.StatusSeeOther, "sign in")
	want(c.Get("/dasbor?"+query), http.StatusOK, "dashboard")
	want(c.PostForm("/akun/sandi", url.Values{"current_password": {password}, "password": {newPass}, "password_confirm": {newPass}}), http.StatusSeeOther, "change password")
	want(c.PostForm("/lupa-sandi", url.Values{"email": {email}}), http.StatusSeeOther, "forgotten password")
	reset := link(strings.ToLower(email))
	want(c.Get(reset), http.StatusOK, "reset page")
	want(c.Get("/tidak-ada/"+strings.ToLower(email)+"?"+query), http.StatusNotFound, "404")
	var session string
	u, _ := url.Parse(hs.URL)
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "penggerak_session" {
			session = ck.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie")
	}
	// A 500: the database pool is gone while a signed-in user asks for a page.
	db.Close()
	res := c.Get("/dasbor?" + query)
	want(res, http.StatusInternalServerError, "500")
	// The page says something went wrong, in the user's language, and nothing internal (SECURITY.md 16).
	if !strings.Contains(res.Body, "<html") || strings.Contains(res.Body, "closed pool") || strings.Contains(res.Body, "goroutine") {
		t.Errorf("500 page shows internals or is not the error page:\n%s", res.Body)
	}

	out := logs.String()
	secrets := map[string]string{
		"name": name, "email": email, "email (normalised)": strings.ToLower(email), "email local part": "aminah@",
		"phone": phone, "phone (normalised)": "+6281234567890", "phone digits": "81234567890",
		"password": password, "new password": newPass, "query string": "rahasia-kueri",
		"verification token": strings.TrimPrefix(verify, "/verifikasi/"), "reset token": strings.TrimPrefix(reset, "/atur-ulang-sandi/"),
		"session token": session,
	}
	for what, s := range secrets {
		if strings.Contains(strings.ToLower(out), strings.ToLower(s)) {
			t.Errorf("the logs contain the %s (%q)", what, s)
		}
	}

	lines, routes := 0, map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		if rec["msg"] != "request" {
			continue
		}
		lines++
		for _, k := range []string{"method", "route", "status", "duration", "request_id"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("request line without %s: %s", k, sc.Text())
			}
		}
		if d, ok := rec["duration"].(float64); !ok || d <= 0 {
			t.Errorf("duration %v: %s", rec["duration"], sc.Text())
		}
		if rec["route"] == "/dasbor" && rec["status"] == 200.0 && rec["user_id"] == 0.0 {
			t.Errorf("signed-in request logged without its user id: %s", sc.Text())
		}
		routes[rec["method"].(string)+" "+rec["route"].(string)+" "+jsonNum(rec["status"])]++
	}
	if lines != requests {
		t.Errorf("%d request lines for %d requests:\n%s", lines, requests, out)
	}
	for _, r := range []string{"POST /daftar 303", "GET /verifikasi/{token} 200", "POST /masuk 401", "GET /dasbor 200",
		"GET /atur-ulang-sandi/{token} 200", "GET unmatched 404", "GET /dasbor 500"} {
		if routes[r] == 0 {
			t.Errorf("no request line %q in %v", r, routes)
		}
	}
	if !strings.Contains(out, `"level":"ERROR","msg":"server error"`) {
		t.Errorf("the 500 was not logged as an error:\n%s", out)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
