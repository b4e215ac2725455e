package demo_test

import (
	"context"
	"testing"

	"penggerak/internal/demo"
	"penggerak/internal/testdb"
)

// The national seed loads with COPY; the sums the dashboards and lists read (kept by statement
// triggers: 000521, 000650, 000653) equal the seeded rows counted directly.
func TestSeedNationalKeepsCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a small national cohort")
	}
	db, _ := testdb.New(t)
	ctx := context.Background()
	if _, err := demo.SeedNational(ctx, db, demo.NationalOptions{Seed: 7, Teachers: 2000, SchoolsPerDistrict: 1}); err != nil {
		t.Fatal(err)
	}
	for name, q := range map[string][2]string{
		"application_counts": {`SELECT cohort_id, regency_code, province_code, jenjang, status, n FROM application_counts WHERE n <> 0`,
			`SELECT cohort_id, regency_code, province_code, jenjang, status, count(*) FROM applications GROUP BY 1, 2, 3, 4, 5`},
		"application_days": {`SELECT cohort_id, regency_code, jenjang, day, registered, submitted FROM application_days WHERE registered <> 0 OR submitted <> 0`,
			`SELECT cohort_id, regency_code, jenjang, day, sum(r), sum(s) FROM (
				SELECT cohort_id, regency_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM applications
				UNION ALL
				SELECT cohort_id, regency_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM applications
				WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'verval_passed', 'verval_failed')) x GROUP BY 1, 2, 3, 4`},
		"score_sheet_counts": {`SELECT cohort_id, regency_code, jenjang, stage, due_hour, n FROM score_sheet_counts WHERE n <> 0`,
			`SELECT a.cohort_id, a.regency_code, a.jenjang, sh.stage, sheet_due_hour(sh.submitted_at, sh.due_at), count(*)
			FROM score_sheets sh JOIN applications a ON a.id = sh.application_id GROUP BY 1, 2, 3, 4, 5`},
		"seat_counts": {`SELECT run_id, regency_code, jenjang, status, n FROM seat_counts WHERE n <> 0`,
			`SELECT ps.run_id, a.regency_code, a.jenjang, ps.status, count(*) FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id GROUP BY 1, 2, 3, 4`},
		"region_counts": {`SELECT regency_code, schools, teachers FROM region_counts WHERE schools <> 0 OR teachers <> 0`,
			`SELECT r.code, (SELECT count(*) FROM schools s WHERE s.regency_code = r.code),
				(SELECT count(*) FROM teacher_profiles tp JOIN schools s ON s.npsn = tp.npsn WHERE s.regency_code = r.code)
			FROM regencies r WHERE EXISTS (SELECT 1 FROM schools s WHERE s.regency_code = r.code)`},
		"user_counts": {`SELECT sum(n) FROM user_counts`, `SELECT count(*)::numeric FROM users`},
	} {
		var extra, missing, rows int
		if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM (`+q[0]+` EXCEPT `+q[1]+`) x), (SELECT count(*) FROM (`+q[1]+` EXCEPT `+q[0]+`) y),
			(SELECT count(*) FROM (`+q[1]+`) z)`).Scan(&extra, &missing, &rows); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if extra != 0 || missing != 0 || (rows == 0 && name != "seat_counts") { // the seed publishes no run: no seats
			t.Errorf("%s: %d kept groups differ from the rows, %d groups not kept (of %d)", name, extra, missing, rows)
		}
	}
}
