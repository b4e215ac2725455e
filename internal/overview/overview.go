// Package overview computes the figures the dashboards show: counts of schools, teachers and
// users, always limited in the SQL to the region scope of the role asking.
package overview

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

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
type Store struct{ db *pgxpool.Pool }

// NewStore returns a Store on the pool.
func NewStore(db *pgxpool.Pool) *Store { return &Store{db: db} }

// RegionCounts counts schools and registered teachers in scope (a kabupaten/kota, a province,
// or the whole country), and accounts when the scope is national.
func (s *Store) RegionCounts(ctx context.Context, scope account.Scope) (Counts, error) {
	var c Counts
	err := s.db.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM schools s
				WHERE ($1 = '' OR left(s.regency_code, 2) = $1) AND ($2 = '' OR s.regency_code = $2)),
			(SELECT count(*) FROM teacher_profiles tp JOIN schools s ON s.npsn = tp.npsn
				WHERE ($1 = '' OR left(s.regency_code, 2) = $1) AND ($2 = '' OR s.regency_code = $2)),
			CASE WHEN $1 = '' AND $2 = '' THEN (SELECT count(*) FROM users) ELSE 0 END`,
		scope.ProvinceCode, scope.RegencyCode).Scan(&c.Schools, &c.Teachers, &c.Users)
	return c, err
}

// HasTeacherProfile reports whether the user has filled in a teacher profile.
func (s *Store) HasTeacherProfile(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM teacher_profiles WHERE user_id = $1)`, userID).Scan(&ok)
	return ok, err
}
