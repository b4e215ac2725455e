package selection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// ErrNeedsSignOff is returned when a run is published before every province signed it off and
// no override reason is given.
var ErrNeedsSignOff = errors.New("selection: provinces have not signed off")

// ErrScoringPending is returned (inside a *PendingError, see AsPending) when a run is asked for
// while score sheets of the cohort's applicants are still open or an applicant owed a stage
// score has no final one: they would otherwise be ranked with a missing stage score (0, tidak
// lulus) because scoring has not finished.
var ErrScoringPending = errors.New("selection: score sheets still open")

// ErrCorrection is returned (with database.ErrConflict) when a run after publication, or one
// naming a run to correct, lacks the run it corrects or a reason of at least 5 characters.
var ErrCorrection = errors.New("selection: a correction needs the run it corrects and a reason")

// runInput loads the inputs of a cohort's run: every configured stage in order, the kab/kota
// quotas, and every verval-passed application with its final stage scores. It also returns each
// application as the completeness rule (Incomplete) sees it: the state of every stage score and
// whether a tahap 2 session was scheduled or recorded as a no-show.
func runInput(ctx context.Context, q querier, cohortID int64) (RunInput, []ApplicantScores, error) {
	in := RunInput{Quotas: map[string]int{}}
	finals := map[Stage]map[int64]StageFinal{}
	for _, st := range Stages {
		sr, err := loadRubric(ctx, q, cohortID, st)
		if errors.Is(err, database.ErrNotFound) {
			continue
		}
		if err != nil {
			return in, nil, err
		}
		in.Stages = append(in.Stages, StageGrade{Stage: st, PassingGrade: sr.Rubric.PassingGrade, Weight: 1})
		if finals[st], err = stageFinals(ctx, q, cohortID, st, sr.Rubric); err != nil {
			return in, nil, err
		}
	}
	if len(in.Stages) == 0 {
		return in, nil, fmt.Errorf("no rubric: %w", database.ErrConflict)
	}
	rows, _ := q.Query(ctx, `SELECT regency_code, quota FROM cohort_regencies WHERE cohort_id = $1`, cohortID)
	var reg string
	var quota int
	if _, err := pgx.ForEachRow(rows, []any{&reg, &quota}, func() error { in.Quotas[reg] = quota; return nil }); err != nil {
		return in, nil, err
	}
	rows, _ = q.Query(ctx, `SELECT a.id, a.regency_code, a.submitted_at, sl.id IS NOT NULL, coalesce(sl.status = 'tidak_hadir', false)
		FROM applications a LEFT JOIN tahap2_slots sl ON sl.application_id = a.id
		WHERE a.cohort_id = $1 AND a.status = 'verval_passed' ORDER BY a.id`, cohortID)
	var c Candidate
	var scheduled, noShow bool
	var apps []ApplicantScores
	_, err := pgx.ForEachRow(rows, []any{&c.ApplicationID, &c.RegencyCode, &c.SubmittedAt, &scheduled, &noShow}, func() error {
		cc := Candidate{ApplicationID: c.ApplicationID, RegencyCode: c.RegencyCode, SubmittedAt: c.SubmittedAt.UTC(),
			StageScores: make([]float64, len(in.Stages))}
		as := ApplicantScores{ApplicationID: c.ApplicationID, States: make([]ScoreState, len(in.Stages)), Scores: cc.StageScores,
			Scheduled: scheduled, NoShow: noShow}
		for k, sg := range in.Stages {
			f, ok := finals[sg.Stage][c.ApplicationID]
			if !ok || f.NeedThird {
				cc.StageScores[k] = -1
				if ok {
					as.States[k] = ScoreNeedThird
				}
				continue
			}
			as.States[k] = ScoreFinal
			cc.StageScores[k] = f.Score
			if k == 0 && len(f.CriterionMeans) > 0 {
				cc.FirstCriterion = f.CriterionMeans[0]
			}
		}
		in.Candidates = append(in.Candidates, cc)
		apps = append(apps, as)
		return nil
	})
	return in, apps, err
}

// CreateRun computes and stores a result run of a cohort. Once a run of the cohort is published,
// a new run is a correction: it must name the run it corrects and give a reason.
func (s *Store) CreateRun(ctx context.Context, actor audit.Actor, cohortID, corrects int64, reason string) (int64, error) {
	var id int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		id, err = createRun(ctx, tx, actor, cohortID, corrects, reason)
		return err
	})
	return id, err
}

