package selection_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/testdb"
)

// letter writes test mails that name the key and language.
func letter(lang, key string, data map[string]any) mail.Message {
	return mail.Message{Subject: key + " " + lang, Body: fmt.Sprint(data)}
}

// An appeal upheld end to end: a1 (cadangan in OKU at 88.89) appeals tahap 1; the admin upholds
// it; a new assessor — not one who scored a1, not from a1's school — re-scores 100; the
// correction run has a1's new score and a1 lulus (the tie with a2 at 100 goes to the earlier
// submission), corrects the published run, names the appeal in its reason, and the original run
// is kept unchanged.
func TestAppealUpheldEndToEnd(t *testing.T) {
	w := newWorld(t)
	scoreAll(w) // a1 88.89, a2 100, a3 66.67 in OKU (quota 1); a4 44.44 in Serang
	orig, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := w.s.Publish(ctx, w.admin, orig, "uji tanpa tanda tangan", now.Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	w.f.Release(now)
	guru := audit.Actor{UserID: w.users[0], IP: "10.0.0.1"}
	// Lulus cannot appeal; a stage not in the run cannot be appealed.
	if _, err := w.s.FileAppeal(ctx, guru, w.users[1], orig, selection.StageTahap1, "Saya ingin nilai saya diperiksa ulang.", nil, t.TempDir(), now, letter); !errors.Is(err, selection.ErrNotAppealable) {
		t.Fatalf("lulus appeal: %v", err)
	}
	if _, err := w.s.FileAppeal(ctx, guru, w.users[0], orig, selection.StageWawancara, "Saya ingin nilai saya diperiksa ulang.", nil, t.TempDir(), now, letter); !errors.Is(err, selection.ErrNotAppealable) {
		t.Fatalf("stage not in run: %v", err)
	}
	// Another's run result: not found.
	if _, err := w.s.FileAppeal(ctx, guru, w.admin.UserID, orig, selection.StageTahap1, "Saya ingin nilai saya diperiksa ulang.", nil, t.TempDir(), now, letter); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("appeal by someone without a result: %v", err)
	}
	// After the window (3 days by default) it is closed.
	if _, err := w.s.FileAppeal(ctx, guru, w.users[0], orig, selection.StageTahap1, "Saya ingin nilai saya diperiksa ulang.", nil, t.TempDir(), now.Add(73*time.Hour), letter); !errors.Is(err, selection.ErrAppealClosed) {
		t.Fatalf("after the window: %v", err)
	}
	dir := t.TempDir()
	id, err := w.s.FileAppeal(ctx, guru, w.users[0], orig, selection.StageTahap1, "Esai saya tentang komunitas belajar tidak dinilai sesuai rubrik.", []byte("%PDF-1.4 bukti"), dir, now, letter)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.FileAppeal(ctx, guru, w.users[0], orig, selection.StageTahap1, "Sekali lagi saya mengajukan sanggah.", nil, dir, now, letter); !errors.Is(err, selection.ErrAppealExists) {
		t.Fatalf("second appeal of the stage: %v", err)
	}
	bs, err := w.s.MyResults(ctx, w.users[0])
	if err != nil || len(bs) != 1 || len(bs[0].Appeals) != 1 || bs[0].Appeals[0].Status != selection.AppealFiled || len(bs[0].AppealStages(now)) != 0 {
		t.Fatalf("applicant's view after filing: %+v, %v", bs, err)
	}
	// The BGP of another province does not see it; Sumatera Selatan's does.
	if _, err := w.s.LoadAppeal(ctx, id, selection.RegionFilter{Provinces: []string{"36"}}); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("another province's appeal: %v", err)
	}
	v, err := w.s.LoadAppeal(ctx, id, selection.RegionFilter{Provinces: []string{"16"}})
	if err != nil || len(v.Sheets) != 2 || v.Appeal.Score != 88.89 || !v.Appeal.HasPDF {
		t.Fatalf("LoadAppeal = %+v, %v", v, err)
	}
	// Upheld: a new assessor gets the re-score.
	sheet, err := w.s.UpholdAppeal(ctx, w.admin, id, "Penilaian esai perlu diulang oleh asesor lain.", now, letter)
	if err != nil {
		t.Fatal(err)
	}
	var assessor int64
	_ = w.f.DB.QueryRow(ctx, `SELECT assessor_id FROM score_sheets WHERE id = $1 AND appeal_id = $2`, sheet, id).Scan(&assessor)
	if assessor != w.assessors[1] {
		t.Fatalf("re-score by %d, want %d (the only eligible new assessor)", assessor, w.assessors[1])
	}
	if _, err := w.s.UpholdAppeal(ctx, w.admin, id, "Penilaian esai perlu diulang oleh asesor lain.", now, letter); !errors.Is(err, selection.ErrAppealDecided) {
		t.Fatalf("upheld twice: %v", err)
	}
	if _, err := w.s.CorrectAfterAppeals(ctx, w.admin, id); !errors.Is(err, selection.ErrRescorePending) {
		t.Fatalf("correction before the re-score: %v", err)
	}
	w.f.Score(w.apps[0], selection.StageTahap1, assessor, 4, 4)
	corr, err := w.s.CorrectAfterAppeals(ctx, w.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	var score float64
	var outcome, reason string
	var corrects int64
	if err := w.f.DB.QueryRow(ctx, `SELECT rr.score::float8, rr.outcome, r.reason, r.corrects_run_id FROM run_results rr JOIN result_runs r ON r.id = rr.run_id
		WHERE rr.run_id = $1 AND rr.application_id = $2`, corr, w.apps[0]).Scan(&score, &outcome, &reason, &corrects); err != nil {
		t.Fatal(err)
	}
	if score != 100 || outcome != "lulus" || corrects != orig || reason == "" {
		t.Fatalf("correction run: score %v outcome %s corrects %d reason %q", score, outcome, corrects, reason)
	}
	// Stored language-neutral: the catalogue key and the appeal with the admin's own reason.
	if n := count(t, w.f, `SELECT count(*) FROM result_runs WHERE id = $1 AND reason_key = $2 AND reason LIKE $3 AND reason NOT LIKE '%Koreksi%' AND reason NOT LIKE '%sanggah%'`,
		corr, selection.ReasonAppealsKey, fmt.Sprintf("#%d (tahap1): %%", id)); n != 1 {
		t.Fatalf("correction reason not stored language-neutral: %q", reason)
	}
	if n := count(t, w.f, `SELECT count(*) FROM run_results WHERE run_id = $1 AND application_id = $2 AND score = 88.89 AND outcome = 'cadangan'`, orig, w.apps[0]); n != 1 {
		t.Fatal("the original run changed")
	}
	if n := count(t, w.f, `SELECT count(*) FROM run_results WHERE run_id = $1 AND application_id = $2 AND outcome = 'cadangan'`, corr, w.apps[1]); n != 1 {
		t.Fatal("a2 should be cadangan after the tie went to the earlier submission")
	}
	if n := count(t, w.f, `SELECT count(*) FROM selection_appeals WHERE id = $1 AND status = 'selesai' AND correction_run_id = $2`, id, corr); n != 1 {
		t.Fatal("appeal not settled by the correction run")
	}
	if n := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action IN ('selection.appeal.file', 'selection.appeal.uphold', 'selection.appeal.correct')`); n != 3 {
		t.Fatalf("%d appeal audit entries, want 3", n)
	}
	if n := count(t, w.f, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'gurua@uji.id' AND subject IN ('selection.mail.appeal_filed id', 'selection.mail.appeal_upheld id')`); n != 2 {
		t.Fatalf("%d appeal mails, want 2", n)
	}
	// Published, the correction is what the applicant sees; the re-score shows in the breakdown.
	if err := w.s.Publish(ctx, w.admin, corr, "uji tanpa tanda tangan", now.Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	w.f.Release(now)
	bs, err = w.s.MyResults(ctx, w.users[0])
	if err != nil || bs[0].RunID != corr || bs[0].Outcome != selection.OutcomeLulus || bs[0].CorrectionOf == nil || *bs[0].CorrectionOf != orig ||
		bs[0].Stages[0].Criteria[0].Mean != 4 || bs[0].Appeals[0].Status != selection.AppealDone ||
		bs[0].Tie == nil || bs[0].Tie.Rule != "submission" || !bs[0].Tie.Won {
		t.Fatalf("applicant after the correction: %+v, %v", bs, err)
	}
}

