package selection

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// Store holds the SQL of the selection.
type Store struct {
	db database.DB
	// letter writes result, promotion and schedule mails from the message catalogues in the
	// recipient's language (WithLetter); without one they are written in Indonesian here.
	letter Letter
}

// WithLetter returns the store writing its mails with l.
func (s *Store) WithLetter(l Letter) *Store {
	c := *s
	c.letter = l
	return &c
}

// compose writes a mail with the store's letter, or falls back to the Indonesian subject and body.
func (s *Store) compose(lang, key string, data map[string]any, subject, body string) mail.Message {
	if s.letter != nil {
		return s.letter(lang, key, data)
	}
	return mail.Message{Subject: subject, Body: body}
}

// NewStore returns a Store.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// ErrLocked is returned when a submitted score sheet or a published run would change.
var ErrLocked = errors.New("selection: locked")

// locked maps the immutability triggers' check violations to ErrLocked.
func locked(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23514" && strings.Contains(pg.Message, "immutable") || errors.As(err, &pg) && strings.Contains(pg.Message, "locked") {
		return fmt.Errorf("%w: %s", ErrLocked, pg.Message)
	}
	return err
}

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

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
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

// sheetRow is one score sheet with its items, as the rules need it.
type sheetRow struct {
	ID            int64
	ApplicationID int64
	AssessorID    int64
	Adjudicator   bool
	Submitted     bool
	Scores        []int
}

