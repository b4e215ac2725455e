package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
)

const badToken = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" // 43 characters, never issued

func init() {
	n := 0
	unique := func() func(*fixture) url.Values {
		return func(*fixture) url.Values {
			n++
			return url.Values{"email": {fmt.Sprintf("someone%d@matrix.test", n)}}
		}
	}
	addRoutes(
		routeCase{Method: "GET", Pattern: "/daftar", Want: with(signedIn(303), "anon", 200)},
		// An empty sign-up form: 422 for visitors; signed-in users are sent to their dashboard.
		routeCase{Method: "POST", Pattern: "/daftar", Want: with(signedIn(303), "anon", 422)},
		routeCase{Method: "GET", Pattern: "/verifikasi/kirim-ulang", Want: everyone(200)},
		routeCase{Method: "POST", Pattern: "/verifikasi/kirim-ulang", Form: unique(), Want: everyone(303)},
		routeCase{Method: "GET", Pattern: "/verifikasi/{token}", Path: func(*fixture) string { return "/verifikasi/" + badToken }, Want: everyone(404)},
		routeCase{Method: "POST", Pattern: "/verifikasi/{token}", Path: func(*fixture) string { return "/verifikasi/" + badToken }, Want: everyone(404)},
		routeCase{Method: "GET", Pattern: "/lupa-sandi", Want: everyone(200)},
		routeCase{Method: "POST", Pattern: "/lupa-sandi", Form: unique(), Want: everyone(303)},
		routeCase{Method: "GET", Pattern: "/atur-ulang-sandi/{token}", Path: func(*fixture) string { return "/atur-ulang-sandi/" + badToken }, Want: everyone(404)},
		routeCase{Method: "POST", Pattern: "/atur-ulang-sandi/{token}", Path: func(*fixture) string { return "/atur-ulang-sandi/" + badToken }, Want: everyone(404)},
		routeCase{Method: "GET", Pattern: "/akun/sandi", Want: signedIn(200)},
		// An empty change-password form: 422 (nothing is changed).
		routeCase{Method: "POST", Pattern: "/akun/sandi", Want: signedIn(422)},
		// The matrix app runs in development, where the outbox page exists.
		routeCase{Method: "GET", Pattern: "/dev/outbox", Want: everyone(200)},
	)
}

var linkRE = regexp.MustCompile(`(/verifikasi|/atur-ulang-sandi)/([A-Za-z0-9_-]{43})`)

// lastLink returns the path of the link in the newest mail to email, and how many mails it has.
func lastLink(t *testing.T, a *apptest.App, email string) (string, int) {
	t.Helper()
	var body string
	var n int
	err := a.DB.QueryRow(t.Context(), `SELECT (SELECT body_text FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1),
		(SELECT count(*) FROM mail_outbox WHERE to_addr = $1)`, email).Scan(&body, &n)
	if err != nil {
		t.Fatalf("mail to %s: %v", email, err)
	}
	m := linkRE.FindString(body)
	if m == "" {
		t.Fatalf("no link in the mail to %s:\n%s", email, body)
	}
	if !strings.Contains(body, a.Config.BaseURL+m) {
		t.Errorf("the link is not absolute on BASE_URL:\n%s", body)
	}
	return m, n
}

