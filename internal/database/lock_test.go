package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/testdb"
)

// Hold excludes a second holder of the same class and id until the first transaction ends,
// takes the same key as the literal pg_advisory_xact_lock(class, id) other stores use, and
// lets another id or class through at once.
func TestLockHold(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := t.Context()
	first, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Rollback(ctx)
	if err := database.LockSheetAssign.Hold(ctx, first, 42); err != nil {
		t.Fatal(err)
	}
	tryLock := func(sql string, args ...any) bool {
		t.Helper()
		var got bool
		err := database.Tx(ctx, db, func(tx pgx.Tx) error { return tx.QueryRow(ctx, sql, args...).Scan(&got) })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if tryLock(`SELECT pg_try_advisory_xact_lock(7200200, 42)`) {
		t.Fatal("the literal lock (7200200, 42) was free while Hold had it")
	}
	if !tryLock(`SELECT pg_try_advisory_xact_lock(7200200, 43)`) || !tryLock(`SELECT pg_try_advisory_xact_lock(7200201, 42)`) {
		t.Fatal("another id or class was blocked")
	}

	got := make(chan time.Time)
	go func() {
		err := database.Tx(context.Background(), db, func(tx pgx.Tx) error { return database.LockSheetAssign.Hold(ctx, tx, 42) })
		if err != nil {
			t.Error(err)
		}
		got <- time.Now()
	}()
	time.Sleep(200 * time.Millisecond)
	released := time.Now()
	if err := first.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if at := <-got; at.Before(released) {
		t.Fatalf("the second Hold returned at %v, before the first transaction ended at %v", at, released)
	}
}
