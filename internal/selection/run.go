package selection

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"
)

// Outcome is an applicant's result in a run.
type Outcome string

// The outcomes of a result run.
const (
	OutcomeLulus      Outcome = "lulus"
	OutcomeCadangan   Outcome = "cadangan"
	OutcomeTidakLulus Outcome = "tidak_lulus"
)

// better reports the order lulus > cadangan > tidak lulus.
func (o Outcome) rank() int {
	switch o {
	case OutcomeLulus:
		return 0
	case OutcomeCadangan:
		return 1
	}
	return 2
}

// StageGrade is a stage that counts in a run: its passing grade and its weight in the overall
// score.
type StageGrade struct {
	Stage        Stage
	PassingGrade float64
	Weight       float64
}

// Candidate is one application as a run sees it.
type Candidate struct {
	ApplicationID int64
	RegencyCode   string
	// StageScores are the final stage scores in the order of RunInput.Stages; a negative value
	// means no score (not assessed, or no-show), which fails that stage.
	StageScores []float64
	// FirstCriterion is the mean score on the first criterion of the first stage (tie-break).
	FirstCriterion float64
	SubmittedAt    time.Time
}

// RunInput is everything a result run depends on.
type RunInput struct {
	Stages     []StageGrade
	Quotas     map[string]int // kab/kota code → seats; a kab/kota not listed has none
	Candidates []Candidate
}

// Result is one applicant's outcome in a run.
type Result struct {
	ApplicationID int64
	RegencyCode   string
	Score         float64 // weighted mean of the stage scores (0 when a stage has no score)
	Passed        bool    // every stage reached its passing grade
	Outcome       Outcome
	Rank          int // position within the kab/kota, 1 = best, over every applicant there
}

// RunOutput is a run's results (in application id order) and the content hashes of its
// canonical inputs and outputs.
type RunOutput struct {
	Results    []Result
	InputHash  string
	OutputHash string
}

// ErrInvalidRun is returned for inputs a run cannot be computed from.
var ErrInvalidRun = errors.New("selection: invalid run input")

// Run computes a result run. It is a pure, deterministic function of its inputs: the order of
// candidates and of the quota map does not matter. In each kab/kota applicants are ranked by
// overall score, then by the first criterion, then by earlier submission, then by application id;
// those who pass every stage are lulus while the quota has room, then cadangan; the rest are
// tidak lulus.
func Run(in RunInput) (RunOutput, error) {
	wsum, err := checkRunInput(in)
	if err != nil {
		return RunOutput{}, err
	}
	rows, err := scoreCandidates(in, wsum)
	if err != nil {
		return RunOutput{}, err
	}
	slices.SortFunc(rows, rankOrder)
	assignOutcomes(rows, in.Quotas)
	out := RunOutput{Results: make([]Result, len(rows))}
	for i := range rows {
		out.Results[i] = rows[i].res
	}
	slices.SortFunc(out.Results, func(a, b Result) int { return cmp.Compare(a.ApplicationID, b.ApplicationID) })
	out.InputHash = InputHash(in)
	out.OutputHash = OutputHash(out.Results)
	return out, nil
}

// rankedRow is a candidate with the result computed for it.
type rankedRow struct {
	c   *Candidate
	res Result
}

// checkRunInput refuses inputs a run cannot be computed from (no stages, a weight that is not
// positive, a passing grade outside 0–100, a negative quota) and returns the sum of the weights.
func checkRunInput(in RunInput) (float64, error) {
	if len(in.Stages) == 0 {
		return 0, fmt.Errorf("%w: no stages", ErrInvalidRun)
	}
	var wsum float64
	for _, s := range in.Stages {
		if !(s.Weight > 0) || !(s.PassingGrade >= 0 && s.PassingGrade <= 100) {
			return 0, fmt.Errorf("%w: stage %s", ErrInvalidRun, s.Stage)
		}
		wsum += s.Weight
	}
	for r, q := range in.Quotas {
		if q < 0 {
			return 0, fmt.Errorf("%w: negative quota for %s", ErrInvalidRun, r)
		}
	}
	return wsum, nil
}

// scoreCandidates computes each candidate's overall score (the weighted mean of its stage
// scores, at two decimals) and whether it reached every stage's passing grade; a missing
// (negative or NaN) stage score counts as 0 and fails. Each application may appear once.
func scoreCandidates(in RunInput, wsum float64) ([]rankedRow, error) {
	rows := make([]rankedRow, len(in.Candidates))
	seen := make(map[int64]struct{}, len(in.Candidates))
	for i := range in.Candidates {
		c := &in.Candidates[i]
		if len(c.StageScores) != len(in.Stages) {
			return nil, fmt.Errorf("%w: application %d has %d stage scores", ErrInvalidRun, c.ApplicationID, len(c.StageScores))
		}
		if _, dup := seen[c.ApplicationID]; dup {
			return nil, fmt.Errorf("%w: application %d twice", ErrInvalidRun, c.ApplicationID)
		}
		seen[c.ApplicationID] = struct{}{}
		passed, sum := true, 0.0
		for k, s := range in.Stages {
			v := c.StageScores[k]
			if v < 0 || math.IsNaN(v) {
				passed = false
				v = 0
			} else if v < s.PassingGrade {
				passed = false
			}
			sum += s.Weight * v
		}
		rows[i] = rankedRow{c: c, res: Result{ApplicationID: c.ApplicationID, RegencyCode: c.RegencyCode,
			Score: Round2(sum / wsum), Passed: passed}}
	}
	return rows, nil
}

