package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/testdb"
)

// An audited transaction that stays open (its chain locked until it commits) does not hold
// up another audited transaction: with the one global lock of before, the second waited for
// the first to commit.
func TestOpenAuditedTransactionDoesNotBlockOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := testdb.New(t)
	first, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	if err := audit.Record(ctx, first, audit.Actor{UserID: 0, IP: "10.0.0.1"}, audit.Entry{Action: "test.slow", ObjectType: "test", ObjectID: "1"}); err != nil {
		t.Fatal(err)
	}
	// Same actor, so the same preferred chain: the second takes the next free one.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = database.Tx(wctx, db, func(tx pgx.Tx) error {
		return audit.Record(wctx, tx, audit.Actor{UserID: 0, IP: "10.0.0.2"}, audit.Entry{Action: "test.quick", ObjectType: "test", ObjectID: "2"})
	})
	if err != nil {
		t.Fatalf("second audited transaction while the first is open: %v", err)
	}
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := audit.NewStore(db).Verify(ctx)
	if err != nil || !v.OK || v.Entries != 2 || v.Chains != 2 {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	var quick, slow int64
	_ = db.QueryRow(ctx, `SELECT (SELECT id FROM audit_log WHERE action = 'test.quick'), (SELECT id FROM audit_log WHERE action = 'test.slow')`).Scan(&quick, &slow)
	if quick == 0 || slow == 0 {
		t.Fatalf("entries quick #%d slow #%d", quick, slow)
	}
}

// Many audited writers at once on a small pool: transactions of one to three entries by
// different actors (one in five rolled back after writing), all committed ones in the log, and
// every chain verifies; an entry moved to another chain is caught.
func TestConcurrentAuditedWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := testdb.New(t)
	db, err := database.OpenWith(ctx, url, database.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const writers = 60
	var committed atomic.Int64
	errRollback := errors.New("rolled back on purpose")
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 1 + w%3
			err := database.Tx(ctx, db, func(tx pgx.Tx) error {
				for i := range n {
					if err := audit.Record(ctx, tx, audit.Actor{IP: "10.1.0.1"}, audit.Entry{Action: "test.write", ObjectType: "writer",
						ObjectID: fmt.Sprint(w), Detail: map[string]any{"i": i}}); err != nil {
						return err
					}
				}
				if w%5 == 4 {
					return errRollback
				}
				return nil
			})
			switch {
			case err == nil:
				committed.Add(int64(n))
			case !errors.Is(err, errRollback):
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Logf("%d writers, %d entries committed in %v on a pool of 4", writers, committed.Load(), time.Since(start))
	s := audit.NewStore(db)
	v, err := s.Verify(ctx)
	if err != nil || !v.OK || v.Entries != committed.Load() || v.Chains < 2 {
		t.Fatalf("verify: %+v, %v (want %d entries in several chains)", v, err, committed.Load())
	}
	// A transaction keeps one chain: the entries of one writer are all in the same chain.
	var split int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM (SELECT object_id FROM audit_log GROUP BY object_id HAVING count(DISTINCT chain) > 1) x`).Scan(&split)
	if split != 0 {
		t.Errorf("%d transactions wrote to more than one chain", split)
	}
	// Moving an entry to another chain breaks verification.
	var id int64
	_ = db.QueryRow(ctx, `SELECT min(id) FROM audit_log WHERE chain = (SELECT max(chain) FROM audit_log)`).Scan(&id)
	for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET chain = chain + 1 WHERE id = $1`, `ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`} {
		var args []any
		if q[0] == 'U' {
			args = []any{id}
		}
		if _, err := db.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := s.Verify(ctx); err != nil || v.OK {
		t.Errorf("an entry moved to another chain verified: %+v, %v", v, err)
	}
}

// BenchmarkAuditedWrites runs audited transactions from 32 writers at once on a pool of 16:
// each records one entry and then does 2 ms of other work before it commits (its chain lock
// held, as in a real transaction). chains-1 is the one global chain of before, in the same run.
func BenchmarkAuditedWrites(b *testing.B) {
	ctx := context.Background()
	_, url := testdb.New(b)
	db, err := database.OpenWith(ctx, url, database.Options{MaxConns: 16})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, chains := range []int{1, 16} {
		b.Run(fmt.Sprintf("chains-%d", chains), func(b *testing.B) {
			defer func(n int) { audit.Chains = n }(audit.Chains)
			audit.Chains = chains
			var actor atomic.Int64
			b.SetParallelism(16) // × GOMAXPROCS (2) = 32 writers
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				a := actor.Add(1)
				for pb.Next() {
					err := database.Tx(ctx, db, func(tx pgx.Tx) error {
						if err := audit.Record(ctx, tx, audit.Actor{UserID: 0, IP: fmt.Sprint(a)}, audit.Entry{Action: "bench.write", ObjectType: "bench", ObjectID: "1"}); err != nil {
							return err
						}
						_, err := tx.Exec(ctx, `SELECT pg_sleep(0.002)`)
						return err
					})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
		})
	}
	if v, err := audit.NewStore(db).Verify(ctx); err != nil || !v.OK {
		b.Fatalf("verify: %+v, %v", v, err)
	}
}
