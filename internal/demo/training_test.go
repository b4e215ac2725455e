package demo

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/profile"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
)

// The training demo: Angkatan 10 in pendidikan with confirmed groups in Kabupaten OKU and Kota
// Serang, the demo PP leading a group with the demo CGP in it, attendance, visits and progress;
// seeding twice changes nothing.
func TestSeedTraining(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	for range 2 {
		if err := Seed(ctx, db, account.TestParams); err != nil {
			t.Fatal(err)
		}
		if err := SeedTraining(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	var status string
	var cgps, groups, okuGroups, serangGroups, attendance, sent, acked, drafts, progress, demoInPPGroup int
	if err := db.QueryRow(ctx, `SELECT c.status,
		(SELECT count(*) FROM training_participants p WHERE p.cohort_id = c.id),
		(SELECT count(*) FROM training_groups g WHERE g.cohort_id = c.id AND g.status = 'aktif'),
		(SELECT count(*) FROM training_groups g WHERE g.cohort_id = c.id AND g.regency_code = '16.01'),
		(SELECT count(*) FROM training_groups g WHERE g.cohort_id = c.id AND g.regency_code = '36.73'),
		(SELECT count(*) FROM training_attendance a JOIN training_participants p ON p.id = a.participant_id WHERE p.cohort_id = c.id),
		(SELECT count(*) FROM training_visits v JOIN training_participants p ON p.id = v.participant_id WHERE p.cohort_id = c.id AND v.submitted_at IS NOT NULL),
		(SELECT count(*) FROM training_visits v JOIN training_participants p ON p.id = v.participant_id WHERE p.cohort_id = c.id AND v.acknowledged_at IS NOT NULL),
		(SELECT count(*) FROM training_visits v JOIN training_participants p ON p.id = v.participant_id WHERE p.cohort_id = c.id AND v.submitted_at IS NULL AND v.draft_saved_at IS NOT NULL),
		(SELECT count(*) FROM training_module_progress x JOIN training_participants p ON p.id = x.participant_id WHERE p.cohort_id = c.id),
		(SELECT count(*) FROM training_group_members m JOIN training_participants p ON p.id = m.participant_id
			JOIN users u ON u.id = p.user_id JOIN training_groups g ON g.id = m.group_id
			JOIN training_mentors t ON t.id = g.pp_id JOIN users pu ON pu.id = t.user_id
			WHERE u.email = 'cgp@demo.penggerak.id' AND pu.email = 'pp@demo.penggerak.id')
		FROM cohorts c WHERE c.number = 10 AND c.program_kind = 'cgp'`).
		Scan(&status, &cgps, &groups, &okuGroups, &serangGroups, &attendance, &sent, &acked, &drafts, &progress, &demoInPPGroup); err != nil {
		t.Fatal(err)
	}
	if status != "pendidikan" || cgps != 16 || groups != 3 || okuGroups != 2 || serangGroups != 1 || attendance != 16 ||
		sent != 2 || acked != 1 || drafts != 1 || progress == 0 || demoInPPGroup != 1 {
		t.Fatalf("status %s cgps %d groups %d (OKU %d, Serang %d) attendance %d sent %d acked %d drafts %d progress %d demo CGP with demo PP %d",
			status, cgps, groups, okuGroups, serangGroups, attendance, sent, acked, drafts, progress, demoInPPGroup)
	}
}

// The graduates' demo: Angkatan 9 is selesai; its graduates hold Sertifikat Guru Penggerak
// issued by the graduation (numbered per kab/kota, with a token, audited), one is revoked with
// its reason and verifies as revoked, the register lists them per kab/kota, and the demo
// graduate's account has the certificate (the fact on their profile) and a teacher profile.
func TestSeedGraduates(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	for range 2 {
		if err := Seed(ctx, db, account.TestParams); err != nil {
			t.Fatal(err)
		}
		if err := SeedTraining(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	var cohortID int64
	var status string
	var lulus, tidakLulus, mundur, certs, revoked, audited, cohorts int
	if err := db.QueryRow(ctx, `SELECT c.id, c.status,
		(SELECT count(*) FROM training_participants p WHERE p.cohort_id = c.id AND p.outcome = 'lulus'),
		(SELECT count(*) FROM training_participants p WHERE p.cohort_id = c.id AND p.outcome = 'tidak_lulus'),
		(SELECT count(*) FROM training_participants p WHERE p.cohort_id = c.id AND p.status = 'mundur'),
		(SELECT count(*) FROM training_certificates x JOIN training_participants p ON p.id = x.participant_id WHERE p.cohort_id = c.id),
		(SELECT count(*) FROM training_certificates x JOIN training_participants p ON p.id = x.participant_id WHERE p.cohort_id = c.id AND x.revoked_at IS NOT NULL),
		(SELECT count(*) FROM audit_log WHERE action = 'training.decide' AND detail ? 'certificate'),
		(SELECT count(*) FROM cohorts WHERE program_kind = 'cgp' AND number = 9)
		FROM cohorts c WHERE c.number = 9 AND c.program_kind = 'cgp'`).
		Scan(&cohortID, &status, &lulus, &tidakLulus, &mundur, &certs, &revoked, &audited, &cohorts); err != nil {
		t.Fatal(err)
	}
	if status != "selesai" || lulus != 14 || tidakLulus != 1 || mundur != 1 || certs != 14 || revoked != 1 || audited != 14 || cohorts != 1 {
		t.Fatalf("Angkatan 9: status %s, %d lulus, %d tidak lulus, %d mundur, %d certificates (%d revoked, %d audited), %d cohorts",
			status, lulus, tidakLulus, mundur, certs, revoked, audited, cohorts)
	}
	st := training.NewStore(db)
	// The register: every certificate, per kab/kota (OKU 9 valid; Kota Serang 4 valid, 1 revoked).
	groups, err := st.RegisterGroups(ctx, training.Scope{National: true}, training.RegisterFilter{CohortID: cohortID})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, g := range groups {
		got[g.RegencyCode] = [2]int{g.Valid, g.RevokedCount}
	}
	if got["16.01"] != [2]int{9, 0} || got["36.73"] != [2]int{4, 1} || len(got) != 2 {
		t.Fatalf("register groups %+v", got)
	}
	// The revoked one verifies as revoked, with its reason kept.
	var token string
	if err := db.QueryRow(ctx, `SELECT token FROM training_certificates WHERE revoked_at IS NOT NULL`).Scan(&token); err != nil {
		t.Fatal(err)
	}
	c, err := st.CertificateByToken(ctx, token)
	if err != nil || !c.Revoked() || c.RevokeReason != RevokedReason || c.RegencyCode != "36.73" || c.Number != training.CertificateNumber(9, "36.73", 5) {
		t.Fatalf("revoked certificate %+v (%v)", c, err)
	}
	// The demo graduate: a valid certificate, the first number of OKU, and a profile.
	var gradID int64
	if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, GraduateEmail).Scan(&gradID); err != nil {
		t.Fatal(err)
	}
	mine, err := st.MyCertificates(ctx, gradID)
	if err != nil || len(mine) != 1 || mine[0].Revoked() || mine[0].Name != "Dewi Kartika" || mine[0].Number != "SGP/9/16.01/0001" || mine[0].CohortName != "Angkatan 9" {
		t.Fatalf("demo graduate's certificates %+v (%v)", mine, err)
	}
	if ok, err := st.CertificateByToken(ctx, mine[0].Token); err != nil || ok.Revoked() {
		t.Fatalf("demo graduate's certificate does not verify: %+v %v", ok, err)
	}
	if p, err := profile.NewStore(db).Get(ctx, gradID); err != nil || p.NIK != DemoGraduateProfile.NIK {
		t.Fatalf("demo graduate profile %+v (%v)", p, err)
	}
	// Angkatan 10's demo PP and CGP see nothing of Angkatan 9.
	var leaked int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM training_mentors t JOIN users u ON u.id = t.user_id
		WHERE t.cohort_id = $1 AND u.email IN ('pp@demo.penggerak.id', 'fasilitator@demo.penggerak.id', 'cgp@demo.penggerak.id')`, cohortID).Scan(&leaked); err != nil || leaked != 0 {
		t.Fatalf("Angkatan 10's demo logins appointed in Angkatan 9: %d (%v)", leaked, err)
	}
}
