package selection_test

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/testdb"
)

// BenchmarkCreateRunDB250k stores a result run from the database: 250,000 verval-passed
// applications over every kab/kota, 2 submitted sheets × 8 criteria each (4,000,000 score items),
// quotas on every kab/kota. It measures CreateRun: loading the sheets, the two-assessor rule, the
// run, and writing 250,000 results with COPY, in one transaction. (Setup takes a few minutes.)
func BenchmarkCreateRunDB250k(b *testing.B) {
	db, _ := testdb.New(b)
	const n = 250_000
	cohort := createRunBenchData(b, db)
	s := selection.NewStore(db)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.CreateRun(ctx, audit.Actor{}, cohort, 0, ""); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var results int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM run_results WHERE run_id = (SELECT max(id) FROM result_runs)`).Scan(&results)
	if results != n {
		b.Fatalf("%d results, want %d", results, n)
	}
	// The data exercises the quotas: passes beyond a kab/kota's quota become cadangan.
	var lulus, cadangan int
	_ = db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE outcome = 'lulus'), count(*) FILTER (WHERE outcome = 'cadangan')
		FROM run_results WHERE run_id = (SELECT max(id) FROM result_runs)`).Scan(&lulus, &cadangan)
	if lulus == 0 || cadangan == 0 {
		b.Fatalf("lulus %d, cadangan %d: the quotas are not exercised", lulus, cadangan)
	}
	b.ReportMetric(float64(lulus), "lulus")
	b.ReportMetric(float64(cadangan), "cadangan")
}

// createRunBenchData builds the data of BenchmarkCreateRunDB250k and returns the cohort.
func createRunBenchData(t testing.TB, db *pgxpool.Pool) int64 {
	f := selectiontest.Fixture{T: t, DB: db}
	cohort := f.Cohort(nil)
	rub := selection.Rubric{PassingGrade: 60, Threshold: 15}
	for c := 0; c < 8; c++ {
		rub.Criteria = append(rub.Criteria, selection.Criterion{Name: fmt.Sprintf("Kriteria %d", c+1), Min: 1, Max: 4, Weight: float64(c%3 + 1)})
	}
	f.Rubric(cohort, selection.StageTahap1, rub)
	x := f.User("bx@uji.id", "Asesor X", "asesor", "", "", "")
	y := f.User("by@uji.id", "Asesor Y", "asesor", "", "", "")
	for _, sql := range []string{
		`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) SELECT $1, code, 100 FROM regencies`,
		`INSERT INTO schools (npsn, name, jenjang, status, regency_code)
			SELECT lpad((90000000 + row_number() OVER (ORDER BY code))::text, 8, '0'), 'Sekolah ' || code, 'SD', 'negeri', code FROM regencies`,
		`INSERT INTO users (email, name, password_hash) SELECT 'bench' || g || '@uji.id', 'Calon ' || g, 'x' FROM generate_series(1, 250000) g`,
		`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang, submitted_at, registration_number, receipt_checksum)
			SELECT $1, u.id, 'lolos_verval', u.name, s.npsn, s.regency_code, substr(s.regency_code, 1, 2), 'SD', now() - (u.id % 10000) * interval '1 minute', 'B-' || u.id, 'x'
			FROM users u JOIN (SELECT npsn, regency_code, row_number() OVER (ORDER BY npsn) - 1 AS k FROM schools WHERE npsn LIKE '9%') s
				ON s.k = u.id % 514
			WHERE u.email LIKE 'bench%'`,
	} {
		args := []any{}
		if contains(sql, "$1") {
			args = append(args, cohort)
		}
		if err := setup(db, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	for _, sql := range []string{
		`INSERT INTO score_sheets (application_id, stage, assessor_id) SELECT a.id, 'tahap1', z FROM applications a, unnest($2::bigint[]) z WHERE a.cohort_id = $1`,
		// Scores 2-4 (an ability per application, the two assessors one point apart on one
		// criterion at most): stage scores spread over about 33-100, so most pass the grade of 60
		// and the quota of 100 per kab/kota (about 486 applicants each) binds.
		`INSERT INTO score_items (sheet_id, position, score)
			SELECT sh.id, p, least(4, 2 + ((sh.application_id * 7 + p * 5) % 3) + CASE WHEN sh.assessor_id = $1 AND p = 1 + sh.application_id % 8 THEN 1 ELSE 0 END)
			FROM score_sheets sh, generate_series(1, 8) p`,
		`UPDATE score_sheets sh SET submitted_at = now(),
			scores = (SELECT array_agg(score ORDER BY position) FROM score_items i WHERE i.sheet_id = sh.id),
			stage_score = (SELECT round(sum(((position - 1) % 3 + 1) * (score - 1) * 100.0 / 3) / 15, 2) FROM score_items i WHERE i.sheet_id = sh.id)`,
	} {
		args := []any{}
		switch {
		case contains(sql, "INSERT INTO score_items"):
			args = append(args, y)
		case contains(sql, "$1"):
			args = append(args, cohort, []int64{x, y})
		}
		if err := setup(db, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	return cohort
}

// setup runs one statement without the pool's statement timeout.
func setup(db *pgxpool.Pool, sql string, args ...any) error {
	return database.Tx(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sql, args...)
		return err
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