// createRun computes and stores a run inside tx (see CreateRun).
func createRun(ctx context.Context, tx pgx.Tx, actor audit.Actor, cohortID, corrects int64, reason string) (int64, error) {
	var id int64
	err := func() error {
		if err := database.LockRuns.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		// A run reads every sheet of a cohort (millions of score items at national scale): it
		// gets more than the pool's ordinary statement timeout.
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '300s'`); err != nil {
			return err
		}
		var published int64
		err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM result_runs WHERE cohort_id = $1 AND published_at IS NOT NULL`, cohortID).Scan(&published)
		if err != nil {
			return err
		}
		if published != 0 && (corrects == 0 || len(reason) < 5) {
			return fmt.Errorf("%w: %w", ErrCorrection, database.ErrConflict)
		}
		if corrects != 0 {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM result_runs WHERE id = $1 AND cohort_id = $2)`, corrects, cohortID).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("run %d: %w", corrects, database.ErrConflict)
			}
			if len(reason) < 5 {
				return fmt.Errorf("run %d: %w: %w", corrects, ErrCorrection, database.ErrConflict)
			}
		}
		var open int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			WHERE a.cohort_id = $1 AND a.status = 'verval_passed' AND sh.submitted_at IS NULL`, cohortID).Scan(&open); err != nil {
			return err
		}
		in, apps, err := runInput(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		// No applicant is ranked while a score they are owed is not final: they would come out
		// tidak lulus for a missing score. Only a recorded no-show explains a missing tahap 2.
		if gaps := Incomplete(in.Stages, apps); open > 0 || len(gaps) > 0 {
			return fmt.Errorf("cohort %d: %w", cohortID, &PendingError{OpenSheets: open, Gaps: gaps})
		}
		out, err := Run(in)
		if err != nil {
			return fmt.Errorf("%w: %v", database.ErrConflict, err)
		}
		stages := make([]map[string]any, len(in.Stages))
		for i, sg := range in.Stages {
			stages[i] = map[string]any{"stage": string(sg.Stage), "passing_grade": sg.PassingGrade, "weight": sg.Weight}
		}
		inputs, _ := json.Marshal(map[string]any{"stages": stages, "quotas": in.Quotas, "candidates": len(in.Candidates)})
		err = tx.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, corrects_run_id, reason, inputs, input_hash, output_hash, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, cohortID, database.NullID(corrects), reason, inputs, out.InputHash, out.OutputHash,
			database.NullID(actor.UserID)).Scan(&id)
		if err != nil {
			return err
		}
		byID := make(map[int64]*Candidate, len(in.Candidates))
		for i := range in.Candidates {
			byID[in.Candidates[i].ApplicationID] = &in.Candidates[i]
		}
		// The run's rows go into its own table (run_results_<id>, made when the run row was
		// inserted, migration 000680) before it has any index; run_results_attach then checks
		// them as a whole, builds the indexes once and attaches the table to run_results.
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"run_results_" + strconv.FormatInt(id, 10)},
			[]string{"run_id", "application_id", "regency_code", "province_code", "score", "passed", "outcome", "rank", "stage_scores", "first_criterion", "submitted_at"},
			pgx.CopyFromSlice(len(out.Results), func(i int) ([]any, error) {
				r := out.Results[i]
				c := byID[r.ApplicationID]
				stage := make([]pgtype.Numeric, len(c.StageScores))
				for k, v := range c.StageScores {
					stage[k] = numeric2(v)
				}
				return []any{id, r.ApplicationID, r.RegencyCode, r.RegencyCode[:2], numeric2(r.Score), r.Passed, string(r.Outcome), r.Rank,
					stage, numeric2(Round2(c.FirstCriterion)), c.SubmittedAt}, nil
			}))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT run_results_attach($1)`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.run.create", ObjectType: "result_run", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"cohort_id": cohortID, "corrects": corrects, "reason": reason, "input_hash": out.InputHash,
				"output_hash": out.OutputHash, "results": len(out.Results)}})
	}()
	return id, err
}

// numeric2 is v for a numeric column of scale 2 as pgx would send it (the shortest decimal of
// v), built from its hundredths when v has at most two decimals, as every score of a run has:
// pgx formats and parses a decimal string per float64, which was most of the Go time of the
// COPY of a 250,000-row run.
func numeric2(v float64) pgtype.Numeric {
	if c := math.Round(v * 100); math.Abs(c) < 1e15 && c/100 == v {
		return pgtype.Numeric{Int: big.NewInt(int64(c)), Exp: -2, Valid: true}
	}
	var n pgtype.Numeric
	_ = n.Scan(strconv.FormatFloat(v, 'f', -1, 64))
	return n
}

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

// SignOffRun records a BGP admin's sign-off of their province in an unpublished run.
func (s *Store) SignOffRun(ctx context.Context, actor audit.Actor, runID int64, province, comment string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var inRun bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM run_results WHERE run_id = $1 AND province_code = $2)`, runID, province).Scan(&inRun); err != nil {
			return err
		}
		if !inRun {
			return fmt.Errorf("province %s not in run %d: %w", province, runID, database.ErrNotFound)
		}
		_, err := tx.Exec(ctx, `INSERT INTO run_signoffs (run_id, province_code, signed_by, comment) VALUES ($1, $2, $3, $4)
			ON CONFLICT (run_id, province_code) DO UPDATE SET signed_by = EXCLUDED.signed_by, signed_at = now(), comment = EXCLUDED.comment`,
			runID, province, actor.UserID, comment)
		if err != nil {
			return locked(err)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.run.signoff", ObjectType: "result_run", ObjectID: strconv.FormatInt(runID, 10),
			Detail: map[string]any{"province": province, "comment": comment}})
	})
}

