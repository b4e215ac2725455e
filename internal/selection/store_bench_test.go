package selection_test

import (
	"fmt"
	"os"
	"testing"
	"time"

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
// run, and writing 250,000 results with COPY, in one transaction, beside the baseline: one SQL
// statement computing the same stage scores, ranks and outcomes and writing the same rows into
// run_results (ratio = CreateRun ÷ statement; the rows are compared and must be identical).
// (Setup takes a few minutes.)
//
// With BENCH_RUN_DB set to the name of a database cloned from the test template (createdb -T
// pgk_tpl_… NAME), the benchmark uses that database and keeps it: the data is built the first
// time only, and every run stored is left in it, so the statements can be timed and EXPLAINed
// afterwards on the same data (the runs of earlier benchmarks make run_results bigger).
func BenchmarkCreateRunDB250k(b *testing.B) {
	const n = 250_000
	db, cohort := createRunBenchDB(b)
	s := selection.NewStore(db)
	b.ResetTimer()
	var app, base time.Duration
	var run, baseRun int64
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		id, err := s.CreateRun(ctx, audit.Actor{}, cohort, 0, "")
		if err != nil {
			b.Fatal(err)
		}
		app += time.Since(t0)
		run = id
		// The baseline: one SQL statement computing the same stage scores (the float
		// arithmetic and rounding of Rubric.StageScore and Adjudicate), ranks and outcomes,
		// writing the same rows into run_results under a second run with the same inputs.
		if err := db.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash)
			SELECT cohort_id, inputs, input_hash, output_hash FROM result_runs WHERE id = $1 RETURNING id`, run).Scan(&baseRun); err != nil {
			b.Fatal(err)
		}
		t0 = time.Now()
		if err := setup(db, baselineRunSQL, baseRun, cohort); err != nil {
			b.Fatal(err)
		}
		base += time.Since(t0)
	}
	b.StopTimer()
	b.ReportMetric(app.Seconds()/float64(b.N), "createrun-s")
	b.ReportMetric(base.Seconds()/float64(b.N), "one-statement-s")
	b.ReportMetric(app.Seconds()/base.Seconds(), "ratio")
	// Row for row, the run CreateRun stored is the one the statement computed.
	var differ int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM (
			(SELECT application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at FROM run_results WHERE run_id = $1
			EXCEPT SELECT application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at FROM run_results WHERE run_id = $2)
			UNION ALL
			(SELECT application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at FROM run_results WHERE run_id = $2
			EXCEPT SELECT application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at FROM run_results WHERE run_id = $1)) x`,
		run, baseRun).Scan(&differ); err != nil {
		b.Fatal(err)
	}
	if differ != 0 {
		b.Fatalf("%d result rows differ between CreateRun and the one statement", differ)
	}
	var results int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM run_results WHERE run_id = $1`, run).Scan(&results)
	if results != n {
		b.Fatalf("%d results, want %d", results, n)
	}
	// The data exercises the quotas: passes beyond a kab/kota's quota become cadangan.
	var lulus, cadangan int
	_ = db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE outcome = 'lulus'), count(*) FILTER (WHERE outcome = 'cadangan')
		FROM run_results WHERE run_id = $1`, run).Scan(&lulus, &cadangan)
	if lulus == 0 || cadangan == 0 {
		b.Fatalf("lulus %d, cadangan %d: the quotas are not exercised", lulus, cadangan)
	}
	b.ReportMetric(float64(lulus), "lulus")
	b.ReportMetric(float64(cadangan), "cadangan")
}

// baselineRunSQL computes and stores the run of the benchmark's data in one statement ($1 the
// run, $2 the cohort): per sheet the stage score of its 8 criteria (weights 1, 2, 3, 1, 2, 3,
// 1, 2; scale 1-4) in float8 rounded half away from zero to two decimals as Go does, the final
// as the mean of the two sheets (all within the threshold in this data), ranks per kab/kota
// by score, first criterion, submission time and id, and lulus within the quota.
const baselineRunSQL = `INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at)
	WITH sheets AS (
		SELECT sh.application_id,
			floor(100 * (SELECT sum(((p - 1) % 3 + 1) * (v - 1)::float8 * 100 / 3) FROM unnest(sh.scores) WITH ORDINALITY u(v, p)) / 15 + 0.5) / 100 AS v,
			sh.scores[1]::float8 AS c1
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id
		WHERE a.cohort_id = $2 AND a.status = 'verval_passed' AND sh.stage = 'tahap1' AND sh.submitted_at IS NOT NULL),
	finals AS (
		SELECT application_id, floor(100 * sum(v) / 2 + 0.5) / 100 AS score, floor(100 * sum(c1) / 2 + 0.5) / 100 AS c1
		FROM sheets GROUP BY application_id),
	ranked AS (
		SELECT a.id, a.regency_code, a.submitted_at, f.score, f.c1, f.score >= 60 AS passed,
			row_number() OVER (PARTITION BY a.regency_code ORDER BY f.score DESC, f.c1 DESC, a.submitted_at, a.id) AS rank,
			row_number() OVER (PARTITION BY a.regency_code, f.score >= 60 ORDER BY f.score DESC, f.c1 DESC, a.submitted_at, a.id) AS prank
		FROM finals f JOIN applications a ON a.id = f.application_id)
	SELECT $1, r.id, r.regency_code, substr(r.regency_code, 1, 2), r.score, r.passed,
		CASE WHEN NOT r.passed THEN 'tidak_lulus' WHEN r.prank <= cr.quota THEN 'lulus' ELSE 'cadangan' END,
		r.rank, ARRAY[r.score]::numeric[], r.c1, r.submitted_at
	FROM ranked r JOIN cohort_regencies cr ON cr.cohort_id = $2 AND cr.regency_code = r.regency_code`

// createRunBenchDB returns the benchmark's database and cohort: a fresh clone, or the kept
// database named by BENCH_RUN_DB (its data built once).
func createRunBenchDB(b *testing.B) (*pgxpool.Pool, int64) {
	name := os.Getenv("BENCH_RUN_DB")
	if name == "" {
		db, _ := testdb.New(b)
		return db, createRunBenchData(b, db)
	}
	db, err := database.Open(ctx, testdb.ServerURL(name))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(db.Close)
	var cohort int64
	err = db.QueryRow(ctx, `SELECT coalesce(max(cohort_id), 0) FROM applications WHERE registration_number LIKE 'B-%'`).Scan(&cohort)
	if err != nil {
		b.Fatal(err)
	}
	if cohort == 0 {
		cohort = createRunBenchData(b, db)
	}
	return db, cohort
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
			SELECT $1, u.id, 'verval_passed', u.name, s.npsn, s.regency_code, substr(s.regency_code, 1, 2), 'SD', now() - (u.id % 10000) * interval '1 minute', 'B-' || u.id, 'x'
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
