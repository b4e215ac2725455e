package database

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// BatchUndo is how one kind of automatic-assignment batch is undone: the batch rows live in
// Batches (id, cohort_id, undone_at, undone_by), the rows it assigned are counted as started by
// StartedSQL and removed by DeleteSQL (both take the batch id as $1). Each store keeps its own
// table's SQL; the order of the undo is written once, in Undo.
type BatchUndo struct {
	Lock       Lock   // the class serialising the undo with the assignment that writes batches
	Batches    string // the batches table
	StartedSQL string // SELECT count(*) of the batch's started rows
	DeleteSQL  string // DELETE of the batch's rows
	// Started is the error (wrapped with ErrConflict) for a batch started or undone already.
	Started error
}

// Undo removes, in tx and holding u.Lock for the cohort, every row of batch batchID of the
// cohort and marks the batch undone by userID, while the batch is not undone and none of its
// rows is started; it returns how many rows it removed. A batch of another cohort, or none,
// is ErrNotFound; a started or undone one is u.Started with ErrConflict. The caller audits.
func (u BatchUndo) Undo(ctx context.Context, tx pgx.Tx, cohortID, batchID, userID int64) (int64, error) {
	if err := u.Lock.Hold(ctx, tx, cohortID); err != nil {
		return 0, err
	}
	var undone bool
	err := tx.QueryRow(ctx, `SELECT undone_at IS NOT NULL FROM `+u.Batches+` WHERE id = $1 AND cohort_id = $2 FOR UPDATE`, batchID, cohortID).Scan(&undone)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("%s %d: %w", u.Batches, batchID, ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	var started int
	if err := tx.QueryRow(ctx, u.StartedSQL, batchID).Scan(&started); err != nil {
		return 0, err
	}
	if undone || started > 0 {
		return 0, fmt.Errorf("%s %d (undone %v, started %d): %w: %w", u.Batches, batchID, undone, started, u.Started, ErrConflict)
	}
	tag, err := tx.Exec(ctx, u.DeleteSQL, batchID)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `UPDATE `+u.Batches+` SET undone_at = now(), undone_by = $2 WHERE id = $1`, batchID, NullID(userID)); err != nil {
		return 0, err
	}
	return tag.RowsAffected(), nil
}