// rankOrder is the ranking: by kab/kota, then overall score (highest first), then the first
// criterion (highest first), then earlier submission, then application id.
func rankOrder(a, b rankedRow) int {
	if a.c.RegencyCode != b.c.RegencyCode {
		if a.c.RegencyCode < b.c.RegencyCode {
			return -1
		}
		return 1
	}
	if a.res.Score != b.res.Score {
		if a.res.Score > b.res.Score {
			return -1
		}
		return 1
	}
	fa, fb := Round2(a.c.FirstCriterion), Round2(b.c.FirstCriterion)
	if fa != fb {
		if fa > fb {
			return -1
		}
		return 1
	}
	if c := a.c.SubmittedAt.Compare(b.c.SubmittedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.c.ApplicationID, b.c.ApplicationID)
}

// assignOutcomes numbers the ranked rows within each kab/kota and gives each its outcome: tidak
// lulus when a stage was not passed, lulus while the kab/kota's quota has room, then cadangan.
func assignOutcomes(rows []rankedRow, quotas map[string]int) {
	rank, lulus, regency := 0, 0, "\x00"
	for i := range rows {
		r := &rows[i].res
		if r.RegencyCode != regency {
			regency, rank, lulus = r.RegencyCode, 0, 0
		}
		rank++
		r.Rank = rank
		switch {
		case !r.Passed:
			r.Outcome = OutcomeTidakLulus
		case lulus < quotas[regency]:
			r.Outcome = OutcomeLulus
			lulus++
		default:
			r.Outcome = OutcomeCadangan
		}
	}
}

// InputHash is the SHA-256 (hex) of the canonical encoding of a run's inputs: stages in order,
// quotas by kab/kota code, candidates by application id, scores at two decimals, times in UTC
// microseconds.
func InputHash(in RunInput) string {
	h := sha256.New()
	buf := make([]byte, 0, 256)
	buf = append(buf, "selection-run-v1\n"...)
	for _, s := range in.Stages {
		buf = append(buf, "stage|"...)
		buf = append(buf, s.Stage...)
		buf = append(buf, '|')
		buf = appendScore(buf, s.PassingGrade)
		buf = append(buf, '|')
		buf = strconv.AppendFloat(buf, s.Weight, 'g', -1, 64)
		buf = append(buf, '\n')
	}
	regs := make([]string, 0, len(in.Quotas))
	for r := range in.Quotas {
		regs = append(regs, r)
	}
	slices.Sort(regs)
	for _, r := range regs {
		buf = append(buf, "quota|"...)
		buf = append(buf, r...)
		buf = append(buf, '|')
		buf = strconv.AppendInt(buf, int64(in.Quotas[r]), 10)
		buf = append(buf, '\n')
	}
	h.Write(buf)
	idx := make([]int, len(in.Candidates))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		x, y := in.Candidates[a].ApplicationID, in.Candidates[b].ApplicationID
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	for _, i := range idx {
		c := &in.Candidates[i]
		buf = buf[:0]
		buf = append(buf, "app|"...)
		buf = strconv.AppendInt(buf, c.ApplicationID, 10)
		buf = append(buf, '|')
		buf = append(buf, c.RegencyCode...)
		for _, s := range c.StageScores {
			buf = append(buf, '|')
			if s < 0 || math.IsNaN(s) {
				buf = append(buf, '-')
			} else {
				buf = appendScore(buf, s)
			}
		}
		buf = append(buf, '|')
		buf = appendScore(buf, c.FirstCriterion)
		buf = append(buf, '|')
		buf = strconv.AppendInt(buf, c.SubmittedAt.UnixMicro(), 10)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// OutputHash is the SHA-256 (hex) of the canonical encoding of a run's results (in application
// id order, as Run returns them).
func OutputHash(results []Result) string {
	h := sha256.New()
	buf := make([]byte, 0, 64)
	h.Write([]byte("selection-result-v1\n"))
	for _, r := range results {
		buf = buf[:0]
		buf = strconv.AppendInt(buf, r.ApplicationID, 10)
		buf = append(buf, '|')
		buf = append(buf, r.RegencyCode...)
		buf = append(buf, '|')
		buf = appendScore(buf, r.Score)
		buf = append(buf, '|')
		buf = append(buf, r.Outcome...)
		buf = append(buf, '|')
		buf = strconv.AppendInt(buf, int64(r.Rank), 10)
		buf = append(buf, '\n')
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func appendScore(b []byte, x float64) []byte {
	return strconv.AppendFloat(b, Round2(x), 'f', 2, 64)
}

// Promote applies a decline by a lulus applicant (or a missed pembekalan deadline) to a run's
// results: the declined applicant becomes tidak lulus and the best-ranked cadangan of the same
// kab/kota becomes lulus. It returns the new results (the input is not changed) and the
// promoted application id, 0 when there was no cadangan left.
func Promote(results []Result, declined int64) ([]Result, int64, error) {
	out := append([]Result(nil), results...)
	at := -1
	for i := range out {
		if out[i].ApplicationID == declined {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, 0, fmt.Errorf("%w: application %d not in the run", ErrInvalidRun, declined)
	}
	if out[at].Outcome != OutcomeLulus {
		return nil, 0, fmt.Errorf("%w: application %d is not lulus", ErrInvalidRun, declined)
	}
	out[at].Outcome = OutcomeTidakLulus
	next := NextCadangan(out, out[at].RegencyCode)
	if next < 0 {
		return out, 0, nil
	}
	out[next].Outcome = OutcomeLulus
	return out, out[next].ApplicationID, nil
}

// NextCadangan is the index of the best-ranked cadangan of a kab/kota in results, or -1.
func NextCadangan(results []Result, regency string) int {
	best := -1
	for i := range results {
		r := &results[i]
		if r.RegencyCode == regency && r.Outcome == OutcomeCadangan && (best < 0 || r.Rank < results[best].Rank) {
			best = i
		}
	}
	return best
}
