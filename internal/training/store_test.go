package training_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
)

type world struct {
	store    *training.Store
	f        trainingtest.Fixture
	c        trainingtest.Cohort
	bgp      audit.Actor
	sc       training.Scope
	pp1, pp2 int64 // users
	fas      int64
}

// newWorld: a cohort with 11 CGPs in Kabupaten OKU (16.01) at three schools, one absent at the
// briefing, two PPs (pp1 teaches at school A) and a fasilitator, moved to pendidikan.
func newWorld(t *testing.T) world {
	db, _ := testdb.New(t)
	f := trainingtest.Fixture{T: t, DB: db}
	c := f.NewCohort("16.01")
	for i := range 11 {
		school := []string{"10601001", "10601002", "10601003"}[i%3]
		f.CGP(c, 0, fmt.Sprintf("CGP %02d", i), school, "16.01", []string{"SD", "SMP"}[i%2])
	}
	f.Absent(c, "Tidak Datang", "10601001", "16.01")
	f.School("10601009", "16.01", "SD")
	w := world{store: training.NewStore(db), f: f, c: c, sc: training.Scope{Provinces: []string{"16"}}}
	w.bgp = audit.Actor{UserID: f.User("bgp@pelatihan.test", "BGP Sumsel", ""), IP: "127.0.0.1"}
	w.pp1 = f.User("pp1@pelatihan.test", "PP Satu", "10601001")
	w.pp2 = f.User("pp2@pelatihan.test", "PP Dua", "10601009")
	w.fas = f.User("fas@pelatihan.test", "Fasilitator", "")
	f.Grant(w.pp1, "pengajar_praktik", "16", "16.01")
	f.Grant(w.pp2, "pengajar_praktik", "16", "")
	f.Grant(w.fas, "fasilitator", "16", "")
	f.Start(c)
	return w
}

