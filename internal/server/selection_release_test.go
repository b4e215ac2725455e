package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/region"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/server"
	"penggerak/web/i18n"
)

// releaseReviewed releases the held mails the way the national admin does: the review page's
// reviewed id, then the confirmed release.
func releaseReviewed(t *testing.T, ad *apptest.Client) {
	t.Helper()
	res := ad.Get("/admin/surat/tinjau")
	mustStatus(t, "review", res, http.StatusOK)
	m := upToRe.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatalf("nothing to release:\n%s", res.Body)
	}
	mustStatus(t, "release", ad.PostForm("/admin/surat/tinjau/lepas", url.Values{"up_to": {m[1]}, "confirm": {"yes"}}), http.StatusSeeOther)
}

// A verval outcome reaches the teacher only with its mail: while the mail is held in the review
// outbox, the application page, the receipt and the dashboard still read "Terkirim" with no
// verdict on any document; after the release they read "Lolos verval".
func TestVervalOutcomeShownOnlyAfterRelease(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	tc := recSeedCohort(t, a, 15, "pendaftaran", 0)
	adm := recAdminClient(t, a)
	a.User("asesor-rilis@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	_, c := recTeacher(t, a, "rilis@guru.test", "10601301", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	mustStatus(t, "submit", c.PostForm(base+"/kirim", confirmYes), http.StatusSeeOther)
	var app int64
	fmt.Sscanf(strings.TrimPrefix(base, "/lamaran/"), "%d", &app)
	mustStatus(t, "assign", adm.PostForm(fmt.Sprintf("/admin/angkatan/%d/verval/bagi", tc.ID), nil), http.StatusSeeOther)
	as := a.SignIn("asesor-rilis@x.test")
	rows, _ := a.DB.Query(ctx, `SELECT id FROM application_documents WHERE application_id = $1`, app)
	docs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(docs) == 0 {
		t.Fatalf("documents: %v %v", docs, err)
	}
	for _, doc := range docs {
		mustStatus(t, "decide", as.PostForm(fmt.Sprintf("/verval/%d/dokumen/%d", app, doc), url.Values{"verdict": {"valid"}}), http.StatusSeeOther)
	}
	mustStatus(t, "finish", as.PostForm(fmt.Sprintf("/verval/%d/selesai", app), confirmYes), http.StatusSeeOther)
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE held AND kind = 'application.mail.verval' AND ref = $1`, fmt.Sprintf("verval:%d", app)); n != 1 {
		t.Fatal("the verval mail is not held under its decision")
	}
	pages := map[string]string{"review": base + "/tinjau", "documents": base + "/dokumen", "receipt": base + "/tanda-terima", "dashboard": "/dasbor"}
	for name, path := range pages {
		res := c.Get(path)
		mustStatus(t, name, res, http.StatusOK)
		for _, leak := range []string{"Lolos verval", "Dokumen sah", `id="verval"`} {
			if strings.Contains(res.Body, leak) {
				t.Fatalf("%s shows %q before the verval mail is released:\n%s", name, leak, res.Body)
			}
		}
	}
	if res := c.Get(base + "/tanda-terima"); !strings.Contains(res.Body, "Terkirim") {
		t.Fatalf("receipt before the release:\n%s", res.Body)
	}
	releaseReviewed(t, adm)
	for _, name := range []string{"review", "receipt", "dashboard"} {
		if res := c.Get(pages[name]); !strings.Contains(res.Body, "Lolos verval") {
			t.Fatalf("%s after the release lacks the outcome:\n%s", name, res.Body)
		}
	}
}

// A published result and its seat offer reach the applicant only with their mails, and the
// offer's confirmation window counts from the release: held two days, the applicant still has
// the cohort's full seven days from the release (fixed clock), shown in their zone.
func TestResultAndSeatShownFromRelease(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	w := newSelWorld(t, fx)
	t0 := time.Date(2026, 4, 6, 2, 0, 0, 0, time.UTC)
	a.SetNow(t0)
	letter := server.NewLetter(i18n.MustLoad(), a.Config.BaseURL)
	if err := selection.NewStore(a.DB).WithLetter(letter).Publish(ctx, testActor(), w.Run, "uji rilis", t0.Add(7*24*time.Hour), a.Config.BaseURL); err != nil {
		t.Fatal(err)
	}
	var email string
	var seat int64
	if err := a.DB.QueryRow(ctx, `SELECT u.email, ps.id FROM users u JOIN applications ap ON ap.user_id = u.id
		JOIN pembekalan_seats ps ON ps.application_id = ap.id WHERE ap.id = $1`, w.Apps[0]).Scan(&email, &seat); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = $2) WHERE email = $1`,
		email, a.User("pembanding@uji.id", account.RoleGuru, account.Scope{}).Email); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO role_grants (user_id, role) VALUES ($1, 'guru')`, w.Users[0]); err != nil {
		t.Fatal(err)
	}
	guru := a.SignIn(email)
	res := guru.Get("/seleksi/saya")
	mustStatus(t, "before release", res, http.StatusOK)
	if !strings.Contains(res.Body, "Hasil seleksi Anda belum diumumkan.") || strings.Contains(res.Body, "Batas konfirmasi") {
		t.Fatalf("the result shows before its mail is released:\n%s", res.Body)
	}
	if res := guru.Get("/dasbor"); strings.Contains(res.Body, "Lulus seleksi") {
		t.Fatalf("the dashboard shows the result before its mail is released:\n%s", res.Body)
	}
	mustStatus(t, "decline a held offer", guru.PostForm("/seleksi/kursi/"+ids(seat)+"/tolak", url.Values{"yakin": {"true"}}), http.StatusNotFound)

	released := t0.Add(48 * time.Hour)
	a.SetNow(released)
	a.User("admin-rilis@uji.id", account.RoleAdmin, account.Scope{})
	releaseReviewed(t, a.SignIn("admin-rilis@uji.id"))
	var confirmBy, releasedAt time.Time
	if err := a.DB.QueryRow(ctx, `SELECT confirm_by, released_at FROM pembekalan_seats WHERE id = $1`, seat).Scan(&confirmBy, &releasedAt); err != nil {
		t.Fatal(err)
	}
	want := released.Add(7 * 24 * time.Hour)
	if !confirmBy.Equal(want) || !releasedAt.Equal(released) {
		t.Fatalf("confirm_by %v released_at %v, want %v from the release at %v", confirmBy, releasedAt, want, released)
	}
	res = guru.Get("/seleksi/saya")
	if !strings.Contains(res.Body, "Lulus") || !strings.Contains(res.Body, region.FormatTime(want, "WIB")) {
		t.Fatalf("after the release the page lacks the result or the deadline %s:\n%s", region.FormatTime(want, "WIB"), res.Body)
	}
	if res := guru.Get("/dasbor"); !strings.Contains(res.Body, "Lulus seleksi") {
		t.Fatalf("the dashboard lacks the released result:\n%s", res.Body)
	}
}
