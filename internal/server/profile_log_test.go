package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
	"penggerak/internal/server"
	"penggerak/internal/testdb"
)

// lockedBuffer is a log destination shared by the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestProfileNIKNeverLogged runs the profile flows with every log line kept (debug level) and
// checks that the NIK and NUPTK appear in none of them.
func TestProfileNIKNeverLogged(t *testing.T) {
	t.Parallel()
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	logs := &lockedBuffer{}
	cfg := config.Config{Env: "development", BaseURL: "http://127.0.0.1", DatabaseURL: dbURL, MailFrom: "x <noreply@test.local>",
		UploadDir: t.TempDir(), SecretKey: "test-secret-key-0123456789abcdefghijklmnop", ShutdownTimeout: time.Second}
	srv := server.New(cfg, server.Deps{DB: db, PasswordParams: account.TestParams,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	applicationtest.School(t, db, "10601012", "SD Negeri 12 Baturaja Timur", "SD", "16.01")
	accounts := account.NewStore(db, account.TestParams)
	client := func(email string) *apptest.Client {
		if _, err := accounts.CreateUser(ctx, account.NewUser{Email: email, Name: "Guru Log", Password: apptest.Password}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE users SET email_verified_at = now() WHERE email = $1`, email); err != nil {
			t.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		c := &apptest.Client{T: t, Base: hs.URL, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
		if res := c.PostForm("/masuk", url.Values{"email": {email}, "password": {apptest.Password}}); res.Status != http.StatusSeeOther {
			t.Fatalf("sign in: %d", res.Status)
		}
		return c
	}
	a, b := client("log1@profil.test"), client("log2@profil.test")
	bad := profileForm()
	bad.Set("birth_date", "1988-05-15")
	if res := a.PostForm("/profil", bad); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid: %d", res.Status)
	}
	if res := a.PostForm("/profil", profileForm()); res.Status != http.StatusSeeOther {
		t.Fatalf("valid: %d", res.Status)
	}
	if res := b.PostForm("/profil", profileForm()); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate: %d", res.Status)
	}
	for _, path := range []string{"/profil", "/profil/data-saya", "/profil/data-saya/unduh"} {
		if res := a.Get(path); res.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, res.Status)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "route=/profil") {
		t.Fatalf("no request logs captured:\n%s", out)
	}
	for _, secret := range []string{profileForm().Get("nik"), profileForm().Get("nuptk")} {
		if strings.Contains(out, secret) {
			t.Errorf("%s appears in the logs:\n%s", secret, out)
		}
	}
}