func mailCount(t *testing.T, a *apptest.App, email string) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM mail_outbox WHERE to_addr = $1`, email).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantBody(t *testing.T, res apptest.Response, status int, texts ...string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d\n%s", res.Status, status, res.Body)
	}
	for _, s := range texts {
		if !strings.Contains(res.Body, s) {
			t.Errorf("page does not contain %q", s)
		}
	}
}

func validSignUp() url.Values {
	return url.Values{"name": {"Siti Aminah"}, "email": {"Siti.Aminah@Sekolah.test"}, "phone": {"0812-3456-7890"},
		"password": {"kebun-mangga-77"}, "password_confirm": {"kebun-mangga-77"}}
}

func TestSignUpValidation(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	cases := []struct {
		name  string
		field string
		value string
		msg   string
	}{
		{"name missing", "name", "", "Wajib diisi."},
		{"name too short", "name", "S", "Nama terlalu pendek"},
		{"email missing", "email", "", "Wajib diisi."},
		{"email malformed", "email", "siti@sekolah", "Alamat surel tidak valid"},
		{"phone missing", "phone", "", "Wajib diisi."},
		{"phone not Indonesian mobile", "phone", "021-555-1234", "Nomor HP tidak valid"},
		{"phone too short", "phone", "0812345", "Nomor HP tidak valid"},
		{"password too short", "password", "pendek7", "Kata sandi terlalu pendek"},
		{"password too long", "password", strings.Repeat("a", 129), "Kata sandi terlalu panjang"},
		{"password common", "password", "Password123", "terlalu umum"},
		{"confirmation differs", "password_confirm", "kebun-mangga-78", "Kedua kata sandi tidak sama"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := validSignUp()
			form.Set(tc.field, tc.value)
			if tc.field == "password" {
				form.Set("password_confirm", tc.value)
			}
			res := a.Anonymous().PostForm("/daftar", form)
			wantBody(t, res, http.StatusUnprocessableEntity, tc.msg, "Ada isian yang perlu diperbaiki", `id="`+tc.field+`-error"`)
			for _, f := range []string{"name", "email", "phone"} {
				if f != tc.field && !strings.Contains(res.Body, `value="`+form.Get(f)+`"`) {
					t.Errorf("%s not kept: %q", f, form.Get(f))
				}
			}
			if strings.Contains(res.Body, "kebun-mangga") {
				t.Errorf("a password was sent back in the page")
			}
		})
	}
	// A long password within the limit (64+) is accepted.
	form := validSignUp()
	form.Set("password", strings.Repeat("kata-sandi-panjang ", 6)) // 114 characters
	form.Set("password_confirm", form.Get("password"))
	if res := a.Anonymous().PostForm("/daftar", form); res.Status != http.StatusSeeOther {
		t.Errorf("a 114-character password was refused: %d", res.Status)
	}
	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM users`).Scan(&n); err != nil || n != 1 {
		t.Errorf("users = %d (%v), want only the valid sign-up", n, err)
	}
}

