package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

// The key selection steps with JavaScript OFF on a 390px phone, every one a plain form post:
// an assessor picks a level from the radio list, saves a draft, is refused a submission with an
// empty criterion, then submits; the admin computes the run; the BGP signs off; the admin
// publishes; applicants read their breakdown; one lulus confirms with a Pakta Integritas upload,
// the other declines with the confirmation tick and the cadangan of the same kab/kota moves up.
// Sheets other than the one scored in the browser are submitted by the fixture to keep it short.
func TestSelectionJourneyWithoutJavaScript(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	a.User("admin@nojs.test", account.RoleAdmin, account.Scope{})
	a.User("bgp@nojs.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	as1 := a.User("as1@nojs.test", account.RoleAsesor, account.Scope{})
	as2 := a.User("as2@nojs.test", account.RoleAsesor, account.Scope{})
	cohort := fx.Cohort(map[string]int{"16.01": 1, "36.73": 1})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	apps := map[string]int64{}
	for i, c := range []struct{ email, name, npsn, reg string }{
		{"siti@nojs.test", "Siti Aminah", "10600801", "16.01"},
		{"budi@nojs.test", "Budi Santoso", "10600802", "16.01"},
		{"rina@nojs.test", "Rina Wati", "36000803", "36.73"},
	} {
		u := a.User(c.email, account.RoleGuru, account.Scope{})
		apps[c.email] = fx.ApplicationFor(cohort, u.ID, c.name, c.npsn, c.reg, t0.Add(time.Duration(i)*time.Hour))
	}
	fx.Score(apps["siti@nojs.test"], selection.StageTahap1, as1.ID, 4, 4)
	for _, e := range []string{"budi@nojs.test", "rina@nojs.test"} {
		fx.Score(apps[e], selection.StageTahap1, as1.ID, 4, 3)
		fx.Score(apps[e], selection.StageTahap1, as2.ID, 4, 3)
	}
	var sheet int64
	if err := a.DB.QueryRow(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id, due_at)
		VALUES ($1, 'tahap1', $2, now() + interval '7 days') RETURNING id`, apps["siti@nojs.test"], as2.ID).Scan(&sheet); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t, browsertest.Phone(), browsertest.NoJavaScript())
	signIn := func(email string) {
		t.Helper()
		b.Visit(a.URL + "/masuk")
		b.Fill("#email", email)
		b.Fill("#password", apptest.Password)
		b.Click(`form[action="/masuk"] button[type=submit]`)
	}
	signOut := func() { b.Click(`form[action="/keluar"] button`) }
	// noScriptAndFits proves the page runs no script (htmx never loaded) and has no sideways
	// scrolling on the phone.
	noScriptAndFits := func(page string) {
		t.Helper()
		if v := b.Eval(`typeof window.htmx`); v != "undefined" {
			t.Fatalf("%s: JavaScript ran (htmx is %s)", page, v)
		}
		if v := b.Eval(`String(document.documentElement.scrollWidth)`); v != "390" {
			t.Errorf("%s: the page is %s px wide on a 390 px phone", page, v)
		}
	}
	storedScores := func() (submitted bool, scores string) {
		t.Helper()
		if err := a.DB.QueryRow(ctx, `SELECT sh.submitted_at IS NOT NULL,
				coalesce(string_agg(i.position || ':' || i.score || ':' || i.note, ',' ORDER BY i.position), '')
			FROM score_sheets sh LEFT JOIN score_items i ON i.sheet_id = sh.id WHERE sh.id = $1 GROUP BY sh.id`, sheet).Scan(&submitted, &scores); err != nil {
			t.Fatal(err)
		}
		return
	}

	// The assessor picks "Cakap" from the described levels, writes a note and saves a draft.
	signIn("as2@nojs.test")
	b.Visit(a.URL + "/asesor/penilaian")
	b.Click(`a[href="/asesor/penilaian/` + ids(sheet) + `"]`)
	b.MustSee("Belum", "Mulai", "Cakap", "Mahir", "identitas pendaftar disembunyikan")
	b.MustNotSee("Siti Aminah")
	noScriptAndFits("sheet")
	b.Click("#score-1-3")
	// An empty textarea has no text node for Fill to clear: type into it.
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("#note-1"), "Membimbing dua rekan")); err != nil {
		t.Fatal(err)
	}
	b.Click(`button[name=submit][value=false]`)
	b.MustSee("Draf nilai tersimpan")
	if sub, sc := storedScores(); sub || sc != "1:3:Membimbing dua rekan" {
		t.Fatalf("after the draft: submitted=%v items=%q", sub, sc)
	}
	if b.Eval(`String(document.querySelector('#score-1-3').checked)`) != "true" {
		t.Fatal("the saved level is not checked when the sheet is opened again")
	}
	// Submitting with the second criterion empty is refused; the picked level stays picked.
	b.Click("#score-1-4")
	b.Click(`button[name=submit][value=true]`)
	b.MustSee("Isi nilai kriteria ini sebelum mengirim")
	b.Screenshot("selection-nojs-sheet-refused")
	if b.Eval(`String(document.querySelector('#score-1-4').checked)`) != "true" {
		t.Fatal("the picked level was lost when the submission was refused")
	}
	if sub, _ := storedScores(); sub {
		t.Fatal("a refused submission was stored as submitted")
	}
	b.Fill("#score-2", "3")
	// "Kirim nilai" without the ticked confirmation locks nothing; the typed scores stay.
	b.Click(`button[name=submit][value=true]`)
	b.MustSee("Centang pernyataan di atas untuk mengirim nilai")
	if sub, _ := storedScores(); sub {
		t.Fatal("scores sent without the confirmation")
	}
	if v := b.Eval(`document.querySelector("#score-2").value`); v != "3" {
		t.Errorf("typed score lost: %q", v)
	}
	b.Click(`#confirm-sheet`)
	b.Click(`button[name=submit][value=true]`)
	b.MustSee("Nilai terkirim dan terkunci")
	if sub, sc := storedScores(); !sub || sc != "1:4:Membimbing dua rekan,2:3:" {
		t.Fatalf("after submitting: submitted=%v items=%q", sub, sc)
	}
	signOut()

	// The admin computes the run.
	signIn("admin@nojs.test")
	b.Visit(a.URL + "/admin/seleksi/" + ids(cohort))
	b.Click(`form[action$="/hasil"] button[type=submit]`)
	b.MustSee("Hasil dihitung", "Belum diumumkan")
	var run int64
	var outcomes string
	if err := a.DB.QueryRow(ctx, `SELECT r.id, string_agg(a.applicant_name || '=' || rr.outcome || '#' || rr.rank, ',' ORDER BY a.applicant_name)
		FROM result_runs r JOIN run_results rr ON rr.run_id = r.id JOIN applications a ON a.id = rr.application_id
		WHERE r.cohort_id = $1 GROUP BY r.id`, cohort).Scan(&run, &outcomes); err != nil {
		t.Fatal(err)
	}
	if want := "Budi Santoso=cadangan#2,Rina Wati=lulus#1,Siti Aminah=lulus#1"; outcomes != want {
		t.Fatalf("run outcomes %q, want %q", outcomes, want)
	}
	signOut()

	// The BGP of Sumatera Selatan signs off its province.
	signIn("bgp@nojs.test")
	b.Visit(a.URL + "/seleksi/hasil/" + ids(run))
	b.MustSee("Siti Aminah", "Budi Santoso")
	b.MustNotSee("Rina Wati")
	noScriptAndFits("run review")
	b.Fill("#comment", "Sudah diperiksa")
	b.Click(`form[action$="/setujui"] input[name=confirm]`)
	b.Click(`form[action$="/setujui"] button`)
	b.MustSee("Persetujuan tercatat")
	var comment string
	if err := a.DB.QueryRow(ctx, `SELECT comment FROM run_signoffs WHERE run_id = $1 AND province_code = '16'`, run).Scan(&comment); err != nil || comment != "Sudah diperiksa" {
		t.Fatalf("sign-off stored: %q, %v", comment, err)
	}
	signOut()

	// The admin publishes, with a reason for Banten, which did not sign off.
	signIn("admin@nojs.test")
	b.Visit(a.URL + "/seleksi/hasil/" + ids(run))
	b.Fill("#override", "BGP Banten belum aktif")
	// Without the ticked confirmation nothing is announced (JavaScript off: no confirm() dialog).
	b.Click(`form[action$="/umumkan"] button`)
	b.MustSee("Centang pernyataan di atas untuk mengumumkan hasil")
	var early bool
	_ = a.DB.QueryRow(ctx, `SELECT published_at IS NOT NULL FROM result_runs WHERE id = $1`, run).Scan(&early)
	if early {
		t.Fatal("published without the confirmation")
	}
	if v := b.Eval(`document.querySelector("#override").value`); v != "BGP Banten belum aktif" {
		t.Errorf("typed override reason lost: %q", v)
	}
	b.Click(`#confirm-publish`)
	b.Click(`form[action$="/umumkan"] button`)
	b.MustSee("Hasil diumumkan")
	var published bool
	var seats int
	_ = a.DB.QueryRow(ctx, `SELECT published_at IS NOT NULL, (SELECT count(*) FROM pembekalan_seats WHERE run_id = $1 AND status = 'offered')
		FROM result_runs WHERE id = $1`, run).Scan(&published, &seats)
	if !published || seats != 2 {
		t.Fatalf("after publishing: published=%v, offered seats=%d (want 2)", published, seats)
	}
	// The decision mails are read and released at once; only then do applicants see them.
	b.Visit(a.URL + "/admin/surat/tinjau")
	b.Click(`#confirm-release`)
	b.Click(`form[action="/admin/surat/tinjau/lepas"] button`)
	b.MustSee("Surel yang ditahan sudah dilepas dan sedang dikirim.")
	signOut()

	seatStatus := func(email string) (status string, pakta bool) {
		t.Helper()
		if err := a.DB.QueryRow(ctx, `SELECT status, pakta_storage IS NOT NULL FROM pembekalan_seats WHERE run_id = $1 AND application_id = $2`,
			run, apps[email]).Scan(&status, &pakta); err != nil {
			t.Fatalf("seat of %s: %v", email, err)
		}
		return
	}

	// Rina reads her breakdown and confirms with the signed Pakta Integritas.
	signIn("rina@nojs.test")
	b.Visit(a.URL + "/seleksi/saya")
	b.MustSee("Lulus", "88.89", "1 dari 1 pendaftar di Kota Serang", "Pengalaman mengembangkan orang lain", "Kualitas esai",
		"Passing grade (0–100): 60.00", "Kuota\n1")
	noScriptAndFits("result")
	b.Screenshot("selection-nojs-result")
	pdf := filepath.Join(t.TempDir(), "pakta.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% pakta integritas\n%%EOF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Upload(`form[action$="/konfirmasi"] input[type=file]`, pdf)
	b.Click(`form[action$="/konfirmasi"] button`)
	b.MustSee("Keikutsertaan Anda terkonfirmasi")
	if st, pakta := seatStatus("rina@nojs.test"); st != "confirmed" || !pakta {
		t.Fatalf("Rina's seat: %q, pakta stored %v", st, pakta)
	}
	signOut()

	// Siti reads her breakdown (per-criterion means over both assessors) and declines: the first
	// tap without the tick is refused, the second with it frees the seat.
	signIn("siti@nojs.test")
	b.Visit(a.URL + "/seleksi/saya")
	b.MustSee("Lulus", "94.45", "1 dari 2 pendaftar di Kabupaten Ogan Komering Ulu", "Passing grade (0–100): 60.00", "Kuota\n1")
	b.Click(`form[action$="/tolak"] button`)
	b.MustSee("Centang pernyataan di atas")
	if st, _ := seatStatus("siti@nojs.test"); st != "offered" {
		t.Fatalf("a decline without the tick changed Siti's seat to %q", st)
	}
	b.Click(`form[action$="/tolak"] input[name=yakin]`)
	b.Click(`form[action$="/tolak"] button`)
	b.MustSee("Anda telah mengundurkan diri")
	if st, _ := seatStatus("siti@nojs.test"); st != "declined" {
		t.Fatalf("Siti's seat is %q after declining", st)
	}
	signOut()

	// Budi, the best cadangan of Ogan Komering Ulu, has moved up and is told so.
	var promoted bool
	if err := a.DB.QueryRow(ctx, `SELECT promoted_from IS NOT NULL FROM pembekalan_seats WHERE run_id = $1 AND application_id = $2 AND status = 'offered'`,
		run, apps["budi@nojs.test"]).Scan(&promoted); err != nil || !promoted {
		t.Fatalf("Budi has no promoted seat: %v", err)
	}
	fx.Release(time.Now()) // Budi's seat offer
	signIn("budi@nojs.test")
	b.Visit(a.URL + "/seleksi/saya")
	b.MustSee("Cadangan", "naik dari daftar cadangan", "Konfirmasi keikutsertaan")
}
