package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/demo"
	"penggerak/web/pages/training"
)

// The demo data of `make run` shows the certificates end to end: the demo graduate's profile
// has the fact with the certificate number and its verification link; the public verification
// page shows the graduate as valid, the revoked one as revoked; each Dinas's register lists the
// Guru Penggerak of its own kab/kota only.
func TestDemoGraduatesPages(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	if err := demo.Seed(ctx, a.DB, account.TestParams); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedTraining(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	signIn := func(email string) *apptest.Client {
		t.Helper()
		c := a.Anonymous()
		if res := c.PostForm("/masuk", url.Values{"email": {email}, "password": {demo.Password}}); res.Status != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", email, res.Status)
		}
		return c
	}
	var token, revoked string
	if err := a.DB.QueryRow(ctx, `SELECT (SELECT c.token FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
			JOIN users u ON u.id = p.user_id WHERE u.email = $1),
		(SELECT token FROM training_certificates WHERE revoked_at IS NOT NULL)`, demo.GraduateEmail).Scan(&token, &revoked); err != nil {
		t.Fatal(err)
	}
	grad := signIn(demo.GraduateEmail)
	if mine := grad.Get("/pelatihan/saya"); mine.Status != http.StatusOK || !strings.Contains(mine.Body, "SGP/9/16.01/0001") {
		t.Fatalf("graduate's training page (%d) lacks the certificate:\n%s", mine.Status, mine.Body)
	}
	if idx := signIn("bgp.sumsel@demo.penggerak.id").Get("/pelatihan"); idx.Status != http.StatusOK || !strings.Contains(idx.Body, "Angkatan 9") {
		t.Fatalf("BGP's training index (%d) lacks Angkatan 9:\n%s", idx.Status, idx.Body)
	}
	prof := grad.Get("/profil")
	if prof.Status != http.StatusOK || !strings.Contains(prof.Body, "Guru Penggerak Angkatan 9, sertifikat nomor SGP/9/16.01/0001") ||
		!strings.Contains(prof.Body, training.VerifyPath(token)) {
		t.Fatalf("graduate's profile (%d) lacks the fact:\n%s", prof.Status, prof.Body)
	}
	anon := a.Anonymous()
	if v := anon.Get(training.VerifyPath(token)); v.Status != http.StatusOK || !strings.Contains(v.Body, "Dewi Kartika") ||
		!strings.Contains(v.Body, "Sertifikat ini SAH") || !strings.Contains(v.Body, "Angkatan 9") {
		t.Fatalf("verification of the graduate (%d):\n%s", v.Status, v.Body)
	}
	if v := anon.Get(training.VerifyPath(revoked)); v.Status != http.StatusOK || !strings.Contains(v.Body, "Sertifikat ini DICABUT") {
		t.Fatalf("verification of the revoked certificate (%d):\n%s", v.Status, v.Body)
	}
	oku := signIn("dinas.oku@demo.penggerak.id").Get("/guru-penggerak")
	if oku.Status != http.StatusOK || !strings.Contains(oku.Body, "Dewi Kartika") || !strings.Contains(oku.Body, "SGP/9/16.01/0009") ||
		strings.Contains(oku.Body, "Iis Aisyah") || strings.Contains(oku.Body, "Marlina Dewi") {
		t.Fatalf("OKU's register (%d):\n%s", oku.Status, oku.Body)
	}
	serang := signIn("dinas.serang@demo.penggerak.id").Get("/guru-penggerak")
	if serang.Status != http.StatusOK || !strings.Contains(serang.Body, "Iis Aisyah") || !strings.Contains(serang.Body, "SGP/9/36.73/0005") ||
		strings.Contains(serang.Body, "Dewi Kartika") {
		t.Fatalf("Kota Serang's register (%d):\n%s", serang.Status, serang.Body)
	}
}
