package selection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
)

// Run is a stored result run.
type RunRecord struct {
	ID             int64      `db:"id"`
	CohortID       int64      `db:"cohort_id"`
	CohortName     string     `db:"cohort_name"`
	CorrectsRunID  *int64     `db:"corrects_run_id"`
	Reason         string     `db:"reason"`
	ReasonKey      string     `db:"reason_key"` // names the catalogue text of a system-written reason (see ReasonAppealsKey)
	InputHash      string     `db:"input_hash"`
	OutputHash     string     `db:"output_hash"`
	CreatedAt      time.Time  `db:"created_at"`
	PublishedAt    *time.Time `db:"published_at"`
	OverrideReason string     `db:"override_reason"`
	Inputs         []byte     `db:"inputs"`
}

const runCols = `SELECT r.id, r.cohort_id, c.name AS cohort_name, r.corrects_run_id, r.reason, r.reason_key, r.input_hash, r.output_hash,
	r.created_at, r.published_at, r.override_reason, r.inputs FROM result_runs r JOIN cohorts c ON c.id = r.cohort_id `

// Runs lists the runs of every cohort, newest first; published only when publishedOnly.
func (s *Store) Runs(ctx context.Context, publishedOnly bool) ([]RunRecord, error) {
	rows, _ := s.db.Query(ctx, runCols+`WHERE (NOT $1 OR r.published_at IS NOT NULL) ORDER BY r.id DESC LIMIT 200`, publishedOnly)
	return pgx.CollectRows(rows, pgx.RowToStructByName[RunRecord])
}

// RegionFilter limits a query to regions: nil slices mean no limit by that field; both nil is
// national. A regional role passes its provinces and/or kab/kota codes.
type RegionFilter struct {
	National  bool
	Provinces []string
	Regencies []string
}

// RegencyCount is a kab/kota's outcome counts in a run against its quota.
type RegencyCount struct {
	RegencyCode string `db:"regency_code"`
	Name        string `db:"name"`
	Quota       int    `db:"quota"`
	Lulus       int    `db:"lulus"`
	Cadangan    int    `db:"cadangan"`
	TidakLulus  int    `db:"tidak_lulus"`
}

// ResultRow is one applicant in a run's table (no personal identifiers).
type ResultRow struct {
	ApplicationID      int64   `db:"application_id"`
	RegistrationNumber string  `db:"registration_number"`
	Name               string  `db:"name"`
	RegencyCode        string  `db:"regency_code"`
	RegencyName        string  `db:"regency_name"`
	Score              float64 `db:"score"`
	Outcome            string  `db:"outcome"`
	Rank               int     `db:"rank"`
}

// SignOff is a province's sign-off of a run.
type SignOff struct {
	ProvinceCode string    `db:"province_code"`
	Province     string    `db:"province"`
	SignedBy     string    `db:"signed_by"`
	SignedAt     time.Time `db:"signed_at"`
	Comment      string    `db:"comment"`
}

// PageSize is how many result rows a page of a run shows.
const PageSize = 500

// RunView is a run as a reviewer sees it, limited to their region.
type RunView struct {
	Run       RunRecord
	Counts    []RegencyCount
	Histogram [10]int // scores 0-9.99, 10-19.99, … 90-100
	Rows      []ResultRow
	SignOffs  []SignOff
	Provinces []string // provinces in the run (within the filter) without a sign-off
	Page      int      // page of Rows (PageSize rows each), from 0
	HasNext   bool     // a further page exists
	Checked   bool     // the run was recomputed for this view
	Verified  bool     // recomputing the stored inputs gives the stored output hash
}

