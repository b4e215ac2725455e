package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
)

// A tidak lolos verval's correction window counts from the release of its mail, not from the
// decision (fixed clock): held two days, the applicant still has the cohort's full three days
// from the release; a correction upload while the outcome is held is refused; eight admins
// releasing at once on a pool of three connections start the window exactly once.
func TestVervalCorrectionWindowFromRelease(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	t0 := time.Now().UTC().Truncate(time.Second)
	a.SetNow(t0)
	tc := recSeedCohort(t, a, 16, "pendaftaran", 3)
	adm := recAdminClient(t, a)
	a.User("asesor-koreksi@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	c, base, app := recSubmitted(t, a, tc, "koreksi@guru.test", "10601401", "16.01")
	mustStatus(t, "assign", adm.PostForm(fmt.Sprintf("/admin/angkatan/%d/verval/bagi", tc.ID), nil), http.StatusSeeOther)
	as := a.SignIn("asesor-koreksi@x.test")
	var docID int64
	if err := a.DB.QueryRow(ctx, `SELECT d.id FROM application_documents d WHERE d.application_id = $1 AND d.required_document_id = $2`, app, tc.Docs[0]).Scan(&docID); err != nil {
		t.Fatal(err)
	}
	rows, _ := a.DB.Query(ctx, `SELECT id FROM application_documents WHERE application_id = $1`, app)
	var docs []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		docs = append(docs, id)
	}
	rows.Close()
	for _, d := range docs {
		v := url.Values{"verdict": {"valid"}}
		if d == docID {
			v = url.Values{"verdict": {"invalid"}, "reason": {"tidak_terbaca"}}
		}
		mustStatus(t, "decide", as.PostForm(fmt.Sprintf("/verval/%d/dokumen/%d", app, d), v), http.StatusSeeOther)
	}
	mustStatus(t, "finish", as.PostForm(fmt.Sprintf("/verval/%d/selesai", app), confirmYes), http.StatusSeeOther)
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE id = $1 AND status = 'verval_failed' AND correction_until IS NULL AND verval_released_at IS NULL`, app); n != 1 {
		t.Fatal("a correction window before the release of the outcome")
	}
	// Held: the applicant cannot see the outcome, so cannot correct.
	doc := fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0])
	a.SetNow(t0.Add(24 * time.Hour))
	if res := recUpload(c, doc, "ktp-awal.pdf", append(append([]byte{}, recPDF...), []byte("%awal\n")...)); res.Status != http.StatusConflict {
		t.Fatalf("correction upload while the outcome is held: %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_documents WHERE id = $1 AND verval_status = 'invalid' AND corrected_at IS NULL`, docID); n != 1 {
		t.Fatal("the held outcome's document was replaced")
	}

	// Released two days after the decision, by eight admins at once.
	released := t0.Add(48 * time.Hour)
	cfg := a.DB.Config()
	cfg.MaxConns = 3
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var upTo int64
	if err := a.DB.QueryRow(ctx, `SELECT max(id) FROM mail_outbox WHERE held`).Scan(&upTo); err != nil {
		t.Fatal(err)
	}
	s := selection.NewStore(pool)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func(i int) {
			_, err := s.ReleaseMail(ctx, audit.Actor{IP: "test"}, upTo, released.Add(time.Duration(i)*time.Second))
			errs <- err
		}(i)
	}
	ok := 0
	for i := 0; i < 8; i++ {
		switch err := <-errs; {
		case err == nil:
			ok++
		case !errors.Is(err, mail.ErrNothingHeld):
			t.Fatal(err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d releases took the mails, want 1", ok)
	}
	var until, at time.Time
	if err := a.DB.QueryRow(ctx, `SELECT correction_until, verval_released_at FROM applications WHERE id = $1`, app).Scan(&until, &at); err != nil {
		t.Fatal(err)
	}
	if at.Before(released) || at.After(released.Add(7*time.Second)) || !until.Equal(at.Add(3*24*time.Hour)) {
		t.Fatalf("released at %v, correction until %v; want the full three days from the release (%v)", at, until, released)
	}
	// Four days after the decision, two after the release: the correction is still accepted.
	a.SetNow(t0.Add(4 * 24 * time.Hour))
	if res := recUpload(c, doc, "ktp-jelas.pdf", append(append([]byte{}, recPDF...), []byte("%jelas\n")...)); res.Status != http.StatusSeeOther {
		t.Fatalf("correction upload inside the window from the release: %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE id = $1 AND status = 'submitted' AND correction_used_at IS NOT NULL`, app); n != 1 {
		t.Fatal("the correction was not stored")
	}
}
