package demo

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/testdb"
)

func TestSeedRecruitmentIdempotent(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	if err := Seed(ctx, db, account.TestParams); err != nil {
		t.Fatal(err)
	}
	// No school yet: no profile, and no failure.
	var n int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM teacher_profiles`).Scan(&n)
	if n != 0 {
		t.Errorf("%d profiles without schools", n)
	}
	if _, err := db.Exec(ctx, `INSERT INTO schools (npsn, name, jenjang, status, regency_code) VALUES ('10600001', 'SD Negeri 1 Baturaja', 'SD', 'negeri', '16.01')`); err != nil {
		t.Fatal(err)
	}
	if err := Seed(ctx, db, account.TestParams); err != nil {
		t.Fatal(err)
	}
	var cohorts, targets, kalteng, questions, docs, profiles int
	err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM cohorts), (SELECT count(*) FROM cohort_regencies),
		(SELECT count(*) FROM cohort_regencies WHERE regency_code LIKE '62.%'), (SELECT count(*) FROM essay_questions),
		(SELECT count(*) FROM required_documents), (SELECT count(*) FROM teacher_profiles)`).Scan(&cohorts, &targets, &kalteng, &questions, &docs, &profiles)
	if err != nil {
		t.Fatal(err)
	}
	if cohorts != 1 || kalteng < 10 || targets != kalteng+2 || questions != 4 || docs != 4 || profiles != 1 {
		t.Errorf("cohorts %d targets %d (kalteng %d) questions %d docs %d profiles %d", cohorts, targets, kalteng, questions, docs, profiles)
	}
}