// Publish publishes a run once every province in it has signed off, or with an override reason.
// Applicants are emailed, and those lulus get a pembekalan seat to confirm by confirmBy.
// Once a run of the cohort is published, only a correction run may be published after it
// (ErrLocked otherwise): a second draft made by pressing "Hitung hasil" twice cannot be
// published as a second, uncorrected result. Publications of one cohort are serialised.
func (s *Store) Publish(ctx context.Context, actor audit.Actor, runID int64, override string, confirmBy time.Time, baseURL string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var cohortID int64
		err := tx.QueryRow(ctx, `SELECT cohort_id FROM result_runs WHERE id = $1`, runID).Scan(&cohortID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("run %d: %w", runID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := database.LockRuns.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		var published, superseded bool
		err = tx.QueryRow(ctx, `SELECT r.published_at IS NOT NULL, r.corrects_run_id IS NULL AND EXISTS (
				SELECT 1 FROM result_runs o WHERE o.cohort_id = r.cohort_id AND o.id <> r.id AND o.published_at IS NOT NULL)
			FROM result_runs r WHERE r.id = $1 FOR UPDATE`, runID).Scan(&published, &superseded)
		if err != nil {
			return err
		}
		if published {
			return fmt.Errorf("run %d: %w", runID, ErrLocked)
		}
		if superseded {
			return fmt.Errorf("run %d is not a correction of the published run: %w", runID, ErrLocked)
		}
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '300s'`); err != nil {
			return err
		}
		var missing []string
		rows, _ := tx.Query(ctx, `SELECT DISTINCT province_code FROM run_results rr WHERE run_id = $1
			AND NOT EXISTS (SELECT 1 FROM run_signoffs so WHERE so.run_id = rr.run_id AND so.province_code = rr.province_code) ORDER BY 1`, runID)
		if missing, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		if len(missing) > 0 && len(override) < 5 {
			return ErrNeedsSignOff
		}
		if len(missing) == 0 {
			override = ""
		}
		if _, err := tx.Exec(ctx, `UPDATE result_runs SET published_at = now(), published_by = $2, override_reason = $3 WHERE id = $1`,
			runID, database.NullID(actor.UserID), override); err != nil {
			return locked(err)
		}
		// Mail every applicant of the run.
		rows, _ = tx.Query(ctx, `SELECT u.email, u.name, rr.outcome, u.language FROM run_results rr JOIN applications a ON a.id = rr.application_id
			JOIN users u ON u.id = a.user_id WHERE rr.run_id = $1 ORDER BY rr.application_id`, runID)
		type msg struct{ to, name, outcome, lang string }
		var msgs []msg
		var m msg
		if _, err := pgx.ForEachRow(rows, []any{&m.to, &m.name, &m.outcome, &m.lang}, func() error { msgs = append(msgs, m); return nil }); err != nil {
			return err
		}
		out := make([]mail.Message, len(msgs))
		for i, m := range msgs {
			out[i] = s.compose(m.lang, "selection.mail.published", map[string]any{"Name": m.name, "Outcome": m.outcome})
			out[i].To, out[i].Ref = m.to, mail.DecisionRef("run", runID)
		}
		if err := mail.EnqueueMany(ctx, tx, out); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, confirm_by)
			SELECT rr.run_id, rr.application_id, rr.regency_code, $2 FROM run_results rr
			WHERE rr.run_id = $1 AND rr.outcome = 'lulus' AND NOT EXISTS (
				SELECT 1 FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
				WHERE ps.application_id = rr.application_id AND r.cohort_id = $3)`, runID, confirmBy, cohortID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.run.publish", ObjectType: "result_run", ObjectID: strconv.FormatInt(runID, 10),
			Detail: map[string]any{"override_reason": override, "unsigned_provinces": missing, "mails": len(msgs)}})
	})
}
