package selection_test

import (
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
	"penggerak/internal/storage"
)

// Nothing of a decision reaches the applicant before its mail is released, and a seat offer's
// window counts from the release (fixed clock): held two days, the lulus still has the cohort's
// full seven days; a seat still held is not confirmed, declined nor expired; the cadangan moved
// up gets their seven days from the release of the promotion mail, not from the promotion.
func TestDecisionsWaitForTheirMail(t *testing.T) {
	w := newWorld(t)
	scoreAll(w) // OKU quota 1: a2 lulus, a1 cadangan
	run, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 4, 6, 2, 0, 0, 0, time.UTC)
	if err := w.s.Publish(ctx, w.admin, run, "uji tanpa tanda tangan", t0.Add(7*24*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	var seat int64
	if err := w.f.DB.QueryRow(ctx, `SELECT id FROM pembekalan_seats WHERE application_id = $1`, w.apps[1]).Scan(&seat); err != nil {
		t.Fatal(err)
	}
	for _, u := range w.users {
		if bs, err := w.s.MyResults(ctx, u); err != nil || len(bs) != 0 {
			t.Fatalf("results before the release: %+v, %v", bs, err)
		}
	}
	if err := w.s.CheckSeat(ctx, w.users[1], seat); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("held seat checked: %v", err)
	}
	if err := w.s.Confirm(ctx, w.admin, w.users[1], seat, []byte("%PDF-1.4 pakta"), storage.NewLocal(t.TempDir()), t0); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("held seat confirmed: %v", err)
	}
	if _, err := w.s.FileAppeal(ctx, w.admin, w.users[0], run, selection.StageTahap1, "Saya ingin nilai saya diperiksa ulang.", nil, t.TempDir(), t0, letter); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("appeal against a held result: %v", err)
	}
	if n, err := w.s.ExpireOverdue(ctx, w.admin, t0.Add(30*24*time.Hour), "http://x"); err != nil || n != 0 {
		t.Fatalf("a held offer expired: %d, %v", n, err)
	}

	released := t0.Add(48 * time.Hour)
	w.f.Release(released)
	bs, err := w.s.MyResults(ctx, w.users[1])
	if err != nil || len(bs) != 1 || bs[0].Seat == nil || bs[0].Outcome != selection.OutcomeLulus {
		t.Fatalf("after the release: %+v, %v", bs, err)
	}
	if want := released.Add(7 * 24 * time.Hour); !bs[0].Seat.ConfirmBy.Equal(want) {
		t.Fatalf("confirm_by %v, want %v (seven days from the release)", bs[0].Seat.ConfirmBy, want)
	}
	if want := released.Add(3 * 24 * time.Hour); !bs[0].AppealCloses.Equal(want) {
		t.Fatalf("appeal window closes %v, want %v", bs[0].AppealCloses, want)
	}
	// Eight days after the publication, six after the release: still open.
	if n, err := w.s.ExpireOverdue(ctx, w.admin, t0.Add(8*24*time.Hour), "http://x"); err != nil || n != 0 {
		t.Fatalf("the offer expired counting from its creation: %d, %v", n, err)
	}
	promotedAt := released.Add(7*24*time.Hour + time.Minute)
	if n, err := w.s.ExpireOverdue(ctx, w.admin, promotedAt, "http://x"); err != nil || n != 1 {
		t.Fatalf("ExpireOverdue after the window = %d, %v", n, err)
	}
	if bs, _ := w.s.MyResults(ctx, w.users[0]); len(bs) != 1 || bs[0].Seat != nil {
		t.Fatalf("the promotion shows before its mail is released: %+v", bs)
	}
	again := promotedAt.Add(3 * 24 * time.Hour)
	w.f.Release(again)
	bs, _ = w.s.MyResults(ctx, w.users[0])
	if len(bs) != 1 || bs[0].Seat == nil || !bs[0].Seat.Promoted || !bs[0].Seat.ConfirmBy.Equal(again.Add(7*24*time.Hour)) {
		t.Fatalf("promoted seat after its release: %+v", bs)
	}
	if n := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action = 'selection.seats.release'`); n != 2 {
		t.Fatalf("%d seat releases audited, want 2", n)
	}
}

// Eight admins release the same review at once on a pool of three connections: one release
// takes every mail, the others find nothing held, and each seat's window is started exactly once.
func TestConcurrentReleasesStartEachOfferOnce(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	run, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.Publish(ctx, w.admin, run, "uji serentak", time.Now(), "http://x"); err != nil {
		t.Fatal(err)
	}
	cfg := w.f.DB.Config()
	cfg.MaxConns = 3
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var upTo int64
	_ = pool.QueryRow(ctx, `SELECT max(id) FROM mail_outbox WHERE held`).Scan(&upTo)
	s := selection.NewStore(pool)
	at := time.Date(2026, 4, 8, 2, 0, 0, 0, time.UTC)
	type result struct {
		n   int
		err error
	}
	results := make(chan result, 8)
	for i := 0; i < 8; i++ {
		go func() {
			n, err := s.ReleaseMail(ctx, w.admin, upTo, at)
			results <- result{n, err}
		}()
	}
	released, nothing := 0, 0
	for i := 0; i < 8; i++ {
		r := <-results
		switch {
		case errors.Is(r.err, mail.ErrNothingHeld):
			nothing++
		case r.err != nil:
			t.Fatal(r.err)
		default:
			released += r.n
		}
	}
	if released != 4 || nothing != 7 {
		t.Fatalf("released %d mails (want 4), %d found nothing (want 7)", released, nothing)
	}
	if n := count(t, w.f, `SELECT count(*) FROM pembekalan_seats WHERE released_at = $1 AND confirm_by = $2`, at, at.Add(7*24*time.Hour)); n != 1 {
		t.Fatalf("%d seats started at the release, want 1 (OKU's lulus)", n)
	}
	if n := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action = 'selection.seats.release'`); n != 1 {
		t.Fatalf("%d seat releases audited, want 1", n)
	}
}
