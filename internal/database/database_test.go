package database_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

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
