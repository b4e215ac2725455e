package selection

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// StageRubric is a stored rubric of a cohort's stage.
type StageRubric struct {
	CohortID         int64
	Stage            Stage
	Rubric           Rubric
	AvoidSameRegency bool
}

// LoadRubric returns the rubric of a cohort's stage, or ErrNotFound.
func (s *Store) LoadRubric(ctx context.Context, cohortID int64, stage Stage) (StageRubric, error) {
	return loadRubric(ctx, s.db, cohortID, stage)
}

func loadRubric(ctx context.Context, q querier, cohortID int64, stage Stage) (StageRubric, error) {
	sr := StageRubric{CohortID: cohortID, Stage: stage}
	err := q.QueryRow(ctx, `SELECT passing_grade::float8, threshold::float8, avoid_same_regency FROM selection_rubrics
		WHERE cohort_id = $1 AND stage = $2`, cohortID, stage).Scan(&sr.Rubric.PassingGrade, &sr.Rubric.Threshold, &sr.AvoidSameRegency)
	if errors.Is(err, pgx.ErrNoRows) {
		return sr, fmt.Errorf("rubric %d/%s: %w", cohortID, stage, database.ErrNotFound)
	}
	if err != nil {
		return sr, err
	}
	rows, _ := q.Query(ctx, `SELECT name, min_score, max_score, weight::float8, levels FROM selection_criteria
		WHERE cohort_id = $1 AND stage = $2 ORDER BY position`, cohortID, stage)
	sr.Rubric.Criteria, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Criterion, error) {
		var c Criterion
		var levels string
		err := r.Scan(&c.Name, &c.Min, &c.Max, &c.Weight, &levels)
		if levels != "" {
			c.Levels = strings.Split(levels, "\n")
		}
		return c, err
	})
	return sr, err
}

// CriteriaText formats criteria as the rubric form's text: one criterion a line,
// "name | min | max | weight | level 1; level 2; …".
func CriteriaText(cs []Criterion) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s | %d | %d | %s | %s\n", c.Name, c.Min, c.Max, strconv.FormatFloat(c.Weight, 'f', -1, 64), strings.Join(c.Levels, "; "))
	}
	return b.String()
}

// RubricForm is the national admin's rubric form.
type RubricForm struct {
	PassingGrade     string `form:"passing_grade"`
	Threshold        string `form:"threshold"`
	AvoidSameRegency bool   `form:"avoid_same_regency"`
	Criteria         string `form:"criteria"`
}

// Parse validates the form into a rubric; errors map field → message key.
func (f RubricForm) Parse() (Rubric, map[string]string) {
	errs := map[string]string{}
	var r Rubric
	pg, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(f.PassingGrade, ",", ".")), 64)
	if err != nil || pg < 0 || pg > 100 {
		errs["passing_grade"] = "selection.error.percent"
	}
	th, err := strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(f.Threshold, ",", ".")), 64)
	if err != nil || th < 0 || th > 100 {
		errs["threshold"] = "selection.error.percent"
	}
	r.PassingGrade, r.Threshold = Round2(pg), Round2(th)
	for _, line := range strings.Split(f.Criteria, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) < 4 {
			errs["criteria"] = "selection.error.criteria"
			break
		}
		c := Criterion{Name: strings.TrimSpace(parts[0])}
		c.Min, err = strconv.Atoi(strings.TrimSpace(parts[1]))
		if err == nil {
			c.Max, err = strconv.Atoi(strings.TrimSpace(parts[2]))
		}
		if err == nil {
			c.Weight, err = strconv.ParseFloat(strings.TrimSpace(strings.ReplaceAll(parts[3], ",", ".")), 64)
		}
		if err != nil || len(c.Name) < 2 || c.Min < 0 || c.Max > 100 || c.Weight > 1000 {
			errs["criteria"] = "selection.error.criteria"
			break
		}
		if len(parts) > 4 {
			for _, l := range strings.Split(strings.Join(parts[4:], "|"), ";") {
				if l = strings.TrimSpace(l); l != "" {
					c.Levels = append(c.Levels, l)
				}
			}
		}
		r.Criteria = append(r.Criteria, c)
	}
	if _, bad := errs["criteria"]; !bad {
		if err := (Rubric{Criteria: r.Criteria, PassingGrade: 50, Threshold: 10}).Validate(); err != nil || len(r.Criteria) > 50 {
			errs["criteria"] = "selection.error.criteria"
		}
	}
	return r, errs
}

// SaveRubric replaces a cohort stage's rubric. It refuses (ErrLocked) once any sheet of that
// stage was submitted, since the scores were given on the old rubric.
func (s *Store) SaveRubric(ctx context.Context, actor audit.Actor, cohortID int64, stage Stage, r Rubric, avoidSameRegency bool) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("%w: %v", database.ErrConflict, err)
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var started bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			WHERE a.cohort_id = $1 AND sh.stage = $2 AND sh.submitted_at IS NOT NULL)`, cohortID, stage).Scan(&started); err != nil {
			return err
		}
		if started {
			return fmt.Errorf("rubric in use: %w", ErrLocked)
		}
		_, err := tx.Exec(ctx, `INSERT INTO selection_rubrics (cohort_id, stage, passing_grade, threshold, avoid_same_regency, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, now())
			ON CONFLICT (cohort_id, stage) DO UPDATE SET passing_grade = EXCLUDED.passing_grade, threshold = EXCLUDED.threshold,
				avoid_same_regency = EXCLUDED.avoid_same_regency, updated_by = EXCLUDED.updated_by, updated_at = now()`,
			cohortID, stage, r.PassingGrade, r.Threshold, avoidSameRegency, database.NullID(actor.UserID))
		if err != nil {
			var pg *pgconn.PgError
			if errors.As(err, &pg) && pg.Code == "23503" {
				return fmt.Errorf("cohort %d: %w", cohortID, database.ErrNotFound)
			}
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM selection_criteria WHERE cohort_id = $1 AND stage = $2`, cohortID, stage); err != nil {
			return err
		}
		for i, c := range r.Criteria {
			if _, err := tx.Exec(ctx, `INSERT INTO selection_criteria (cohort_id, stage, position, name, min_score, max_score, weight, levels)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, cohortID, stage, i+1, c.Name, c.Min, c.Max, c.Weight, strings.Join(c.Levels, "\n")); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.rubric.save", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"stage": string(stage), "passing_grade": r.PassingGrade, "threshold": r.Threshold,
				"avoid_same_regency": avoidSameRegency, "criteria": CriteriaText(r.Criteria)}})
	})
}