func (w world) appoint(t *testing.T, user int64, role string) int64 {
	t.Helper()
	id, err := w.store.Appoint(context.Background(), w.bgp, w.sc, w.c.ID, training.Appointment{UserID: user, Role: role, Regency: "16.01"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestRosterAppointProposeConfirm(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	st, err := w.store.Settings(ctx, w.c.ID)
	if err != nil || st.GroupMin != 5 || st.GroupMax != 6 || st.PPCap != 6 || st.FasilitatorCap != 4 || st.VisitsPlanned != 6 || st.AttendanceMinPct != 80 {
		t.Fatalf("settings %+v %v", st, err)
	}
	v, err := w.store.Province(ctx, w.sc, w.c.ID, "16")
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Regencies) != 1 || v.Regencies[0].CGPs != 11 || v.Unassigned != 11 {
		t.Fatalf("roster: %+v unassigned %d (the absent one is not a CGP)", v.Regencies, v.Unassigned)
	}
	// Appointments: the role is required, the province must be the BGP's.
	stranger := w.f.User("x@pelatihan.test", "Bukan PP", "")
	if _, err := w.store.Appoint(ctx, w.bgp, w.sc, w.c.ID, training.Appointment{UserID: stranger, Role: "pengajar_praktik", Regency: "16.01"}); !errors.Is(err, training.ErrNoGrant) {
		t.Fatalf("appoint without grant: %v", err)
	}
	if _, err := w.store.Appoint(ctx, w.bgp, training.Scope{Provinces: []string{"36"}}, w.c.ID, training.Appointment{UserID: w.pp1, Role: "pengajar_praktik", Regency: "16.01"}); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("appoint by another province's BGP: %v", err)
	}
	pp1 := w.appoint(t, w.pp1, "pengajar_praktik")
	pp2 := w.appoint(t, w.pp2, "pengajar_praktik")
	w.appoint(t, w.fas, "fasilitator")
	if _, err := w.store.Appoint(ctx, w.bgp, w.sc, w.c.ID, training.Appointment{UserID: w.pp1, Role: "pengajar_praktik", Regency: "16.01"}); !errors.Is(err, training.ErrAppointed) {
		t.Fatalf("second appointment: %v", err)
	}
	p, err := w.store.Propose(ctx, w.bgp, w.sc, w.c.ID, "16")
	if err != nil {
		t.Fatal(err)
	}
	// 11 CGPs, two PPs of cap 6: two groups (6 + 5); pp1 never mentors school A.
	if len(p.Groups) != 2 || len(p.Unplaced) != 0 {
		t.Fatalf("proposal %+v", p)
	}
	v, err = w.store.Province(ctx, w.sc, w.c.ID, "16")
	if err != nil {
		t.Fatal(err)
	}
	if v.Proposed != 2 || v.Active != 0 {
		t.Fatalf("province %+v", v)
	}
	for _, g := range v.Groups {
		for _, m := range g.Members {
			if g.PPID == pp1 && m.NPSN == "10601001" {
				t.Fatalf("pp1 mentors a CGP of its own school")
			}
		}
		if g.FasilitatorID == nil {
			t.Fatalf("group without fasilitator")
		}
	}
	// The proposal is not visible to the PP or the CGPs before confirmation.
	if gs, _ := w.store.MentoredGroups(ctx, w.pp1); len(gs) != 0 {
		t.Fatalf("PP sees an unconfirmed group")
	}
	// A move that breaks a rule is refused with the problem.
	g1, g2 := v.Groups[0], v.Groups[1]
	big, small := g1, g2
	if len(g1.Members) < len(g2.Members) {
		big, small = g2, g1
	}
	var pe *training.ProblemError
	err = w.store.Move(ctx, w.bgp, w.sc, small.Members[0].ID, big.ID, "")
	if !errors.As(err, &pe) || !slices.Contains(pe.Problems, training.ProblemTooBig) || !slices.Contains(pe.Problems, training.ProblemTooSmall) {
		t.Fatalf("move into a full group: %v", err)
	}
	// Swapping in pp1 on a group with a school-A member is refused.
	for _, g := range v.Groups {
		if g.PPID == pp2 && slices.ContainsFunc(g.Members, func(m training.Participant) bool { return m.NPSN == "10601001" }) {
			err = w.store.SetPP(ctx, w.bgp, w.sc, g.ID, pp1, "")
			if !errors.As(err, &pe) || !slices.Contains(pe.Problems, training.ProblemOwnSchool) {
				t.Fatalf("pp from own school: %v", err)
			}
		}
	}
	var sent []string
	n, err := w.store.Confirm(ctx, w.bgp, w.sc, w.c.ID, "16", func(r training.Recipient) mail.Message {
		sent = append(sent, r.Email)
		return mail.Message{Subject: "Kelompok " + r.Group, Body: "PP: " + r.PP}
	}, time.Now())
	if err != nil || n != 2 {
		t.Fatalf("confirm %d %v", n, err)
	}
	if len(sent) != 13 { // 11 CGPs + 2 PPs
		t.Fatalf("mailed %d: %v", len(sent), sent)
	}
	if _, err := w.store.Propose(ctx, w.bgp, w.sc, w.c.ID, "16"); !errors.Is(err, training.ErrConfirmed) {
		t.Fatalf("propose after confirmation: %v", err)
	}
	// A later change needs a reason and lands in the history.
	v, _ = w.store.Province(ctx, w.sc, w.c.ID, "16")
	big, small = v.Groups[0], v.Groups[1]
	if len(big.Members) < len(small.Members) {
		big, small = small, big
	}
	mover := big.Members[0]
	var target training.GroupRow = small
	err = w.store.Move(ctx, w.bgp, w.sc, mover.ID, target.ID, "")
	if !errors.As(err, &pe) || !slices.Contains(pe.Problems, training.ProblemReasonMissing) {
		t.Fatalf("move without reason: %v", err)
	}
	if target.PPID == pp1 && mover.NPSN == "10601001" {
		mover = big.Members[1]
	}
	if err := w.store.Move(ctx, w.bgp, w.sc, mover.ID, target.ID, "Pindah sekolah ke dekat PP"); err != nil {
		t.Fatalf("move with reason: %v", err)
	}
	_, h, err := w.store.Group(ctx, training.Viewer{Staff: &w.sc}, target.ID)
	if err != nil || len(h) != 2 || h[1].Kind != "masuk" || h[1].Reason != "Pindah sekolah ke dekat PP" {
		t.Fatalf("history %+v %v", h, err)
	}
	// Everyone sees their own.
	mine, err := w.store.MyGroups(ctx, mover.UserID)
	if err != nil || len(mine) != 1 || mine[0].ID != target.ID || mine[0].PPEmail == "" {
		t.Fatalf("CGP's group %+v %v", mine, err)
	}
	ppOf := map[int64]int64{pp1: w.pp1, pp2: w.pp2}
	other := w.pp1
	if ppOf[target.PPID] == w.pp1 {
		other = w.pp2
	}
	if _, err := w.store.Mentee(ctx, ppOf[target.PPID], mover.ID); err != nil {
		t.Fatalf("own mentee: %v", err)
	}
	if _, err := w.store.Mentee(ctx, other, mover.ID); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("another PP's mentee: %v", err)
	}
	if _, _, err := w.store.Group(ctx, training.Viewer{UserID: other}, target.ID); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("another PP's group: %v", err)
	}
	if _, _, err := w.store.Group(ctx, training.Viewer{Staff: &training.Scope{Provinces: []string{"36"}}}, target.ID); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("another province's group: %v", err)
	}
	if cls, err := w.store.Classes(ctx, w.fas); err != nil || len(cls) != 2 {
		t.Fatalf("fasilitator classes %d %v", len(cls), err)
	}
	if cls, _ := w.store.Classes(ctx, w.pp1); len(cls) != 0 {
		t.Fatalf("a PP sees a fasilitator's class")
	}
	var audited int
	_ = w.f.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action LIKE 'training.%'`).Scan(&audited)
	if audited != 6 { // 3 appointments, propose, confirm, move
		t.Fatalf("audited %d", audited)
	}
}
