// Package trainingtest builds training fixtures in a test database: a cohort whose pembekalan
// attendance is recorded, moved to pendidikan (so the roster trigger builds its CGPs), and users
// holding the pengajar praktik or fasilitator role.
package trainingtest

import (
	"fmt"
	"sync/atomic"
	"testing"

	"penggerak/internal/database"
	"penggerak/internal/testdb"
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
		VALUES ($1, $2, 'lolos_verval', $3, $4, $5, substr($5, 1, 2), $6, now() - interval '70 days', $7, 'abc') RETURNING id`,
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
		VALUES ($1, $2, 'lolos_verval', $3, $4, $5, substr($5, 1, 2), 'SD', now() - interval '70 days', $6, 'abc') RETURNING id`,
		c.ID, u, name, npsn, regency, fmt.Sprintf("TR-%07d", n))
	f.exec(`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at)
		VALUES ($1, $2, $3, 'absent', now(), $4, now())`, c.Run, app, regency, fmt.Sprintf("%032x.pdf", n))
}

// Start moves the cohort to pendidikan (the roster is built by the database).
func (f Fixture) Start(c Cohort) {
	f.exec(`UPDATE cohorts SET status = 'pendidikan' WHERE id = $1`, c.ID)
}
