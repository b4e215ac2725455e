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
	"penggerak/internal/audit"
	"penggerak/internal/browsertest"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

// An appeal on a phone: a cadangan files an appeal with a PDF before the window closes; the
// admin upholds it (the confirmation box first); a new assessor re-scores; the admin makes the
// correction run; once it is published the teacher sees the corrected result and the
// explanation of every number, including the tie rule that decided.
func TestAppealJourneyOnPhone(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	a.User("admin@sanggah.test", account.RoleAdmin, account.Scope{})
	x := a.User("x@sanggah.test", account.RoleAsesor, account.Scope{})
	y := a.User("y@sanggah.test", account.RoleAsesor, account.Scope{})
	cohort := fx.Cohort(map[string]int{"16.01": 1})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	dewi := a.User("dewi@sanggah.test", account.RoleGuru, account.Scope{})
	eko := a.User("eko@sanggah.test", account.RoleGuru, account.Scope{})
	appDewi := fx.ApplicationFor(cohort, dewi.ID, "Dewi Lestari", "10600801", "16.01", t0) // submitted first
	appEko := fx.ApplicationFor(cohort, eko.ID, "Eko Prasetyo", "10600802", "16.01", t0.Add(time.Hour))
	for _, as := range []int64{x.ID, y.ID} {
		fx.Score(appEko, selection.StageTahap1, as, 4, 4)  // 100: lulus
		fx.Score(appDewi, selection.StageTahap1, as, 4, 3) // 88.89: cadangan
	}
	s := selection.NewStore(a.DB)
	run, err := s.CreateRun(ctx, audit.Actor{}, cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(ctx, audit.Actor{}, run, "uji perjalanan sanggah", time.Now().Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	fx.Release(time.Now())
	fresh := a.User("baru@sanggah.test", account.RoleAsesor, account.Scope{})

	b := browsertest.New(t, browsertest.Phone())
	signIn := func(email string) {
		b.Visit(a.URL + "/masuk")
		b.Fill("#email", email)
		b.Fill("#password", apptest.Password)
		b.Click(`form[action="/masuk"] button[type=submit]`)
	}
	signOut := func() { b.Click(`form[action="/keluar"] button`) }

	// The cadangan files an appeal with a PDF.
	signIn("dewi@sanggah.test")
	b.Visit(a.URL + "/seleksi/saya")
	b.MustSee("Cadangan", "88.89", "Masa sanggah berakhir", "WIB")
	sfx := strconv.FormatInt(run, 10)
	b.Eval(`document.querySelector('#appeal-reason-` + sfx + `').value = "Esai saya tentang komunitas belajar tidak dinilai sesuai rubrik.", "ok"`)
	pdf := filepath.Join(t.TempDir(), "bukti.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n% bukti sanggah\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.Upload(`#appeal-pdf-`+sfx, pdf)
	b.Click(`form[action$="/sanggah"] button[type=submit]`)
	b.MustSee("Sanggah Anda sudah diajukan", "Diajukan")
	signOut()

	// The admin upholds it; without the confirmation box nothing happens.
	var appeal int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM selection_appeals WHERE application_id = $1`, appDewi).Scan(&appeal)
	fid := "terima-" + strconv.FormatInt(appeal, 10)
	signIn("admin@sanggah.test")
	b.Visit(a.URL + "/seleksi/sanggah")
	b.MustSee("Dewi Lestari", "Kabupaten Ogan Komering Ulu")
	b.Click(`a[href="/seleksi/sanggah/` + strconv.FormatInt(appeal, 10) + `"]`)
	b.MustSee("88.89", "Unduh PDF")
	b.Eval(`document.querySelector('#decision-` + fid + `').value = "Penilaian esai perlu diulang oleh asesor lain.", "ok"`)
	b.Click(`form[action$="/terima"] button[type=submit]`)
	b.MustSee("Centang kotak ini untuk memastikan keputusan Anda")
	b.Click(`#yakin-` + fid)
	b.Click(`form[action$="/terima"] button[type=submit]`)
	b.MustSee("Sanggah diterima", "Menunggu penilaian ulang oleh")
	signOut()

	// The new assessor re-scores on the phone.
	var sheet int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM score_sheets WHERE appeal_id = $1 AND assessor_id = $2`, appeal, fresh.ID).Scan(&sheet)
	if sheet == 0 {
		t.Fatal("the re-score did not go to the new assessor")
	}
	signIn("baru@sanggah.test")
	b.Visit(a.URL + "/asesor/penilaian/" + strconv.FormatInt(sheet, 10))
	b.Click("#score-1-4")
	b.Fill("#score-2", "4")
	b.Click(`#confirm-sheet`) // "Kirim nilai" locks the sheet: it needs the ticked confirmation
	b.Click(`button[name=submit][value=true]`)
	b.MustSee("Nilai terkirim dan terkunci")
	signOut()

	// The admin makes the correction run; it is published (publication has its own review flow).
	signIn("admin@sanggah.test")
	b.Visit(a.URL + "/seleksi/sanggah/" + strconv.FormatInt(appeal, 10))
	b.Click(`form[action$="/koreksi"] button[type=submit]`)
	b.MustSee("Hasil koreksi dibuat", "Koreksi atas hasil #"+sfx)
	signOut()
	var corr int64
	_ = a.DB.QueryRow(ctx, `SELECT correction_run_id FROM selection_appeals WHERE id = $1`, appeal).Scan(&corr)
	if err := s.Publish(ctx, audit.Actor{}, corr, "uji perjalanan sanggah", time.Now().Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	fx.Release(time.Now())

	// The teacher sees the corrected result and how every number was made.
	signIn("dewi@sanggah.test")
	b.Visit(a.URL + "/seleksi/saya")
	b.MustSee("Lulus", "Hasil ini adalah koreksi", "hasil koreksi setelah penilaian ulang",
		"(4.00 − 1) ÷ (4 − 1) × 100 = 100.00", "(2 × 100.00 + 1 × 100.00) ÷ (2 + 1) = 100.00",
		"1 kursi di Kabupaten Ogan Komering Ulu", "Penentunya waktu pengiriman lamaran", "Anda berada di depan.")
	b.Screenshot("appeal-corrected-result")
	var oldOutcome string
	_ = a.DB.QueryRow(ctx, `SELECT outcome FROM run_results WHERE run_id = $1 AND application_id = $2`, run, appDewi).Scan(&oldOutcome)
	if oldOutcome != "cadangan" {
		t.Fatalf("the original run changed: %q", oldOutcome)
	}
}
