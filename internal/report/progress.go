// Assessor progress per stage: sheets assigned, done and overdue.

package report

import (
	"context"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/application"
)

// Progress is the assessor work of one stage: sheets assigned, done and overdue.
type Progress struct {
	Stage    string
	Assigned int64
	Done     int64
	Overdue  int64
}

// progress counts the score sheets of the cohort's applications in scope per stage: assigned,
// submitted, and open past their due time, from the sums kept per due hour (score_sheet_counts,
// 000650): the hours already over, plus the open sheets due earlier in the current hour read
// live (through the partial index of open sheets by due time).
func (s *Store) progress(ctx context.Context, sc application.Scope, cohortID int64) ([]Progress, error) {
	q := scoped(sc)
	cohort := q.arg(cohortID)
	where := q.cond + ` AND a.cohort_id = ` + cohort + regencyFilter(sc, q)
	rows, _ := s.db.Query(ctx, `SELECT stage, sum(assigned)::bigint, coalesce(sum(done), 0)::bigint, coalesce(sum(overdue), 0)::bigint FROM (
			SELECT a.stage, sum(a.n) AS assigned, sum(a.n) FILTER (WHERE a.due_hour = '-infinity') AS done,
				sum(a.n) FILTER (WHERE a.due_hour > '-infinity' AND a.due_hour + interval '1 hour' <= now()) AS overdue
			FROM score_sheet_counts a WHERE `+where+` GROUP BY a.stage
			UNION ALL
			SELECT sh.stage, 0, 0, count(*) FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
			WHERE sh.submitted_at IS NULL AND sh.due_at >= date_trunc('hour', now(), 'UTC') AND sh.due_at < now() AND `+where+`
			GROUP BY sh.stage) x
		GROUP BY stage HAVING sum(assigned) > 0`, q.args...)
	byStage := map[string]Progress{}
	var p Progress
	if _, err := pgx.ForEachRow(rows, []any{&p.Stage, &p.Assigned, &p.Done, &p.Overdue}, func() error { byStage[p.Stage] = p; return nil }); err != nil {
		return nil, err
	}
	var out []Progress
	for _, st := range []string{"tahap1", "simulasi", "wawancara"} {
		if p, ok := byStage[st]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}
