package database_test

import (
	"errors"
	"testing"

	"penggerak/internal/database"
	"penggerak/internal/testdb"
)

// One gives the row, a named ErrNotFound for none, and an error (not ErrNotFound) for two.
func TestOne(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := t.Context()
	type regency struct {
		Code string `db:"code"`
		Name string `db:"name"`
	}
	const q = `SELECT code, name FROM regencies WHERE code = ANY($1) ORDER BY code`

	rows, _ := db.Query(ctx, q, []string{"16.01"})
	r, err := database.One[regency](rows, "regency %s", "16.01")
	if err != nil || r.Code != "16.01" || r.Name == "" {
		t.Fatalf("one row: %+v, %v", r, err)
	}

	rows, _ = db.Query(ctx, q, []string{"99.99"})
	_, err = database.One[regency](rows, "regency %s", "99.99")
	if !errors.Is(err, database.ErrNotFound) || err.Error() != "regency 99.99: not found" {
		t.Fatalf("no row: %v, want regency 99.99: not found", err)
	}

	rows, _ = db.Query(ctx, q, []string{"16.01", "16.02"})
	if _, err = database.One[regency](rows, "regency %s", "16.01"); err == nil || errors.Is(err, database.ErrNotFound) {
		t.Fatalf("two rows: %v, want an error other than ErrNotFound", err)
	}

	rows, _ = db.Query(ctx, `SELECT code, name FROM no_such_table`)
	if _, err = database.One[regency](rows, "regency"); err == nil || errors.Is(err, database.ErrNotFound) {
		t.Fatalf("failed query: %v, want its error", err)
	}
}

// Keyset keeps limit rows and names the last one's key only when a further row was read.
func TestKeyset(t *testing.T) {
	key := func(n int) int { return n * 10 }
	for _, tt := range []struct {
		rows       []int
		limit      int
		page, next int
	}{{nil, 2, 0, 0}, {[]int{1}, 2, 1, 0}, {[]int{1, 2}, 2, 2, 0}, {[]int{1, 2, 3}, 2, 2, 20}} {
		page, next := database.Keyset(tt.rows, tt.limit, key)
		if len(page) != tt.page || next != tt.next {
			t.Errorf("Keyset(%v, %d) = %v, %d; want %d rows, next %d", tt.rows, tt.limit, page, next, tt.page, tt.next)
		}
	}
}
