package database

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Lock is a class of transaction-scoped advisory locks: work of that class runs one at a time
// per id (pg_advisory_xact_lock(class, id), released when the transaction ends). The classes are
// listed here so that no two kinds of work share a number by accident and work that must
// exclude each other names the same class.
type Lock int32

// The lock classes, each per cohort.
const (
	LockVervalAssign Lock = 7200100 // verval assignment: automatic, by hand, batch undo
	LockSheetAssign  Lock = 7200200 // score sheets: assignment, batch undo, scheduling, appeal re-scores
	LockRuns         Lock = 7200201 // result runs: computing and correcting
)

// Hold takes lock l for id within tx, waiting while another transaction holds it. id is taken
// as a PostgreSQL int (cohort ids stay far below 2³¹).
func (l Lock) Hold(ctx context.Context, tx pgx.Tx, id int64) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2::int)`, int32(l), id)
	return err
}