func TestSignUpVerifyAndSignIn(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := a.Anonymous()
	res := c.PostForm("/daftar", validSignUp())
	if res.Status != http.StatusSeeOther || res.Location != "/verifikasi/kirim-ulang" {
		t.Fatalf("sign up: %d %q\n%s", res.Status, res.Location, res.Body)
	}
	wantBody(t, c.Get(res.Location), 200, "Periksa surel Anda")
	const email = "siti.aminah@sekolah.test"
	var phone string
	var verified *time.Time
	var roles []string
	err := a.DB.QueryRow(t.Context(), `SELECT phone, email_verified_at, array(SELECT role FROM role_grants g WHERE g.user_id = u.id)
		FROM users u WHERE email = $1`, email).Scan(&phone, &verified, &roles)
	if err != nil {
		t.Fatal(err)
	}
	if phone != "+6281234567890" || verified != nil || len(roles) != 1 || roles[0] != "guru" {
		t.Errorf("stored phone %q, verified %v, roles %v", phone, verified, roles)
	}
	link, _ := lastLink(t, a, email)
	if !strings.HasPrefix(link, "/verifikasi/") {
		t.Fatalf("verification link %q", link)
	}
	tok := strings.TrimPrefix(link, "/verifikasi/")
	var stored int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM user_tokens WHERE purpose = 'verify_email'
		AND token_hash = sha256(convert_to($1, 'UTF8')) AND expires_at BETWEEN now() + interval '47 hours' AND now() + interval '49 hours'`, tok).Scan(&stored); err != nil || stored != 1 {
		t.Errorf("token stored hashed with a 48 h expiry: %d (%v)", stored, err)
	}

	// Unverified: the right password is refused with a way to resend; a wrong one says nothing more.
	signIn := url.Values{"email": {email}, "password": {"kebun-mangga-77"}}
	wantBody(t, c.PostForm("/masuk", signIn), http.StatusForbidden, "belum diverifikasi", `href="/verifikasi/kirim-ulang"`)
	wrong := c.PostForm("/masuk", url.Values{"email": {email}, "password": {"salah-sandi-1"}})
	if wrong.Status != http.StatusUnauthorized || strings.Contains(wrong.Body, "belum diverifikasi") {
		t.Errorf("wrong password on an unverified account: %d", wrong.Status)
	}

	// Opening the link shows a button and changes nothing.
	wantBody(t, c.Get(link), 200, "Verifikasi surel saya", `action="`+link+`"`)
	if err := a.DB.QueryRow(t.Context(), `SELECT email_verified_at FROM users WHERE email = $1`, email).Scan(&verified); err != nil || verified != nil {
		t.Fatalf("GET verified the email: %v %v", verified, err)
	}
	res = c.PostForm(link, nil)
	if res.Status != http.StatusSeeOther || res.Location != "/masuk" {
		t.Fatalf("verify: %d %q", res.Status, res.Location)
	}
	wantBody(t, c.Get("/masuk"), 200, "sudah diverifikasi")
	var used *time.Time
	if err := a.DB.QueryRow(t.Context(), `SELECT u.email_verified_at, t.used_at FROM users u JOIN user_tokens t ON t.user_id = u.id
		WHERE u.email = $1`, email).Scan(&verified, &used); err != nil || verified == nil || used == nil {
		t.Fatalf("after verifying: verified %v, token used %v (%v)", verified, used, err)
	}
	// The link is single-use.
	wantBody(t, c.Get(link), http.StatusGone, "sudah dipakai", `href="/verifikasi/kirim-ulang"`)
	wantBody(t, c.PostForm(link, nil), http.StatusGone, "sudah dipakai")
	// Now signing in works.
	if res := c.PostForm("/masuk", signIn); res.Status != http.StatusSeeOther {
		t.Fatalf("sign in after verifying: %d", res.Status)
	}
	wantBody(t, c.Get("/dasbor"), 200, "Selamat datang, Siti Aminah")
}

// Sign-up does not tell whether an email is registered: the same "check your email" answer,
// no second account, and the registered address gets a mail saying someone tried (sign in or
// reset the password); an unverified registered address gets a fresh verification link.
func TestSignUpDuplicateEmail(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("siti.aminah@sekolah.test", account.RoleGuru, account.Scope{})
	c := a.Anonymous()
	res := c.PostForm("/daftar", validSignUp())
	fresh := a.Anonymous().PostForm("/daftar", url.Values{"name": {"Budi"}, "email": {"budi.baru@sekolah.test"}, "phone": {"0812-3456-7891"},
		"password": {"kebun-mangga-77"}, "password_confirm": {"kebun-mangga-77"}})
	if res.Status != http.StatusSeeOther || fresh.Status != http.StatusSeeOther || res.Location != fresh.Location {
		t.Fatalf("registered: %d → %q; new: %d → %q; want the same answer\n%s", res.Status, res.Location, fresh.Status, fresh.Location, res.Body)
	}
	wantBody(t, c.Get(res.Location), 200, "Periksa surel Anda")
	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM users WHERE email = 'siti.aminah@sekolah.test'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("users = %d (%v)", n, err)
	}
	var subject, body string
	if err := a.DB.QueryRow(t.Context(), `SELECT subject, body_text FROM mail_outbox WHERE to_addr = 'siti.aminah@sekolah.test'`).Scan(&subject, &body); err != nil {
		t.Fatalf("mail to the registered address: %v", err)
	}
	if !strings.Contains(subject, "mencoba mendaftar") || !strings.Contains(body, a.Config.BaseURL+"/lupa-sandi") || !strings.Contains(body, a.Config.BaseURL+"/masuk") {
		t.Errorf("mail: %q\n%s", subject, body)
	}
	if linkRE.MatchString(body) {
		t.Errorf("the mail to a registered address carries a token link:\n%s", body)
	}
	// Signing up again with the new, still unverified address sends a fresh verification link.
	first, _ := lastLink(t, a, "budi.baru@sekolah.test")
	a.Anonymous().PostForm("/daftar", url.Values{"name": {"Budi"}, "email": {"budi.baru@sekolah.test"}, "phone": {"0812-3456-7891"},
		"password": {"kebun-mangga-77"}, "password_confirm": {"kebun-mangga-77"}})
	if second, count := lastLink(t, a, "budi.baru@sekolah.test"); count != 2 || second == first {
		t.Errorf("second sign-up of an unverified address: %d mails, link %q (first %q)", count, second, first)
	}
}

func TestVerificationExpiresAndResend(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := a.Anonymous()
	if res := c.PostForm("/daftar", validSignUp()); res.Status != http.StatusSeeOther {
		t.Fatalf("sign up: %d", res.Status)
	}
	const email = "siti.aminah@sekolah.test"
	old, _ := lastLink(t, a, email)
	a.SetNow(time.Now().Add(49 * time.Hour))
	wantBody(t, c.Get(old), http.StatusGone, "kedaluwarsa", `href="/verifikasi/kirim-ulang"`)
	wantBody(t, c.PostForm(old, nil), http.StatusGone, "kedaluwarsa")
	var verified *time.Time
	if err := a.DB.QueryRow(t.Context(), `SELECT email_verified_at FROM users WHERE email = $1`, email).Scan(&verified); err != nil || verified != nil {
		t.Fatalf("an expired link verified the email: %v %v", verified, err)
	}
	// Ask again: a new link that works.
	res := c.PostForm("/verifikasi/kirim-ulang", url.Values{"email": {"SITI.AMINAH@sekolah.test"}})
	if res.Status != http.StatusSeeOther || res.Location != "/verifikasi/kirim-ulang" {
		t.Fatalf("resend: %d %q", res.Status, res.Location)
	}
	link, n := lastLink(t, a, email)
	if n != 2 || link == old {
		t.Fatalf("resend: %d mails, same link %v", n, link == old)
	}
	if res := c.PostForm(link, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("verify with the new link: %d", res.Status)
	}
	if err := a.DB.QueryRow(t.Context(), `SELECT email_verified_at FROM users WHERE email = $1`, email).Scan(&verified); err != nil || verified == nil {
		t.Fatalf("not verified: %v", err)
	}
	// A verified account gets no more verification mail, but the same answer.
	res2 := c.PostForm("/verifikasi/kirim-ulang", url.Values{"email": {email}})
	if res2.Status != res.Status || res2.Location != res.Location || mailCount(t, a, email) != 2 {
		t.Errorf("resend for a verified account: %d %q, %d mails", res2.Status, res2.Location, mailCount(t, a, email))
	}
	// An unknown token.
	wantBody(t, c.Get("/verifikasi/"+badToken), http.StatusNotFound, "tidak dikenal")
	wantBody(t, c.Get("/verifikasi/pendek"), http.StatusNotFound, "tidak dikenal")
}

// requestPage asks for a link for email, and returns the response and the page seen after the redirect.
func requestPage(t *testing.T, c *apptest.Client, path, email string) (apptest.Response, string) {
	t.Helper()
	res := c.PostForm(path, url.Values{"email": {email}})
	if res.Status != http.StatusSeeOther {
		return res, ""
	}
	return res, c.Get(res.Location).Body
}

func TestLinkRequestsDoNotRevealAccounts(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("ada@x.test", account.RoleGuru, account.Scope{})
	c := a.Anonymous()
	if res := c.PostForm("/daftar", validSignUp()); res.Status != http.StatusSeeOther {
		t.Fatalf("sign up: %d", res.Status)
	}
	for _, path := range []string{"/lupa-sandi", "/verifikasi/kirim-ulang"} {
		resKnown, pageKnown := requestPage(t, c, path, "ada@x.test")
		resUnknown, pageUnknown := requestPage(t, c, path, "tidak-ada@x.test")
		if resKnown.Status != http.StatusSeeOther || resKnown.Status != resUnknown.Status || resKnown.Location != resUnknown.Location {
			t.Errorf("%s: known %d %q, unknown %d %q", path, resKnown.Status, resKnown.Location, resUnknown.Status, resUnknown.Location)
		}
		if pageKnown != pageUnknown || !strings.Contains(pageKnown, "Bila alamat itu") {
			t.Errorf("%s: the pages after asking differ between a known and an unknown email", path)
		}
	}
	if n := mailCount(t, a, "tidak-ada@x.test"); n != 0 {
		t.Errorf("%d mails to an unknown address", n)
	}
	if n := mailCount(t, a, "ada@x.test"); n != 1 { // the reset link; it is verified so no verification mail
		t.Errorf("%d mails to the known address, want 1", n)
	}
	// Malformed address: a message on the field, nothing recorded.
	wantBody(t, c.PostForm("/lupa-sandi", url.Values{"email": {"bukan-surel"}}), http.StatusUnprocessableEntity, "Alamat surel tidak valid", `value="bukan-surel"`)

	// Rate limit per email, the same for a known and an unknown address.
	for _, email := range []string{"ada@x.test", "tidak-ada@x.test"} {
		for i := 0; i < account.MaxRequestsPerEmail-1; i++ {
			if res := c.PostForm("/lupa-sandi", url.Values{"email": {email}}); res.Status != http.StatusSeeOther {
				t.Fatalf("request %d for %s: %d", i+2, email, res.Status)
			}
		}
		res := c.PostForm("/lupa-sandi", url.Values{"email": {email}})
		wantBody(t, res, http.StatusTooManyRequests, "Terlalu banyak permintaan", "Coba lagi dalam")
		if res.Header.Get("Retry-After") == "" {
			t.Errorf("no Retry-After")
		}
	}
	if n := mailCount(t, a, "ada@x.test"); n != account.MaxRequestsPerEmail {
		t.Errorf("%d reset mails, want %d", n, account.MaxRequestsPerEmail)
	}
	// After the window the address may ask again.
	a.SetNow(time.Now().Add(account.RequestWindow + time.Minute))
	if res := c.PostForm("/lupa-sandi", url.Values{"email": {"ada@x.test"}}); res.Status != http.StatusSeeOther {
		t.Errorf("after the window: %d", res.Status)
	}
}

// The per-address limit on emailed links is set in configuration (LINK_REQUESTS_PER_ADDRESS).
func TestLinkRequestsLimitedPerAddress(t *testing.T) {
	t.Parallel()
	const limit = 7
	a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.LinkRequestsPerAddress = limit }})
	c := a.Anonymous()
	for i := 0; i < limit; i++ {
		if res := c.PostForm("/lupa-sandi", url.Values{"email": {fmt.Sprintf("orang%d@x.test", i)}}); res.Status != http.StatusSeeOther {
			t.Fatalf("request %d: %d", i, res.Status)
		}
	}
	wantBody(t, c.PostForm("/lupa-sandi", url.Values{"email": {"lain@x.test"}}), http.StatusTooManyRequests, "Terlalu banyak permintaan")
	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM token_requests WHERE purpose = 'reset_password'`).Scan(&n); err != nil || n != limit {
		t.Errorf("recorded requests = %d (%v)", n, err)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	u := a.User("guru@x.test", account.RoleGuru, account.Scope{})
	elsewhere := a.SignIn("guru@x.test") // e.g. a stolen session, ended by the reset
	c := a.Anonymous()
	// Two failed sign-ins, then two reset links.
	for range 2 {
		c.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {"salah-sandi"}})
	}
	c.PostForm("/lupa-sandi", url.Values{"email": {"guru@x.test"}})
	first, _ := lastLink(t, a, "guru@x.test")
	res, page := requestPage(t, c, "/lupa-sandi", "GURU@x.test")
	if res.Location != "/lupa-sandi" || !strings.Contains(page, "Bila alamat itu terdaftar") {
		t.Fatalf("reset request: %d %q", res.Status, res.Location)
	}
	link, n := lastLink(t, a, "guru@x.test")
	if n != 2 || link == first || !strings.HasPrefix(link, "/atur-ulang-sandi/") {
		t.Fatalf("links: %d mails, %q", n, link)
	}
	var expires time.Time
	if err := a.DB.QueryRow(t.Context(), `SELECT max(expires_at) FROM user_tokens WHERE user_id = $1 AND purpose = 'reset_password'`, u.ID).Scan(&expires); err != nil ||
		expires.Sub(time.Now()) > time.Hour+time.Minute || expires.Sub(time.Now()) < 59*time.Minute {
		t.Errorf("reset token expires at %v (%v), want in 1 h", expires, err)
	}

	wantBody(t, c.Get(link), 200, "Buat kata sandi baru", `action="`+link+`"`)
	wantBody(t, c.PostForm(link, url.Values{"password": {"password123"}, "password_confirm": {"password123"}}), http.StatusUnprocessableEntity, "terlalu umum")
	wantBody(t, c.PostForm(link, url.Values{"password": {"sandi-baru-yang-kuat"}, "password_confirm": {"sandi-baru-lain"}}), http.StatusUnprocessableEntity, "tidak sama")
	res = c.PostForm(link, url.Values{"password": {"sandi-baru-yang-kuat"}, "password_confirm": {"sandi-baru-yang-kuat"}})
	if res.Status != http.StatusSeeOther || res.Location != "/masuk" {
		t.Fatalf("reset: %d %q\n%s", res.Status, res.Location, res.Body)
	}
	wantBody(t, c.Get("/masuk"), 200, "Kata sandi Anda sudah diganti")
	if res := elsewhere.Get("/dasbor"); res.Status != http.StatusSeeOther {
		t.Errorf("a session from before the reset still works: %d", res.Status)
	}
	var failures, unused int
	if err := a.DB.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM login_failures WHERE email = 'guru@x.test'),
		(SELECT count(*) FROM user_tokens WHERE user_id = $1 AND used_at IS NULL)`, u.ID).Scan(&failures, &unused); err != nil {
		t.Fatal(err)
	}
	if failures != 0 || unused != 0 {
		t.Errorf("after reset: %d sign-in failures kept, %d reset tokens still usable", failures, unused)
	}
	// Single use, and the older link stopped working too.
	wantBody(t, c.Get(link), http.StatusGone, "sudah dipakai", `href="/lupa-sandi"`)
	wantBody(t, c.PostForm(link, url.Values{"password": {"lagi-sandi-baru-9"}, "password_confirm": {"lagi-sandi-baru-9"}}), http.StatusGone)
	wantBody(t, c.Get(first), http.StatusGone)
	// The password really changed.
	if res := c.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {apptest.Password}}); res.Status != http.StatusUnauthorized {
		t.Errorf("old password still works: %d", res.Status)
	}
	if res := c.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {"sandi-baru-yang-kuat"}}); res.Status != http.StatusSeeOther {
		t.Errorf("new password refused: %d", res.Status)
	}
}

func TestPasswordResetExpires(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("guru@x.test", account.RoleGuru, account.Scope{})
	c := a.Anonymous()
	c.PostForm("/lupa-sandi", url.Values{"email": {"guru@x.test"}})
	link, _ := lastLink(t, a, "guru@x.test")
	a.SetNow(time.Now().Add(61 * time.Minute))
	wantBody(t, c.Get(link), http.StatusGone, "kedaluwarsa", `href="/lupa-sandi"`)
	wantBody(t, c.PostForm(link, url.Values{"password": {"sandi-baru-yang-kuat"}, "password_confirm": {"sandi-baru-yang-kuat"}}), http.StatusGone)
	if res := c.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {apptest.Password}}); res.Status != http.StatusSeeOther {
		t.Errorf("the password changed through an expired link: %d", res.Status)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("guru@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru@x.test")
	elsewhere := a.SignIn("guru@x.test")
	wantBody(t, c.Get("/akun/sandi"), 200, "Kata sandi saat ini", "Kata sandi baru")
	wantBody(t, c.PostForm("/akun/sandi", url.Values{"current_password": {"salah-sandi"}, "password": {"sandi-baru-yang-kuat"}, "password_confirm": {"sandi-baru-yang-kuat"}}),
		http.StatusUnprocessableEntity, "Kata sandi saat ini salah")
	wantBody(t, c.PostForm("/akun/sandi", url.Values{"current_password": {apptest.Password}, "password": {"12345678"}, "password_confirm": {"12345678"}}),
		http.StatusUnprocessableEntity, "terlalu umum")
	wantBody(t, c.PostForm("/akun/sandi", url.Values{"password": {"sandi-baru-yang-kuat"}, "password_confirm": {"sandi-baru-yang-kuat"}}),
		http.StatusUnprocessableEntity, "Wajib diisi")
	res := c.PostForm("/akun/sandi", url.Values{"current_password": {apptest.Password}, "password": {"sandi-baru-yang-kuat"}, "password_confirm": {"sandi-baru-yang-kuat"}})
	if res.Status != http.StatusSeeOther || res.Location != "/dasbor" {
		t.Fatalf("change: %d %q", res.Status, res.Location)
	}
	wantBody(t, c.Get("/dasbor"), 200, "Kata sandi Anda sudah diganti")
	if res := elsewhere.Get("/dasbor"); res.Status != http.StatusSeeOther {
		t.Errorf("another session from before the change still works: %d", res.Status)
	}
	other := a.Anonymous()
	if res := other.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {apptest.Password}}); res.Status != http.StatusUnauthorized {
		t.Errorf("old password still works: %d", res.Status)
	}
	if res := other.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {"sandi-baru-yang-kuat"}}); res.Status != http.StatusSeeOther {
		t.Errorf("new password refused: %d", res.Status)
	}
	// Guessing the current password is limited like signing in.
	for range account.FreeFailures {
		c.PostForm("/akun/sandi", url.Values{"current_password": {"tebakan-salah"}, "password": {"sandi-lain-yang-kuat"}, "password_confirm": {"sandi-lain-yang-kuat"}})
	}
	wantBody(t, c.PostForm("/akun/sandi", url.Values{"current_password": {"sandi-baru-yang-kuat"}, "password": {"sandi-lain-yang-kuat"}, "password_confirm": {"sandi-lain-yang-kuat"}}),
		http.StatusTooManyRequests, "lalu coba lagi")
}

func TestDevOutbox(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := a.Anonymous()
	if res := c.PostForm("/daftar", validSignUp()); res.Status != http.StatusSeeOther {
		t.Fatalf("sign up: %d", res.Status)
	}
	link, _ := lastLink(t, a, "siti.aminah@sekolah.test")
	wantBody(t, c.Get("/dev/outbox"), 200, "siti.aminah@sekolah.test", "Verifikasi alamat surel akun Penggerak Anda",
		`<a href="`+link+`">`+a.Config.BaseURL+link+`</a>`, "Menunggu")

	prod := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.Env = "production" }})
	if res := prod.Anonymous().Get("/dev/outbox"); res.Status != http.StatusNotFound {
		t.Errorf("outbox in production: %d, want 404", res.Status)
	}
}

func TestSignUpLimitedPerAddress(t *testing.T) {
	t.Parallel()
	const limit = 20
	a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.LinkRequestsPerAddress = limit }})
	// This address has asked for as many verification links as allowed in the last hour.
	if _, err := a.DB.Exec(t.Context(), `INSERT INTO token_requests (purpose, email, ip, at)
		SELECT 'verify_email', 'orang' || i || '@x.test', '127.0.0.1', now() FROM generate_series(1, $1) i`, limit); err != nil {
		t.Fatal(err)
	}
	res := a.Anonymous().PostForm("/daftar", validSignUp())
	wantBody(t, res, http.StatusTooManyRequests, "Terlalu banyak pendaftaran", `value="Siti Aminah"`, `value="0812-3456-7890"`)
	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM mail_outbox)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("users + mails = %d (%v), want 0", n, err)
	}
	// An hour later it works.
	a.SetNow(time.Now().Add(account.RequestWindow + time.Minute))
	if res := a.Anonymous().PostForm("/daftar", validSignUp()); res.Status != http.StatusSeeOther {
		t.Errorf("sign up after the window: %d", res.Status)
	}
}
