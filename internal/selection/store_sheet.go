package selection

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
