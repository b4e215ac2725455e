package mail_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
)

// Held mail is never delivered; many admins releasing the same review at once on a small pool
// release each mail exactly once (one release wins, the others find nothing held), and the
// deliverer then sends them; mail held after the reviewed id stays held.
func TestConcurrentReleaseReleasesOnce(t *testing.T) {
	_, url := testdb.New(t)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 4
	db, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	ms := make([]mail.Message, 50)
	for i := range ms {
		ms[i] = mail.Message{To: fmt.Sprintf("guru%d@uji.id", i), Subject: "Hasil verval", Body: "isi", Kind: "application.mail.verval",
			Outcome: []string{"verval_passed", "verval_failed"}[i%2], Lang: []string{"id", "en"}[i%3/2], Held: true}
	}
	ms = append(ms, mail.Message{To: "biasa@uji.id", Subject: "Tanda terima", Body: "isi"})
	if err := database.Tx(ctx, db, func(tx pgx.Tx) error { return mail.EnqueueMany(ctx, tx, ms) }); err != nil {
		t.Fatal(err)
	}
	d := &mail.Deliverer{DB: db}
	if sent, _, err := d.Deliver(ctx); err != nil || sent != 1 {
		t.Fatalf("before release: %d sent (%v), want only the unheld one", sent, err)
	}
	rv, err := mail.HeldReview(ctx, db)
	if err != nil || rv.Total != 50 || len(rv.Counts) != 2 || len(rv.Samples) != 4 {
		t.Fatalf("review: total %d, counts %v, %d samples (%v)", rv.Total, rv.Counts, len(rv.Samples), err)
	}
	if err := database.Tx(ctx, db, func(tx pgx.Tx) error {
		return mail.Enqueue(ctx, tx, mail.Message{To: "nanti@uji.id", Subject: "Hasil verval", Body: "isi", Held: true})
	}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	released, nothing := 0, 0
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := mail.Release(ctx, db, audit.Actor{IP: "test"}, rv.UpToID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case errors.Is(err, mail.ErrNothingHeld):
				nothing++
			case err != nil:
				t.Error(err)
			default:
				released += n
			}
		}()
	}
	wg.Wait()
	if released != 50 || nothing != 11 {
		t.Fatalf("released %d (want 50), %d found nothing (want 11)", released, nothing)
	}
	var releases, audits, stillHeld int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM mail_releases`).Scan(&releases)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'mail.release'`).Scan(&audits)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE held`).Scan(&stillHeld)
	if releases != 1 || audits != 1 || stillHeld != 1 {
		t.Fatalf("%d releases, %d audited, %d still held; want 1, 1, 1", releases, audits, stillHeld)
	}
	total := 0
	for {
		sent, _, err := d.Deliver(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if sent == 0 {
			break
		}
		total += sent
	}
	if total != 50 {
		t.Fatalf("delivered %d after the release, want 50", total)
	}
}
