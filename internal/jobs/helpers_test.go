package jobs_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"penggerak/internal/jobs"
	"penggerak/internal/mail"
)

// newClient builds the River client as `serve` does, with the mail deliverer on db and the log
// discarded; the test starts and stops it.
func newClient(t *testing.T, db *pgxpool.Pool, opts ...jobs.Option) *river.Client[pgx.Tx] {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	client, err := jobs.New(db, logger, &mail.Deliverer{DB: db, Log: logger}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// startClient builds the River client (newClient) and starts it.
func startClient(t *testing.T, db *pgxpool.Pool, opts ...jobs.Option) *river.Client[pgx.Tx] {
	t.Helper()
	client := newClient(t, db, opts...)
	if err := client.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return client
}

// eventually asks done every 100 ms, for at most 15 s, and says whether it came true.
func eventually(done func() bool) bool {
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		if done() {
			return true
		}
	}
	return false
}
