package selection

import (
	"errors"
	"fmt"
	"strings"
)

// ScoreState is what is known of one applicant's score in one stage.
type ScoreState uint8

// The states of a stage score.
const (
	// ScoreMissing: no final score (fewer than two submitted sheets, or sheets that cannot be
	// counted).
	ScoreMissing ScoreState = iota
	// ScoreFinal: the stage score is decided.
	ScoreFinal
	// ScoreNeedThird: two submitted sheets differ by more than the threshold and no third sheet
	// is in (the third assessor could not be assigned or has not submitted).
	ScoreNeedThird
)

// ApplicantScores is one applicant as the completeness rule sees them.
type ApplicantScores struct {
	ApplicationID int64
	States        []ScoreState // per stage, in the order of the run's stages
	Scores        []float64    // the final score where States is ScoreFinal
	Scheduled     bool         // has a tahap 2 session
	NoShow        bool         // recorded as not attending tahap 2 (tidak hadir)
}

// GapReason is why applicants lack a final stage score.
type GapReason string

// The reasons a stage score is not final.
const (
	GapNoScore     GapReason = "no_score"    // the sheets are not (all) submitted, or none assigned
	GapThird       GapReason = "third"       // waiting for a third assessor
	GapUnscheduled GapReason = "unscheduled" // passed tahap 1 but has no tahap 2 session
)

// Gap counts the applicants lacking a final score in a stage for one reason. Stage is empty for
// GapUnscheduled (it concerns every tahap 2 stage).
type Gap struct {
	Stage      Stage
	Reason     GapReason
	Applicants int
}

// Incomplete returns what keeps a run from being fair: for every applicant who should have a
// final score in a stage and has none, a count by stage and reason. Tahap 1 is owed by every
// applicant; the tahap 2 stages only by those whose tahap 1 score reaches its passing grade (all
// applicants when tahap 1 has no rubric). A recorded no-show at tahap 2 explains missing tahap 2
// scores: they count as missing in the run (tidak lulus), as decided. An applicant whose tahap 1
// is not final is counted there only, since whether tahap 2 is owed is not known yet. Empty
// means every owed score is final. Gaps come in stage order, unscheduled before the tahap 2
// stages.
func Incomplete(stages []StageGrade, apps []ApplicantScores) []Gap {
	t1 := -1
	for k, s := range stages {
		if s.Stage == StageTahap1 {
			t1 = k
		}
	}
	type key struct {
		stage  Stage
		reason GapReason
	}
	counts := map[key]int{}
	for _, a := range apps {
		owesTahap2 := true
		if t1 >= 0 {
			switch a.States[t1] {
			case ScoreMissing:
				counts[key{StageTahap1, GapNoScore}]++
				continue
			case ScoreNeedThird:
				counts[key{StageTahap1, GapThird}]++
				continue
			}
			owesTahap2 = a.Scores[t1] >= stages[t1].PassingGrade
		}
		if !owesTahap2 || a.NoShow {
			continue
		}
		unscheduled := false
		for k, s := range stages {
			if k == t1 {
				continue
			}
			switch {
			case a.States[k] == ScoreNeedThird:
				counts[key{s.Stage, GapThird}]++
			case a.States[k] == ScoreMissing && !a.Scheduled:
				unscheduled = true
			case a.States[k] == ScoreMissing:
				counts[key{s.Stage, GapNoScore}]++
			}
		}
		if unscheduled {
			counts[key{"", GapUnscheduled}]++
		}
	}
	var out []Gap
	add := func(st Stage, r GapReason) {
		if n := counts[key{st, r}]; n > 0 {
			out = append(out, Gap{Stage: st, Reason: r, Applicants: n})
		}
	}
	for _, st := range Stages {
		if st == StageSimulasi {
			add("", GapUnscheduled)
		}
		add(st, GapNoScore)
		add(st, GapThird)
	}
	return out
}

// PendingError is returned (wrapping ErrScoringPending) when a run is asked for while some
// applicant who should have a final stage score has none, or score sheets are still open.
type PendingError struct {
	OpenSheets int
	Gaps       []Gap
}

func (e *PendingError) Error() string {
	parts := make([]string, 0, len(e.Gaps)+1)
	for _, g := range e.Gaps {
		parts = append(parts, fmt.Sprintf("%d applicants %s %s", g.Applicants, g.Reason, g.Stage))
	}
	if e.OpenSheets > 0 {
		parts = append(parts, fmt.Sprintf("%d open sheets", e.OpenSheets))
	}
	return "selection: scores not final: " + strings.Join(parts, "; ")
}

// Unwrap makes errors.Is(err, ErrScoringPending) hold.
func (e *PendingError) Unwrap() error { return ErrScoringPending }

// AsPending returns the PendingError in err, if any.
func AsPending(err error) (*PendingError, bool) {
	var p *PendingError
	ok := errors.As(err, &p)
	return p, ok
}
