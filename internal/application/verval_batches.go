package application

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// VervalBatch is one committed automatic verval assignment.
type VervalBatch struct {
	ID          int64      `db:"id"`
	Assignments int        `db:"assignments"`
	CreatedAt   time.Time  `db:"created_at"`
	UndoneAt    *time.Time `db:"undone_at"`
	// Started counts the batch's applications with a document decided or verval finished.
	Started int `db:"started"`
}

// startedSQL is true for an assignment va whose verval has begun: a document decided by its
// assessor, or the application no longer waiting for verval.
const startedSQL = `(a.status <> 'submitted' OR EXISTS (SELECT 1 FROM application_documents d JOIN verval_decisions vd ON vd.document_id = d.id
	WHERE d.application_id = va.application_id AND vd.assessor_id = va.assessor_id))`

// VervalBatches lists a cohort's verval batches, newest first.
func (s *Store) VervalBatches(ctx context.Context, cohortID int64) ([]VervalBatch, error) {
	rows, _ := s.db.Query(ctx, `SELECT b.id, b.assignments, b.created_at, b.undone_at,
			(SELECT count(*) FROM verval_assignments va JOIN applications a ON a.id = va.application_id
				WHERE va.batch_id = b.id AND `+startedSQL+`)::int AS started
		FROM verval_batches b WHERE b.cohort_id = $1 ORDER BY b.id DESC LIMIT 50`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[VervalBatch])
}

// ErrBatchStarted is returned (with database.ErrConflict) when a verval batch cannot be undone:
// one of its applications has been started, or the batch is undone already.
var ErrBatchStarted = fmt.Errorf("verval batch started or undone: %w", database.ErrConflict)

// vervalBatchUndo undoes a verval batch: its assignments, while none is started.
var vervalBatchUndo = database.BatchUndo{
	Lock:    database.LockVervalAssign,
	Batches: "verval_batches",
	StartedSQL: `SELECT count(*) FROM verval_assignments va JOIN applications a ON a.id = va.application_id
		WHERE va.batch_id = $1 AND ` + startedSQL,
	DeleteSQL: `DELETE FROM verval_assignments WHERE batch_id = $1`,
	Started:   ErrBatchStarted,
}

// UndoVervalBatch removes every assignment of a batch of the cohort (those still in it: an
// application moved by hand since has left the batch), restoring the assignment as it was
// before the batch, while none of them has been started; audited. Serialised with AutoAssign.
func (s *Store) UndoVervalBatch(ctx context.Context, actor audit.Actor, cohortID, batchID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		n, err := vervalBatchUndo.Undo(ctx, tx, cohortID, batchID, actor.UserID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.assign.undo", ObjectType: "verval_batch", ObjectID: strconv.FormatInt(batchID, 10),
			Detail: map[string]any{"cohort_id": cohortID, "assignments": n}})
	})
}