// LoadRun returns a run limited to the filter's regions. Unpublished runs are ErrNotFound when
// publishedOnly (Dinas staff see results only after publication). With check, the run is
// recomputed from its stored inputs and its output hash compared (about a second at 250,000).
func (s *Store) LoadRun(ctx context.Context, runID int64, f RegionFilter, publishedOnly, check bool, page int) (RunView, error) {
	page = max(page, 0)
	var v RunView
	rows, _ := s.db.Query(ctx, runCols+`WHERE r.id = $1 AND (NOT $2 OR r.published_at IS NOT NULL)`, runID, publishedOnly)
	run, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[RunRecord])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("run %d: %w", runID, database.ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	v.Run = run
	const scope = ` AND ($2 OR rr.province_code = ANY($3) OR rr.regency_code = ANY($4))`
	args := []any{runID, f.National, f.Provinces, f.Regencies}
	rows, _ = s.db.Query(ctx, `SELECT rr.regency_code, g.name, coalesce(cr.quota, 0) AS quota,
			count(*) FILTER (WHERE outcome = 'lulus')::int AS lulus, count(*) FILTER (WHERE outcome = 'cadangan')::int AS cadangan,
			count(*) FILTER (WHERE outcome = 'tidak_lulus')::int AS tidak_lulus
		FROM run_results rr JOIN regencies g ON g.code = rr.regency_code
		JOIN result_runs r ON r.id = rr.run_id
		LEFT JOIN cohort_regencies cr ON cr.cohort_id = r.cohort_id AND cr.regency_code = rr.regency_code
		WHERE rr.run_id = $1`+scope+` GROUP BY rr.regency_code, g.name, cr.quota ORDER BY rr.regency_code`, args...)
	if v.Counts, err = pgx.CollectRows(rows, pgx.RowToStructByName[RegencyCount]); err != nil {
		return v, err
	}
	if len(v.Counts) == 0 && !f.National {
		return v, fmt.Errorf("run %d outside region: %w", runID, database.ErrNotFound)
	}
	rows, _ = s.db.Query(ctx, `SELECT least(floor(score / 10)::int, 9), count(*)::int FROM run_results rr WHERE rr.run_id = $1`+scope+` GROUP BY 1`, args...)
	var b, n int
	if _, err := pgx.ForEachRow(rows, []any{&b, &n}, func() error { v.Histogram[b] = n; return nil }); err != nil {
		return v, err
	}
	rows, _ = s.db.Query(ctx, `SELECT rr.application_id, coalesce(a.registration_number, '') AS registration_number, a.applicant_name AS name,
			rr.regency_code, g.name AS regency_name, rr.score::float8 AS score, rr.outcome, rr.rank
		FROM run_results rr JOIN applications a ON a.id = rr.application_id JOIN regencies g ON g.code = rr.regency_code
		WHERE rr.run_id = $1`+scope+` ORDER BY rr.regency_code, rr.rank LIMIT $5 OFFSET $6`, append(args, PageSize+1, page*PageSize)...)
	if v.Rows, err = pgx.CollectRows(rows, pgx.RowToStructByName[ResultRow]); err != nil {
		return v, err
	}
	v.Page = page
	if len(v.Rows) > PageSize {
		v.Rows, v.HasNext = v.Rows[:PageSize], true
	}
	rows, _ = s.db.Query(ctx, `SELECT so.province_code, p.name AS province, u.name AS signed_by, so.signed_at, so.comment
		FROM run_signoffs so JOIN provinces p ON p.code = so.province_code JOIN users u ON u.id = so.signed_by
		WHERE so.run_id = $1 AND ($2 OR so.province_code = ANY($3) OR so.province_code = ANY(SELECT substr(x, 1, 2) FROM unnest($4::text[]) x))
		ORDER BY so.province_code`, args...)
	if v.SignOffs, err = pgx.CollectRows(rows, pgx.RowToStructByName[SignOff]); err != nil {
		return v, err
	}
	rows, _ = s.db.Query(ctx, `SELECT DISTINCT rr.province_code FROM run_results rr WHERE rr.run_id = $1`+scope+`
		AND NOT EXISTS (SELECT 1 FROM run_signoffs so WHERE so.run_id = rr.run_id AND so.province_code = rr.province_code) ORDER BY 1`, args...)
	if v.Provinces, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return v, err
	}
	if check {
		v.Checked = true
		v.Verified, err = s.verify(ctx, runID, run.OutputHash)
	}
	return v, err
}

// verify recomputes a run from its stored inputs and compares the output hash.
func (s *Store) verify(ctx context.Context, runID int64, want string) (bool, error) {
	var raw []byte
	if err := s.db.QueryRow(ctx, `SELECT inputs FROM result_runs WHERE id = $1`, runID).Scan(&raw); err != nil {
		return false, err
	}
	var stored struct {
		Stages []struct {
			Stage        string  `json:"stage"`
			PassingGrade float64 `json:"passing_grade"`
			Weight       float64 `json:"weight"`
		} `json:"stages"`
		Quotas map[string]int `json:"quotas"`
	}
	if err := json.Unmarshal(raw, &stored); err != nil {
		return false, err
	}
	in := RunInput{Quotas: stored.Quotas}
	for _, sg := range stored.Stages {
		in.Stages = append(in.Stages, StageGrade{Stage: Stage(sg.Stage), PassingGrade: sg.PassingGrade, Weight: sg.Weight})
	}
	rows, _ := s.db.Query(ctx, `SELECT application_id, regency_code, stage_scores::float8[], first_criterion::float8, submitted_at
		FROM run_results WHERE run_id = $1`, runID)
	var c Candidate
	if _, err := pgx.ForEachRow(rows, []any{&c.ApplicationID, &c.RegencyCode, &c.StageScores, &c.FirstCriterion, &c.SubmittedAt}, func() error {
		c.SubmittedAt = c.SubmittedAt.UTC()
		c.StageScores = append([]float64(nil), c.StageScores...)
		in.Candidates = append(in.Candidates, c)
		return nil
	}); err != nil {
		return false, err
	}
	out, err := Run(in)
	if err != nil {
		return false, nil
	}
	return out.OutputHash == want, nil
}