// A rejected appeal keeps the result and shows the reason; no re-score is made.
func TestAppealRejected(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	run, _ := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	now := time.Now()
	if err := w.s.Publish(ctx, w.admin, run, "uji tanpa tanda tangan", now.Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	w.f.Release(now)
	id, err := w.s.FileAppeal(ctx, audit.Actor{UserID: w.users[3]}, w.users[3], run, selection.StageTahap1, "Nilai saya terlalu rendah dibanding rekan saya.", nil, t.TempDir(), now, letter)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.RejectAppeal(ctx, w.admin, id, "Kedua asesor menilai sesuai rubrik.", now, letter); err != nil {
		t.Fatal(err)
	}
	if err := w.s.RejectAppeal(ctx, w.admin, id, "Kedua asesor menilai sesuai rubrik.", now, letter); !errors.Is(err, selection.ErrAppealDecided) {
		t.Fatalf("rejected twice: %v", err)
	}
	bs, _ := w.s.MyResults(ctx, w.users[3])
	if a := bs[0].Appeals[0]; a.Status != selection.AppealRejected || a.DecisionReason != "Kedua asesor menilai sesuai rubrik." {
		t.Fatalf("applicant sees %+v", a)
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE appeal_id IS NOT NULL`); n != 0 {
		t.Fatal("a rejected appeal got a re-score")
	}
}

// Many applicants file at once on a small pool (4 connections), each twice: every one gets
// exactly one appeal, nobody waits on a deadlock.
func TestConcurrentAppealFiling(t *testing.T) {
	_, url := testdb.New(t)
	db := testdb.SmallPool(t, url, 4)
	f := selectiontest.Fixture{T: t, DB: db}
	s := selection.NewStore(db)
	cohort := f.Cohort(map[string]int{"16.01": 1})
	f.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	x := f.User("x@uji.id", "Asesor X", "asesor", "", "", "")
	y := f.User("y@uji.id", "Asesor Y", "asesor", "", "", "")
	const n = 24
	var users []int64
	for i := 0; i < n; i++ {
		u, a := f.Applicant(cohort, fmt.Sprintf("c%d@uji.id", i), fmt.Sprintf("Calon %d", i), fmt.Sprintf("106005%02d", i), "16.01", time.Now())
		users = append(users, u)
		f.Score(a, selection.StageTahap1, x, 3, 3)
		f.Score(a, selection.StageTahap1, y, 3, 3)
	}
	run, err := s.CreateRun(ctx, audit.Actor{}, cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.Publish(ctx, audit.Actor{}, run, "uji serentak", now.Add(time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	f.Release(now)
	ctxT, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := 0; i < 2*n; i++ {
		wg.Add(1)
		go func(u int64) {
			defer wg.Done()
			_, err := s.FileAppeal(ctxT, audit.Actor{UserID: u}, u, run, selection.StageTahap1, "Mohon penilaian esai saya diperiksa kembali.", nil, t.TempDir(), now, letter)
			errs <- err
		}(users[i%n])
	}
	wg.Wait()
	close(errs)
	var ok, dup, lulus int
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, selection.ErrAppealExists):
			dup++
		case errors.Is(err, selection.ErrNotAppealable):
			lulus++ // the one lulus (quota 1) cannot appeal
		default:
			t.Fatalf("unexpected: %v", err)
		}
	}
	if ok != n-1 || dup != n-1 || lulus != 2 {
		t.Fatalf("filed %d, refused as duplicates %d, refused as lulus %d", ok, dup, lulus)
	}
	if c := count(t, f, `SELECT count(*) FROM selection_appeals`); c != n-1 {
		t.Fatalf("%d appeals stored, want %d (everyone but the one lulus, once)", c, n-1)
	}
}

// Publication mails go out in each recipient's language through the store's letter.
func TestPublicationMailInRecipientLanguage(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	w.f.DB.Exec(ctx, `UPDATE users SET language = 'en' WHERE id = $1`, w.users[1])
	run, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.WithLetter(letter).Publish(ctx, w.admin, run, "uji bahasa", time.Now().Add(time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'gurub@uji.id' AND subject = 'selection.mail.published en'`); n != 1 {
		t.Fatal("the English-speaking applicant's mail is not in English")
	}
	if n := count(t, w.f, `SELECT count(*) FROM mail_outbox WHERE subject = 'selection.mail.published id'`); n != 3 {
		t.Fatalf("%d Indonesian publication mails, want 3", n)
	}
}
