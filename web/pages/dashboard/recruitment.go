package dashboard

import (
	"strconv"

	"penggerak/internal/application"
	"penggerak/internal/cohort"
	"penggerak/internal/region"
)

// RecruitmentProps is the teacher's recruitment section of the dashboard.
type RecruitmentProps struct {
	HasProfile bool
	TZ         string
	Open       []OpenCohort
	Past       []application.Application
}

// OpenCohort is a cohort open for registration, with the rules the teacher fails (if any) and
// their application (if any).
type OpenCohort struct {
	Config      cohort.Config
	Failures    []cohort.Failure
	Application *application.Application
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func deadline(o OpenCohort, tz string) string {
	return region.InZone(o.Config.RegistrationClosesAt, tz).Format("02-01-2006 15:04") + " " + tz
}
