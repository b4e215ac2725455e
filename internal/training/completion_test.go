package training

import (
	"slices"
	"testing"
)

// One test per completion rule: a CGP meeting every rule, then each rule broken alone.
func TestUnmet(t *testing.T) {
	st := Settings{AttendanceMinPct: 80, VisitsPlanned: 6, Modules: 10, AssessmentPass: 70}
	score := func(n int) *int { return &n }
	all := CompletionFacts{LokakaryaHeld: 8, Attended: 7, VisitsAcknowledged: 6, ModulesDone: 10, PPScore: score(70), FasScore: score(85)}
	if got := Unmet(st, all); len(got) != 0 {
		t.Fatalf("meets every rule, got %v", got)
	}
	cases := []struct {
		name string
		edit func(*CompletionFacts)
		want string
	}{
		{"attendance below 80%", func(f *CompletionFacts) { f.Attended = 6 }, UnmetAttendance},
		{"no lokakarya held yet", func(f *CompletionFacts) { f.LokakaryaHeld, f.Attended = 0, 0 }, UnmetAttendance},
		{"a planned visit not acknowledged", func(f *CompletionFacts) { f.VisitsAcknowledged = 5 }, UnmetVisits},
		{"a module incomplete", func(f *CompletionFacts) { f.ModulesDone = 9 }, UnmetModules},
		{"PP assessment missing", func(f *CompletionFacts) { f.PPScore = nil }, UnmetPPAssessment},
		{"PP assessment below the threshold", func(f *CompletionFacts) { f.PPScore = score(69) }, UnmetPPAssessment},
		{"fasilitator assessment missing", func(f *CompletionFacts) { f.FasScore = nil }, UnmetFasAssessment},
		{"fasilitator assessment below the threshold", func(f *CompletionFacts) { f.FasScore = score(10) }, UnmetFasAssessment},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := all
			tc.edit(&f)
			if got := Unmet(st, f); !slices.Equal(got, []string{tc.want}) {
				t.Fatalf("got %v, want [%s]", got, tc.want)
			}
		})
	}
	// The numbers are the cohort's: with 50% attendance required, 4 of 8 is enough.
	st.AttendanceMinPct = 50
	f := all
	f.Attended = 4
	if got := Unmet(st, f); len(got) != 0 {
		t.Fatalf("50%% setting: %v", got)
	}
}
