package demo

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/testdb"
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
		(SELECT count(*) FROM training_attendance),
		(SELECT count(*) FROM training_visits WHERE submitted_at IS NOT NULL),
		(SELECT count(*) FROM training_visits WHERE acknowledged_at IS NOT NULL),
		(SELECT count(*) FROM training_visits WHERE submitted_at IS NULL AND draft_saved_at IS NOT NULL),
		(SELECT count(*) FROM training_module_progress),
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
