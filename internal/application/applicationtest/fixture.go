// Package applicationtest seeds the recruitment aggregate for tests, in SQL against the test's
// own real database: schools, teacher profiles and cohorts open for registration. Every test
// package that needs a teacher at a school or a cohort to apply to uses these instead of its
// own INSERT statements, so a change to those tables is made once.
package applicationtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"penggerak/internal/database"
)

// School stores a school (status negeri) unless its NPSN is already there.
func School(t testing.TB, db database.DB, npsn, name, jenjang, regency string) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `INSERT INTO schools (npsn, name, jenjang, status, regency_code) VALUES ($1, $2, $3, 'negeri', $4)
		ON CONFLICT (npsn) DO NOTHING`, npsn, name, jenjang, regency); err != nil {
		t.Fatalf("seed school %s: %v", npsn, err)
	}
}

// Profile is a teacher profile to seed; the zero value of a field takes the default named
// beside it.
type Profile struct {
	NIK        string    // a fresh valid-looking NIK of Kabupaten OKU
	NUPTK      string    // none
	Jenjang    string    // SD
	Subject    string    // Matematika
	Employment string    // PNS
	Gender     string    // P
	Years      int       // 8 years of teaching
	Education  string    // S1
	Birth      time.Time // 4 March 1985
}

var nikSeq atomic.Int64

// SeedProfile gives the user a teacher profile at the school npsn and returns its NIK.
func SeedProfile(t testing.TB, db database.DB, userID int64, npsn string, p Profile) string {
	t.Helper()
	if p.NIK == "" {
		p.NIK = fmt.Sprintf("1601%012d", nikSeq.Add(1))
	}
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&p.Jenjang, "SD")
	def(&p.Subject, "Matematika")
	def(&p.Employment, "PNS")
	def(&p.Gender, "P")
	def(&p.Education, "S1")
	if p.Years == 0 {
		p.Years = 8
	}
	if p.Birth.IsZero() {
		p.Birth = time.Date(1985, 3, 4, 0, 0, 0, 0, time.UTC)
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO teacher_profiles (user_id, nik, nuptk, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		userID, p.NIK, p.NUPTK, p.Birth, p.Gender, npsn, p.Jenjang, p.Subject, p.Employment, p.Years, p.Education); err != nil {
		t.Fatalf("seed profile: %v", err)
	}
	return p.NIK
}

// Cohort is a cohort seeded for a test.
type Cohort struct {
	ID        int64
	Questions []int64 // the two essay questions, in order
	Docs      []int64 // KTP (required) and Portofolio (optional)
	Closes    time.Time
}

// OpenCohort creates a cohort in status (usually pendaftaran) whose registration opened a day
// before now and closes 48 hours after it, with targets Kabupaten OKU (100), Kota Serang (50)
// and Kota Palangkaraya (30), two essay questions of 20–200 characters and two documents (KTP
// required, 1 MB; portfolio optional).
func OpenCohort(t testing.TB, db database.DB, now time.Time, number int, status string, correctionDays int) Cohort {
	t.Helper()
	ctx := context.Background()
	c := Cohort{Closes: now.Add(48 * time.Hour).Truncate(time.Second)}
	err := db.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status, correction_days)
		VALUES ($1, 'Angkatan ' || $1::int, 'cgp', $2, $3, $4, $5) RETURNING id`, number, now.Add(-24*time.Hour), c.Closes, status, correctionDays).Scan(&c.ID)
	if err != nil {
		t.Fatalf("seed cohort: %v", err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '16.01', 100), ($1, '36.73', 50), ($1, '62.71', 30)`, c.ID); err != nil {
		t.Fatal(err)
	}
	for i, prompt := range []string{"Ceritakan praktik baik pembelajaran Anda.", "Apa rencana Anda mengembangkan rekan guru?"} {
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO essay_questions (cohort_id, group_name, position, prompt, min_chars, max_chars) VALUES ($1, 'Paket 1', $2, $3, 20, 200) RETURNING id`,
			c.ID, i+1, prompt).Scan(&id); err != nil {
			t.Fatal(err)
		}
		c.Questions = append(c.Questions, id)
	}
	for i, d := range []struct {
		name     string
		required bool
	}{{"KTP", true}, {"Portofolio", false}} {
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO required_documents (cohort_id, position, name, guidance, required, max_bytes) VALUES ($1, $2, $3, 'Pindai asli', $4, 1048576) RETURNING id`,
			c.ID, i+1, d.name, d.required).Scan(&id); err != nil {
			t.Fatal(err)
		}
		c.Docs = append(c.Docs, id)
	}
	return c
}
