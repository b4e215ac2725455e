package selection

import (
	"errors"
	"reflect"
	"testing"
)

func TestIncomplete(t *testing.T) {
	all := []StageGrade{{Stage: StageTahap1, PassingGrade: 60, Weight: 1}, {Stage: StageSimulasi, PassingGrade: 60, Weight: 1},
		{Stage: StageWawancara, PassingGrade: 60, Weight: 1}}
	t2only := []StageGrade{{Stage: StageWawancara, PassingGrade: 60, Weight: 1}}
	const (
		M = ScoreMissing
		F = ScoreFinal
		T = ScoreNeedThird
	)
	app := func(states []ScoreState, scores []float64, scheduled, noShow bool) ApplicantScores {
		return ApplicantScores{ApplicationID: 1, States: states, Scores: scores, Scheduled: scheduled, NoShow: noShow}
	}
	tests := []struct {
		name   string
		stages []StageGrade
		apps   []ApplicantScores
		want   []Gap
	}{
		{"nobody", all, nil, nil},
		{"all final", all, []ApplicantScores{app([]ScoreState{F, F, F}, []float64{70, 65, 80}, true, false)}, nil},
		{"failed tahap 1 owes nothing more", all, []ApplicantScores{app([]ScoreState{F, M, M}, []float64{59.99, 0, 0}, false, false)}, nil},
		{"tahap 1 not scored", all, []ApplicantScores{app([]ScoreState{M, M, M}, []float64{0, 0, 0}, false, false)},
			[]Gap{{StageTahap1, GapNoScore, 1}}},
		{"tahap 1 waits for a third: tahap 2 not counted", all, []ApplicantScores{app([]ScoreState{T, M, M}, []float64{0, 0, 0}, false, false)},
			[]Gap{{StageTahap1, GapThird, 1}}},
		{"passed tahap 1, not scheduled", all, []ApplicantScores{app([]ScoreState{F, M, M}, []float64{60, 0, 0}, false, false),
			app([]ScoreState{F, M, M}, []float64{90, 0, 0}, false, false)},
			[]Gap{{"", GapUnscheduled, 2}}},
		{"scheduled, not scored", all, []ApplicantScores{app([]ScoreState{F, M, M}, []float64{60, 0, 0}, true, false),
			app([]ScoreState{F, F, M}, []float64{60, 70, 0}, true, false)},
			[]Gap{{StageSimulasi, GapNoScore, 1}, {StageWawancara, GapNoScore, 2}}},
		{"no-show explains tahap 2", all, []ApplicantScores{app([]ScoreState{F, M, M}, []float64{80, 0, 0}, true, true)}, nil},
		{"no-show does not explain tahap 1", all, []ApplicantScores{app([]ScoreState{M, M, M}, []float64{0, 0, 0}, true, true)},
			[]Gap{{StageTahap1, GapNoScore, 1}}},
		{"third assessor in wawancara", all, []ApplicantScores{app([]ScoreState{F, F, T}, []float64{80, 70, 0}, true, false),
			app([]ScoreState{F, T, T}, []float64{80, 0, 0}, true, false)},
			[]Gap{{StageSimulasi, GapThird, 1}, {StageWawancara, GapThird, 2}}},
		{"mixed, in stage order", all, []ApplicantScores{
			app([]ScoreState{F, F, T}, []float64{80, 70, 0}, true, false),
			app([]ScoreState{F, M, M}, []float64{80, 0, 0}, false, false),
			app([]ScoreState{M, M, M}, []float64{0, 0, 0}, false, false),
			app([]ScoreState{F, F, M}, []float64{80, 70, 0}, true, false)},
			[]Gap{{StageTahap1, GapNoScore, 1}, {"", GapUnscheduled, 1}, {StageWawancara, GapNoScore, 1}, {StageWawancara, GapThird, 1}}},
		{"no tahap 1 rubric: tahap 2 owed by all", t2only, []ApplicantScores{app([]ScoreState{M}, []float64{0}, false, false),
			app([]ScoreState{M}, []float64{0}, true, false), app([]ScoreState{F}, []float64{10}, true, false)},
			[]Gap{{"", GapUnscheduled, 1}, {StageWawancara, GapNoScore, 1}}},
		{"only tahap 1", all[:1], []ApplicantScores{app([]ScoreState{F}, []float64{61}, false, false)}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Incomplete(tc.stages, tc.apps); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPendingErrorIsScoringPending(t *testing.T) {
	var err error = &PendingError{OpenSheets: 2, Gaps: []Gap{{StageWawancara, GapNoScore, 12}}}
	if !errors.Is(err, ErrScoringPending) {
		t.Fatal("not ErrScoringPending")
	}
	if p, ok := AsPending(err); !ok || p.OpenSheets != 2 {
		t.Fatal("AsPending")
	}
}
