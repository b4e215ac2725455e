// Package trainingtest builds training fixtures in a test database: a cohort whose pembekalan
// attendance is recorded, moved to pendidikan (so the roster trigger builds its CGPs), and users
// holding the pengajar praktik or fasilitator role.
package trainingtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"penggerak/internal/database"
	"penggerak/internal/testdb"

	"github.com/jackc/pgx/v5"
)

var seq atomic.Int64

// Fixture creates rows for one test.
type Fixture struct {
	T  testing.TB
	DB database.DB
}

func (f Fixture) exec(sql string, args ...any) { f.T.Helper(); testdb.Exec(f.T, f.DB, sql, args...) }

func (f Fixture) id(sql string, args ...any) int64 {
	f.T.Helper()
	return testdb.ID(f.T, f.DB, sql, args...)
}

// Cohort is a cohort in pembekalan with one result run whose quota is large enough.
type Cohort struct {
	ID, Run int64
}

// NewCohort creates a cgp cohort in pembekalan with a run (quota 1000 in each kab/kota given).
func (f Fixture) NewCohort(regencies ...string) Cohort {
	f.T.Helper()
	n := seq.Add(1)
	id := f.id(`INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
		VALUES ((SELECT min(x) FROM generate_series(300, 499) x WHERE NOT EXISTS (SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = x)),
			$1, 'cgp', now() - interval '90 days', now() - interval '60 days', 'pembekalan') RETURNING id`, fmt.Sprintf("Angkatan Pelatihan %d", n))
	quotas := map[string]int{}
	for _, r := range regencies {
		quotas[r] = 1000
		f.exec(`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, $2, 1000)`, id, r)
	}
	run := f.id(`INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash, published_at)
		VALUES ($1, jsonb_build_object('quotas', $2::jsonb), repeat('a', 64), repeat('b', 64), now()) RETURNING id`, id, quotas)
	return Cohort{ID: id, Run: run}
}

// School creates (or reuses) a school.
func (f Fixture) School(npsn, regency, jenjang string) {
	f.exec(`INSERT INTO schools (npsn, name, jenjang, status, regency_code) VALUES ($1, 'Sekolah ' || $1, $3, 'negeri', $2)
		ON CONFLICT (npsn) DO NOTHING`, npsn, regency, jenjang)
}

// User creates a verified user; with npsn it also has a teacher profile at that school.
func (f Fixture) User(email, name, npsn string) int64 {
	f.T.Helper()
	id := f.id(`INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, 'x', now())
		ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id`, email, name)
	if npsn != "" {
		n := seq.Add(1)
		f.exec(`INSERT INTO teacher_profiles (user_id, nik, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
			VALUES ($1, $2, '1985-01-01', 'P', $3, 'SD', 'Matematika', 'PNS', 10, 'S1') ON CONFLICT (user_id) DO NOTHING`,
			id, fmt.Sprintf("3271%012d", 500000+n), npsn)
	}
	return id
}

