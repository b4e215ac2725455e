package report

import (
	"context"
	"math"

	"penggerak/internal/database"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/export"
)

// AssessorRow is one assessor's work and scoring in a cohort.
type AssessorRow struct {
	ID       int64
	Name     string
	Email    string
	Assigned int64
	Done     int64 // submitted sheets
	Mean     float64
	Spread   float64 // sample standard deviation of their stage scores (0 with one sheet)
	// OthersMean is the mean, over their sheets that others also scored, of the other
	// assessors' mean on the same application and stage; Leniency is the mean of
	// (own score − that). Positive: more lenient than the others.
	OthersMean float64
	Leniency   float64
	Compared   int64 // sheets with another assessor's score to compare with
	// ThirdRate is the share (0-1) of their regular sheets whose application needed a third
	// assessor.
	ThirdRate float64
}

// Pair is two assessors who scored the same applications, with their mean gap.
type Pair struct {
	A, B    string
	Shared  int64
	MeanGap float64
	MaxGap  float64
}

// AssessorScope limits the analytics to assessors granted in the provinces (all when National).
type AssessorScope struct {
	National  bool
	Provinces []string
}

const assessorCTE = `WITH s AS (
		SELECT sh.application_id, sh.stage, sh.assessor_id, sh.adjudicator, sh.stage_score::float8 AS score
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
		WHERE a.cohort_id = $1 AND sh.submitted_at IS NOT NULL),
	visible AS (SELECT DISTINCT user_id FROM role_grants WHERE role = 'asesor' AND revoked_at IS NULL
		AND ($2 OR province_code = ANY($3)))`

// Assessors computes the analytics of a cohort's assessors in scope, by name, and the pairs of
// assessors with the largest mean gap on the applications they both scored (at most 10, at
// least one in scope).
func (s *Store) Assessors(ctx context.Context, cohortID int64, sc AssessorScope) ([]AssessorRow, []Pair, error) {
	args := []any{cohortID, sc.National, database.NonNil(sc.Provinces)}
	rows, _ := s.db.Query(ctx, assessorCTE+`,
		w AS (SELECT s.*, (sum(score) OVER p - score) / nullif(count(*) OVER p - 1, 0) AS others,
				bool_or(adjudicator) OVER p AS third FROM s WINDOW p AS (PARTITION BY application_id, stage)),
		agg AS (SELECT assessor_id, count(*) AS done, avg(score) AS mean, coalesce(stddev_samp(score), 0) AS spread,
				coalesce(avg(others), 0) AS others_mean, coalesce(avg(score - others), 0) AS leniency, count(others) AS compared,
				coalesce(avg(CASE WHEN third THEN 1.0 ELSE 0.0 END) FILTER (WHERE NOT adjudicator), 0) AS third_rate
			FROM w GROUP BY assessor_id),
		assigned AS (SELECT sh.assessor_id, count(*) AS n FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			WHERE a.cohort_id = $1 GROUP BY sh.assessor_id)
		SELECT u.id, u.name, u.email, coalesce(asg.n, 0), coalesce(agg.done, 0), coalesce(agg.mean, 0)::float8, coalesce(agg.spread, 0)::float8,
			coalesce(agg.others_mean, 0)::float8, coalesce(agg.leniency, 0)::float8, coalesce(agg.compared, 0), coalesce(agg.third_rate, 0)::float8
		FROM assigned asg JOIN users u ON u.id = asg.assessor_id LEFT JOIN agg ON agg.assessor_id = asg.assessor_id
		WHERE u.id IN (SELECT user_id FROM visible)
		ORDER BY u.name, u.id`, args...)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (AssessorRow, error) {
		var a AssessorRow
		err := r.Scan(&a.ID, &a.Name, &a.Email, &a.Assigned, &a.Done, &a.Mean, &a.Spread, &a.OthersMean, &a.Leniency, &a.Compared, &a.ThirdRate)
		a.Mean, a.Spread, a.OthersMean, a.Leniency, a.ThirdRate = r2(a.Mean), r2(a.Spread), r2(a.OthersMean), r2(a.Leniency), r2(a.ThirdRate*100)/100
		return a, err
	})
	if err != nil {
		return nil, nil, err
	}
	rows, _ = s.db.Query(ctx, assessorCTE+`
		SELECT ua.name, ub.name, count(*), avg(abs(x.score - y.score))::float8, max(abs(x.score - y.score))::float8
		FROM s x JOIN s y ON y.application_id = x.application_id AND y.stage = x.stage AND y.assessor_id > x.assessor_id
		JOIN users ua ON ua.id = x.assessor_id JOIN users ub ON ub.id = y.assessor_id
		WHERE NOT x.adjudicator AND NOT y.adjudicator
			AND (x.assessor_id IN (SELECT user_id FROM visible) OR y.assessor_id IN (SELECT user_id FROM visible))
		GROUP BY x.assessor_id, y.assessor_id, ua.name, ub.name
		ORDER BY 4 DESC, 3 DESC, 1, 2 LIMIT 10`, args...)
	pairs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Pair, error) {
		var p Pair
		err := r.Scan(&p.A, &p.B, &p.Shared, &p.MeanGap, &p.MaxGap)
		p.MeanGap, p.MaxGap = r2(p.MeanGap), r2(p.MaxGap)
		return p, err
	})
	return list, pairs, err
}

func r2(v float64) float64 { return math.Round(v*100) / 100 }

// ExportAssessors writes the assessor analytics of a cohort.
func (s *Store) ExportAssessors(ctx context.Context, cohortID int64, sc AssessorScope, w export.Writer) (int, error) {
	list, _, err := s.Assessors(ctx, cohortID, sc)
	if err != nil {
		return 0, err
	}
	if err := w.Header([]string{"Asesor", "Surel", "Ditugaskan", "Selesai", "Rata-rata nilai", "Simpangan baku",
		"Rata-rata asesor lain (lamaran yang sama)", "Selisih (kemurahan)", "Lembar dibandingkan", "Perlu asesor ketiga (%)"}); err != nil {
		return 0, err
	}
	for _, a := range list {
		if err := w.Row([]any{a.Name, a.Email, a.Assigned, a.Done, a.Mean, a.Spread, a.OthersMean, a.Leniency, a.Compared,
			r2(a.ThirdRate * 100)}); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}
