package selection

import (
	"testing"
	"time"
)

func TestPlanSlots(t *testing.T) {
	wib := time.FixedZone("WIB", 7*3600)
	w := SlotWindow{FirstDay: time.Date(2026, 5, 4, 0, 0, 0, 0, wib), Zone: wib, DayStart: 8 * time.Hour, DayEnd: 11 * time.Hour, Minutes: 75, Break: 15}
	if !w.Valid() {
		t.Fatal("window should be valid")
	}
	pairs := map[int64][2]int64{3: {1, 2}, 1: {1, 2}, 2: {3, 4}, 4: {1, 3}}
	got := PlanSlots(pairs, w)
	at := func(day, h, m int) time.Time { return time.Date(2026, 5, day, h, m, 0, 0, wib) }
	want := map[int64]time.Time{
		1: at(4, 8, 0),  // 1,2 free
		2: at(4, 8, 0),  // 3,4 free: in parallel
		3: at(4, 9, 30), // 1,2 busy until 9:30 (75 + 15)
		4: at(5, 8, 0),  // 1 busy until 11:00: no 75 minutes left today → next day
	}
	if len(got) != 4 {
		t.Fatalf("%d plans", len(got))
	}
	for i, p := range got {
		if i > 0 && got[i-1].ApplicationID > p.ApplicationID {
			t.Fatal("not in application order")
		}
		if !p.Start.Equal(want[p.ApplicationID]) {
			t.Errorf("application %d at %v, want %v", p.ApplicationID, p.Start, want[p.ApplicationID])
		}
	}
	// Deterministic.
	again := PlanSlots(pairs, w)
	for i := range got {
		if got[i] != again[i] {
			t.Fatal("not deterministic")
		}
	}
	bad := w
	bad.DayEnd = 9 * time.Hour
	if bad.Valid() {
		t.Fatal("a 60-minute day cannot hold a 75-minute session")
	}
}

func TestScheduleFormParse(t *testing.T) {
	ok := ScheduleForm{FirstDay: "2026-05-04", DayStart: "08:00", DayEnd: "16:00", Minutes: "75", Break: "15", Mode: "daring", Location: "https://meet.example.id/gp"}
	if _, errs := ok.Parse(); len(errs) != 0 {
		t.Fatalf("valid form: %v", errs)
	}
	tests := []struct {
		name  string
		mod   func(*ScheduleForm)
		field string
	}{
		{"bad date", func(f *ScheduleForm) { f.FirstDay = "04/05/2026" }, "first_day"},
		{"bad clock", func(f *ScheduleForm) { f.DayStart = "8 pagi" }, "day_start"},
		{"too short a day", func(f *ScheduleForm) { f.DayEnd = "08:30" }, "day_end"},
		{"minutes", func(f *ScheduleForm) { f.Minutes = "5" }, "minutes"},
		{"online needs a https link", func(f *ScheduleForm) { f.Location = "ruang 3" }, "location"},
		{"mode", func(f *ScheduleForm) { f.Mode = "x" }, "mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ok
			tt.mod(&f)
			if _, errs := f.Parse(); errs[tt.field] == "" {
				t.Fatalf("no error on %s: %v", tt.field, errs)
			}
		})
	}
	inPerson := ok
	inPerson.Mode, inPerson.Location = "luring", "SMPN 1 Baturaja, ruang 3"
	if _, errs := inPerson.Parse(); len(errs) != 0 {
		t.Fatalf("in person: %v", errs)
	}
}
