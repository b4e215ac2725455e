package application

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// MoveFilter chooses the verval assignments of a cohort to move at once: those of one assessor,
// optionally only in one kabupaten/kota. Only unstarted ones move.
type MoveFilter struct {
	From        int64
	RegencyCode string // "" for every kabupaten/kota
}

// Reasons a matching verval assignment stays with its assessor in a bulk reassignment.
const (
	SkipStarted    = "started"    // a document decided, or verval finished
	SkipOwnSchool  = "own_school" // the new assessor teaches at the applicant's school
	SkipOutOfScope = "no_scope"   // the new assessor does not cover its kabupaten/kota
)

// MoveItem is one verval assignment matched by a bulk reassignment.
type MoveItem struct {
	ApplicationID int64
	Number        string // the registration number
	RegencyCode   string
	Skip          string // why it stays (Skip*), "" when it moves
}

// MoveResult is what a bulk reassignment did, or in a preview would do.
type MoveResult struct {
	Moved int
	// Skipped are matching assignments not moved: started, or the new assessor teaches at the
	// applicant's school or does not cover its kabupaten/kota.
	Skipped int
	// Items are the matching assignments by application id, each moving or with why it stays.
	Items []MoveItem
}

// Moving returns the application ids of the assignments that move, in order.
func (r MoveResult) Moving() []int64 {
	var ids []int64
	for _, it := range r.Items {
		if it.Skip == "" {
			ids = append(ids, it.ApplicationID)
		}
	}
	return ids
}

// ErrMoveChanged is returned (with database.ErrConflict, and the move as it stands now) when a
// confirmed bulk reassignment would no longer move exactly the assignments previewed: someone
// moved, started or assigned some since. Nothing is moved.
var ErrMoveChanged = fmt.Errorf("verval bulk move changed since its preview: %w", database.ErrConflict)

// moveSkip is why an assignment stays with its assessor when moved to target ("" when it may move).
func moveSkip(target Assessor, regencyCode, npsn string, started bool) string {
	switch {
	case started:
		return SkipStarted
	case !target.Covers(regencyCode):
		return SkipOutOfScope
	case target.NPSN != "" && target.NPSN == npsn:
		return SkipOwnSchool
	}
	return ""
}

// PreviewReassignMany returns what ReassignMany would do now, storing nothing: the preview the
// admin confirms.
func (s *Store) PreviewReassignMany(ctx context.Context, cohortID int64, f MoveFilter, to int64) (MoveResult, error) {
	return s.reassignMany(ctx, audit.Actor{}, cohortID, f, to, nil)
}

// ReassignMany moves every unstarted verval assignment of the cohort matching the filter to
// another active assessor in one transaction (audited), skipping those the new assessor may not
// take (own school, outside their scope), when what moves is exactly previewed (the application
// ids of PreviewReassignMany's Moving); otherwise nothing moves and the error is ErrMoveChanged
// with the move as it stands now. Moved assignments leave their batch.
func (s *Store) ReassignMany(ctx context.Context, actor audit.Actor, cohortID int64, f MoveFilter, to int64, previewed []int64) (MoveResult, error) {
	return s.reassignMany(ctx, actor, cohortID, f, to, &previewed)
}

// reassignMany is the bulk move, a dry run when previewed is nil. Serialised with AutoAssign
// and other moves of the cohort, so the second of two confirmations sees the first one's move.
func (s *Store) reassignMany(ctx context.Context, actor audit.Actor, cohortID int64, f MoveFilter, to int64, previewed *[]int64) (MoveResult, error) {
	var res MoveResult
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := database.LockVervalAssign.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		as, err := s.WithTx(tx).Assessors(ctx, cohortID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(as, func(a Assessor) bool { return a.UserID == to })
		if i < 0 || to == f.From {
			return ErrNoAssessor
		}
		rows, _ := tx.Query(ctx, `SELECT va.application_id, coalesce(a.registration_number, ''), a.regency_code, a.npsn, `+startedSQL+`
			FROM verval_assignments va JOIN applications a ON a.id = va.application_id
			WHERE a.cohort_id = $1 AND va.assessor_id = $2 AND ($3 = '' OR a.regency_code = $3) ORDER BY va.application_id FOR UPDATE OF va`,
			cohortID, f.From, f.RegencyCode)
		var it MoveItem
		var npsn string
		var started bool
		if _, err := pgx.ForEachRow(rows, []any{&it.ApplicationID, &it.Number, &it.RegencyCode, &npsn, &started}, func() error {
			it.Skip = moveSkip(as[i], it.RegencyCode, npsn, started)
			if it.Skip == "" {
				res.Moved++
			} else {
				res.Skipped++
			}
			res.Items = append(res.Items, it)
			return nil
		}); err != nil {
			return err
		}
		if previewed == nil {
			return nil
		}
		ids := res.Moving()
		if !sameIDs(ids, *previewed) {
			return fmt.Errorf("cohort %d: %d would move, %d previewed: %w", cohortID, len(ids), len(*previewed), ErrMoveChanged)
		}
		if len(ids) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE verval_assignments SET assessor_id = $2, assigned_by = $3, assigned_at = now(), batch_id = NULL
				WHERE application_id = ANY($1)`, ids, to, database.NullID(actor.UserID)); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.reassign_many", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"from": f.From, "to": to, "regency": f.RegencyCode, "moved": res.Moved, "skipped": res.Skipped, "applications": ids}})
	})
	return res, err
}

// sameIDs reports whether a and b hold the same ids, in any order and without repeats counted.
func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
