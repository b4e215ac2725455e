package selection

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// AutoAssign gives every eligible application of a cohort two assessors in a stage (evenly
// loaded, never from the applicant's school, optionally never from the same kab/kota).
// Eligible: verval passed; for tahap 2 stages also a decided tahap 1 score at its passing
// grade. Sheets are due the cohort's sheet due days after now. It returns how many sheets were
// created.
func (s *Store) AutoAssign(ctx context.Context, actor audit.Actor, cohortID int64, stage Stage, now time.Time) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := database.LockSheetAssign.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		due := prog.SheetDue(now)
		targets, assessors, opt, err := assignInput(ctx, tx, cohortID, stage)
		if err != nil {
			return err
		}
		as, err := Assign(targets, assessors, opt)
		if err != nil {
			return fmt.Errorf("%w: %w", database.ErrConflict, err)
		}
		var batch int64
		if len(as) > 0 {
			if err := tx.QueryRow(ctx, `INSERT INTO assign_batches (cohort_id, stage, sheets, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
				cohortID, stage, len(as), database.NullID(actor.UserID)).Scan(&batch); err != nil {
				return err
			}
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"score_sheets"}, []string{"application_id", "stage", "assessor_id", "assigned_by", "due_at", "batch_id"},
				pgx.CopyFromSlice(len(as), func(i int) ([]any, error) {
					return []any{as[i].ApplicationID, string(stage), as[i].AssessorID, database.NullID(actor.UserID), due, batch}, nil
				}))
			if err != nil {
				return err
			}
		}
		n = len(as)
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.assign.auto", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"stage": string(stage), "sheets": n, "batch_id": batch}})
	})
	return n, err
}

// assignInput reads what an automatic assignment of a cohort's stage works on: the eligible
// applications still short of two regular assessors (verval passed; for tahap 2 stages also a
// decided tahap 1 score at its passing grade), the assessors with their load, and the rubric's
// conflict rule.
func assignInput(ctx context.Context, q querier, cohortID int64, stage Stage) ([]AssignTarget, []Assessor, AssignOptions, error) {
	var targets []AssignTarget
	var assessors []Assessor
	var sr StageRubric
	err := func() error {
		var err error
		sr, err = loadRubric(ctx, q, cohortID, stage)
		if err != nil {
			return err
		}
		eligible := map[int64]bool(nil)
		if stage != StageTahap1 {
			t1, err := loadRubric(ctx, q, cohortID, StageTahap1)
			if err != nil {
				return err
			}
			finals, err := stageFinals(ctx, q, cohortID, StageTahap1, t1.Rubric)
			if err != nil {
				return err
			}
			eligible = map[int64]bool{}
			for id, f := range finals {
				if !f.NeedThird && f.Score >= t1.Rubric.PassingGrade {
					eligible[id] = true
				}
			}
		}
		rows, _ := q.Query(ctx, `SELECT a.id, a.npsn, a.regency_code,
				coalesce(array_agg(sh.assessor_id) FILTER (WHERE sh.id IS NOT NULL), '{}'),
				count(sh.id) FILTER (WHERE NOT sh.adjudicator AND sh.appeal_id IS NULL)
			FROM applications a LEFT JOIN score_sheets sh ON sh.application_id = a.id AND sh.stage = $2
			WHERE a.cohort_id = $1 AND a.status = 'verval_passed'
			GROUP BY a.id ORDER BY a.id`, cohortID, stage)
		var t AssignTarget
		var have int
		_, err = pgx.ForEachRow(rows, []any{&t.ApplicationID, &t.SchoolNPSN, &t.RegencyCode, &t.Exclude, &have}, func() error {
			if have < 2 && (eligible == nil || eligible[t.ApplicationID]) {
				t.Need = 2 - have
				t.Exclude = append([]int64(nil), t.Exclude...)
				targets = append(targets, t)
			}
			return nil
		})
		if err != nil {
			return err
		}
		assessors, err = loadAssessors(ctx, q, cohortID, stage)
		if err != nil {
			return err
		}
		return nil
	}()
	return targets, assessors, AssignOptions{AvoidSameRegency: sr.AvoidSameRegency}, err
}

// loadAssessors lists users with an active asesor grant, their school and kab/kota (from their
// teacher profile when they have one) and their current load in the cohort's stage.
func loadAssessors(ctx context.Context, q querier, cohortID int64, stage Stage) ([]Assessor, error) {
	rows, _ := q.Query(ctx, `SELECT u.id, coalesce(tp.npsn, ''), coalesce(sc.regency_code, ''),
			(SELECT count(*) FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			 WHERE sh.assessor_id = u.id AND sh.stage = $2 AND a.cohort_id = $1)
		FROM users u
		LEFT JOIN teacher_profiles tp ON tp.user_id = u.id
		LEFT JOIN schools sc ON sc.npsn = tp.npsn
		WHERE u.disabled_at IS NULL AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'asesor' AND g.revoked_at IS NULL)
		ORDER BY u.id`, cohortID, stage)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Assessor, error) {
		var a Assessor
		return a, r.Scan(&a.UserID, &a.SchoolNPSN, &a.RegencyCode, &a.Load)
	})
}

// Reassign gives an unsubmitted sheet to another assessor, who must hold the asesor role, not be
// from the applicant's school and not already score the application in that stage.
func (s *Store) Reassign(ctx context.Context, actor audit.Actor, sheetID, assessorID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var appID, old int64
		var npsn string
		var submitted bool
		var stage Stage
		err := tx.QueryRow(ctx, `SELECT sh.application_id, sh.assessor_id, a.npsn, sh.submitted_at IS NOT NULL, sh.stage
			FROM score_sheets sh JOIN applications a ON a.id = sh.application_id WHERE sh.id = $1 FOR UPDATE OF sh`, sheetID).
			Scan(&appID, &old, &npsn, &submitted, &stage)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("sheet %d: %w", sheetID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if submitted {
			return fmt.Errorf("sheet %d: %w", sheetID, ErrLocked)
		}
		var ok bool
		err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = $1 AND g.role = 'asesor' AND g.revoked_at IS NULL)
			AND NOT EXISTS (SELECT 1 FROM teacher_profiles tp WHERE tp.user_id = $1 AND tp.npsn = $2)`, assessorID, npsn).Scan(&ok)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("assessor %d not eligible: %w", assessorID, database.ErrConflict)
		}
		// A tahap 2 session is scored by the same two people in both stages: the assessor is
		// replaced on both of their unsubmitted tahap 2 sheets and on the session itself.
		ids := []int64{sheetID}
		if stage != StageTahap1 {
			rows, _ := tx.Query(ctx, `SELECT id FROM score_sheets WHERE application_id = $1 AND assessor_id = $2
				AND stage IN ('simulasi', 'wawancara') AND submitted_at IS NULL ORDER BY id FOR UPDATE`, appID, old)
			if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `DELETE FROM score_items WHERE sheet_id = $1`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE score_sheets SET assessor_id = $2, assigned_by = $3, assigned_at = now() WHERE id = $1`,
				id, assessorID, database.NullID(actor.UserID)); err != nil {
				var pg *pgconn.PgError
				if errors.As(err, &pg) && pg.Code == "23505" {
					return fmt.Errorf("already assigned: %w", database.ErrConflict)
				}
				return err
			}
		}
		if stage != StageTahap1 {
			if _, err := tx.Exec(ctx, `UPDATE tahap2_slots SET assessor1_id = CASE WHEN assessor1_id = $2 THEN $3 ELSE assessor1_id END,
				assessor2_id = CASE WHEN assessor2_id = $2 THEN $3 ELSE assessor2_id END WHERE application_id = $1`, appID, old, assessorID); err != nil {
				var pg *pgconn.PgError
				if errors.As(err, &pg) && pg.Code == "23514" {
					return fmt.Errorf("same assessor twice: %w", database.ErrConflict)
				}
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.assign.manual", ObjectType: "score_sheet", ObjectID: strconv.FormatInt(sheetID, 10),
			Detail: map[string]any{"application_id": appID, "from": old, "to": assessorID}})
	})
}

// Workload is one assessor's load in a cohort.
type Workload struct {
	AssessorID int64  `db:"assessor_id"`
	Name       string `db:"name"`
	Assigned   int    `db:"assigned"`
	Done       int    `db:"done"`
	Overdue    int    `db:"overdue"`
}

// Workloads lists every assessor's assigned, done and overdue sheets in a cohort.
func (s *Store) Workloads(ctx context.Context, cohortID int64, now time.Time) ([]Workload, error) {
	rows, _ := s.db.Query(ctx, `SELECT sh.assessor_id, u.name, count(*)::int AS assigned,
			count(*) FILTER (WHERE sh.submitted_at IS NOT NULL)::int AS done,
			count(*) FILTER (WHERE sh.submitted_at IS NULL AND sh.due_at < $2)::int AS overdue
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id JOIN users u ON u.id = sh.assessor_id
		WHERE a.cohort_id = $1 GROUP BY sh.assessor_id, u.name ORDER BY u.name, sh.assessor_id`, cohortID, now)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Workload])
}

// SheetMoveResult is what a bulk reassignment of score sheets did.
type SheetMoveResult struct {
	Moved int
	// Skipped are matching sheets not moved: started (a score typed), or the new assessor may
	// not score the applicant (own school, same kab/kota when the rubric forbids it, or already
	// scoring that application in the stage).
	Skipped int
}

// ReassignSheets moves, in one transaction and audited, the unsubmitted sheets of one assessor in
// a cohort (optionally only applicants of one kab/kota) that nobody has started to another
// active assessor: tahap 1 sheets, or with m.Tahap2 whole tahap 2 sessions (both the simulasi
// and wawancara sheets of an applicant and the session's assessor, all or none, as Reassign
// moves one). Sheets the new assessor may not score are skipped. With dryRun nothing is
// changed: the result says what the move would do (the preview the admin confirms).
func (s *Store) ReassignSheets(ctx context.Context, actor audit.Actor, cohortID int64, m Move, dryRun bool) (SheetMoveResult, error) {
	var res SheetMoveResult
	stages := []string{string(StageTahap1)}
	if m.Tahap2 {
		stages = []string{string(StageSimulasi), string(StageWawancara)}
	}
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := database.LockSheetAssign.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT $1::bigint <> $2::bigint AND EXISTS (SELECT 1 FROM role_grants g JOIN users u ON u.id = g.user_id
			WHERE g.user_id = $2 AND g.role = 'asesor' AND g.revoked_at IS NULL AND u.disabled_at IS NULL)`, m.From, m.To).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("assessor %d not eligible: %w", m.To, database.ErrConflict)
		}
		rows, _ := tx.Query(ctx, `SELECT sh.id, sh.application_id,
				NOT EXISTS (SELECT 1 FROM score_items si WHERE si.sheet_id = sh.id)
				AND NOT EXISTS (SELECT 1 FROM teacher_profiles tp WHERE tp.user_id = $3 AND tp.npsn = a.npsn)
				AND NOT (coalesce(r.avoid_same_regency, false) AND EXISTS (SELECT 1 FROM teacher_profiles tp JOIN schools sc ON sc.npsn = tp.npsn
					WHERE tp.user_id = $3 AND sc.regency_code = a.regency_code))
				AND NOT EXISTS (SELECT 1 FROM score_sheets o WHERE o.application_id = sh.application_id AND o.stage = ANY($5) AND o.assessor_id = $3)
			FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			LEFT JOIN selection_rubrics r ON r.cohort_id = a.cohort_id AND r.stage = sh.stage
			WHERE a.cohort_id = $1 AND sh.stage = ANY($5) AND sh.assessor_id = $2 AND sh.submitted_at IS NULL
			AND ($4::text = '' OR a.regency_code = $4::text) ORDER BY sh.application_id, sh.id FOR UPDATE OF sh`, cohortID, m.From, m.To, m.Regency, stages)
		// An applicant's sheets move together (a tahap 2 session is scored by the same two
		// people in both stages): one that may not move keeps them all.
		type group struct {
			sheets  []int64
			movable bool
		}
		var order []int64
		groups := map[int64]*group{}
		var id, app int64
		var movable bool
		if _, err := pgx.ForEachRow(rows, []any{&id, &app, &movable}, func() error {
			g := groups[app]
			if g == nil {
				g = &group{movable: true}
				groups[app] = g
				order = append(order, app)
			}
			g.sheets, g.movable = append(g.sheets, id), g.movable && movable
			return nil
		}); err != nil {
			return err
		}
		var ids, apps []int64
		for _, app := range order {
			if g := groups[app]; g.movable {
				ids, apps = append(ids, g.sheets...), append(apps, app)
			} else {
				res.Skipped += len(g.sheets)
			}
		}
		res.Moved = len(ids)
		if dryRun || len(ids) == 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE score_sheets SET assessor_id = $2, assigned_by = $3, assigned_at = now() WHERE id = ANY($1)`,
			ids, m.To, database.NullID(actor.UserID)); err != nil {
			return locked(err)
		}
		if m.Tahap2 {
			if _, err := tx.Exec(ctx, `UPDATE tahap2_slots SET assessor1_id = CASE WHEN assessor1_id = $2 THEN $3 ELSE assessor1_id END,
				assessor2_id = CASE WHEN assessor2_id = $2 THEN $3 ELSE assessor2_id END WHERE application_id = ANY($1)`, apps, m.From, m.To); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.assign.move_many", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"from": m.From, "to": m.To, "regency": m.Regency, "stages": stages, "moved": res.Moved, "skipped": res.Skipped, "sheets": ids}})
	})
	return res, err
}
