package selection

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func oneStage(pg float64) []StageGrade {
	return []StageGrade{{Stage: StageTahap1, PassingGrade: pg, Weight: 1}}
}

func cand(id int64, reg string, score, first float64, minutes int) Candidate {
	return Candidate{ApplicationID: id, RegencyCode: reg, StageScores: []float64{score}, FirstCriterion: first,
		SubmittedAt: t0.Add(time.Duration(minutes) * time.Minute)}
}

func outcomes(out RunOutput) map[int64]string {
	m := map[int64]string{}
	for _, r := range out.Results {
		m[r.ApplicationID] = string(r.Outcome) + "#" + string(rune('0'+r.Rank))
	}
	return m
}

func TestRunTable(t *testing.T) {
	tests := []struct {
		name string
		in   RunInput
		want map[int64]string
	}{
		{
			name: "quota and passing grade",
			in: RunInput{Stages: oneStage(60), Quotas: map[string]int{"16.01": 2},
				Candidates: []Candidate{cand(1, "16.01", 90, 3, 0), cand(2, "16.01", 80, 3, 0), cand(3, "16.01", 70, 3, 0), cand(4, "16.01", 59.99, 4, 0)}},
			want: map[int64]string{1: "lulus#1", 2: "lulus#2", 3: "cadangan#3", 4: "tidak_lulus#4"},
		},
		{
			name: "tie broken by first criterion then submission then id",
			in: RunInput{Stages: oneStage(50), Quotas: map[string]int{"16.01": 1},
				Candidates: []Candidate{cand(1, "16.01", 80, 3, 5), cand(2, "16.01", 80, 3.5, 9), cand(3, "16.01", 80, 3, 1), cand(4, "16.01", 80, 3, 1)}},
			want: map[int64]string{2: "lulus#1", 3: "cadangan#2", 4: "cadangan#3", 1: "cadangan#4"},
		},
		{
			name: "quotas per kab/kota, missing quota means none",
			in: RunInput{Stages: oneStage(50), Quotas: map[string]int{"16.01": 1, "36.73": 0},
				Candidates: []Candidate{cand(1, "16.01", 60, 1, 0), cand(2, "36.73", 99, 1, 0), cand(3, "16.02", 99, 1, 0), cand(4, "16.01", 55, 1, 0)}},
			want: map[int64]string{1: "lulus#1", 4: "cadangan#2", 2: "cadangan#1", 3: "cadangan#1"},
		},
		{
			name: "every stage must pass; missing score fails",
			in: RunInput{Stages: []StageGrade{{StageTahap1, 60, 1}, {StageWawancara, 70, 1}}, Quotas: map[string]int{"16.01": 5},
				Candidates: []Candidate{
					{ApplicationID: 1, RegencyCode: "16.01", StageScores: []float64{100, 69}},
					{ApplicationID: 2, RegencyCode: "16.01", StageScores: []float64{60, 70}},
					{ApplicationID: 3, RegencyCode: "16.01", StageScores: []float64{100, -1}},
				}},
			want: map[int64]string{1: "tidak_lulus#1", 2: "lulus#2", 3: "tidak_lulus#3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Run(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := outcomes(out); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if len(out.InputHash) != 64 || len(out.OutputHash) != 64 {
				t.Fatalf("hashes %q %q", out.InputHash, out.OutputHash)
			}
		})
	}
}