// stageFinals decides the final score of every application of a cohort in a stage from the
// submitted sheets. Applications without two submitted sheets (or waiting for a third) are
// absent, or present with NeedThird.
func stageFinals(ctx context.Context, q querier, cohortID int64, stage Stage, r Rubric) (map[int64]StageFinal, error) {
	rows, _ := q.Query(ctx, `SELECT sh.application_id, sh.id, sh.scores, sh.appeal_id IS NOT NULL
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
		WHERE a.cohort_id = $1 AND sh.stage = $2 AND sh.submitted_at IS NOT NULL
		ORDER BY sh.application_id, sh.adjudicator, sh.id`, cohortID, stage)
	sheets := map[int64][][]int{}
	appeals := map[int64][]int{}
	var order []int64
	var app, id int64
	var scores []int32
	var appeal bool
	_, err := pgx.ForEachRow(rows, []any{&app, &id, &scores, &appeal}, func() error {
		s := make([]int, len(scores))
		for i, v := range scores {
			s[i] = int(v)
		}
		if _, ok := sheets[app]; !ok {
			if _, ok := appeals[app]; !ok {
				order = append(order, app)
			}
		}
		if appeal {
			appeals[app] = s // the latest appeal re-score (sheets come in id order)
			return nil
		}
		sheets[app] = append(sheets[app], s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]StageFinal, len(order))
	for _, app := range order {
		if f, ok := finalOf(r, sheets[app], appeals[app]); ok {
			out[app] = f
		}
	}
	return out, nil
}

// finalOf is the final of one application in one stage: the re-score of an upheld appeal when
// there is one (a new assessor's sheet replaces the stage's score), otherwise the two-assessor
// rule over the regular sheets. ok is false while undecided (fewer than two sheets, or a sheet
// on an older rubric shape: never counted silently).
func finalOf(r Rubric, regular [][]int, appeal []int) (StageFinal, bool) {
	if appeal != nil {
		v, err := r.StageScore(appeal)
		if err != nil {
			return StageFinal{}, false
		}
		means := make([]float64, len(appeal))
		for i, x := range appeal {
			means[i] = float64(x)
		}
		return StageFinal{Sheets: []float64{v}, Score: v, CriterionMeans: means, Counted: []int{0}, Appeal: true}, true
	}
	if len(regular) < 2 || len(regular) > 3 {
		return StageFinal{}, false
	}
	f, err := r.Finalize(regular)
	if err != nil {
		return StageFinal{}, false
	}
	return f, true
}

// AutoAssign gives every eligible application of a cohort two assessors in a stage (evenly
// loaded, never from the applicant's school, optionally never from the same kab/kota).
// Eligible: verval passed; for tahap 2 stages also a decided tahap 1 score at its passing
// grade. Sheets are due the cohort's sheet due days after now. It returns how many sheets were
// created.
func (s *Store) AutoAssign(ctx context.Context, actor audit.Actor, cohortID int64, stage Stage, now time.Time) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200200, $1::int)`, cohortID); err != nil {
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
			WHERE a.cohort_id = $1 AND a.status = 'lolos_verval'
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

// SheetSummary is a sheet in a list.
type SheetSummary struct {
	ID                 int64      `db:"id"`
	ApplicationID      int64      `db:"application_id"`
	RegistrationNumber string     `db:"registration_number"`
	Stage              string     `db:"stage"`
	AssessorID         int64      `db:"assessor_id"`
	AssessorName       string     `db:"assessor_name"`
	Adjudicator        bool       `db:"adjudicator"`
	DueAt              *time.Time `db:"due_at"`
	SubmittedAt        *time.Time `db:"submitted_at"`
}

const sheetSummaryCols = `SELECT sh.id, sh.application_id, coalesce(a.registration_number, '') AS registration_number, sh.stage,
	sh.assessor_id, u.name AS assessor_name, sh.adjudicator, sh.due_at, sh.submitted_at
	FROM score_sheets sh JOIN applications a ON a.id = sh.application_id JOIN users u ON u.id = sh.assessor_id `

// AssessorSheets lists an assessor's own sheets, open ones first.
func (s *Store) AssessorSheets(ctx context.Context, assessorID int64) ([]SheetSummary, error) {
	rows, _ := s.db.Query(ctx, sheetSummaryCols+`WHERE sh.assessor_id = $1
		ORDER BY sh.submitted_at IS NOT NULL, sh.due_at NULLS LAST, sh.id LIMIT 500`, assessorID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[SheetSummary])
}

// CohortSheets lists a cohort's sheets (for the admin's reassignment), at most 500.
func (s *Store) CohortSheets(ctx context.Context, cohortID int64) ([]SheetSummary, error) {
	rows, _ := s.db.Query(ctx, sheetSummaryCols+`WHERE a.cohort_id = $1 ORDER BY sh.application_id, sh.stage, sh.id LIMIT 500`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[SheetSummary])
}

// ScoreItem is one criterion's score and note on a sheet.
type ScoreItem struct {
	Score *int
	Note  string
}

// OtherSheet is another assessor's submitted sheet, shown only once both have submitted.
type OtherSheet struct {
	Adjudicator bool
	StageScore  float64
	Scores      []int
}

// EssayAnswer is an applicant's essay with its question.
type EssayAnswer struct{ Prompt, Body string }

// CVEntry is a line of the applicant's CV.
type CVEntry struct{ Section, Title, Organisation, Years, Description string }

// SheetDocument is an uploaded document of the application being scored.
type SheetDocument struct {
	ID   int64
	Name string
}

// StoredFile is an uploaded file: its random storage name (under the applications upload
// folder), the name it was uploaded with, and its size.
type StoredFile struct {
	StorageName  string
	OriginalName string
	Size         int
}

// SheetDocumentFile returns a document of the application on one of the assessor's own sheets;
// anything else is ErrNotFound.
func (s *Store) SheetDocumentFile(ctx context.Context, assessorID, sheetID, docID int64) (StoredFile, error) {
	var f StoredFile
	err := s.db.QueryRow(ctx, `SELECT d.storage_name, d.original_name, d.size_bytes FROM application_documents d
		JOIN score_sheets sh ON sh.application_id = d.application_id
		WHERE d.id = $1 AND sh.id = $2 AND sh.assessor_id = $3`, docID, sheetID, assessorID).Scan(&f.StorageName, &f.OriginalName, &f.Size)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("document %d: %w", docID, database.ErrNotFound)
	}
	return f, err
}

// SheetView is what an assessor sees on the scoring page.
type SheetView struct {
	SheetSummary
	CohortID      int64
	Rubric        Rubric
	Items         []ScoreItem
	StageScore    *float64
	ApplicantName string // empty unless the stage shows identity
	Jenjang       string
	CV            []CVEntry
	Essays        []EssayAnswer
	Documents     []SheetDocument
	Others        []OtherSheet // empty until every regular sheet of the stage is submitted
}

// Sheet returns the scoring page of an assessor's own sheet; another assessor's sheet is
// ErrNotFound.
func (s *Store) Sheet(ctx context.Context, assessorID, sheetID int64) (SheetView, error) {
	var v SheetView
	rows, _ := s.db.Query(ctx, sheetSummaryCols+`WHERE sh.id = $1 AND sh.assessor_id = $2`, sheetID, assessorID)
	sum, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[SheetSummary])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("sheet %d: %w", sheetID, database.ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	v.SheetSummary = sum
	var name string
	if err := s.db.QueryRow(ctx, `SELECT a.cohort_id, a.applicant_name, a.jenjang, sh.stage_score::float8
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id WHERE sh.id = $1`, sheetID).
		Scan(&v.CohortID, &name, &v.Jenjang, &v.StageScore); err != nil {
		return v, err
	}
	if Stage(v.Stage).ShowsIdentity() {
		v.ApplicantName = name
	}
	sr, err := loadRubric(ctx, s.db, v.CohortID, Stage(v.Stage))
	if err != nil {
		return v, err
	}
	v.Rubric = sr.Rubric
	v.Items = make([]ScoreItem, len(sr.Rubric.Criteria))
	rows, _ = s.db.Query(ctx, `SELECT position, score, note FROM score_items WHERE sheet_id = $1 ORDER BY position`, sheetID)
	var pos, score int
	var note string
	if _, err := pgx.ForEachRow(rows, []any{&pos, &score, &note}, func() error {
		if pos >= 1 && pos <= len(v.Items) {
			sc := score
			v.Items[pos-1] = ScoreItem{Score: &sc, Note: note}
		}
		return nil
	}); err != nil {
		return v, err
	}
	rows, _ = s.db.Query(ctx, `SELECT section, title, organisation,
			coalesce(year_from::text, '') || CASE WHEN year_to IS NOT NULL THEN '–' || year_to ELSE '' END, description
		FROM application_cv_entries WHERE application_id = $1 ORDER BY section, id`, v.ApplicationID)
	if v.CV, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CVEntry, error) {
		var c CVEntry
		return c, r.Scan(&c.Section, &c.Title, &c.Organisation, &c.Years, &c.Description)
	}); err != nil {
		return v, err
	}
	rows, _ = s.db.Query(ctx, `SELECT q.prompt, e.body FROM application_essays e JOIN essay_questions q ON q.id = e.question_id
		WHERE e.application_id = $1 ORDER BY q.position, q.id`, v.ApplicationID)
	if v.Essays, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (EssayAnswer, error) {
		var e EssayAnswer
		return e, r.Scan(&e.Prompt, &e.Body)
	}); err != nil {
		return v, err
	}
	rows, _ = s.db.Query(ctx, `SELECT d.id, rd.name FROM application_documents d JOIN required_documents rd ON rd.id = d.required_document_id
		WHERE d.application_id = $1 ORDER BY rd.position, rd.id`, v.ApplicationID)
	if v.Documents, err = pgx.CollectRows(rows, pgx.RowToStructByPos[SheetDocument]); err != nil {
		return v, err
	}
	if v.SubmittedAt != nil {
		v.Others, err = s.otherSheets(ctx, v.ApplicationID, Stage(v.Stage), sheetID)
	}
	return v, err
}

// otherSheets returns the other submitted sheets of an application's stage, but only when every
// regular sheet (the first two) is submitted: before that nothing is shown.
func (s *Store) otherSheets(ctx context.Context, appID int64, stage Stage, own int64) ([]OtherSheet, error) {
	var pending int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND stage = $2
		AND NOT adjudicator AND submitted_at IS NULL`, appID, stage).Scan(&pending); err != nil {
		return nil, err
	}
	if pending > 0 {
		return nil, nil
	}
	rows, _ := s.db.Query(ctx, `SELECT sh.adjudicator, sh.stage_score::float8, sh.scores
		FROM score_sheets sh WHERE sh.application_id = $1 AND sh.stage = $2 AND sh.id <> $3 AND sh.submitted_at IS NOT NULL
		ORDER BY sh.adjudicator, sh.id`, appID, stage, own)
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (OtherSheet, error) {
		var o OtherSheet
		var sc []int32
		err := r.Scan(&o.Adjudicator, &o.StageScore, &sc)
		for _, x := range sc {
			o.Scores = append(o.Scores, int(x))
		}
		return o, err
	})
}

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

// CohortRow is a cohort in the selection overview.
type CohortRow struct {
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	Status string `db:"status"`
}

// Cohorts lists cohorts, newest first.
func (s *Store) Cohorts(ctx context.Context) ([]CohortRow, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, status FROM cohorts ORDER BY id DESC LIMIT 100`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[CohortRow])
}

// Cohort returns one cohort, or ErrNotFound.
func (s *Store) Cohort(ctx context.Context, id int64) (CohortRow, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, status FROM cohorts WHERE id = $1`, id)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[CohortRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("cohort %d: %w", id, database.ErrNotFound)
	}
	return c, err
}

// CohortRuns lists a cohort's runs, newest first.
func (s *Store) CohortRuns(ctx context.Context, cohortID int64) ([]RunRecord, error) {
	rows, _ := s.db.Query(ctx, runCols+`WHERE r.cohort_id = $1 ORDER BY r.id DESC`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[RunRecord])
}

// OpenSheetCount is how many of the assessor's sheets wait for scores.
func (s *Store) OpenSheetCount(ctx context.Context, assessorID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM score_sheets WHERE assessor_id = $1 AND submitted_at IS NULL`, assessorID).Scan(&n)
	return n, err
}
