// Package selectiontest builds selection fixtures in a test database: a cohort in seleksi with
// kab/kota quotas, schools, applicants whose verval passed, assessors, and a default rubric.
package selectiontest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/selection"
	"penggerak/internal/testdb"
)

var seq atomic.Int64

// Fixture creates rows for one test.
type Fixture struct {
	T  testing.TB
	DB *pgxpool.Pool
}

func (f Fixture) exec(sql string, args ...any) { f.T.Helper(); testdb.Exec(f.T, f.DB, sql, args...) }

func (f Fixture) id(sql string, args ...any) int64 {
	f.T.Helper()
	return testdb.ID(f.T, f.DB, sql, args...)
}

// Cohort creates a cohort in seleksi with the given kab/kota quotas.
func (f Fixture) Cohort(quotas map[string]int) int64 {
	f.T.Helper()
	n := seq.Add(1)
	// The first free cohort number from 500 up, so fixtures of other features never collide.
	id := f.id(`INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
		VALUES ((SELECT min(x) FROM generate_series(500, 999) x WHERE NOT EXISTS (SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = x)),
			$1, 'cgp', now() - interval '30 days', now() - interval '1 day', 'seleksi') RETURNING id`, fmt.Sprintf("Angkatan Uji %d", n))
	for reg, q := range quotas {
		f.exec(`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, $2, $3)`, id, reg, q)
	}
	return id
}

// School creates (or reuses) a school in a kab/kota.
func (f Fixture) School(npsn, regency string) {
	f.exec(`INSERT INTO schools (npsn, name, jenjang, status, regency_code) VALUES ($1, 'Sekolah ' || $1, 'SD', 'negeri', $2)
		ON CONFLICT (npsn) DO NOTHING`, npsn, regency)
}

// User creates a user with an optional role (and scope) and an optional school (teacher profile).
func (f Fixture) User(email, name, role, province, regency, npsn string) int64 {
	f.T.Helper()
	id := f.id(`INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, 'x', now()) RETURNING id`, email, name)
	if role != "" {
		var p, r *string
		if province != "" {
			p = &province
		}
		if regency != "" {
			r = &regency
		}
		f.exec(`INSERT INTO role_grants (user_id, role, province_code, regency_code) VALUES ($1, $2, $3, $4)`, id, role, p, r)
	}
	if npsn != "" {
		n := seq.Add(1)
		f.exec(`INSERT INTO teacher_profiles (user_id, nik, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
			VALUES ($1, $2, '1985-01-01', 'P', $3, 'SD', 'Matematika', 'PNS', 10, 'S1')`, id, fmt.Sprintf("3201%012d", n), npsn)
	}
	return id
}

// Applicant creates a teacher and an application whose verval passed, submitted at the given time.
func (f Fixture) Applicant(cohortID int64, email, name, npsn, regency string, submitted time.Time) (userID, appID int64) {
	f.T.Helper()
	f.School(npsn, regency)
	userID = f.User(email, name, "", "", "", "")
	n := seq.Add(1)
	appID = f.id(`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
			submitted_at, registration_number, receipt_checksum)
		VALUES ($1, $2, 'verval_passed', $3, $4, $5, substr($5, 1, 2), 'SD', $6, $7, 'abc') RETURNING id`,
		cohortID, userID, name, npsn, regency, submitted, fmt.Sprintf("GP-%06d", n))
	return userID, appID
}

// ApplicationFor creates an application whose verval passed for an existing user.
func (f Fixture) ApplicationFor(cohortID, userID int64, name, npsn, regency string, submitted time.Time) int64 {
	f.T.Helper()
	f.School(npsn, regency)
	n := seq.Add(1)
	return f.id(`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
			submitted_at, registration_number, receipt_checksum)
		VALUES ($1, $2, 'verval_passed', $3, $4, $5, substr($5, 1, 2), 'SD', $6, $7, 'abc') RETURNING id`,
		cohortID, userID, name, npsn, regency, submitted, fmt.Sprintf("GP-%06d", n))
}

