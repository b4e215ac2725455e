package training_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"penggerak/internal/training"
)

// Mid-training nothing is judged early: no lokakarya held, no visit due, the last lokakarya not
// begun — no risk; each rule counts once it is due.
func TestAtRisk(t *testing.T) {
	st := training.Settings{AttendanceMinPct: 80, VisitsPlanned: 6, Modules: 10, AssessmentPass: 70}
	early := training.CompletionFacts{}
	if got := training.AtRisk(st, early, training.Due{}); len(got) != 0 {
		t.Fatalf("nothing due yet: %v", got)
	}
	score := func(n int) *int { return &n }
	for _, tc := range []struct {
		name string
		f    training.CompletionFacts
		d    training.Due
		want []string
	}{
		{"1 of 2 lokakarya attended", training.CompletionFacts{LokakaryaHeld: 2, Attended: 1}, training.Due{}, []string{training.UnmetAttendance}},
		{"2 of 2 attended", training.CompletionFacts{LokakaryaHeld: 2, Attended: 2}, training.Due{}, nil},
		{"2 visits due, 1 acknowledged", training.CompletionFacts{VisitsAcknowledged: 1}, training.Due{Visits: 2}, []string{training.UnmetVisits}},
		{"2 visits due, 2 acknowledged", training.CompletionFacts{VisitsAcknowledged: 2}, training.Due{Visits: 2}, nil},
		{"ended without modules or assessments", training.CompletionFacts{LokakaryaHeld: 8, Attended: 8}, training.Due{Ended: true},
			[]string{training.UnmetModules, training.UnmetPPAssessment, training.UnmetFasAssessment}},
		{"ended with everything", training.CompletionFacts{LokakaryaHeld: 8, Attended: 8, ModulesDone: 10, PPScore: score(70), FasScore: score(90)},
			training.Due{Ended: true}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := training.AtRisk(st, tc.f, tc.d); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// The province page's figures per kab/kota, computed in SQL: attendance at the lokakarya held
// (only their groups' CGPs expected), visits sent/acknowledged/missing/late, module progress;
// the CGPs at risk with the rule they miss; a Dinas of another kab/kota sees none of it.
func TestProvinceFiguresAndRisk(t *testing.T) {
	w, gs := confirmedWorld(t)
	ctx := context.Background()
	now := time.Now()
	g1, g2 := gs[0], gs[1]
	// Lokakarya 0 (all groups) held a week ago, lokakarya 1 (group 1 only) yesterday, 2 next week.
	l0, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, training.LokakaryaInput{Regency: "16.01", Number: 0, StartsAt: now.Add(-7 * 24 * time.Hour), Place: "Aula OKU"}, lkCompose)
	if err != nil {
		t.Fatal(err)
	}
	l1, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, training.LokakaryaInput{Regency: "16.01", Number: 1, StartsAt: now.Add(-24 * time.Hour), Place: "Aula OKU", Groups: []int64{g1.ID}}, lkCompose)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, training.LokakaryaInput{Regency: "16.01", Number: 2, StartsAt: now.Add(7 * 24 * time.Hour), Place: "Aula OKU"}, lkCompose); err != nil {
		t.Fatal(err)
	}
	rec := training.Recorder{UserID: w.bgp.UserID, BGPProvinces: []string{"16"}}
	var e0, e1 []training.AttendanceEntry
	for _, g := range gs {
		for _, m := range g.Members {
			e0 = append(e0, training.AttendanceEntry{ParticipantID: m.ID, Status: "hadir"})
		}
	}
	absent := g1.Members[0].ID
	for i, m := range g1.Members {
		status := training.AttendancePresent
		if i == 0 {
			status = training.AttendanceAbsent
		}
		e1 = append(e1, training.AttendanceEntry{ParticipantID: m.ID, Status: status})
	}
	if err := w.store.SaveAttendance(ctx, w.bgp, rec, l0, e0); err != nil {
		t.Fatal(err)
	}
	if err := w.store.SaveAttendance(ctx, w.bgp, rec, l1, e1); err != nil {
		t.Fatal(err)
	}
	// Visits of g2's first CGP: 1 planned 20 days ago, sent late and acknowledged; 2 planned 12
	// days ago, never sent (missing, and due: the rule is at risk); 3 planned next week.
	late := g2.Members[0].ID
	day := func(d int) time.Time { return now.AddDate(0, 0, d) }
	for _, v := range []struct {
		n                int
		planned, visited *time.Time
		sent, acked      bool
	}{{1, ptr(day(-20)), ptr(day(-18)), true, true}, {2, ptr(day(-12)), nil, false, false}, {3, ptr(day(7)), nil, false, false}} {
		if _, err := w.f.DB.Exec(ctx, `INSERT INTO training_visits (participant_id, number, planned_on, visited_on, mode, notes, submitted_at, acknowledged_at)
			VALUES ($1, $2, $3::date, $4::date, CASE WHEN $5 THEN 'kunjungan' END, CASE WHEN $5 THEN 'catatan' ELSE '' END,
				CASE WHEN $5 THEN now() END, CASE WHEN $6 THEN now() END)`, late, v.n, v.planned, v.visited, v.sent, v.acked); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.f.DB.Exec(ctx, `INSERT INTO training_module_progress (participant_id, module) SELECT $1, generate_series(1, 4)`, late); err != nil {
		t.Fatal(err)
	}
	v, err := w.store.ProvinceAt(ctx, w.sc, w.c.ID, "16", "", now)
	if err != nil || len(v.Regencies) != 1 {
		t.Fatalf("province %+v %v", v.Regencies, err)
	}
	if !v.Detailed || len(v.Groups) != 2 || v.Active != 2 || v.Proposed != 0 || v.Unassigned != 0 {
		t.Fatalf("a small province lists its groups: detailed %v, %d groups, active %d proposed %d unassigned %d", v.Detailed, len(v.Groups), v.Active, v.Proposed, v.Unassigned)
	}
	if other, err := w.store.ProvinceAt(ctx, w.sc, w.c.ID, "16", "16.02", now); err != nil || len(other.Groups) != 0 || other.Active != 0 || len(other.Regencies) != 1 {
		t.Fatalf("another kab/kota chosen: %d groups, active %d, %d kab/kota rows (%v)", len(other.Groups), other.Active, len(other.Regencies), err)
	}
	if rs, _ := w.store.AtRisk(ctx, w.sc, w.c.ID, "16", "16.02", now); len(rs) != 0 {
		t.Fatalf("another kab/kota chosen: %d at risk", len(rs))
	}
	r := v.Regencies[0]
	cgps := len(g1.Members) + len(g2.Members)
	wantExpected := cgps + len(g1.Members)
	if r.LokakaryaHeld != 2 || r.AttendanceExpected != wantExpected || r.AttendancePresent != wantExpected-1 {
		t.Fatalf("attendance: held %d, expected %d (want %d), present %d", r.LokakaryaHeld, r.AttendanceExpected, wantExpected, r.AttendancePresent)
	}
	if r.VisitsSent != 1 || r.VisitsAcked != 1 || r.VisitsScheduled != 3 || r.VisitsMissing != 1 || r.VisitsLate != 1 || r.VisitsPlanned != cgps*6 {
		t.Fatalf("visits: %+v", r)
	}
	if r.ModulesDone != 4 || r.ModulesTotal != cgps*10 {
		t.Fatalf("modules %d / %d", r.ModulesDone, r.ModulesTotal)
	}
	risk, err := w.store.AtRisk(ctx, w.sc, w.c.ID, "16", "", now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64][]string{}
	for _, x := range risk {
		got[x.ParticipantID] = x.Unmet
	}
	if len(risk) != 2 || !slices.Equal(got[absent], []string{training.UnmetAttendance}) || !slices.Equal(got[late], []string{training.UnmetVisits}) {
		t.Fatalf("at risk: %+v", risk)
	}
	// A Dinas of Kota Serang sees nothing of the province; a Dinas of OKU sees the same figures.
	if _, err := w.store.ProvinceAt(ctx, training.Scope{Regencies: []string{"36.73"}}, w.c.ID, "16", "", now); err == nil {
		t.Fatalf("Dinas Kota Serang sees Sumatera Selatan")
	}
	if rs, _ := w.store.AtRisk(ctx, training.Scope{Regencies: []string{"36.73"}}, w.c.ID, "16", "", now); len(rs) != 0 {
		t.Fatalf("Dinas Kota Serang sees %d CGPs at risk", len(rs))
	}
	oku, err := w.store.ProvinceAt(ctx, training.Scope{Regencies: []string{"16.01"}}, w.c.ID, "16", "", now)
	if err != nil || len(oku.Regencies) != 1 || oku.Regencies[0] != r {
		t.Fatalf("Dinas OKU: %+v %v", oku.Regencies, err)
	}
}

func ptr[T any](v T) *T { return &v }
