// Package reporttest seeds a cohort's recruitment data in bulk for the report tests and
// benchmarks: applications in every status over given kab/kota and jenjang, teacher profiles,
// score sheets, a result run and pembekalan seats, all generated in SQL (generate_series) from
// the row number so that a test can recount them independently.
package reporttest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Options shape the seeded data.
type Options struct {
	// N is the number of applications.
	N int
	// Regencies are the kab/kota the applications are spread over (every kab/kota when empty).
	Regencies []string
	// Quota is each kab/kota's quota.
	Quota int
	// Published publishes the run.
	Published bool
	// Prefix keeps the e-mail addresses of two seeds apart.
	Prefix string
}

// Seeded names what was created.
type Seeded struct {
	Cohort    int64
	Run       int64
	Assessors [2]int64
	// Opens is the opening of registration: 1 April 2026 00:00 WIB; it closes 20 April 23:59 WIB.
	Opens, Closes time.Time
}

var seq atomic.Int64

// Jenjangs are the jenjang applications rotate through.
var Jenjangs = []string{"SD", "SMP", "SMA"}

// Seed creates the data. Application g (1..N) lies in Regencies[g % len], jenjang
// Jenjangs[(g / len) % 3]; its status follows g % 10 (0 draft, 1 withdrawn, 2 submitted,
// 3 tidak lolos verval, otherwise lolos verval); it was started on day g % 20 of registration
// and submitted (g % 3) days later.
func Seed(t testing.TB, db *pgxpool.Pool, o Options) Seeded {
	t.Helper()
	ctx := context.Background()
	wib := time.FixedZone("WIB", 7*3600)
	s := Seeded{Opens: time.Date(2026, 4, 1, 0, 0, 0, 0, wib), Closes: time.Date(2026, 4, 20, 23, 59, 0, 0, wib)}
	n := seq.Add(1)
	p := o.Prefix + fmt.Sprint(n)
	// One connection for everything: the temporary tables live on it, and it has no statement
	// timeout (a benchmark's 250,000 rows take longer than the pool's).
	conn, err := db.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("seed: %v\n%s", err, sql)
		}
	}
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := conn.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("seed: %v\n%s", err, sql)
		}
		return id
	}
	exec(`SET statement_timeout = 0`)
	defer conn.Exec(ctx, `RESET statement_timeout`)
	regs := o.Regencies
	if len(regs) == 0 {
		rows, _ := conn.Query(ctx, `SELECT code FROM regencies ORDER BY code`)
		for rows.Next() {
			var c string
			_ = rows.Scan(&c)
			regs = append(regs, c)
		}
		rows.Close()
	}
	s.Cohort = one(`INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
		VALUES ((SELECT min(x) FROM generate_series(100, 999) x WHERE NOT EXISTS (SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = x)),
			$1, 'cgp', $2, $3, 'seleksi') RETURNING id`, "Angkatan Laporan "+p, s.Opens, s.Closes)
	exec(`CREATE TEMP TABLE IF NOT EXISTS seed_regs (k int PRIMARY KEY, code text)`)
	exec(`TRUNCATE seed_regs`)
	exec(`INSERT INTO seed_regs SELECT k - 1, code FROM unnest($1::text[]) WITH ORDINALITY AS u(code, k)`, regs)
	exec(`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) SELECT $1, code, $2 FROM seed_regs`, s.Cohort, o.Quota)
	// One school per kab/kota and jenjang: npsn 7 + seq(3) + k(3) + j(1) … padded to 8 digits.
	exec(`INSERT INTO schools (npsn, name, jenjang, status, regency_code)
		SELECT npsn, 'Sekolah ' || npsn, j, 'negeri', code FROM (
			SELECT lpad(((($1::int % 90) + 10) * 1000000 + r.k * 10 + jj.i)::text, 8, '0') AS npsn, jj.j, r.code
			FROM seed_regs r, unnest($2::text[]) WITH ORDINALITY AS jj(j, i)) x
		ON CONFLICT (npsn) DO NOTHING`, n, Jenjangs)
	a1 := one(`INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, 'Asesor Satu', 'x', now()) RETURNING id`, "as1-"+p+"@seed.test")
	a2 := one(`INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, 'Asesor Dua', 'x', now()) RETURNING id`, "as2-"+p+"@seed.test")
	s.Assessors = [2]int64{a1, a2}
	exec(`INSERT INTO role_grants (user_id, role, province_code) VALUES ($1, 'asesor', '16'), ($2, 'asesor', '16')`, a1, a2)
	nr := len(regs)
	exec(`CREATE TEMP TABLE IF NOT EXISTS seed_apps (g int PRIMARY KEY, user_id bigint, regency text, jenjang text, npsn text)`)
	exec(`TRUNCATE seed_apps`)
	exec(`INSERT INTO seed_apps (g, regency, jenjang, npsn)
		SELECT g, r.code, ($3::text[])[(g / $2) % 3 + 1], lpad(((($1::int % 90) + 10) * 1000000 + r.k * 10 + (g / $2) % 3 + 1)::text, 8, '0')
		FROM generate_series(1, $4::int) g JOIN seed_regs r ON r.k = g % $2`, n, nr, Jenjangs, o.N)
	exec(`WITH u AS (INSERT INTO users (email, name, password_hash, email_verified_at)
			SELECT 'g' || g || '-' || $1 || '@seed.test', 'Calon ' || g, 'x', now() FROM seed_apps RETURNING id, email)
		UPDATE seed_apps s SET user_id = u.id FROM u WHERE u.email = 'g' || s.g || '-' || $1 || '@seed.test'`, p)
	exec(`INSERT INTO teacher_profiles (user_id, nik, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
		SELECT user_id, '32' || lpad(($1::int % 100)::text, 2, '0') || lpad(g::text, 12, '0'), '1985-01-01',
			CASE WHEN g % 2 = 0 THEN 'L' ELSE 'P' END, npsn, jenjang, 'Matematika',
			(ARRAY['PNS', 'PPPK', 'GTY', 'honorer'])[g % 4 + 1], 10, 'S1'
		FROM seed_apps WHERE g % 7 <> 0`, n) // every 7th applicant has no profile left (e.g. deleted)
	exec(`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
			submitted_at, registration_number, receipt_checksum, created_at)
		SELECT $1, user_id, st, 'Calon ' || g, npsn, regency, substr(regency, 1, 2), jenjang,
			CASE WHEN st IN ('draft', 'withdrawn') THEN NULL ELSE created + (g % 3) * interval '1 day' END,
			CASE WHEN st IN ('draft', 'withdrawn') THEN NULL ELSE 'R' || $3 || '-' || g END,
			CASE WHEN st IN ('draft', 'withdrawn') THEN NULL ELSE 'x' END, created
		FROM (SELECT *, CASE g % 10 WHEN 0 THEN 'draft' WHEN 1 THEN 'withdrawn' WHEN 2 THEN 'submitted' WHEN 3 THEN 'verval_failed'
				ELSE 'verval_passed' END AS st,
				$2::timestamptz + (g % 20) * interval '1 day' + (g % 24) * interval '1 hour' AS created FROM seed_apps) x`,
		s.Cohort, s.Opens, p)
	// Score sheets: two tahap 1 sheets per verval-passed application; one in five still open,
	// and half of the open ones past due.
	exec(`INSERT INTO score_sheets (application_id, stage, assessor_id, due_at, submitted_at, stage_score, scores)
		SELECT a.id, 'tahap1', z, CASE WHEN a.id % 2 = 0 THEN now() - interval '1 day' ELSE now() + interval '1 day' END,
			CASE WHEN a.id % 5 = 0 THEN NULL ELSE now() END,
			CASE WHEN a.id % 5 = 0 THEN NULL ELSE ((a.id * 7 + z) % 100)::numeric END,
			CASE WHEN a.id % 5 = 0 THEN NULL ELSE ARRAY[1 + (a.id % 4)::int, 2] END
		FROM applications a, unnest($2::bigint[]) z WHERE a.cohort_id = $1 AND a.status = 'verval_passed'`, s.Cohort, []int64{a1, a2})
	quotas := make([]string, len(regs))
	for i, r := range regs {
		quotas[i] = fmt.Sprintf("%q: %d", r, o.Quota)
	}
	inputs := `{"stages": [{"stage": "tahap1", "passing_grade": 60, "weight": 1}, {"stage": "simulasi", "passing_grade": 50, "weight": 1}], "quotas": {` +
		strings.Join(quotas, ", ") + `}}`
	s.Run = one(`INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash) VALUES ($1, $2, repeat('a', 64), repeat('b', 64)) RETURNING id`, s.Cohort, inputs)
	// Stage scores from the id: tahap 1 (id*7) % 100, simulasi (id*13) % 100; passed when both
	// reach their grade; lulus within the quota by score, then cadangan.
	exec(`INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at)
		SELECT $1, id, regency_code, province_code, score, passed,
			CASE WHEN NOT passed THEN 'tidak_lulus' WHEN prank <= $3 THEN 'lulus' ELSE 'cadangan' END, rank, ARRAY[t1, t2]::numeric[], 1, submitted_at
		FROM (SELECT *, row_number() OVER (PARTITION BY regency_code ORDER BY score DESC, id) AS rank,
				row_number() OVER (PARTITION BY regency_code, passed ORDER BY score DESC, id) AS prank
			FROM (SELECT a.id, a.regency_code, a.province_code, a.submitted_at, ((a.id * 7) % 100)::numeric AS t1, ((a.id * 13) % 100)::numeric AS t2,
					(((a.id * 7) % 100 + (a.id * 13) % 100) / 2.0)::numeric(5,2) AS score,
					(a.id * 7) % 100 >= 60 AND (a.id * 13) % 100 >= 50 AS passed
				FROM applications a WHERE a.cohort_id = $2 AND a.status = 'verval_passed') x) y`, s.Run, s.Cohort, o.Quota)
	// Seats for every lulus: by id % 3 offered, confirmed or attended.
	exec(`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at, attended_at)
		SELECT $1, application_id, regency_code, (ARRAY['offered', 'confirmed', 'attended'])[application_id % 3 + 1], now() + interval '3 days',
			CASE WHEN application_id % 3 = 0 THEN NULL ELSE md5(application_id::text) || '.pdf' END,
			CASE WHEN application_id % 3 = 0 THEN NULL ELSE now() END,
			CASE WHEN application_id % 3 = 2 THEN now() END
		FROM run_results WHERE run_id = $1 AND outcome = 'lulus'`, s.Run)
	if o.Published {
		exec(`UPDATE result_runs SET published_at = now() WHERE id = $1`, s.Run)
	}
	exec(`VACUUM ANALYZE applications, run_results, score_sheets, teacher_profiles, pembekalan_seats`)
	return s
}
