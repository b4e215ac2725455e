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
