package training

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
)

// Errors of the training store; each has a message for the user.
var (
	// ErrNotPendidikan: the cohort is not in training.
	ErrNotPendidikan = fmt.Errorf("%w: cohort not in pendidikan", database.ErrConflict)
	// ErrConfirmed: the province's groups are confirmed, so no new proposal.
	ErrConfirmed = fmt.Errorf("%w: groups already confirmed", database.ErrConflict)
	// ErrNoGrant: the user does not hold the role in that kab/kota.
	ErrNoGrant = errors.New("training: user does not hold the role there")
	// ErrAppointed: the user already holds that appointment in the cohort.
	ErrAppointed = fmt.Errorf("%w: already appointed", database.ErrConflict)
	// ErrNothingToConfirm: no proposed group in the province.
	ErrNothingToConfirm = fmt.Errorf("%w: nothing to confirm", database.ErrConflict)
)

// ProblemError is returned when an edit breaks a grouping rule; Problems are message keys.
type ProblemError struct{ Problems []string }

func (e *ProblemError) Error() string { return "training: " + strings.Join(e.Problems, ", ") }

// Scope is the viewer's region: national, or lists of province and kab/kota codes.
type Scope struct {
	National  bool
	Provinces []string
	Regencies []string
}

func (sc Scope) args() []any {
	p, r := sc.Provinces, sc.Regencies
	if p == nil {
		p = []string{}
	}
	if r == nil {
		r = []string{}
	}
	return []any{sc.National, p, r}
}

// scopeSQL is the region predicate over alias a (with province_code and regency_code); its three
// parameters start at $n.
func scopeSQL(a string, n int) string {
	return fmt.Sprintf(`($%d::bool OR %s.province_code = ANY($%d::text[]) OR %s.regency_code = ANY($%d::text[]))`, n, a, n+1, a, n+2)
}

// Store holds every query of the training feature.
type Store struct {
	db database.DB
}

// NewStore returns a Store on db (the pool or a transaction).
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Settings returns the cohort's training settings (ErrNotFound before it reached pendidikan).
func (s *Store) Settings(ctx context.Context, cohortID int64) (Settings, error) {
	rows, _ := s.db.Query(ctx, `SELECT cohort_id, group_min, group_max, pp_cap, fasilitator_cap, visits_planned, ack_days,
		attendance_min_pct, module_packages, modules, lokakarya_count, assessment_pass_score, reminder_days FROM training_settings WHERE cohort_id = $1`, cohortID)
	return database.One[Settings](rows, "training settings %d", cohortID)
}

// lockProvince serialises the BGP's writes to one province of a cohort and checks the cohort
// is in pendidikan.
func lockProvince(ctx context.Context, tx pgx.Tx, cohortID int64, prov string) error {
	var status string
	err := tx.QueryRow(ctx, `SELECT status FROM cohorts WHERE id = $1 FOR SHARE`, cohortID).Scan(&status)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("cohort %d: %w", cohortID, database.ErrNotFound)
	}
	if err != nil {
		return err
	}
	if status != "pendidikan" {
		return ErrNotPendidikan
	}
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200500, hashtext($1::bigint::text || '/' || $2::text))`, cohortID, prov)
	return err
}

// inProvinces reports whether prov is in the writer's provinces (sc must list provinces).
func (sc Scope) inProvinces(prov string) bool {
	for _, p := range sc.Provinces {
		if p == prov {
			return true
		}
	}
	return false
}
