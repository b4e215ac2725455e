package selection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"penggerak/internal/audit"
	"penggerak/internal/database"
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
