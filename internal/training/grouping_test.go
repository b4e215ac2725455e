package training

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

var jenjangs = []string{"PAUD", "SD", "SD", "SMP", "SMA", "SMK", "SLB", "MI"}

// randomCase builds a random province: a few kab/kota, CGPs at a handful of schools each, PPs
// (some from a CGP's school, some without a school) and fasilitators with random caps.
func randomCase(r *rand.Rand) (Sizes, []Candidate, []Mentor, []Mentor) {
	lo := 1 + r.IntN(6)
	sz := Sizes{GroupMin: lo, GroupMax: lo + r.IntN(4)}
	nreg := 1 + r.IntN(4)
	var cgps []Candidate
	var pps, fas []Mentor
	id := int64(1)
	for k := range nreg {
		reg := fmt.Sprintf("16.%02d", k+1)
		schools := 1 + r.IntN(6)
		for range r.IntN(40) {
			cgps = append(cgps, Candidate{ID: id, Regency: reg, NPSN: fmt.Sprintf("%s-%d", reg, r.IntN(schools)),
				Jenjang: jenjangs[r.IntN(len(jenjangs))]})
			id++
		}
		for range r.IntN(6) {
			npsn := ""
			if r.IntN(3) > 0 {
				npsn = fmt.Sprintf("%s-%d", reg, r.IntN(schools+2))
			}
			pps = append(pps, Mentor{ID: 1000 + id, Regency: reg, NPSN: npsn, Cap: 1 + r.IntN(12), Load: r.IntN(3)})
			id++
		}
		for range r.IntN(3) {
			fas = append(fas, Mentor{ID: 5000 + id, Regency: reg, Cap: 1 + r.IntN(5)})
			id++
		}
	}
	return sz, cgps, pps, fas
}

func TestProposeProperties(t *testing.T) {
	for seed := range uint64(500) {
		r := rand.New(rand.NewPCG(seed, 7))
		sz, cgps, pps, fas := randomCase(r)
		p := Propose(sz, cgps, pps, fas)
		byID := map[int64]Candidate{}
		for _, c := range cgps {
			byID[c.ID] = c
		}
		ppBy := map[int64]Mentor{}
		for _, m := range pps {
			ppBy[m.ID] = m
		}
		seen := map[int64]int{}
		ppLoad := map[int64]int{}
		for _, g := range p.Groups {
			if len(g.Members) < sz.GroupMin || len(g.Members) > sz.GroupMax {
				t.Fatalf("seed %d: group size %d outside %d..%d", seed, len(g.Members), sz.GroupMin, sz.GroupMax)
			}
			pp, ok := ppBy[g.PP]
			if !ok || pp.Regency != g.Regency {
				t.Fatalf("seed %d: group in %s under PP %d of %s", seed, g.Regency, g.PP, pp.Regency)
			}
			for _, id := range g.Members {
				seen[id]++
				c := byID[id]
				if c.Regency != g.Regency {
					t.Fatalf("seed %d: CGP of %s in a group of %s", seed, c.Regency, g.Regency)
				}
				if pp.NPSN != "" && pp.NPSN == c.NPSN {
					t.Fatalf("seed %d: CGP %d under a PP of their own school %s", seed, id, c.NPSN)
				}
			}
			ppLoad[g.PP] += len(g.Members)
		}
		for id, load := range ppLoad {
			if load+ppBy[id].Load > ppBy[id].Cap {
				t.Fatalf("seed %d: PP %d carries %d+%d above cap %d", seed, id, load, ppBy[id].Load, ppBy[id].Cap)
			}
		}
		for _, u := range p.Unplaced {
			seen[u.ID]++
			if u.Reason == "" {
				t.Fatalf("seed %d: CGP %d unplaced without a reason", seed, u.ID)
			}
		}
		for _, c := range cgps {
			if seen[c.ID] != 1 {
				t.Fatalf("seed %d: CGP %d placed or listed %d times (want exactly once)", seed, c.ID, seen[c.ID])
			}
		}
		fasBy := map[int64]Mentor{}
		for _, m := range fas {
			fasBy[m.ID] = m
		}
		fasLoad := map[int64]int{}
		unclassed := map[int]bool{}
		for _, i := range p.Unclassed {
			unclassed[i] = true
		}
		for i, g := range p.Groups {
			if g.Fasilitator == 0 {
				if !unclassed[i] {
					t.Fatalf("seed %d: group %d without fasilitator and not listed", seed, i)
				}
				continue
			}
			fasLoad[g.Fasilitator]++
		}
		for id, n := range fasLoad {
			if n > fasBy[id].Cap {
				t.Fatalf("seed %d: fasilitator %d has %d groups above cap %d", seed, id, n, fasBy[id].Cap)
			}
		}
		// Order independence: the same sets shuffled give the same proposal.
		r.Shuffle(len(cgps), func(i, j int) { cgps[i], cgps[j] = cgps[j], cgps[i] })
		r.Shuffle(len(pps), func(i, j int) { pps[i], pps[j] = pps[j], pps[i] })
		r.Shuffle(len(fas), func(i, j int) { fas[i], fas[j] = fas[j], fas[i] })
		if q := Propose(sz, cgps, pps, fas); !reflect.DeepEqual(p, q) {
			t.Fatalf("seed %d: a shuffled input gave another proposal", seed)
		}
	}
}

