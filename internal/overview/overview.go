// Package overview computes the figures the dashboards show: counts of schools, teachers and
// users, always limited in the SQL to the region scope of the role asking.
package overview

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/database"
)

// Counts are the figures of one region scope.
type Counts struct {
	// Schools is the number of schools in the scope.
	Schools int64
	// Teachers is the number of teachers with a profile whose school is in the scope.
	Teachers int64
	// Users is the number of accounts; only counted for the national scope (0 otherwise).
	Users int64
}

// Store reads the figures.
type Store struct{ db database.DB }

// NewStore returns a Store on the pool.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// RegionCounts counts schools and registered teachers in scope (a kabupaten/kota, a province,
// or the whole country), and accounts when the scope is national, from the sums kept per
// kab/kota and per account slot (migration 000653) instead of the rows: at most a few hundred
// small rows for the nation.
func (s *Store) RegionCounts(ctx context.Context, scope account.Scope) (Counts, error) {
	expr, args := regionCountsSQL(scope, 1)
	var v []int64
	if err := s.db.QueryRow(ctx, `SELECT `+expr, args...).Scan(&v); err != nil {
		return Counts{}, err
	}
	return countsOf(v), nil
}

// regionCountsSQL is the SQL expression of RegionCounts for scope, a bigint array of the
// schools, the teachers and the accounts (0 unless national); its parameter, if any, is $n.
func regionCountsSQL(scope account.Scope, n int) (string, []any) {
	const sums = `(SELECT ARRAY[coalesce(sum(schools), 0), coalesce(sum(teachers), 0), `
	switch {
	case scope.National():
		return sums + `(SELECT coalesce(sum(n), 0) FROM user_counts)]::bigint[] FROM region_counts)`, nil
	case scope.RegencyCode != "":
		return sums + `0]::bigint[] FROM region_counts WHERE regency_code = $` + strconv.Itoa(n) + `)`, []any{scope.RegencyCode}
	default:
		return sums + `0]::bigint[] FROM region_counts WHERE province_code = $` + strconv.Itoa(n) + `)`, []any{scope.ProvinceCode}
	}
}

func countsOf(v []int64) Counts {
	if len(v) != 3 {
		return Counts{}
	}
	return Counts{Schools: v[0], Teachers: v[1], Users: v[2]}
}
