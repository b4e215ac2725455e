package training

import (
	"penggerak/internal/training"
	"penggerak/web/components"
)

// ProgressProps is the fasilitator's form for one CGP's modules.
type ProgressProps struct {
	Progress training.Progress
	Score    *int
	Pass     int
}

func (p ProgressProps) done(m int) bool {
	for _, c := range p.Progress.Completed {
		if int(c) == m {
			return true
		}
	}
	return false
}

// ImportProps is the module-progress import: the upload form, then the preview (rows matched,
// per-row errors), then the commit.
type ImportProps struct {
	Rows   []training.ProgressRow
	Errors []training.RowError
	// Items is the checked import carried to the commit (empty while there are errors).
	Items string
	// FileError is a problem of the file as a whole (message key).
	FileError string
}

func doneKey(d bool) string {
	if d {
		return "training.import.done"
	}
	return "training.import.not_done"
}

func modulesRange(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// GraduationProps is the BGP's graduation page of a province.
type GraduationProps struct {
	CohortID     int64
	ProvinceCode string
	Settings     training.Settings
	Rows         []training.CompletionRow
	CanEdit      bool
	Eligible     int
	// Certificates: the viewer may open the province's certificates (its BGP, national admin).
	Certificates bool
	// The posted form (FormID the participant, 0 for the all-eligible form) and its problems.
	FormID   int64
	Reason   string
	Problems []string
}

func (p GraduationProps) url() string {
	return "/pelatihan/" + components.Int(p.CohortID) + "/" + p.ProvinceCode
}

func (p GraduationProps) problemsFor(id int64) []string {
	if p.FormID == id {
		return p.Problems
	}
	return nil
}

func (p GraduationProps) reasonFor(id int64) string {
	if p.FormID == id {
		return p.Reason
	}
	return ""
}

func outcomeKey(c training.CompletionRow) string {
	switch {
	case c.Status == training.ParticipantWithdrawn:
		return "training.outcome." + string(training.ParticipantWithdrawn)
	case c.Outcome != nil:
		return "training.outcome." + string(*c.Outcome)
	case len(c.Unmet) == 0:
		return "training.outcome.eligible"
	}
	return "training.outcome.pending"
}

func scoreText(n *int) string {
	if n == nil {
		return "—"
	}
	return components.Int(*n)
}

func scoreValue(n *int) string {
	if n == nil {
		return ""
	}
	return components.Int(*n)
}
