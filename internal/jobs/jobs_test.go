package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/mail"
	"penggerak/internal/testdb"
)

// The River client started as `serve` starts it delivers the outbox, and stops cleanly.
func TestRiverDeliversTheOutbox(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	client := newClient(t, db)
	err := pgx.BeginFunc(t.Context(), db, func(tx pgx.Tx) error {
		return mail.Enqueue(t.Context(), tx, mail.Message{To: "siti@sekolah.test", Subject: "Halo", Body: "Isi"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	sent := eventually(func() bool {
		var sent bool
		if err := db.QueryRow(t.Context(), `SELECT sent_at IS NOT NULL FROM mail_outbox`).Scan(&sent); err != nil {
			t.Fatal(err)
		}
		return sent
	})
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

// The River client runs the retention job when it starts: a failed sign-in older than a day
// and the body of a mail sent 31 days ago are gone, fresh ones stay.
func TestRiverPrunesOnStart(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := t.Context()
	_, err := db.Exec(ctx, `INSERT INTO login_failures (email, ip, at) VALUES
			('lama@sekolah.test', '192.0.2.1', now() - interval '25 hours'), ('baru@sekolah.test', '192.0.2.1', now());
		INSERT INTO mail_outbox (to_addr, subject, body_text, created_at, sent_at, attempts) VALUES
			('lama@sekolah.test', 'Lama', 'Tautan lama', now() - interval '31 days', now() - interval '31 days', 1)`)
	if err != nil {
		t.Fatal(err)
	}
	client := startClient(t, db)
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := client.Stop(sctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	}()
	var emails []string
	var body string
	var completed int
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		rows, _ := db.Query(ctx, `SELECT email FROM login_failures ORDER BY email`)
		if emails, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT body_text FROM mail_outbox`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'retention_prune' AND state = 'completed'`).Scan(&completed); err != nil {
			t.Fatal(err)
		}
		if len(emails) == 1 && body == "" && completed > 0 {
			break
		}
	}
	if len(emails) != 1 || emails[0] != "baru@sekolah.test" || body != "" || completed < 1 {
		t.Fatalf("after the retention job: failures %v, old mail body %q, completed jobs %d", emails, body, completed)
	}
}
