package selection

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkResultRun250k scores 250,000 applications × 2 assessors × 8 criteria from raw
// criterion scores (stage score per sheet, the two-assessor rule, per-criterion means) and runs
// the result over 514 kab/kota with quotas.
func BenchmarkResultRun250k(b *testing.B) {
	const apps, criteria = 250_000, 8
	r := rand.New(rand.NewPCG(42, 42))
	rub := Rubric{PassingGrade: 60, Threshold: 15}
	for c := 0; c < criteria; c++ {
		rub.Criteria = append(rub.Criteria, Criterion{Name: fmt.Sprint(c), Min: 1, Max: 4, Weight: float64(c%3 + 1)})
	}
	regs := make([]string, 514)
	quotas := map[string]int{}
	for i := range regs {
		regs[i] = fmt.Sprintf("%02d.%02d", 11+i/20, i%20+1)
		quotas[regs[i]] = 20 + i%40
	}
	type app struct {
		id     int64
		reg    string
		at     time.Time
		sheets [][]int
		third  []int
	}
	data := make([]app, apps)
	for i := range data {
		base := r.IntN(4) + 1
		mk := func() []int {
			s := make([]int, criteria)
			for c := range s {
				s[c] = min(4, max(1, base+r.IntN(3)-1))
			}
			return s
		}
		data[i] = app{id: int64(i + 1), reg: regs[r.IntN(len(regs))], at: t0.Add(time.Duration(r.IntN(1e6)) * time.Second),
			sheets: [][]int{mk(), mk()}, third: mk()}
	}
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		in := RunInput{Stages: []StageGrade{{StageTahap1, rub.PassingGrade, 1}}, Quotas: quotas, Candidates: make([]Candidate, len(data))}
		thirds := 0
		for i := range data {
			d := &data[i]
			f, err := rub.Finalize(d.sheets)
			if err != nil {
				b.Fatal(err)
			}
			if f.NeedThird {
				thirds++
				if f, err = rub.Finalize([][]int{d.sheets[0], d.sheets[1], d.third}); err != nil {
					b.Fatal(err)
				}
			}
			in.Candidates[i] = Candidate{ApplicationID: d.id, RegencyCode: d.reg, StageScores: []float64{f.Score},
				FirstCriterion: f.CriterionMeans[0], SubmittedAt: d.at}
		}
		out, err := Run(in)
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Results) != apps || thirds == 0 {
			b.Fatalf("%d results, %d thirds", len(out.Results), thirds)
		}
	}
}
