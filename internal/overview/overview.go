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
// or the whole country), and accounts when the scope is national.
func (s *Store) RegionCounts(ctx context.Context, scope account.Scope) (Counts, error) {
	var c Counts
	var err error
	switch {
	case scope.National():
		err = s.db.QueryRow(ctx, `SELECT (SELECT count(*) FROM schools), (SELECT count(*) FROM teacher_profiles),
			(SELECT count(*) FROM users)`).Scan(&c.Schools, &c.Teachers, &c.Users)
	default:
		// One pass over the scope's schools (by the regency index), counting each school's
		// teachers through the teacher_profiles npsn index.
		regencies, arg := `ARRAY(SELECT code FROM regencies WHERE province_code = $1)`, scope.ProvinceCode
		if scope.RegencyCode != "" {
			regencies, arg = `ARRAY[$1::text]`, scope.RegencyCode
		}
		err = s.db.QueryRow(ctx, `SELECT count(*), coalesce(sum((SELECT count(*) FROM teacher_profiles tp
				WHERE tp.npsn = s.npsn)), 0)::bigint
			FROM schools s WHERE s.regency_code = ANY(`+regencies+`)`, arg).Scan(&c.Schools, &c.Teachers)
	}
	return c, err
}

// HasTeacherProfile reports whether the user has filled in a teacher profile.
func (s *Store) HasTeacherProfile(ctx context.Context, userID int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM teacher_profiles WHERE user_id = $1)`, userID).Scan(&ok)
	return ok, err
}
