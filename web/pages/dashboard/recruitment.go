package dashboard

import (
	"context"

	"penggerak/internal/application"
	"penggerak/internal/cohort"
	"penggerak/internal/region"
	"penggerak/web/i18n"
)

// RecruitmentProps is the teacher's recruitment section of the dashboard.
type RecruitmentProps struct {
	HasProfile bool
	TZ         string
	Open       []OpenCohort
	Past       []application.Application
	// CohortNames names the cohorts of Past.
	CohortNames map[int64]string
	// Progress is where each of the teacher's applications stands, by application id.
	Progress map[int64]application.Progress
}

// statusKey is the message key of where the application stands (application.StatusKey).
func (p RecruitmentProps) statusKey(a application.Application) string {
	pr, ok := p.Progress[a.ID]
	if !ok {
		pr = application.Progress{Status: a.Status}
	}
	return application.StatusKey(pr)
}

// OpenCohort is a cohort open for registration, with the rules the teacher fails (if any) and
// their application (if any).
type OpenCohort struct {
	Config      cohort.Config
	Failures    []cohort.Failure
	Application *application.Application
}

func deadline(o OpenCohort, tz string) string {
	return region.FormatTime(o.Config.RegistrationClosesAt, tz)
}

// failureText is the message of a failing eligibility rule, with a role named in the reader's
// language.
func failureText(ctx context.Context, f cohort.Failure) string {
	data := map[string]any{}
	for k, v := range f.Data {
		data[k] = v
	}
	if r, ok := data["Role"].(string); ok {
		data["Role"] = i18n.T(ctx, "role."+r)
	}
	return i18n.T(ctx, f.Key, data)
}
