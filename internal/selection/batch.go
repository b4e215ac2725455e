package selection

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// ErrBatchStarted is returned (with database.ErrConflict) when a batch cannot be undone because
// one of its sheets has been started (a score typed or the sheet submitted), or it is undone.
var ErrBatchStarted = errors.New("selection: a sheet of the batch has been started")

// AssignPreview is a dry run of a cohort stage's automatic assignment, with names.
type AssignPreview struct {
	Stage Stage
	Plan  AssignPlan
	// Assessors are every eligible assessor with their current load and planned new sheets.
	Assessors []PreviewAssessor
	// Numbers are the registration numbers of the unassigned applications.
	Numbers map[int64]string
}

// PreviewAssessor is one assessor in a preview.
type PreviewAssessor struct {
	ID      int64
	Name    string
	Current int
	New     int
}

// PreviewAssign computes what AutoAssign would do now, storing nothing.
func (s *Store) PreviewAssign(ctx context.Context, cohortID int64, stage Stage) (AssignPreview, error) {
	p := AssignPreview{Stage: stage, Numbers: map[int64]string{}}
	targets, assessors, opt, err := assignInput(ctx, s.db, cohortID, stage)
	if err != nil {
		return p, err
	}
	p.Plan = PlanAssign(targets, assessors, opt)
	ids := make([]int64, len(assessors))
	for i, a := range assessors {
		ids[i] = a.UserID
	}
	names := map[int64]string{}
	rows, _ := s.db.Query(ctx, `SELECT id, name FROM users WHERE id = ANY($1)`, ids)
	var id int64
	var name string
	if _, err := pgx.ForEachRow(rows, []any{&id, &name}, func() error { names[id] = name; return nil }); err != nil {
		return p, err
	}
	for _, a := range assessors {
		p.Assessors = append(p.Assessors, PreviewAssessor{ID: a.UserID, Name: names[a.UserID], Current: a.Load, New: p.Plan.PerAssessor[a.UserID]})
	}
	un := make([]int64, len(p.Plan.Unassigned))
	for i, u := range p.Plan.Unassigned {
		un[i] = u.ApplicationID
	}
	rows, _ = s.db.Query(ctx, `SELECT id, coalesce(registration_number, '') FROM applications WHERE id = ANY($1)`, un)
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error { p.Numbers[id] = name; return nil })
	return p, err
}

// Batch is one committed automatic assignment.
type Batch struct {
	ID        int64      `db:"id"`
	Stage     Stage      `db:"stage"`
	Sheets    int        `db:"sheets"`
	CreatedAt time.Time  `db:"created_at"`
	UndoneAt  *time.Time `db:"undone_at"`
	// Started counts the batch's sheets with a score typed or submitted (undo needs none).
	Started int `db:"started"`
}

// Batches lists a cohort's assignment batches, newest first.
func (s *Store) Batches(ctx context.Context, cohortID int64) ([]Batch, error) {
	rows, _ := s.db.Query(ctx, `SELECT b.id, b.stage, b.sheets, b.created_at, b.undone_at,
			(SELECT count(*) FROM score_sheets sh WHERE sh.batch_id = b.id AND (sh.submitted_at IS NOT NULL
				OR EXISTS (SELECT 1 FROM score_items si WHERE si.sheet_id = sh.id)))::int AS started
		FROM assign_batches b WHERE b.cohort_id = $1 ORDER BY b.id DESC LIMIT 50`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Batch])
}

// sheetBatchUndo undoes an assignment batch: its score sheets, while none is started.
var sheetBatchUndo = database.BatchUndo{
	Lock:    database.LockSheetAssign,
	Batches: "assign_batches",
	StartedSQL: `SELECT count(*) FROM score_sheets sh WHERE sh.batch_id = $1 AND (sh.submitted_at IS NOT NULL
		OR EXISTS (SELECT 1 FROM score_items si WHERE si.sheet_id = sh.id))`,
	DeleteSQL: `DELETE FROM score_sheets WHERE batch_id = $1`,
	Started:   ErrBatchStarted,
}

// UndoBatch removes every sheet of a batch of cohort, restoring the assignment as it was before
// the batch, while none of them has been started; audited. Serialised with automatic assignment.
func (s *Store) UndoBatch(ctx context.Context, actor audit.Actor, cohortID, batchID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		n, err := sheetBatchUndo.Undo(ctx, tx, cohortID, batchID, actor.UserID)
		if err != nil {
			return locked(err)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.assign.undo", ObjectType: "assign_batch", ObjectID: strconv.FormatInt(batchID, 10),
			Detail: map[string]any{"cohort_id": cohortID, "sheets": n}})
	})
}
