package applicationtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"penggerak/internal/database"
)

// SchoolRow is a school to seed when a test needs more than School gives: a district, the
// school's e-mail or its principal. Jenjang "" is SD; District "" stores none.
type SchoolRow struct {
	NPSN, Name, Jenjang, Regency string
	District, Email, Principal   string
}

// Schools stores the schools (status negeri) in one statement, skipping NPSNs already there.
func Schools(t testing.TB, db database.DB, rows ...SchoolRow) {
	t.Helper()
	cols := make([][]string, 7)
	for _, r := range rows {
		if r.Jenjang == "" {
			r.Jenjang = "SD"
		}
		for i, v := range []string{r.NPSN, r.Name, r.Jenjang, r.Regency, r.District, r.Email, r.Principal} {
			cols[i] = append(cols[i], v)
		}
	}
	if _, err := db.Exec(context.Background(), `INSERT INTO schools (npsn, name, jenjang, status, regency_code, district_code, email, principal_name)
		SELECT npsn, name, jenjang, 'negeri', regency, NULLIF(district, ''), email, principal
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS r (npsn, name, jenjang, regency, district, email, principal)
		ON CONFLICT (npsn) DO NOTHING`, cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6]); err != nil {
		t.Fatalf("seed schools: %v", err)
	}
}

// CohortRow is a bare cohort: no kab/kota targets, questions or documents (OpenCohort gives
// those). Zero fields take the default beside them.
type CohortRow struct {
	Number         int       // required, 1–999, unique per program kind
	Name           string    // "Angkatan <Number>"
	Kind           string    // cgp
	Status         string    // the table's default, draft
	Opens, Closes  time.Time // now, and 30 days after Opens
	CorrectionDays int       // 0
}

// NewCohort stores the cohort and returns its id.
func NewCohort(t testing.TB, db database.DB, c CohortRow) int64 {
	t.Helper()
	if c.Kind == "" {
		c.Kind = "cgp"
	}
	if c.Opens.IsZero() {
		c.Opens = time.Now()
	}
	if c.Closes.IsZero() {
		c.Closes = c.Opens.Add(30 * 24 * time.Hour)
	}
	var id int64
	if err := db.QueryRow(context.Background(), `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status, correction_days)
		VALUES ($1, COALESCE(NULLIF($2, ''), 'Angkatan ' || $1::int), $3, $4, $5, COALESCE(NULLIF($6, ''), 'draft'), $7) RETURNING id`,
		c.Number, c.Name, c.Kind, c.Opens, c.Closes, c.Status, c.CorrectionDays).Scan(&id); err != nil {
		t.Fatalf("seed cohort %d: %v", c.Number, err)
	}
	return id
}

// NumberedSchools returns, for Schools, n SD schools in regency with the NPSNs first, first+1, …
// (eight digits) and the names name(i), i counting from 0.
func NumberedSchools(first, n int, regency string, name func(i int) string) []SchoolRow {
	rows := make([]SchoolRow, n)
	for i := range rows {
		rows[i] = SchoolRow{NPSN: fmt.Sprintf("%08d", first+i), Name: name(i), Jenjang: "SD", Regency: regency}
	}
	return rows
}