func TestProposeExamples(t *testing.T) {
	sz := Sizes{GroupMin: 5, GroupMax: 6}
	mk := func(n int, reg, school, jenjang string, from int64) []Candidate {
		var out []Candidate
		for i := range n {
			out = append(out, Candidate{ID: from + int64(i), Regency: reg, NPSN: school, Jenjang: jenjang})
		}
		return out
	}
	t.Run("twelve CGPs, two PPs: two groups of six, balanced", func(t *testing.T) {
		cgps := append(mk(6, "16.01", "A", "SD", 1), mk(6, "16.01", "B", "SMP", 7)...)
		p := Propose(sz, cgps, []Mentor{{ID: 100, Regency: "16.01", NPSN: "X", Cap: 6}, {ID: 101, Regency: "16.01", Cap: 6}}, nil)
		if len(p.Groups) != 2 || len(p.Unplaced) != 0 || p.Groups[0].PP == p.Groups[1].PP {
			t.Fatalf("%+v", p)
		}
		// jenjang kept together: the first group is all SD
		if !slices.Equal(p.Groups[0].Members, []int64{1, 2, 3, 4, 5, 6}) {
			t.Fatalf("first group %v", p.Groups[0].Members)
		}
		if len(p.Unclassed) != 2 {
			t.Fatalf("no fasilitator: both groups unclassed, got %v", p.Unclassed)
		}
	})
	t.Run("the only PP is from the CGPs' school", func(t *testing.T) {
		p := Propose(sz, mk(5, "16.01", "A", "SD", 1), []Mentor{{ID: 100, Regency: "16.01", NPSN: "A", Cap: 6}}, nil)
		if len(p.Groups) != 0 || len(p.Unplaced) != 5 || p.Unplaced[0].Reason != ReasonOwnSchool {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("no PP in the kab/kota", func(t *testing.T) {
		p := Propose(sz, mk(6, "16.02", "A", "SD", 1), []Mentor{{ID: 100, Regency: "16.01", Cap: 6}}, nil)
		if len(p.Groups) != 0 || p.Unplaced[0].Reason != ReasonNoPP {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("seven CGPs: one group of six, one below the minimum", func(t *testing.T) {
		p := Propose(sz, mk(7, "16.01", "A", "SD", 1), []Mentor{{ID: 100, Regency: "16.01", Cap: 6}, {ID: 101, Regency: "16.01", Cap: 6}}, nil)
		if len(p.Groups) != 1 || len(p.Unplaced) != 1 || p.Unplaced[0].Reason != ReasonBelowMin {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("PP capacity runs out", func(t *testing.T) {
		p := Propose(sz, mk(12, "16.01", "A", "SD", 1), []Mentor{{ID: 100, Regency: "16.01", Cap: 6}}, nil)
		if len(p.Groups) != 1 || len(p.Unplaced) != 6 || p.Unplaced[0].Reason != ReasonNoPP {
			t.Fatalf("%+v", p)
		}
	})
	t.Run("fasilitator of the same kab/kota first, cap respected", func(t *testing.T) {
		cgps := append(mk(5, "16.01", "A", "SD", 1), mk(5, "16.02", "B", "SD", 11)...)
		pps := []Mentor{{ID: 100, Regency: "16.01", Cap: 6}, {ID: 101, Regency: "16.02", Cap: 6}}
		fas := []Mentor{{ID: 200, Regency: "16.02", Cap: 1}, {ID: 201, Regency: "16.01", Cap: 1}}
		p := Propose(sz, cgps, pps, fas)
		if p.Groups[0].Fasilitator != 201 || p.Groups[1].Fasilitator != 200 {
			t.Fatalf("%+v", p.Groups)
		}
	})
}

func TestCheckGroup(t *testing.T) {
	sz := Sizes{GroupMin: 2, GroupMax: 3}
	pp := Mentor{ID: 1, Regency: "16.01", NPSN: "A", Cap: 3}
	c := func(id int64, school, reg string) Candidate { return Candidate{ID: id, NPSN: school, Regency: reg} }
	cases := []struct {
		name string
		g    GroupState
		want []string
	}{
		{"valid", GroupState{Regency: "16.01", PP: pp, Members: []Candidate{c(1, "B", "16.01"), c(2, "C", "16.01")}}, nil},
		{"too big and over cap", GroupState{Regency: "16.01", PP: pp, Members: []Candidate{c(1, "B", "16.01"), c(2, "C", "16.01"), c(3, "C", "16.01"), c(4, "C", "16.01")}}, []string{ProblemTooBig, ProblemPPOverCap}},
		{"too small", GroupState{Regency: "16.01", PP: pp, Members: []Candidate{c(1, "B", "16.01")}}, []string{ProblemTooSmall}},
		{"own school", GroupState{Regency: "16.01", PP: pp, Members: []Candidate{c(1, "A", "16.01"), c(2, "C", "16.01")}}, []string{ProblemOwnSchool}},
		{"other kab/kota", GroupState{Regency: "16.01", PP: pp, Members: []Candidate{c(1, "B", "16.02"), c(2, "C", "16.01")}}, []string{ProblemOtherRegency}},
		{"PP of another kab/kota", GroupState{Regency: "16.02", PP: pp, Members: []Candidate{c(1, "B", "16.02"), c(2, "C", "16.02")}}, []string{ProblemOtherRegency}},
		{"PP over cap with other groups", GroupState{Regency: "16.01", PP: pp, PPLoadElsewhere: 2, Members: []Candidate{c(1, "B", "16.01"), c(2, "C", "16.01")}}, []string{ProblemPPOverCap}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := CheckGroup(sz, tc.g, false); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// nationalCohort is 30,000 CGPs over 514 kab/kota with a PP for every six and a fasilitator for
// every four groups.
func nationalCohort() (Sizes, []Candidate, []Mentor, []Mentor) {
	r := rand.New(rand.NewPCG(1, 2))
	var cgps []Candidate
	var pps, fas []Mentor
	id := int64(1)
	for i := range 30000 {
		reg := fmt.Sprintf("%02d.%02d", 11+i%514/20, i%514%20+1)
		cgps = append(cgps, Candidate{ID: id, Regency: reg, NPSN: fmt.Sprintf("%s-%d", reg, r.IntN(40)), Jenjang: jenjangs[r.IntN(len(jenjangs))]})
		id++
	}
	for k := range 514 {
		reg := fmt.Sprintf("%02d.%02d", 11+k/20, k%20+1)
		for j := range 11 {
			pps = append(pps, Mentor{ID: id, Regency: reg, NPSN: fmt.Sprintf("%s-%d", reg, j), Cap: 6})
			id++
		}
		for range 3 {
			fas = append(fas, Mentor{ID: id, Regency: reg, Cap: 4})
			id++
		}
	}
	return Sizes{GroupMin: 5, GroupMax: 6}, cgps, pps, fas
}

func BenchmarkPropose30k(b *testing.B) {
	sz, cgps, pps, fas := nationalCohort()
	b.ResetTimer()
	var p Proposal
	for b.Loop() {
		p = Propose(sz, cgps, pps, fas)
	}
	b.ReportMetric(float64(len(p.Groups)), "groups")
	b.ReportMetric(float64(len(p.Unplaced)), "unplaced")
}
