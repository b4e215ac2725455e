package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"penggerak/internal/audit"
	"penggerak/internal/jobs"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/testdb"
)

// The periodic job frees a pembekalan seat whose confirmation deadline passed, and the best
// cadangan of the same kab/kota gets it and is emailed, without anyone pressing a button.
func TestRiverExpiresMissedSeatDeadlines(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	f := selectiontest.Fixture{T: t, DB: db}
	cohort := f.Cohort(map[string]int{"16.01": 1})
	f.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	x := f.User("x@uji.id", "Asesor X", "asesor", "", "", "")
	y := f.User("y@uji.id", "Asesor Y", "asesor", "", "", "")
	var apps []int64
	for i, sc := range [][2]int{{4, 4}, {4, 3}} {
		_, app := f.Applicant(cohort, []string{"satu@uji.id", "dua@uji.id"}[i], "Calon", "1060050"+string(rune('1'+i)), "16.01", time.Now())
		f.Score(app, selection.StageTahap1, x, sc[0], sc[1])
		f.Score(app, selection.StageTahap1, y, sc[0], sc[1])
		apps = append(apps, app)
	}
	s := selection.NewStore(db)
	run, err := s.CreateRun(context.Background(), audit.Actor{}, cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(context.Background(), audit.Actor{}, run, "uji tugas berkala", time.Now().Add(-time.Minute), "http://x"); err != nil {
		t.Fatal(err)
	}
	f.Release(time.Now().Add(-time.Minute - 7*24*time.Hour)) // released a week ago: overdue a minute
	logger := slog.New(slog.DiscardHandler)
	client, err := jobs.New(db, logger, &mail.Deliverer{DB: db, Log: logger}, jobs.WithBaseURL("https://penggerak.test"))
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = client.Stop(context.Background()) }()
	deadline := time.Now().Add(15 * time.Second)
	var promoted bool
	for !promoted && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if err := db.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pembekalan_seats WHERE application_id = $1 AND promoted_from IS NOT NULL)`, apps[1]).Scan(&promoted); err != nil {
			t.Fatal(err)
		}
	}
	if !promoted {
		t.Fatal("the cadangan was not moved up after the missed deadline")
	}
	var expired, mails int
	_ = db.QueryRow(t.Context(), `SELECT count(*) FROM pembekalan_seats WHERE application_id = $1 AND status = 'expired'`, apps[0]).Scan(&expired)
	_ = db.QueryRow(t.Context(), `SELECT count(*) FROM mail_outbox WHERE to_addr = 'dua@uji.id' AND kind = 'selection.mail.promoted' AND held AND ref LIKE 'seat:%'`).Scan(&mails)
	if expired != 1 || mails != 1 {
		t.Fatalf("expired %d, promotion mails %d", expired, mails)
	}
}

// The reminder job run twice writes the tahap 2 session reminder once, and the River client
// runs it on start by itself.
func TestReminderJobRunTwiceMailsOnce(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	f := selectiontest.Fixture{T: t, DB: db}
	cohort := f.Cohort(map[string]int{"16.01": 1})
	x := f.User("x@uji.id", "Asesor X", "asesor", "", "", "")
	y := f.User("y@uji.id", "Asesor Y", "asesor", "", "", "")
	_, app := f.Applicant(cohort, "sesi@uji.id", "Calon Sesi", "10600801", "16.01", time.Now())
	if _, err := db.Exec(t.Context(), `INSERT INTO tahap2_slots (application_id, starts_at, minutes, mode, location, assessor1_id, assessor2_id)
		VALUES ($1, now() + interval '20 hours', 75, 'luring', 'SMPN 1 Baturaja', $2, $3)`, app, x, y); err != nil {
		t.Fatal(err)
	}
	w := &jobs.RemindersWorker{Store: selection.NewStore(db)}
	for range 2 {
		if err := w.Work(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
	}
	var mails int
	_ = db.QueryRow(t.Context(), `SELECT count(*) FROM mail_outbox WHERE to_addr = 'sesi@uji.id' AND kind = 'selection.mail.reminder.tahap2'`).Scan(&mails)
	if mails != 1 {
		t.Fatalf("%d session reminders after two runs, want 1", mails)
	}
	// Through River: the periodic job runs on start and adds nothing more.
	logger := slog.New(slog.DiscardHandler)
	client, err := jobs.New(db, logger, &mail.Deliverer{DB: db, Log: logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	var ran bool
	for !ran && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		_ = db.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = 'selection_reminders' AND state = 'completed')`).Scan(&ran)
	}
	_ = client.Stop(context.Background())
	if !ran {
		t.Fatal("the reminder job did not run on start")
	}
	_ = db.QueryRow(t.Context(), `SELECT count(*) FROM mail_outbox WHERE kind = 'selection.mail.reminder.tahap2'`).Scan(&mails)
	if mails != 1 {
		t.Fatalf("%d session reminders after the River run, want 1", mails)
	}
}
