package server_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
)

// TestProfileNIKNeverLogged runs the profile flows with every log line kept (debug level) and
// checks that the NIK and NUPTK appear in none of them.
func TestProfileNIKNeverLogged(t *testing.T) {
	t.Parallel()
	logs := &apptest.LogBuffer{}
	app := apptest.Start(t, apptest.Options{Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	applicationtest.School(t, app.DB, "10601012", "SD Negeri 12 Baturaja Timur", "SD", "16.01")
	client := func(email string) *apptest.Client {
		app.User(email, account.RoleGuru, account.Scope{})
		return app.SignIn(email)
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