func TestRunInvalid(t *testing.T) {
	tests := []struct {
		name string
		in   RunInput
	}{
		{"no stages", RunInput{}},
		{"bad weight", RunInput{Stages: []StageGrade{{StageTahap1, 50, 0}}}},
		{"bad grade", RunInput{Stages: []StageGrade{{StageTahap1, 120, 1}}}},
		{"negative quota", RunInput{Stages: oneStage(50), Quotas: map[string]int{"16.01": -1}}},
		{"score count", RunInput{Stages: oneStage(50), Candidates: []Candidate{{ApplicationID: 1}}}},
		{"duplicate", RunInput{Stages: oneStage(50), Candidates: []Candidate{cand(1, "a", 1, 1, 0), cand(1, "a", 1, 1, 0)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Run(tt.in); !errors.Is(err, ErrInvalidRun) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestRunHashesChangeWithInputs(t *testing.T) {
	in := RunInput{Stages: oneStage(60), Quotas: map[string]int{"16.01": 1}, Candidates: []Candidate{cand(1, "16.01", 70, 3, 0), cand(2, "16.01", 65, 3, 0)}}
	a, _ := Run(in)
	in.Quotas = map[string]int{"16.01": 2}
	b, _ := Run(in)
	if a.InputHash == b.InputHash || a.OutputHash == b.OutputHash {
		t.Fatal("a quota change must change both hashes")
	}
	in.Candidates[1].FirstCriterion = 2
	c, _ := Run(in)
	if c.InputHash == b.InputHash || c.OutputHash != b.OutputHash {
		t.Fatal("a tie-break input changes the input hash only when outcomes stay")
	}
}

// randomInput makes a run input with few kab/kota and coarse scores so that ties and full quotas
// are common.
func randomInput(r *rand.Rand) RunInput {
	regs := []string{"16.01", "16.02", "36.73", "91.71"}
	in := RunInput{Stages: []StageGrade{{StageTahap1, float64(r.IntN(60) + 20), 1}, {StageSimulasi, float64(r.IntN(60) + 20), float64(r.IntN(3) + 1)}},
		Quotas: map[string]int{}}
	for _, g := range regs[:r.IntN(len(regs))+1] {
		in.Quotas[g] = r.IntN(6)
	}
	n := r.IntN(60)
	for i := 0; i < n; i++ {
		c := Candidate{ApplicationID: int64(r.IntN(1000)*100 + i), RegencyCode: regs[r.IntN(len(regs))],
			StageScores:    []float64{float64(r.IntN(11) * 10), float64(r.IntN(21) * 5)},
			FirstCriterion: float64(r.IntN(4) + 1), SubmittedAt: t0.Add(time.Duration(r.IntN(5)) * time.Hour)}
		if r.IntN(20) == 0 {
			c.StageScores[1] = -1
		}
		in.Candidates = append(in.Candidates, c)
	}
	return in
}

func TestRunPropertyDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 500; i++ {
		in := randomInput(r)
		a, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		shuffled := in
		shuffled.Candidates = append([]Candidate(nil), in.Candidates...)
		r.Shuffle(len(shuffled.Candidates), func(i, j int) {
			shuffled.Candidates[i], shuffled.Candidates[j] = shuffled.Candidates[j], shuffled.Candidates[i]
		})
		shuffled.Quotas = map[string]int{}
		for k, v := range in.Quotas {
			shuffled.Quotas[k] = v
		}
		b, err := Run(shuffled)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("case %d: order of inputs changed the run", i)
		}
	}
}

func TestRunPropertyQuotaNeverExceeded(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 500; i++ {
		in := randomInput(r)
		out, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		lulus, passed := map[string]int{}, map[string]int{}
		for _, res := range out.Results {
			if res.Outcome == OutcomeLulus {
				lulus[res.RegencyCode]++
			}
			if res.Passed {
				passed[res.RegencyCode]++
			}
			if res.Outcome != OutcomeTidakLulus && !res.Passed {
				t.Fatalf("case %d: %d did not pass but is %s", i, res.ApplicationID, res.Outcome)
			}
			if res.Outcome == OutcomeTidakLulus && res.Passed {
				t.Fatalf("case %d: %d passed but is tidak lulus", i, res.ApplicationID)
			}
		}
		for reg, n := range lulus {
			if n > in.Quotas[reg] {
				t.Fatalf("case %d: %s has %d lulus over quota %d", i, reg, n, in.Quotas[reg])
			}
		}
		for reg, n := range passed {
			if want := min(n, in.Quotas[reg]); lulus[reg] != want {
				t.Fatalf("case %d: %s has %d lulus, want %d (seats left empty)", i, reg, lulus[reg], want)
			}
		}
	}
}

func TestRunPropertyRaisingScoreNeverLowersRank(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 500; i++ {
		in := randomInput(r)
		if len(in.Candidates) == 0 {
			continue
		}
		before, err := Run(in)
		if err != nil {
			t.Fatal(err)
		}
		k := r.IntN(len(in.Candidates))
		raised := in
		raised.Candidates = append([]Candidate(nil), in.Candidates...)
		c := raised.Candidates[k]
		c.StageScores = append([]float64(nil), c.StageScores...)
		st := r.IntN(len(c.StageScores))
		c.StageScores[st] = min(100, max(c.StageScores[st], 0)+float64(r.IntN(30)+1))
		raised.Candidates[k] = c
		after, err := Run(raised)
		if err != nil {
			t.Fatal(err)
		}
		find := func(o RunOutput) Result {
			for _, res := range o.Results {
				if res.ApplicationID == c.ApplicationID {
					return res
				}
			}
			t.Fatal("missing")
			return Result{}
		}
		b, a := find(before), find(after)
		if a.Rank > b.Rank || a.Outcome.rank() > b.Outcome.rank() {
			t.Fatalf("case %d: raising %d's score moved it from %s#%d to %s#%d", i, c.ApplicationID, b.Outcome, b.Rank, a.Outcome, a.Rank)
		}
	}
}

func TestPromote(t *testing.T) {
	out, err := Run(RunInput{Stages: oneStage(60), Quotas: map[string]int{"16.01": 1, "16.02": 1},
		Candidates: []Candidate{cand(1, "16.01", 90, 3, 0), cand(2, "16.01", 70, 3, 0), cand(3, "16.01", 80, 3, 0),
			cand(4, "16.02", 95, 3, 0), cand(5, "16.02", 10, 3, 0), cand(6, "16.02", 96, 3, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	got, promoted, err := Promote(out.Results, 1)
	if err != nil || promoted != 3 {
		t.Fatalf("Promote = %d, %v; want 3 (the best cadangan of 16.01)", promoted, err)
	}
	if got[0].Outcome != OutcomeTidakLulus || got[2].Outcome != OutcomeLulus || got[1].Outcome != OutcomeCadangan || out.Results[0].Outcome != OutcomeLulus {
		t.Fatalf("after promote %+v (input must be unchanged: %+v)", got, out.Results[0])
	}
	if _, _, err := Promote(got, 2); !errors.Is(err, ErrInvalidRun) {
		t.Fatal("a cadangan cannot decline a seat")
	}
	if _, _, err := Promote(got, 99); !errors.Is(err, ErrInvalidRun) {
		t.Fatal("unknown application")
	}
	got, promoted, err = Promote(got, 3)
	if err != nil || promoted != 2 {
		t.Fatalf("second decline: %d %v", promoted, err)
	}
	got, promoted, err = Promote(got, 2)
	if err != nil || promoted != 0 {
		t.Fatalf("no cadangan left: %d %v", promoted, err)
	}
	// 16.02: 6 lulus, 4 cadangan, 5 tidak lulus; 6 declines → 4 moves up, never 5
	_, promoted, _ = Promote(got, 6)
	if promoted != 4 {
		t.Fatalf("16.02 promoted %d, want 4", promoted)
	}
}
