package training

import (
	"strconv"
	"time"

	"penggerak/internal/training"
	"penggerak/web/components"
)

// MenteeProps is one of a PP's CGPs.
type MenteeProps struct {
	Mentee  training.Mentee
	Visits  []training.Visit
	Planned int
	// The typed plan form and its errors.
	PlanNumber, PlanDate string
	PlanErrors           map[string]string
	// Score is the PP's final assessment (nil before); Pass the cohort's threshold.
	Score *int
	Pass  int
}

// VisitProps is the visit log page.
type VisitProps struct {
	Visit  training.Visit
	Form   training.VisitLog
	Errors map[string]string
	// Timezone shows times of the saved draft.
	Timezone string
}

// VisitStatus is a visit's state as a message key.
func VisitStatus(v training.Visit) string {
	switch {
	case v.AcknowledgedAt != nil:
		return "training.visit.status.acknowledged"
	case v.Overdue:
		return "training.visit.status.overdue"
	case v.SubmittedAt != nil:
		return "training.visit.status.sent"
	case v.DraftSavedAt != nil:
		return "training.visit.status.draft"
	}
	return "training.visit.status.planned"
}

func date(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format("2006-01-02")
}

func dateID(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.Format("02-01-2006")
}

func savedAtMillis(t *time.Time) string {
	if t == nil {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func visitNumbers(n int) []components.Option {
	var out []components.Option
	for i := 1; i <= n; i++ {
		out = append(out, components.Option{Value: components.Int(i), Label: components.Int(i)})
	}
	return out
}
