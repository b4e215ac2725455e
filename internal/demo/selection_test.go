package demo

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/testdb"
)

// The selection demo: Angkatan 11 with six applicants (the demo teacher among them), all but one
// scored by two assessors, the last by one with the demo assessor's sheet the only open one (so a
// run can be computed once the demo assessor submits); seeding twice changes nothing.
func TestSeedSelection(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := Seed(ctx, db, account.TestParams); err != nil {
			t.Fatal(err)
		}
		if err := SeedSelection(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	var apps, submitted, open, allOpen, guru int
	if err := db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM applications a JOIN cohorts c ON c.id = a.cohort_id WHERE c.number = 11),
		(SELECT count(*) FROM score_sheets WHERE submitted_at IS NOT NULL),
		(SELECT count(*) FROM score_sheets sh JOIN users u ON u.id = sh.assessor_id WHERE u.email = 'asesor@demo.penggerak.id' AND sh.submitted_at IS NULL),
		(SELECT count(*) FROM score_sheets WHERE submitted_at IS NULL),
		(SELECT count(*) FROM applications a JOIN users u ON u.id = a.user_id JOIN cohorts c ON c.id = a.cohort_id WHERE c.number = 11 AND u.email = 'guru@demo.penggerak.id')`).
		Scan(&apps, &submitted, &open, &allOpen, &guru); err != nil {
		t.Fatal(err)
	}
	if apps != 6 || submitted != 11 || open != 1 || allOpen != 1 || guru != 1 {
		t.Fatalf("applications %d, submitted sheets %d, open demo-assessor sheets %d, open sheets %d, demo teacher %d", apps, submitted, open, allOpen, guru)
	}
}
