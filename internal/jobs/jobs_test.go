package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/jobs"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
)

// The River client started as `serve` starts it delivers the outbox, and stops cleanly.
func TestRiverDeliversTheOutbox(t *testing.T) {
	db, _ := testdb.New(t)
	logger := slog.New(slog.DiscardHandler)
	client, err := jobs.New(db, logger, &mail.Deliverer{DB: db, Log: logger})
	if err != nil {
		t.Fatal(err)
	}
	err = pgx.BeginFunc(t.Context(), db, func(tx pgx.Tx) error {
		return mail.Enqueue(t.Context(), tx, mail.Message{To: "siti@sekolah.test", Subject: "Halo", Body: "Isi"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	var sent bool
	for !sent && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
		if err := db.QueryRow(t.Context(), `SELECT sent_at IS NOT NULL FROM mail_outbox`).Scan(&sent); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := client.Stop(ctx); err != nil {
		t.Errorf("stop: %v", err)
	}
	if !sent {
		t.Fatalf("the outbox was not delivered within 15 s")
	}
	var completed int
	if err := db.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'mail_deliver' AND state = 'completed'`).Scan(&completed); err != nil || completed < 1 {
		t.Errorf("completed delivery jobs: %d (%v)", completed, err)
	}
}
