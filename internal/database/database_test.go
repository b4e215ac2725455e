package database_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/database"
	"penggerak/internal/testdb"
)

// Open sets a 15 s statement timeout unless the URL asks for another one, and a query that
// runs longer is cancelled by PostgreSQL (SQLSTATE 57014), freeing its connection.
func TestStatementTimeout(t *testing.T) {
	t.Parallel()
	_, url := testdb.New(t)
	ctx := t.Context()

	db, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var setting, tz string
	if err := db.QueryRow(ctx, `SELECT current_setting('statement_timeout'), current_setting('TimeZone')`).Scan(&setting, &tz); err != nil {
		t.Fatal(err)
	}
	if setting != "15s" || tz != "UTC" {
		t.Errorf("default statement_timeout %q, TimeZone %q; want 15s, UTC", setting, tz)
	}

	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	short, err := database.Open(ctx, url+sep+"statement_timeout=300")
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	start := time.Now()
	_, err = short.Exec(ctx, `SELECT pg_sleep(10)`)
	elapsed := time.Since(start)
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		t.Fatalf("pg_sleep(10) with a 300 ms statement timeout: %v, want query_canceled (57014)", err)
	}
	if elapsed > 3*time.Second {
		t.Errorf("cancelled after %v, want about 300 ms", elapsed)
	}
	// The connection is usable again at once.
	var one int
	if err := short.QueryRow(ctx, `SELECT 1`).Scan(&one); err != nil || one != 1 {
		t.Errorf("query after the timeout: %d, %v", one, err)
	}
}

// With every connection taken, a query waits at most the acquire timeout and fails with an
// error PoolBusy recognises, instead of queueing until the caller's own deadline; the pool
// size comes from the options.
func TestAcquireTimeoutAndPoolSize(t *testing.T) {
	_, url := testdb.New(t)
	ctx := t.Context()
	db, err := database.OpenWith(ctx, url, database.Options{MaxConns: 2, AcquireTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Config().MaxConns; got != 2 {
		t.Fatalf("MaxConns = %d, want 2", got)
	}
	var held []*pgxpool.Conn
	for range 2 {
		c, err := db.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	reqCtx, cancel := context.WithTimeout(ctx, 10*time.Second) // the request's own deadline
	defer cancel()
	start := time.Now()
	_, err = db.Exec(reqCtx, `SELECT 1`)
	elapsed := time.Since(start)
	if !database.PoolBusy(reqCtx, err) {
		t.Fatalf("query on a full pool: %v after %v, want a busy pool error", err, elapsed)
	}
	if elapsed < 250*time.Millisecond || elapsed > 3*time.Second {
		t.Errorf("gave up after %v, want about 300 ms", elapsed)
	}
	// A connection freed: the next query gets it at once, with the caller's context intact.
	held[0].Release()
	if _, err := db.Exec(reqCtx, `SELECT pg_sleep(0.4)`); err != nil {
		t.Errorf("query after a connection freed (longer than the acquire timeout): %v", err)
	}
	held[1].Release()

	def, err := database.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer def.Close()
	if got := def.Config().MaxConns; got != database.DefaultMaxConns {
		t.Errorf("default MaxConns = %d, want %d", got, database.DefaultMaxConns)
	}
}
