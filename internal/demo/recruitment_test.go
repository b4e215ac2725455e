package demo

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/testdb"
)

func TestSeedRecruitmentIdempotent(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	// On its own, without users or schools: the cohort is made, nothing else is needed.
	if err := SeedRecruitment(ctx, db); err != nil {
		t.Fatal(err)
	}
	counts := func() [6]int {
		var c [6]int
		if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM cohorts), (SELECT count(*) FROM cohort_regencies),
			(SELECT count(*) FROM cohort_regencies WHERE regency_code LIKE '62.%'), (SELECT count(*) FROM essay_questions),
			(SELECT count(*) FROM required_documents), (SELECT count(*) FROM teacher_profiles)`).Scan(&c[0], &c[1], &c[2], &c[3], &c[4], &c[5]); err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := counts()
	if first[0] != 1 || first[2] < 10 || first[1] != first[2]+2 || first[3] != 4 || first[4] != 4 || first[5] != 0 {
		t.Errorf("cohorts, targets, kalteng targets, questions, documents, profiles = %v", first)
	}
	// The whole demo twice: the same cohort, and the demo teacher has a profile in a target kab/kota.
	for i := 0; i < 2; i++ {
		if err := Seed(ctx, db, account.TestParams); err != nil {
			t.Fatal(err)
		}
	}
	again := counts()
	if again[0] != 1 || again[1] != first[1] || again[3] != 4 {
		t.Errorf("seeding twice changed the cohort: %v then %v", first, again)
	}
	var inTarget bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM teacher_profiles p JOIN users u ON u.id = p.user_id JOIN schools s ON s.npsn = p.npsn
		JOIN cohort_regencies t ON t.regency_code = s.regency_code WHERE u.email = 'guru@demo.penggerak.id')`).Scan(&inTarget); err != nil {
		t.Fatal(err)
	}
	if !inTarget {
		t.Error("the demo teacher's school is not in a target kab/kota of Angkatan 12")
	}
}
