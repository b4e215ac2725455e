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
	_ = db.QueryRow(t.Context(), `SELECT count(*) FROM mail_outbox WHERE to_addr = 'dua@uji.id' AND body_text LIKE '%https://penggerak.test/seleksi/saya%'`).Scan(&mails)
	if expired != 1 || mails != 1 {
		t.Fatalf("expired %d, promotion mails %d", expired, mails)
	}
}