// DefaultRubric is a tahap 1 rubric: two criteria on 1-4 (the first weighs double), passing grade
// 60, threshold 15.
func DefaultRubric() selection.Rubric {
	return selection.Rubric{PassingGrade: 60, Threshold: 15, Criteria: []selection.Criterion{
		{Name: "Pengalaman mengembangkan orang lain", Min: 1, Max: 4, Weight: 2, Levels: []string{"Belum", "Mulai", "Cakap", "Mahir"}},
		{Name: "Kualitas esai", Min: 1, Max: 4, Weight: 1},
	}}
}

// Rubric stores a rubric for a cohort's stage.
func (f Fixture) Rubric(cohortID int64, stage selection.Stage, r selection.Rubric) {
	f.T.Helper()
	if err := selection.NewStore(f.DB).SaveRubric(context.Background(), audit.Actor{IP: "test"}, cohortID, stage, r, false); err != nil {
		f.T.Fatal(err)
	}
}

// Score assigns (if needed) and submits a sheet for an application by an assessor.
func (f Fixture) Score(appID int64, stage selection.Stage, assessorID int64, scores ...int) int64 {
	f.T.Helper()
	ctx := context.Background()
	var sheet int64
	err := f.DB.QueryRow(ctx, `SELECT id FROM score_sheets WHERE application_id = $1 AND stage = $2 AND assessor_id = $3`, appID, stage, assessorID).Scan(&sheet)
	if err != nil {
		var n int
		_ = f.DB.QueryRow(ctx, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND stage = $2`, appID, stage).Scan(&n)
		sheet = f.id(`INSERT INTO score_sheets (application_id, stage, assessor_id, adjudicator) VALUES ($1, $2, $3, $4) RETURNING id`,
			appID, stage, assessorID, n >= 2)
	}
	items := make([]selection.ScoreItem, len(scores))
	for i := range scores {
		items[i].Score = &scores[i]
	}
	if _, err := selection.NewStore(f.DB).SaveSheet(ctx, audit.Actor{UserID: assessorID, IP: "test"}, assessorID, sheet, items, true, time.Now().Add(24*time.Hour)); err != nil {
		f.T.Fatal(err)
	}
	return sheet
}

// Document stores a PDF for an application under uploadDir/applications (where the
// recruitment feature keeps uploads) and returns the document id.
func (f Fixture) Document(appID int64, uploadDir string, content []byte) int64 {
	f.T.Helper()
	n := seq.Add(1)
	var cohortID int64
	if err := f.DB.QueryRow(context.Background(), `SELECT cohort_id FROM applications WHERE id = $1`, appID).Scan(&cohortID); err != nil {
		f.T.Fatal(err)
	}
	req := f.id(`INSERT INTO required_documents (cohort_id, name) VALUES ($1, 'KTP') RETURNING id`, cohortID)
	name := fmt.Sprintf("f%031x.pdf", n) // "f…": never the name another fixture derives from an id
	if err := os.MkdirAll(filepath.Join(uploadDir, "applications"), 0o750); err != nil {
		f.T.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(uploadDir, "applications", name), content, 0o640); err != nil {
		f.T.Fatal(err)
	}
	return f.id(`INSERT INTO application_documents (application_id, required_document_id, storage_name, original_name, size_bytes, sha256)
		VALUES ($1, $2, $3, 'ktp-nama-asli.pdf', $4, repeat('a', 64)) RETURNING id`, appID, req, name, len(content))
}

// Release releases every held mail of the review outbox at now, as the national admin does
// (selection.Store.ReleaseMail): the decisions they report reach their applicants, and seat
// offers' confirmation windows start at now. It returns how many mails were released.
func (f Fixture) Release(now time.Time) int {
	f.T.Helper()
	var upTo int64
	if err := f.DB.QueryRow(context.Background(), `SELECT coalesce(max(id), 0) FROM mail_outbox WHERE held`).Scan(&upTo); err != nil {
		f.T.Fatal(err)
	}
	if upTo == 0 {
		return 0
	}
	n, err := selection.NewStore(f.DB).ReleaseMail(context.Background(), audit.Actor{}, upTo, now)
	if err != nil {
		f.T.Fatalf("release: %v", err)
	}
	return n
}
