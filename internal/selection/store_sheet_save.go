package selection

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// SheetForm is the assessor's scoring form: one score and note per criterion (in order).
type SheetForm struct {
	Scores []string `form:"score"`
	Notes  []string `form:"note"`
	Submit bool     `form:"submit"`
}

// Parse validates the form against the rubric. A draft may leave scores empty; a submission
// needs every score within its criterion's scale. Errors map "score-N" (1-based) → message key.
func (f SheetForm) Parse(r Rubric) ([]ScoreItem, map[string]string) {
	errs := map[string]string{}
	items := make([]ScoreItem, len(r.Criteria))
	for i, c := range r.Criteria {
		var raw, note string
		if i < len(f.Scores) {
			raw = strings.TrimSpace(f.Scores[i])
		}
		if i < len(f.Notes) {
			note = strings.TrimSpace(f.Notes[i])
		}
		if len(note) > 2000 {
			errs["note-"+strconv.Itoa(i+1)] = "selection.error.note"
		}
		items[i].Note = note
		if raw == "" {
			if f.Submit {
				errs["score-"+strconv.Itoa(i+1)] = "selection.error.score_required"
			}
			continue
		}
		v, err := strconv.Atoi(raw)
		if err != nil || v < c.Min || v > c.Max {
			errs["score-"+strconv.Itoa(i+1)] = "selection.error.score_range"
			continue
		}
		items[i].Score = &v
	}
	return items, errs
}

// SaveSheet stores an assessor's scores as a draft or submits them (locked afterwards). When the
// submission completes two sheets that differ by more than the threshold, a third assessor is
// assigned at once (due the cohort's sheet due days after now). Scoring is refused outside the
// stage's dates (administrasi for tahap 1, simulasi for tahap 2) with a *DateError. It returns
// whether a third assessor was assigned.
func (s *Store) SaveSheet(ctx context.Context, actor audit.Actor, assessorID, sheetID int64, items []ScoreItem, submit bool, now time.Time) (bool, error) {
	var third bool
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var appID, cohortID int64
		var stage Stage
		var submitted, appeal bool
		err := tx.QueryRow(ctx, `SELECT sh.application_id, a.cohort_id, sh.stage, sh.submitted_at IS NOT NULL, sh.appeal_id IS NOT NULL
			FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			WHERE sh.id = $1 AND sh.assessor_id = $2 FOR UPDATE OF sh`, sheetID, assessorID).Scan(&appID, &cohortID, &stage, &submitted, &appeal)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("sheet %d: %w", sheetID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if submitted {
			return fmt.Errorf("sheet %d: %w", sheetID, ErrLocked)
		}
		prog, err := loadProgram(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		// An appeal's re-score happens after publication, outside the stage's own dates.
		if dates, name := prog.ScoringDates(stage); !appeal {
			if err := checkDates(dates, name, now); err != nil {
				return err
			}
		}
		due := prog.SheetDue(now)
		sr, err := loadRubric(ctx, tx, cohortID, stage)
		if err != nil {
			return err
		}
		if len(items) != len(sr.Rubric.Criteria) {
			return fmt.Errorf("%d items for %d criteria: %w", len(items), len(sr.Rubric.Criteria), database.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM score_items WHERE sheet_id = $1`, sheetID); err != nil {
			return err
		}
		scores := make([]int, len(items))
		detail := map[string]any{"application_id": appID, "stage": string(stage), "submit": submit}
		for i, it := range items {
			if it.Score == nil {
				if submit {
					return fmt.Errorf("criterion %d unscored: %w", i+1, database.ErrConflict)
				}
				continue
			}
			scores[i] = *it.Score
			detail["c"+strconv.Itoa(i+1)] = *it.Score
			if _, err := tx.Exec(ctx, `INSERT INTO score_items (sheet_id, position, score, note) VALUES ($1, $2, $3, $4)`,
				sheetID, i+1, *it.Score, it.Note); err != nil {
				return err
			}
		}
		if submit {
			score, err := sr.Rubric.StageScore(scores)
			if err != nil {
				return fmt.Errorf("%w: %v", database.ErrConflict, err)
			}
			detail["stage_score"] = score
			if _, err := tx.Exec(ctx, `UPDATE score_sheets SET submitted_at = now(), stage_score = $2, scores = $3 WHERE id = $1`, sheetID, score, scores); err != nil {
				return err
			}
			if !appeal {
				if third, err = s.maybeAdjudicate(ctx, tx, actor, appID, cohortID, stage, sr, due); err != nil {
					return err
				}
			}
			detail["third_assigned"] = third
		}
		action := "selection.score.draft"
		if submit {
			action = "selection.score.submit"
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, ObjectType: "score_sheet", ObjectID: strconv.FormatInt(sheetID, 10), Detail: detail})
	})
	return third, err
}

// maybeAdjudicate assigns a third assessor when both regular sheets are in and too far apart.
func (s *Store) maybeAdjudicate(ctx context.Context, tx pgx.Tx, actor audit.Actor, appID, cohortID int64, stage Stage, sr StageRubric, due time.Time) (bool, error) {
	rows, _ := tx.Query(ctx, `SELECT stage_score::float8, assessor_id, adjudicator FROM score_sheets
		WHERE application_id = $1 AND stage = $2 AND appeal_id IS NULL ORDER BY id`, appID, stage)
	var scores []float64
	var exclude []int64
	var pending, hasThird bool
	var sc *float64
	var who int64
	var adj bool
	if _, err := pgx.ForEachRow(rows, []any{&sc, &who, &adj}, func() error {
		exclude = append(exclude, who)
		if adj {
			hasThird = true
			return nil
		}
		if sc == nil {
			pending = true
			return nil
		}
		scores = append(scores, *sc)
		return nil
	}); err != nil {
		return false, err
	}
	if pending || hasThird || len(scores) != 2 {
		return false, nil
	}
	a, err := Adjudicate(scores, sr.Rubric.Threshold)
	if err != nil || !a.NeedThird {
		return false, err
	}
	var npsn, reg string
	if err := tx.QueryRow(ctx, `SELECT npsn, regency_code FROM applications WHERE id = $1`, appID).Scan(&npsn, &reg); err != nil {
		return false, err
	}
	assessors, err := loadAssessors(ctx, tx, cohortID, stage)
	if err != nil {
		return false, err
	}
	as, err := Assign([]AssignTarget{{ApplicationID: appID, SchoolNPSN: npsn, RegencyCode: reg, Need: 1, Exclude: exclude}},
		assessors, AssignOptions{AvoidSameRegency: sr.AvoidSameRegency})
	if err != nil {
		// No eligible third assessor: the application waits; the admin assigns one by hand.
		return false, nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id, adjudicator, assigned_by, due_at)
		VALUES ($1, $2, $3, true, $4, $5)`, appID, stage, as[0].AssessorID, database.NullID(actor.UserID), due)
	if err != nil {
		return false, err
	}
	return true, audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.assign.third", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
		Detail: map[string]any{"stage": string(stage), "assessor_id": as[0].AssessorID, "scores": scores}})
}