// Grant gives a user a role in a province (regency "" for the whole province).
func (f Fixture) Grant(userID int64, role, province, regency string) {
	var r *string
	if regency != "" {
		r = &regency
	}
	f.exec(`INSERT INTO role_grants (user_id, role, province_code, regency_code) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
		userID, role, province, r)
}

// CGP creates (or, with userID, reuses) a teacher with a submitted application at npsn and a
// confirmed pembekalan seat whose attendance is recorded. It returns the user id.
func (f Fixture) CGP(c Cohort, userID int64, name, npsn, regency, jenjang string) int64 {
	f.T.Helper()
	f.School(npsn, regency, jenjang)
	n := seq.Add(1)
	if userID == 0 {
		userID = f.User(fmt.Sprintf("cgp%d@pelatihan.test", n), name, "")
	}
	app := f.id(`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
			submitted_at, registration_number, receipt_checksum)
		VALUES ($1, $2, 'verval_passed', $3, $4, $5, substr($5, 1, 2), $6, now() - interval '70 days', $7, 'abc') RETURNING id`,
		c.ID, userID, name, npsn, regency, jenjang, fmt.Sprintf("TR-%07d", n))
	f.exec(`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at, attended_at)
		VALUES ($1, $2, $3, 'attended', now(), $4, now(), now())`, c.Run, app, regency, fmt.Sprintf("%032x.pdf", n))
	return userID
}

// Absent adds a confirmed participant who did not come to the briefing (not a CGP).
func (f Fixture) Absent(c Cohort, name, npsn, regency string) {
	f.T.Helper()
	f.School(npsn, regency, "SD")
	n := seq.Add(1)
	u := f.User(fmt.Sprintf("absen%d@pelatihan.test", n), name, "")
	app := f.id(`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
			submitted_at, registration_number, receipt_checksum)
		VALUES ($1, $2, 'verval_passed', $3, $4, $5, substr($5, 1, 2), 'SD', now() - interval '70 days', $6, 'abc') RETURNING id`,
		c.ID, u, name, npsn, regency, fmt.Sprintf("TR-%07d", n))
	f.exec(`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at)
		VALUES ($1, $2, $3, 'absent', now(), $4, now())`, c.Run, app, regency, fmt.Sprintf("%032x.pdf", n))
}

// Start moves the cohort to pendidikan (the roster is built by the database).
func (f Fixture) Start(c Cohort) {
	f.exec(`UPDATE cohorts SET status = 'pendidikan' WHERE id = $1`, c.ID)
}

// LoadProvince fills cohort c (created with every kab/kota of the province as targets) with
// cgps CGPs spread over the province's kab/kota in confirmed groups of 6, each under its own
// PP; 4 lokakarya per kab/kota (3 held, attendance recorded: 1 in 10 absent), 6 planned visits
// per CGP (3 sent, 2 acknowledged for 6 in 7 CGPs) and module progress (0 to 8 modules). It
// runs in one transaction and analyses the tables afterwards.
func (f Fixture) LoadProvince(c Cohort, prov string, cgps int) {
	f.T.Helper()
	ctx := context.Background()
	err := database.Tx(ctx, f.DB, func(tx pgx.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`CREATE TEMP TABLE br ON COMMIT DROP AS SELECT code, row_number() OVER (ORDER BY code) AS i FROM regencies WHERE province_code = $1`, []any{prov}},
			{`INSERT INTO schools (npsn, name, jenjang, status, regency_code)
				SELECT lpad((30000000 + br.i * 100 + s)::text, 8, '0'), 'Sekolah ' || br.code || '-' || s, (ARRAY['SD', 'SMP', 'SMA'])[1 + s % 3], 'negeri', br.code
				FROM br, generate_series(0, 19) s ON CONFLICT DO NOTHING`, nil},
			{`INSERT INTO users (email, name, password_hash, email_verified_at)
				SELECT 'cgp' || n || '-' || $2::bigint || '@bench.test', 'CGP ' || n, 'x', now() FROM generate_series(1, $1::int) n`, []any{cgps, c.ID}},
			{`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang, submitted_at, registration_number, receipt_checksum)
				SELECT $1::bigint, u.id, 'verval_passed', u.name, s.npsn, s.regency_code, $2, s.jenjang, now() - interval '70 days', 'BP-' || u.id, 'abc'
				FROM (SELECT id, name, row_number() OVER (ORDER BY id) AS n FROM users WHERE email LIKE 'cgp%-' || $1::bigint || '@bench.test') u
				JOIN (SELECT npsn, regency_code, jenjang, row_number() OVER (ORDER BY npsn) - 1 AS k FROM schools
					WHERE npsn LIKE '3%' AND length(npsn) = 8 AND regency_code IN (SELECT code FROM br)) s
					ON s.k = u.n % (SELECT count(*) * 20 FROM br)`, []any{c.ID, prov}},
			{`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at, attended_at)
				SELECT $1, id, regency_code, 'attended', now(), md5(id::text) || '.pdf', now(), now() FROM applications WHERE cohort_id = $2`, []any{c.Run, c.ID}},
			{`UPDATE cohorts SET status = 'pendidikan' WHERE id = $1`, []any{c.ID}},
			{`CREATE TEMP TABLE bx ON COMMIT DROP AS SELECT p.id, p.regency_code, ((row_number() OVER (PARTITION BY p.regency_code ORDER BY p.id) - 1) / 6 + 1)::int AS gno
				FROM training_participants p WHERE p.cohort_id = $1`, []any{c.ID}},
			{`INSERT INTO users (email, name, password_hash, email_verified_at)
				SELECT DISTINCT 'pp-' || regency_code || '-' || gno || '-' || $1::bigint || '@bench.test', 'PP ' || regency_code || ' ' || gno, 'x', now() FROM bx`, []any{c.ID}},
			{`INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
				SELECT $1::bigint, u.id, 'pengajar_praktik', d.regency_code, $2, 6, u.id FROM (SELECT DISTINCT regency_code, gno FROM bx) d
				JOIN users u ON u.email = 'pp-' || d.regency_code || '-' || d.gno || '-' || $1::bigint || '@bench.test'`, []any{c.ID, prov}},
			{`INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, status, confirmed_at)
				SELECT $1::bigint, $2, d.regency_code, d.gno, t.id, 'aktif', now() FROM (SELECT DISTINCT regency_code, gno FROM bx) d
				JOIN users u ON u.email = 'pp-' || d.regency_code || '-' || d.gno || '-' || $1::bigint || '@bench.test'
				JOIN training_mentors t ON t.user_id = u.id AND t.cohort_id = $1`, []any{c.ID, prov}},
			{`INSERT INTO training_group_members (participant_id, group_id)
				SELECT bx.id, g.id FROM bx JOIN training_groups g ON g.cohort_id = $1 AND g.regency_code = bx.regency_code AND g.number = bx.gno`, []any{c.ID}},
			{`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
				SELECT $1, $2, code, n, now() + (n - 3) * interval '20 days', 'Aula ' || code FROM br, generate_series(0, 3) n`, []any{c.ID, prov}},
			{`INSERT INTO training_attendance (lokakarya_id, participant_id, status)
				SELECT l.id, p.id, CASE WHEN (p.id + l.number) % 10 = 0 THEN 'tidak_hadir' ELSE 'hadir' END
				FROM training_lokakarya l JOIN training_participants p ON p.cohort_id = l.cohort_id AND p.regency_code = l.regency_code
				WHERE l.cohort_id = $1 AND l.starts_at < now()`, []any{c.ID}},
			{`INSERT INTO training_visits (participant_id, number, planned_on, visited_on, mode, notes, submitted_at, acknowledged_at)
				SELECT p.id, n, current_date + (n * 10 - 40), CASE WHEN n <= 3 THEN current_date + (n * 10 - 40 + (p.id % 3)::int) END,
					CASE WHEN n <= 3 THEN 'kunjungan' END, CASE WHEN n <= 3 THEN 'catatan kunjungan' ELSE '' END,
					CASE WHEN n <= 3 THEN now() - (40 - n * 10) * interval '1 day' END,
					CASE WHEN n <= 2 AND p.id % 7 <> 0 THEN now() - (38 - n * 10) * interval '1 day' END
				FROM training_participants p, generate_series(1, 6) n WHERE p.cohort_id = $1`, []any{c.ID}},
			{`INSERT INTO training_module_progress (participant_id, module) SELECT p.id, m FROM training_participants p, generate_series(1, 10) m
				WHERE p.cohort_id = $1 AND m <= p.id % 9`, []any{c.ID}},
		} {
			if _, err := tx.Exec(ctx, q.sql, q.args...); err != nil {
				return fmt.Errorf("%w\n%s", err, q.sql)
			}
		}
		return nil
	})
	if err != nil {
		f.T.Fatalf("load province: %v", err)
	}
	f.exec(`VACUUM ANALYZE`)
}
