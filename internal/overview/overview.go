// Package overview computes the figures the dashboards show: counts of schools, teachers and
// users, always limited in the SQL to the region scope of the role asking.
package overview

import (
	"context"
	"github.com/jackc/pgx/v5"
	"penggerak/internal/database"

	"penggerak/internal/account"
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
	var c Counts
	var err error
	switch {
	case scope.National():
		err = s.db.QueryRow(ctx, `SELECT coalesce(sum(schools), 0)::bigint, coalesce(sum(teachers), 0)::bigint,
			(SELECT coalesce(sum(n), 0)::bigint FROM user_counts) FROM region_counts`).Scan(&c.Schools, &c.Teachers, &c.Users)
	case scope.RegencyCode != "":
		err = s.db.QueryRow(ctx, `SELECT coalesce(sum(schools), 0)::bigint, coalesce(sum(teachers), 0)::bigint
			FROM region_counts WHERE regency_code = $1`, scope.RegencyCode).Scan(&c.Schools, &c.Teachers)
	default:
		err = s.db.QueryRow(ctx, `SELECT coalesce(sum(schools), 0)::bigint, coalesce(sum(teachers), 0)::bigint
			FROM region_counts WHERE province_code = $1`, scope.ProvinceCode).Scan(&c.Schools, &c.Teachers)
	}
	return c, err
}
