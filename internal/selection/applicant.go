package selection

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// CriterionBreakdown is one criterion's mean over the counted assessors, with its weight.
type CriterionBreakdown struct {
	Name   string
	Mean   float64
	Min    int
	Max    int
	Weight float64
}

// Normalised is the mean on 0-100: (mean − min) / (max − min) × 100.
func (c CriterionBreakdown) Normalised() float64 {
	return Round2((c.Mean - float64(c.Min)) * 100 / float64(c.Max-c.Min))
}

// TieRule names the rule that decided between the applicant and someone with the same overall
// score in their kab/kota whose outcome differs.
type TieRule struct {
	// Rule is "first_criterion" or "submission".
	Rule string
	// Mine and Theirs are the first-criterion means (first_criterion) of the applicant and the
	// other; MyTime and TheirTime their submission times (submission).
	Mine, Theirs      float64
	MyTime, TheirTime time.Time
	// Won: the applicant came out ahead.
	Won bool
}

// StageBreakdown is one stage's part of an applicant's result.
type StageBreakdown struct {
	Stage        Stage
	Score        float64
	Scored       bool
	PassingGrade float64
	Weight       float64 // the stage's weight in the overall score
	Criteria     []CriterionBreakdown
}

// Seat is a pembekalan seat.
type Seat struct {
	ID          int64
	Status      SeatStatus
	ConfirmBy   time.Time
	ConfirmedAt *time.Time
	AttendedAt  *time.Time
	Promoted    bool
}

// Breakdown is an applicant's published result with everything that made it.
type Breakdown struct {
	RunID       int64
	CohortName  string
	RegencyName string
	Outcome     Outcome
	Score       float64
	Rank        int
	Competitors int // applicants ranked in the same kab/kota
	Quota       int
	PublishedAt time.Time
	Stages      []StageBreakdown
	Seat        *Seat
	// Tie, when set, is the tie rule that decided the applicant's outcome against someone with
	// the same overall score.
	Tie          *TieRule
	CorrectionOf *int64
	Reason       string
	ReasonKey    string // the catalogue text of a system-written Reason (RunRecord.ReasonKey)
	Timezone     string // WIB, WITA or WIT of the applicant's province
	// ApplicationID is the application the result is of.
	ApplicationID int64
	// AppealCloses is when the appeal window of this publication closes (server clock).
	AppealCloses time.Time
	// Appeals are the applicant's appeals in this cohort (every run), oldest first.
	Appeals []Appeal
}

// CanAppeal reports whether the applicant may still file an appeal against this result at now
// for stage: tidak lulus or cadangan, the window open, no appeal of that stage yet.
func (b Breakdown) CanAppeal(st Stage, now time.Time) bool {
	if b.Outcome == OutcomeLulus || !now.Before(b.AppealCloses) {
		return false
	}
	for _, a := range b.Appeals {
		if a.Stage == st {
			return false
		}
	}
	return true
}

// AppealStages are the stages the applicant may still appeal at now.
func (b Breakdown) AppealStages(now time.Time) []Stage {
	var out []Stage
	for _, sb := range b.Stages {
		if b.CanAppeal(sb.Stage, now) {
			out = append(out, sb.Stage)
		}
	}
	return out
}

// myResultsSQL selects the published and released results of user $1, one per cohort (for
// MyResults, which orders them, and HasApplicantPage).
var myResultsSQL = `SELECT DISTINCT ON (a.cohort_id) r.id, a.id, a.cohort_id, c.name, g.name, rr.outcome, rr.score::float8, rr.rank,
			(SELECT count(*) FROM run_results x WHERE x.run_id = r.id AND x.regency_code = rr.regency_code)::int,
			coalesce(cr.quota, 0), r.published_at, rr.stage_scores::float8[], r.corrects_run_id, r.reason, r.reason_key, pr.timezone,
			coalesce(rl.released_at, r.published_at) + make_interval(days => c.appeal_days)
		FROM applications a JOIN run_results rr ON rr.application_id = a.id JOIN result_runs r ON r.id = rr.run_id
		JOIN cohorts c ON c.id = a.cohort_id JOIN regencies g ON g.code = rr.regency_code JOIN provinces pr ON pr.code = rr.province_code
		LEFT JOIN cohort_regencies cr ON cr.cohort_id = a.cohort_id AND cr.regency_code = rr.regency_code
		LEFT JOIN run_releases rl ON rl.run_id = r.id
		WHERE a.user_id = $1 AND r.published_at IS NOT NULL AND ` + RunReleased

