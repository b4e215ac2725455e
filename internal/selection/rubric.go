// Package selection holds the selection of applicants: rubrics and stage scores, the two-assessor
// rule, assessor assignment, the deterministic result run with regional quotas, and the promotion
// of cadangan when someone who passed declines. The rules here are pure functions; the Store holds
// the SQL.
package selection

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Stage is a scored selection stage.
type Stage string

// The scored stages of the Guru Penggerak recruitment.
const (
	StageTahap1    Stage = "tahap1"    // CV + esai
	StageSimulasi  Stage = "simulasi"  // tahap 2 simulasi mengajar
	StageWawancara Stage = "wawancara" // tahap 2 wawancara
)

// Stages lists the scored stages in their order.
var Stages = []Stage{StageTahap1, StageSimulasi, StageWawancara}

// Valid reports whether s is a known stage.
func (s Stage) Valid() bool {
	for _, x := range Stages {
		if x == s {
			return true
		}
	}
	return false
}

// ShowsIdentity reports whether assessors of this stage may see who the applicant is: only the
// interview needs it (identity is checked against the KTP there).
func (s Stage) ShowsIdentity() bool { return s == StageWawancara }

// Criterion is one line of a rubric: a scale from Min to Max, a weight, and a description of
// each level (optional, Min..Max when given for a short scale).
type Criterion struct {
	Name   string
	Min    int
	Max    int
	Weight float64
	Levels []string
}

// Rubric is the scoring rule of one stage.
type Rubric struct {
	Criteria []Criterion
	// PassingGrade is the stage score (0-100) an applicant must reach.
	PassingGrade float64
	// Threshold is the largest difference between two assessors' stage scores that needs no
	// third assessor.
	Threshold float64
}

// Errors of the scoring rules.
var (
	ErrInvalidRubric = errors.New("selection: invalid rubric")
	ErrInvalidScore  = errors.New("selection: score outside the criterion's scale")
)

// Validate checks that the rubric can score: at least one criterion, every scale non-empty,
// positive weights, and a passing grade and threshold within 0-100.
func (r Rubric) Validate() error {
	if len(r.Criteria) == 0 {
		return fmt.Errorf("%w: no criteria", ErrInvalidRubric)
	}
	for i, c := range r.Criteria {
		if c.Max <= c.Min {
			return fmt.Errorf("%w: criterion %d has an empty scale", ErrInvalidRubric, i+1)
		}
		if !(c.Weight > 0) || math.IsInf(c.Weight, 0) {
			return fmt.Errorf("%w: criterion %d needs a positive weight", ErrInvalidRubric, i+1)
		}
	}
	if !(r.PassingGrade >= 0 && r.PassingGrade <= 100) {
		return fmt.Errorf("%w: passing grade must be 0-100", ErrInvalidRubric)
	}
	if !(r.Threshold >= 0 && r.Threshold <= 100) {
		return fmt.Errorf("%w: threshold must be 0-100", ErrInvalidRubric)
	}
	return nil
}

// StageScore is the weighted mean of the criterion scores, each normalised to 0-100 on its own
// scale, rounded to two decimals. scores are in criterion order.
func (r Rubric) StageScore(scores []int) (float64, error) {
	if len(scores) != len(r.Criteria) {
		return 0, fmt.Errorf("%w: %d scores for %d criteria", ErrInvalidScore, len(scores), len(r.Criteria))
	}
	var sum, wsum float64
	for i, c := range r.Criteria {
		s := scores[i]
		if s < c.Min || s > c.Max {
			return 0, fmt.Errorf("%w: criterion %d", ErrInvalidScore, i+1)
		}
		sum += c.Weight * float64(s-c.Min) * 100 / float64(c.Max-c.Min)
		wsum += c.Weight
	}
	return Round2(sum / wsum), nil
}

// Round2 rounds to two decimals, the precision every score is stored and compared at.
func Round2(x float64) float64 { return math.Round(x*100) / 100 }

