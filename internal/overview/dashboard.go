package overview

import (
	"context"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/clinic"
	"penggerak/internal/selection"
	"penggerak/internal/training"
)

// DashboardQuery says which figures one view of the signed-in dashboard needs.
type DashboardQuery struct {
	UserID int64
	// Teacher asks for the teacher's facts (Teacher).
	Teacher bool
	// TeacherNeedsProfile reads the teacher's facts other than the profile only when the user
	// has a profile: a staff account's teacher section is left out until it has one.
	TeacherNeedsProfile bool
	// Regions are the scopes of the user's region grants, a Counts each.
	Regions []account.Scope
	// ClinicStaff, when set, counts the clinic events in this staff scope.
	ClinicStaff *clinic.Scope
	// Assessor counts the user's open score sheets.
	Assessor bool
}

// Dashboard is what one view of the dashboard shows, read in one statement.
type Dashboard struct {
	Teacher Teacher
	// Regions are the figures of DashboardQuery.Regions, in the same order.
	Regions []Counts
	// ClinicEvents is the number of clinic events in DashboardQuery.ClinicStaff (at most 500).
	ClinicEvents int
	// OpenSheets is the number of score sheets the assessor has not submitted yet.
	OpenSheets int
}

// Teacher are the teacher's own facts on the dashboard.
type Teacher struct {
	// Profile is the teacher's profile, nil when they have none.
	Profile *application.Profile
	// Applications are the teacher's applications, newest cohort first (application.MineSQL).
	Applications []application.Application
	// Progress is where each application stands as the applicant may see it, by id.
	Progress map[int64]application.Progress
	// CohortNames names the cohorts of Applications.
	CohortNames map[int64]string
	// ClinicRegistrations counts the teacher's clinic registrations that are not cancelled.
	ClinicRegistrations int
	// HasApplicantPage: the teacher has a released result or a tahap 2 session.
	HasApplicantPage bool
	// InGroup: the teacher is an active CGP in a confirmed training group.
	InGroup bool
}

// Dashboard reads every figure of q in one statement, composed from the features' own SQL
// (application.ProfileSQL and MineSQL, clinic.ActiveRegistrationsSQL and StaffCountSQL,
// selection.HasApplicantPageSQL and OpenSheetCountSQL, training.InGroupSQL, RegionCounts'
// sums): one round trip instead of one per figure. The statement has one row per application
// of the teacher (one row when they have none), the other figures repeated on each.
func (s *Store) Dashboard(ctx context.Context, q DashboardQuery) (Dashboard, error) {
	sql, args := dashboardSQL(q)
	var d Dashboard
	regions := make([][]int64, len(q.Regions))
	var teacherFacts [3]any
	var has, in bool
	var regs int
	teacherFacts[0], teacherFacts[1], teacherFacts[2] = &has, &in, &regs
	var prof *application.ProfileScan
	var mine *application.MineScan
	if q.Teacher {
		prof, mine = application.NewProfileScan(), application.NewMineScan()
		d.Teacher.Progress, d.Teacher.CohortNames = map[int64]application.Progress{}, map[int64]string{}
	}
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	first := true
	for rows.Next() {
		dest := make([]any, 0, len(regions)+2+3+17+25)
		for i := range regions {
			dest = append(dest, &regions[i])
		}
		dest = append(dest, &d.ClinicEvents, &d.OpenSheets)
		if q.Teacher {
			dest = append(dest, teacherFacts[:]...)
			dest = append(dest, prof.Targets...)
			dest = append(dest, mine.Targets...)
		}
		if err := rows.Scan(dest...); err != nil {
			return d, err
		}
		if !q.Teacher {
			continue
		}
		if first {
			d.Teacher.Profile = prof.Profile()
			d.Teacher.ClinicRegistrations, d.Teacher.HasApplicantPage, d.Teacher.InGroup = regs, has, in
			first = false
		}
		if a, p, name, ok := mine.Application(); ok {
			d.Teacher.Applications = append(d.Teacher.Applications, a)
			d.Teacher.Progress[a.ID], d.Teacher.CohortNames[a.CohortID] = p, name
		}
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	for _, v := range regions {
		d.Regions = append(d.Regions, countsOf(v))
	}
	return d, nil
}

// dashboardSQL is the statement of Dashboard and its arguments: $1 is the user, $2 whether the
// teacher's facts need a profile, then the region and clinic scopes' parameters.
func dashboardSQL(q DashboardQuery) (string, []any) {
	args := []any{q.UserID, q.TeacherNeedsProfile}
	var cols []string
	for _, sc := range q.Regions {
		expr, a := regionCountsSQL(sc, len(args)+1)
		cols = append(cols, expr)
		args = append(args, a...)
	}
	if q.ClinicStaff != nil {
		cols = append(cols, clinic.StaffCountSQL(len(args)+1))
		args = append(args, clinic.StaffScopeArgs(*q.ClinicStaff)...)
	} else {
		cols = append(cols, `0`)
	}
	if q.Assessor {
		cols = append(cols, selection.OpenSheetCountSQL)
	} else {
		cols = append(cols, `0`)
	}
	var b strings.Builder
	b.WriteString(`SELECT ` + strings.Join(cols, ",\n\t"))
	if !q.Teacher {
		b.WriteString(` WHERE $1::bigint IS NOT NULL OR $2::bool`) // the two parameters are always sent
		return b.String(), args
	}
	// The teacher's facts: the profile, and when it is there (or not needed) the others. A
	// LATERAL part whose condition fails is not run.
	const wanted = `(pr.user_id IS NOT NULL OR NOT $2::bool)`
	b.WriteString(`,
	coalesce(f.has_page, false), coalesce(f.in_group, false), coalesce(f.clinic_regs, 0), pr.*, ap.*
	FROM (SELECT 1) one
	LEFT JOIN LATERAL (` + application.ProfileSQL + `) pr ON true
	LEFT JOIN LATERAL (SELECT ` + selection.HasApplicantPageSQL + ` AS has_page, ` + training.InGroupSQL + ` AS in_group,
		` + clinic.ActiveRegistrationsSQL + ` AS clinic_regs WHERE ` + wanted + `) f ON true
	LEFT JOIN LATERAL (SELECT * FROM (` + application.MineSQL + `) m WHERE ` + wanted + `) ap ON true
	ORDER BY ap.cohort_id DESC NULLS LAST`)
	return b.String(), args
}
