// Package training is the cohort's pendidikan: the roster of CGPs, the appointed pengajar
// praktik (PP) and fasilitator, and the groups under a PP in a fasilitator's class — proposed by
// a pure, deterministic function (Propose) and confirmed by the BGP. Rules are pure functions;
// SQL lives in Store.
package training

// Settings are a cohort's training numbers (training_settings; the defaults are the column
// defaults of migration 000500).
type Settings struct {
	CohortID         int64 `db:"cohort_id"`
	GroupMin         int   `db:"group_min"`
	GroupMax         int   `db:"group_max"`
	PPCap            int   `db:"pp_cap"`
	FasilitatorCap   int   `db:"fasilitator_cap"`
	VisitsPlanned    int   `db:"visits_planned"`
	AckDays          int   `db:"ack_days"`
	AttendanceMinPct int   `db:"attendance_min_pct"`
	ModulePackages   int   `db:"module_packages"`
	Modules          int   `db:"modules"`
	LokakaryaCount   int   `db:"lokakarya_count"`
	// AssessmentPass is the score (0-100) a final assessment must reach.
	AssessmentPass int `db:"assessment_pass_score"`
	// ReminderDays is how many days before a lokakarya its participants are reminded.
	ReminderDays int `db:"reminder_days"`
}

// Sizes returns the group sizes of s.
func (s Settings) Sizes() Sizes { return Sizes{GroupMin: s.GroupMin, GroupMax: s.GroupMax} }

// Problems a hand edit of a group can break (message keys).
const (
	ProblemTooBig        = "training.problem.too_big"
	ProblemTooSmall      = "training.problem.too_small"
	ProblemOwnSchool     = "training.problem.own_school"
	ProblemOtherRegency  = "training.problem.other_regency"
	ProblemPPOverCap     = "training.problem.pp_over_cap"
	ProblemNotPP         = "training.problem.not_pp"
	ProblemSameGroup     = "training.problem.same_group"
	ProblemReasonMissing = "training.problem.reason_missing"
)

// GroupState is what CheckGroup needs to know about a group after an edit.
type GroupState struct {
	Regency string
	Members []Candidate
	PP      Mentor
	// PPLoadElsewhere is the number of CGPs the PP mentors in its other groups.
	PPLoadElsewhere int
}

// CheckGroup returns the problems of a group as it would be after an edit: its size outside
// the cohort's bounds, a member from the PP's school or from another kab/kota, the PP from
// another kab/kota or above its cap. Empty means the group is valid. allowSmall lets a group go
// below the minimum (a CGP withdrawing).
func CheckGroup(sz Sizes, g GroupState, allowSmall bool) []string {
	var out []string
	if len(g.Members) > sz.GroupMax {
		out = append(out, ProblemTooBig)
	}
	if len(g.Members) < sz.GroupMin && !allowSmall {
		out = append(out, ProblemTooSmall)
	}
	if g.PP.Regency != g.Regency {
		out = append(out, ProblemOtherRegency)
	}
	for _, c := range g.Members {
		if g.PP.NPSN != "" && c.NPSN == g.PP.NPSN {
			out = append(out, ProblemOwnSchool)
			break
		}
	}
	for _, c := range g.Members {
		if c.Regency != g.Regency {
			if len(out) == 0 || out[len(out)-1] != ProblemOtherRegency {
				out = append(out, ProblemOtherRegency)
			}
			break
		}
	}
	if g.PPLoadElsewhere+len(g.Members) > g.PP.Cap {
		out = append(out, ProblemPPOverCap)
	}
	return out
}

// Completion rules a CGP may not meet yet (message keys), in the order they are shown.
const (
	UnmetAttendance    = "training.unmet.attendance"
	UnmetVisits        = "training.unmet.visits"
	UnmetModules       = "training.unmet.modules"
	UnmetPPAssessment  = "training.unmet.pp_assessment"
	UnmetFasAssessment = "training.unmet.fas_assessment"
)

// CompletionFacts are what the completion rules look at for one CGP (computed in SQL).
type CompletionFacts struct {
	ParticipantID int64 `db:"participant_id"`
	// LokakaryaHeld counts the kab/kota's lokakarya that have taken place; Attended those the
	// CGP was recorded hadir at.
	LokakaryaHeld int `db:"lokakarya_held"`
	Attended      int `db:"attended"`
	// VisitsAcknowledged counts sent and acknowledged visit logs.
	VisitsAcknowledged int `db:"visits_acknowledged"`
	ModulesDone        int `db:"modules_done"`
	// PPScore and FasScore are the final assessments, nil when not recorded.
	PPScore  *int `db:"pp_score"`
	FasScore *int `db:"fas_score"`
}

// Unmet tells which completion rules the CGP does not meet under the cohort's settings: lokakarya
// attendance at least AttendanceMinPct of those held (none held is unmet), every planned visit
// logged and acknowledged, every module complete, and a final assessment by the PP and by the
// fasilitator each at least AssessmentPass. Empty means the CGP may graduate.
func Unmet(st Settings, f CompletionFacts) []string {
	var out []string
	if f.LokakaryaHeld == 0 || f.Attended*100 < st.AttendanceMinPct*f.LokakaryaHeld {
		out = append(out, UnmetAttendance)
	}
	if f.VisitsAcknowledged < st.VisitsPlanned {
		out = append(out, UnmetVisits)
	}
	if f.ModulesDone < st.Modules {
		out = append(out, UnmetModules)
	}
	if f.PPScore == nil || *f.PPScore < st.AssessmentPass {
		out = append(out, UnmetPPAssessment)
	}
	if f.FasScore == nil || *f.FasScore < st.AssessmentPass {
		out = append(out, UnmetFasAssessment)
	}
	return out
}

// Due is what a CGP should have done by now, for judging who is at risk during the training.
type Due struct {
	// Visits is the number of visits whose planned date and acknowledgement days have passed.
	Visits int `db:"visits_due"`
	// Ended: the kab/kota's last lokakarya (Panen Hasil Belajar) has begun, so modules and final
	// assessments are due.
	Ended bool `db:"ended"`
}

// AtRisk tells which completion rules (Unmet) a CGP already misses during the training: the
// attendance rule once a lokakarya has been held, the visits rule against the visits due so far,
// and the modules and final assessments once the last lokakarya has begun.
func AtRisk(st Settings, f CompletionFacts, d Due) []string {
	st.VisitsPlanned = d.Visits
	var out []string
	for _, u := range Unmet(st, f) {
		switch u {
		case UnmetAttendance:
			if f.LokakaryaHeld == 0 {
				continue
			}
		case UnmetModules, UnmetPPAssessment, UnmetFasAssessment:
			if !d.Ended {
				continue
			}
		}
		out = append(out, u)
	}
	return out
}