// Adjudication is the outcome of the two-assessor rule for one application and stage.
type Adjudication struct {
	// NeedThird is true when only two scores are in and they differ by more than the threshold.
	NeedThird bool
	// Final is the stage score when it is decided.
	Final float64
	// Counted are the indexes (into the scores given) of the scores the final is made of.
	Counted []int
}

// Adjudicate applies the two-assessor rule to submitted stage scores: with two scores within the
// threshold the final is their mean; further apart, a third assessor is needed; with three, the
// final is the mean of the two closest. (decision) When the two closest pairs are equally close
// (e.g. 50, 60, 70) the final is the middle score, the mean of both pairs, so no arbitrary pick.
func Adjudicate(scores []float64, threshold float64) (Adjudication, error) {
	switch len(scores) {
	case 2:
		if math.Abs(scores[0]-scores[1]) > threshold+1e-9 {
			return Adjudication{NeedThird: true}, nil
		}
		return Adjudication{Final: Round2((scores[0] + scores[1]) / 2), Counted: []int{0, 1}}, nil
	case 3:
		idx := []int{0, 1, 2}
		sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] < scores[idx[b]] })
		lo, mid, hi := scores[idx[0]], scores[idx[1]], scores[idx[2]]
		dLow, dHigh := Round2(mid-lo), Round2(hi-mid)
		switch {
		case dLow < dHigh:
			return Adjudication{Final: Round2((lo + mid) / 2), Counted: sorted(idx[0], idx[1])}, nil
		case dHigh < dLow:
			return Adjudication{Final: Round2((mid + hi) / 2), Counted: sorted(idx[1], idx[2])}, nil
		default:
			return Adjudication{Final: Round2(mid), Counted: []int{0, 1, 2}}, nil
		}
	default:
		return Adjudication{}, fmt.Errorf("selection: adjudication needs 2 or 3 scores, got %d", len(scores))
	}
}

func sorted(a, b int) []int {
	if a > b {
		a, b = b, a
	}
	return []int{a, b}
}

// CriterionMeans is the per-criterion mean, on the criterion's own scale, over the counted
// assessors' sheets (each sheet in criterion order). It is what the applicant's breakdown shows
// and what ties are broken on (the first criterion).
func (r Rubric) CriterionMeans(sheets [][]int, counted []int) []float64 {
	out := make([]float64, len(r.Criteria))
	if len(counted) == 0 {
		return out
	}
	for c := range r.Criteria {
		var s float64
		for _, k := range counted {
			s += float64(sheets[k][c])
		}
		out[c] = Round2(s / float64(len(counted)))
	}
	return out
}

// StageFinal is the decided score of one application in one stage.
type StageFinal struct {
	NeedThird      bool      // two sheets too far apart: a third assessor must score first
	Sheets         []float64 // each submitted sheet's stage score, in the order given
	Score          float64   // the final stage score (0-100), when decided
	CriterionMeans []float64 // per criterion, mean of the counted sheets, on its own scale
	Counted        []int     // indexes of the sheets the final is made of
	Appeal         bool      // the final is an upheld appeal's re-score by a new assessor
}

// Finalize scores the submitted sheets (each in criterion order) of one application in one stage
// and applies the two-assessor rule.
func (r Rubric) Finalize(sheets [][]int) (StageFinal, error) {
	f := StageFinal{Sheets: make([]float64, len(sheets))}
	for i, s := range sheets {
		v, err := r.StageScore(s)
		if err != nil {
			return StageFinal{}, err
		}
		f.Sheets[i] = v
	}
	adj, err := Adjudicate(f.Sheets, r.Threshold)
	if err != nil {
		return StageFinal{}, err
	}
	if adj.NeedThird {
		f.NeedThird = true
		return f, nil
	}
	f.Score, f.Counted = adj.Final, adj.Counted
	f.CriterionMeans = r.CriterionMeans(sheets, adj.Counted)
	return f, nil
}