// MyResults returns the applicant's results from the latest published run of each cohort they
// applied to whose mails were released (RunReleased), newest first, with the seat offered to
// them once its offer was released; the appeal window counts from the release.
func (s *Store) MyResults(ctx context.Context, userID int64) ([]Breakdown, error) {
	rows, _ := s.db.Query(ctx, myResultsSQL+`
		ORDER BY a.cohort_id DESC, r.published_at DESC, r.id DESC`, userID)
	type head struct {
		b       Breakdown
		appID   int64
		cohort  int64
		stScore []float64
		runAt   time.Time
	}
	var heads []head
	var h head
	var outcome string
	_, err := pgx.ForEachRow(rows, []any{&h.b.RunID, &h.appID, &h.cohort, &h.b.CohortName, &h.b.RegencyName, &outcome, &h.b.Score, &h.b.Rank,
		&h.b.Competitors, &h.b.Quota, &h.b.PublishedAt, &h.stScore, &h.b.CorrectionOf, &h.b.Reason, &h.b.ReasonKey, &h.b.Timezone, &h.b.AppealCloses}, func() error {
		h.b.Outcome = Outcome(outcome)
		h.b.ApplicationID = h.appID
		c := h
		c.stScore = append([]float64(nil), h.stScore...)
		heads = append(heads, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Breakdown, 0, len(heads))
	for _, h := range heads {
		var inputs []byte
		if err := s.db.QueryRow(ctx, `SELECT inputs, created_at FROM result_runs WHERE id = $1`, h.b.RunID).Scan(&inputs, &h.runAt); err != nil {
			return nil, err
		}
		stages, err := storedStages(inputs)
		if err != nil {
			return nil, err
		}
		for k, sg := range stages {
			sb := StageBreakdown{Stage: sg.Stage, PassingGrade: sg.PassingGrade, Weight: sg.Weight}
			if k < len(h.stScore) && h.stScore[k] >= 0 {
				sb.Score, sb.Scored = h.stScore[k], true
			}
			sr, err := loadRubric(ctx, s.db, h.cohort, sg.Stage)
			if err != nil {
				return nil, err
			}
			finals, err := stageFinalsOf(ctx, s, h.appID, sg.Stage, sr.Rubric, h.runAt)
			if err != nil {
				return nil, err
			}
			for i, c := range sr.Rubric.Criteria {
				cb := CriterionBreakdown{Name: c.Name, Min: c.Min, Max: c.Max, Weight: c.Weight}
				if i < len(finals.CriterionMeans) {
					cb.Mean = finals.CriterionMeans[i]
				}
				sb.Criteria = append(sb.Criteria, cb)
			}
			h.b.Stages = append(h.b.Stages, sb)
		}
		var seat Seat
		var promoted *int64
		err = s.db.QueryRow(ctx, `SELECT ps.id, ps.status, ps.confirm_by, ps.confirmed_at, ps.attended_at, ps.promoted_from
			FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
			WHERE ps.application_id = $1 AND r.cohort_id = $2 AND `+SeatReleased+` ORDER BY ps.id DESC LIMIT 1`, h.appID, h.cohort).
			Scan(&seat.ID, &seat.Status, &seat.ConfirmBy, &seat.ConfirmedAt, &seat.AttendedAt, &promoted)
		if err == nil {
			seat.Promoted = promoted != nil
			h.b.Seat = &seat
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		if h.b.Appeals, err = s.appealsOf(ctx, h.appID); err != nil {
			return nil, err
		}
		if h.b.Tie, err = s.tieOf(ctx, h.b.RunID, h.appID); err != nil {
			return nil, err
		}
		out = append(out, h.b)
	}
	return out, nil
}

// stageFinalsOf is the final of one application in one stage as the run made at runAt saw it:
// sheets submitted later (an appeal's re-score) belong to the correction run, not to this one.
func stageFinalsOf(ctx context.Context, s *Store, appID int64, stage Stage, r Rubric, runAt time.Time) (StageFinal, error) {
	rows, _ := s.db.Query(ctx, `SELECT sh.scores, sh.appeal_id IS NOT NULL FROM score_sheets sh
		WHERE sh.application_id = $1 AND sh.stage = $2 AND sh.submitted_at IS NOT NULL AND sh.submitted_at <= $3
		ORDER BY sh.adjudicator, sh.id`, appID, stage, runAt)
	var sheets [][]int
	var appealSheet []int
	var sc []int32
	var appeal bool
	if _, err := pgx.ForEachRow(rows, []any{&sc, &appeal}, func() error {
		s := make([]int, len(sc))
		for i, v := range sc {
			s[i] = int(v)
		}
		if appeal {
			appealSheet = s
		} else {
			sheets = append(sheets, s)
		}
		return nil
	}); err != nil {
		return StageFinal{}, err
	}
	f, _ := finalOf(r, sheets, appealSheet)
	return f, nil
}

func storedStages(raw []byte) ([]StageGrade, error) {
	var stored struct {
		Stages []struct {
			Stage        string  `json:"stage"`
			PassingGrade float64 `json:"passing_grade"`
			Weight       float64 `json:"weight"`
		} `json:"stages"`
	}
	if err := jsonUnmarshal(raw, &stored); err != nil {
		return nil, err
	}
	out := make([]StageGrade, len(stored.Stages))
	for i, sg := range stored.Stages {
		out[i] = StageGrade{Stage: Stage(sg.Stage), PassingGrade: sg.PassingGrade, Weight: sg.Weight}
	}
	return out, nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// tieOf finds the tie rule that decided the applicant's outcome: the best-ranked applicant of the
// same kab/kota in the run with the same overall score and a different outcome, and which rule
// ordered the two (the first criterion, else the earlier submission). nil when no tie decided.
func (s *Store) tieOf(ctx context.Context, runID, appID int64) (*TieRule, error) {
	var t TieRule
	var myRank, theirRank int
	err := s.db.QueryRow(ctx, `SELECT me.first_criterion::float8, me.submitted_at, me.rank, o.first_criterion::float8, o.submitted_at, o.rank
		FROM run_results me JOIN run_results o ON o.run_id = me.run_id AND o.regency_code = me.regency_code
			AND o.score = me.score AND o.outcome <> me.outcome AND o.application_id <> me.application_id
		WHERE me.run_id = $1 AND me.application_id = $2 ORDER BY abs(o.rank - me.rank), o.rank LIMIT 1`, runID, appID).
		Scan(&t.Mine, &t.MyTime, &myRank, &t.Theirs, &t.TheirTime, &theirRank)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.Won = myRank < theirRank
	t.Rule = "submission"
	if Round2(t.Mine) != Round2(t.Theirs) {
		t.Rule = "first_criterion"
	}
	return &t, nil
}
