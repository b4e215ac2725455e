package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/selection/selectiontest"
)

// A small cohort through selection in a real browser: the admin writes the rubric and assigns
// assessors; two assessors score one applicant far apart, so a third is assigned and adjudicates;
// the admin computes the run; the BGP signs off its province; the admin publishes (with a
// recorded reason for the province that did not sign); the applicant reads the breakdown and
// declines; the best cadangan of the same kab/kota moves up and sees it.
func TestSelectionJourneyInBrowser(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	a.User("admin@seleksi.test", account.RoleAdmin, account.Scope{})
	a.User("bgp@seleksi.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	for _, e := range []string{"as1@seleksi.test", "as2@seleksi.test", "as3@seleksi.test"} {
		a.User(e, account.RoleAsesor, account.Scope{})
	}
	cohort := fx.Cohort(map[string]int{"16.01": 1, "36.73": 1})
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	apps := map[string]int64{}
	for i, c := range []struct{ email, name, npsn, reg string }{
		{"siti@seleksi.test", "Siti Aminah", "10600701", "16.01"},
		{"budi@seleksi.test", "Budi Santoso", "10600702", "16.01"},
		{"rina@seleksi.test", "Rina Wati", "36000703", "36.73"},
	} {
		u := a.User(c.email, account.RoleGuru, account.Scope{})
		apps[c.email] = fx.ApplicationFor(cohort, u.ID, c.name, c.npsn, c.reg, t0.Add(time.Duration(i)*time.Hour))
	}
	b := browsertest.New(t, browsertest.Phone())
	signIn := func(email string) {
		b.Visit(a.URL + "/masuk")
		b.Fill("#email", email)
		b.Fill("#password", apptest.Password)
		b.Click(`form[action="/masuk"] button[type=submit]`)
	}
	signOut := func() { b.Click(`form[action="/keluar"] button`) }
	base := a.URL + "/admin/seleksi/" + ids(cohort)

	// The national admin writes the rubric and assigns two assessors per application.
	signIn("admin@seleksi.test")
	b.Visit(base + "/rubrik/tahap1")
	b.Fill("#passing_grade", "60")
	b.Fill("#threshold", "15")
	// An empty textarea has no text node for typing into: set its value as a paste would.
	b.Eval(`document.querySelector('#criteria').value = ` + strconv.Quote("Pengalaman mengembangkan orang lain | 1 | 4 | 2 | Belum; Mulai; Cakap; Mahir\nKualitas esai | 1 | 4 | 1") + `, "ok"`)
	b.Click(`main form button[type=submit]`)
	b.MustSee("Rubrik tersimpan")
	b.Click(`form[action$="/tugaskan/tahap1"] button`)
	b.MustSee("Asesor telah ditugaskan", "Beban kerja asesor")
	signOut()

	// score signs in as the assessor of the application's next open sheet and submits scores.
	score := func(email string, v1, v2 string) {
		t.Helper()
		var sheet int64
		var who string
		if err := a.DB.QueryRow(ctx, `SELECT sh.id, u.email FROM score_sheets sh JOIN users u ON u.id = sh.assessor_id
			WHERE sh.application_id = $1 AND sh.submitted_at IS NULL ORDER BY sh.id LIMIT 1`, apps[email]).Scan(&sheet, &who); err != nil {
			t.Fatal(err)
		}
		signIn(who)
		b.Visit(a.URL + "/asesor/penilaian")
		b.Click(`a[href="/asesor/penilaian/` + ids(sheet) + `"]`)
		b.MustSee("identitas pendaftar disembunyikan")
		b.MustNotSee("Siti Aminah", "Budi Santoso")
		b.MustSee("Mahir") // criterion 1 is picked from its described levels
		b.Click("#score-1-" + v1)
		b.Fill("#score-2", v2)
		b.Click(`#confirm-sheet`)
		b.Click(`button[name=submit][value=true]`)
		b.MustSee("Nilai terkirim dan terkunci")
		signOut()
	}
	score("siti@seleksi.test", "4", "4")
	score("siti@seleksi.test", "1", "1") // 100 vs 0: a third assessor is assigned
	var third int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM score_sheets WHERE adjudicator AND application_id = $1`, apps["siti@seleksi.test"]).Scan(&third)
	if third != 1 {
		t.Fatal("no third assessor after a discrepancy")
	}
	score("siti@seleksi.test", "4", "3") // 88.89: final = mean of 100 and 88.89
	for _, e := range []string{"budi@seleksi.test", "rina@seleksi.test"} {
		score(e, "4", "3")
		score(e, "4", "3")
	}

	// The admin computes the run.
	signIn("admin@seleksi.test")
	b.Visit(base)
	b.Click(`form[action$="/hasil"] button[type=submit]`)
	b.MustSee("Hasil dihitung", "Belum diumumkan")
	var run int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM result_runs WHERE cohort_id = $1`, cohort).Scan(&run)
	signOut()

	// The BGP of Sumatera Selatan reviews and signs off its province only.
	signIn("bgp@seleksi.test")
	b.Visit(a.URL + "/seleksi/hasil/" + ids(run))
	b.MustSee("Siti Aminah", "Kabupaten Ogan Komering Ulu")
	b.MustNotSee("Rina Wati")
	b.Fill("#comment", "Sudah diperiksa")
	b.Click(`form[action$="/setujui"] input[name=confirm]`)
	b.Click(`form[action$="/setujui"] button`)
	b.MustSee("Persetujuan tercatat")
	signOut()

	// The admin publishes with a reason for Banten, which did not sign off.
	signIn("admin@seleksi.test")
	b.Visit(a.URL + "/seleksi/hasil/" + ids(run))
	b.Fill("#override", "BGP Banten belum aktif")
	b.Click(`#confirm-publish`)
	b.Click(`form[action$="/umumkan"] button`)
	b.MustSee("Hasil diumumkan")
	// The decision mails are read and released at once; only then do applicants see them.
	b.Visit(a.URL + "/admin/surat/tinjau")
	b.Click(`#confirm-release`)
	b.Click(`form[action="/admin/surat/tinjau/lepas"] button`)
	b.MustSee("Surel yang ditahan sudah dilepas dan sedang dikirim.")
	signOut()

	// Siti sees her breakdown and declines; Budi moves up.
	signIn("siti@seleksi.test")
	b.Visit(a.URL + "/seleksi/saya")
	b.MustSee("Lulus", "94.45", "1 dari 2 pendaftar", "Pengalaman mengembangkan orang lain", "60.00")
	b.Click(`form[action$="/tolak"] button`)
	b.MustSee("Centang pernyataan di atas") // one stray tap does not give the seat away
	b.Click(`form[action$="/tolak"] input[name=yakin]`)
	b.Click(`form[action$="/tolak"] button`)
	b.MustSee("Anda telah mengundurkan diri")
	signOut()
	fx.Release(time.Now()) // Budi's seat offer

	signIn("budi@seleksi.test")
	b.Visit(a.URL + "/seleksi/saya")
	b.MustSee("naik dari daftar cadangan", "Konfirmasi keikutsertaan")
	pdf := filepath.Join(t.TempDir(), "pakta.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% pakta integritas\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Upload(`input[name=pakta]`, pdf)
	b.Click(`form[action$="/konfirmasi"] button`)
	b.MustSee("Keikutsertaan Anda terkonfirmasi")
	var status string
	_ = a.DB.QueryRow(ctx, `SELECT status FROM pembekalan_seats WHERE application_id = $1`, apps["budi@seleksi.test"]).Scan(&status)
	if status != "confirmed" {
		t.Fatalf("Budi's seat is %q", status)
	}
}

func ids(n int64) string { return strconv.FormatInt(n, 10) }
