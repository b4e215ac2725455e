package training_test

import (
	"context"
	"errors"
	"testing"

	"penggerak/internal/training"
)

// Graduates of a pp or fasilitator cohort in the BGP's province are candidates (named with their
// cohort) and may be appointed without holding the role; a graduate of another province, one who
// did not pass, or a graduate of a cgp cohort is neither.
func TestAppointGraduates(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	pp := w.f.NewCohort("16.01", "36.73")
	ok := w.f.CGP(pp, 0, "Lulusan PP OKU", "10601010", "16.01", "SD")
	failed := w.f.CGP(pp, 0, "Tidak Lulus PP", "10601011", "16.01", "SD")
	banten := w.f.CGP(pp, 0, "Lulusan PP Serang", "36730010", "36.73", "SD")
	fas := w.f.NewCohort("16.01")
	fasGrad := w.f.CGP(fas, 0, "Lulusan Fasilitator", "10601012", "16.01", "SMP")
	for _, c := range []struct {
		id   int64
		kind string
	}{{pp.ID, "pp"}, {fas.ID, "fasilitator"}} {
		if _, err := w.f.DB.Exec(ctx, `UPDATE cohorts SET program_kind = $2, number = 900 + id % 90 WHERE id = $1`, c.id, c.kind); err != nil {
			t.Fatal(err)
		}
	}
	w.f.Start(pp)
	w.f.Start(fas)
	if _, err := w.f.DB.Exec(ctx, `UPDATE training_participants SET outcome = CASE WHEN user_id = $1 THEN 'tidak_lulus' ELSE 'lulus' END,
		outcome_reason = 'uji', decided_at = now() WHERE cohort_id IN ($2, $3)`, failed, pp.ID, fas.ID); err != nil {
		t.Fatal(err)
	}
	// A cgp graduate of the cohort itself is no candidate.
	var cgpGrad int64
	_ = w.f.DB.QueryRow(ctx, `UPDATE training_participants SET outcome = 'lulus', decided_at = now() WHERE id = (SELECT min(id) FROM training_participants WHERE cohort_id = $1) RETURNING user_id`, w.c.ID).Scan(&cgpGrad)

	cs, err := w.store.Candidates(ctx, w.c.ID, "16")
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]training.MentorCandidate{}
	for _, c := range cs {
		got[c.UserID] = c
	}
	if c, in := got[ok]; !in || c.Role != "pengajar_praktik" || c.RegencyCode != "16.01" || c.Graduate == "" {
		t.Fatalf("PP graduate: %+v (in %v)", c, in)
	}
	if c, in := got[fasGrad]; !in || c.Role != "fasilitator" {
		t.Fatalf("fasilitator graduate: %+v (in %v)", c, in)
	}
	for name, id := range map[string]int64{"not passed": failed, "other province": banten, "cgp graduate": cgpGrad} {
		if _, in := got[id]; in {
			t.Errorf("%s is a candidate", name)
		}
	}
	// Role holders are still there (pp1 by grant on 16.01, pp2 and fas province-wide).
	if _, in := got[w.pp1]; !in {
		t.Fatalf("role holder missing: %+v", cs)
	}

	id, err := w.store.Appoint(ctx, w.bgp, w.sc, w.c.ID, training.Appointment{UserID: ok, Role: "pengajar_praktik", Regency: "16.01"})
	if err != nil {
		t.Fatal(err)
	}
	var npsn, via string
	var cap int
	_ = w.f.DB.QueryRow(ctx, `SELECT coalesce(npsn, ''), cap FROM training_mentors WHERE id = $1`, id).Scan(&npsn, &cap)
	_ = w.f.DB.QueryRow(ctx, `SELECT detail->>'graduate_of' FROM audit_log WHERE action = 'training.appoint' AND object_id = $1::bigint::text`, id).Scan(&via)
	if npsn != "10601010" || cap != 6 || via == "" {
		t.Fatalf("appointed graduate: npsn %q cap %d audited via %q", npsn, cap, via)
	}
	// A graduate as PP is not a graduate as fasilitator; the one who did not pass is refused.
	if _, err := w.store.Appoint(ctx, w.bgp, w.sc, w.c.ID, training.Appointment{UserID: ok, Role: "fasilitator", Regency: "16.01"}); !errors.Is(err, training.ErrNoGrant) {
		t.Fatalf("PP graduate as fasilitator: %v", err)
	}
	if _, err := w.store.Appoint(ctx, w.bgp, w.sc, w.c.ID, training.Appointment{UserID: failed, Role: "pengajar_praktik", Regency: "16.01"}); !errors.Is(err, training.ErrNoGrant) {
		t.Fatalf("not passed: %v", err)
	}
	if cs, _ := w.store.Candidates(ctx, w.c.ID, "16"); len(cs) != len(got)-1 {
		t.Fatalf("the appointed graduate is still a candidate: %d → %d", len(got), len(cs))
	}
}
