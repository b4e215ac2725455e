package report

import (
	"context"

	"penggerak/internal/application"
	"penggerak/internal/database"
	"penggerak/internal/selection"
)

// Row counts of the exports, asked before an export starts to decide whether it is streamed
// within the request or queued as a job (internal/exportjob). Each counts exactly the rows the
// export of the same arguments writes, with the same scope: the application lists read the
// sums kept per (cohort, kab/kota, jenjang, status) when the filters allow it
// (application.ListQueries, migration 000521), so even the national list is counted without
// touching its 250,000 rows; a result run is one indexed count over its results.

// CountApplications counts the rows Applications writes.
func (s *Store) CountApplications(ctx context.Context, sc application.Scope, f application.Filter) (int, error) {
	f.After = 0
	return s.sumStatusCounts(ctx, sc, f, func(st string) bool { return f.Status == "" || application.Status(st) == f.Status })
}

// CountVerval counts the rows Verval writes.
func (s *Store) CountVerval(ctx context.Context, sc application.Scope, cohortID int64) (int, error) {
	return s.sumStatusCounts(ctx, sc, application.Filter{CohortID: cohortID}, func(st string) bool {
		return application.Status(st).VervalDecided()
	})
}

func (s *Store) sumStatusCounts(ctx context.Context, sc application.Scope, f application.Filter, keep func(string) bool) (int, error) {
	_, q := application.ListQueries(sc, f)
	rows, err := s.db.Query(ctx, q.SQL, q.Args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	total := 0
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return 0, err
		}
		if keep(st) {
			total += int(n)
		}
	}
	return total, rows.Err()
}

// CountRun counts the rows Run writes; 0 for a run the viewer may not see (unknown, or
// unpublished when publishedOnly).
func (s *Store) CountRun(ctx context.Context, runID int64, rf selection.RegionFilter, publishedOnly bool) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM run_results rr JOIN result_runs ru ON ru.id = rr.run_id
		WHERE rr.run_id = $1 AND (NOT $2 OR ru.published_at IS NOT NULL)
			AND ($3 OR rr.province_code = ANY($4) OR rr.regency_code = ANY($5))`,
		runID, publishedOnly, rf.National, database.NonNil(rf.Provinces), database.NonNil(rf.Regencies)).Scan(&n)
	return n, err
}

// CountUsers counts the rows Users writes.
func (s *Store) CountUsers(ctx context.Context, national bool, provinces []string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM role_grants g
		WHERE g.role <> 'guru' AND ($1 OR g.province_code = ANY($2))`,
		national, database.NonNil(provinces)).Scan(&n)
	return n, err
}
