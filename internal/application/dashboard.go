package application

import (
	"fmt"
	"penggerak/internal/selection"
	"reflect"
	"time"
)

// The teacher's dashboard reads the profile and the applications in the dashboard's one
// statement (package overview), from the SQL and the scanning below.

// MineSQL selects user $1's applications (what Mine returns, appCols) each with the Progress
// the applicant may see (MyProgresses: only decisions whose mail was released) and its
// cohort's name, newest cohort first.
var MineSQL = `SELECT ` + prefixed("a.", appCols) + `, ` + myProgressFacts + `, c.name AS cohort_name
	FROM applications a ` + ProgressJoin + ` JOIN cohorts c ON c.id = a.cohort_id
	WHERE a.user_id = $1 ORDER BY a.cohort_id DESC`

// orNull is a scan target for a column that may be NULL, and the function that copies a
// non-NULL value into dst after the scan.
func orNull[T any](dst *T) (any, func()) {
	var p *T
	return &p, func() {
		if p != nil {
			*dst = *p
		}
	}
}

// NullableScan holds the scan targets of a part of a row that may be wholly NULL (a LEFT JOIN
// that found nothing); Done tells whether it was there.
type NullableScan struct {
	Targets []any
	copies  []func()
}

func (n *NullableScan) add(targets ...any) {
	for _, t := range targets {
		switch d := t.(type) {
		case *int64:
			t, f := orNull(d)
			n.Targets, n.copies = append(n.Targets, t), append(n.copies, f)
		case *int:
			t, f := orNull(d)
			n.Targets, n.copies = append(n.Targets, t), append(n.copies, f)
		case *string:
			t, f := orNull(d)
			n.Targets, n.copies = append(n.Targets, t), append(n.copies, f)
		case *Status:
			t, f := orNull(d)
			n.Targets, n.copies = append(n.Targets, t), append(n.copies, f)
		case *selection.Outcome:
			t, f := orNull(d)
			n.Targets, n.copies = append(n.Targets, t), append(n.copies, f)
		case *selection.SeatStatus:
			t, f := orNull(d)
			n.Targets, n.copies = append(n.Targets, t), append(n.copies, f)
		case *time.Time:
			t, f := orNull(d)
			n.Targets, n.copies = append(n.Targets, t), append(n.copies, f)
		default:
			// Only a pointer to a pointer scans NULL (as nil) by itself. A value type not listed
			// above would fail on the first row without it, so it is refused here, on every
			// view, rather than only when a NULL comes (as a newly typed status once did).
			if rt := reflect.TypeOf(t); rt.Kind() != reflect.Pointer || rt.Elem().Kind() != reflect.Pointer {
				panic(fmt.Sprintf("application.NullableScan: no NULL handling for %T: add it to add", t))
			}
			n.Targets = append(n.Targets, t)
		}
	}
}

func (n *NullableScan) copy() {
	for _, f := range n.copies {
		f()
	}
}

// ProfileScan scans the columns of ProfileSQL on a row where they may all be NULL.
type ProfileScan struct {
	NullableScan
	p Profile
	// the key column: NULL when there is no profile
	userID *int64
}

// NewProfileScan returns the scan targets of ProfileSQL's columns, in order.
func NewProfileScan() *ProfileScan {
	s := &ProfileScan{}
	p := &s.p
	s.Targets = append(s.Targets, &s.userID)
	s.add(&p.Name, &p.Email, &p.NIK, &p.NUPTK, &p.BirthDate, &p.Gender, &p.NPSN, &p.SchoolName, &p.RegencyCode,
		&p.RegencyName, &p.ProvinceCode, &p.Jenjang, &p.Subject, &p.EmploymentStatus, &p.YearsTeaching, &p.Education)
	return s
}

// Profile is the scanned profile, nil when the row had none.
func (s *ProfileScan) Profile() *Profile {
	if s.userID == nil {
		return nil
	}
	s.copy()
	out := s.p
	out.UserID = *s.userID
	return &out
}

// MineScan scans the columns of MineSQL on a row where they may all be NULL (no application).
type MineScan struct {
	NullableScan
	a          Application
	pr         Progress
	cohortName string
	id         *int64
}

// NewMineScan returns the scan targets of MineSQL's columns, in order.
func NewMineScan() *MineScan {
	s := &MineScan{}
	a, p := &s.a, &s.pr
	s.Targets = append(s.Targets, &s.id)
	s.add(&a.CohortID, &a.UserID, &a.Status, &a.ApplicantName, &a.NPSN, &a.RegencyCode, &a.ProvinceCode, &a.Jenjang,
		&a.ProfileConfirmedAt, &a.SubmittedAt, &a.RegistrationNumber, &a.ReceiptChecksum, &a.WithdrawnAt, &a.VervalDecidedAt,
		&a.CorrectionUntil, &a.CorrectionUsedAt, &a.CreatedAt, &a.UpdatedAt,
		&p.Status, &p.Outcome, &p.Seat, &p.Training, &p.TrainingOutcome, &s.cohortName)
	return s
}

// Application is the scanned application with its Progress and its cohort's name; ok is false
// when the row had none. Each call after a scan returns that row's.
func (s *MineScan) Application() (a Application, p Progress, cohortName string, ok bool) {
	if s.id == nil {
		return a, p, "", false
	}
	s.copy() // a row with an application has all its non-pointer columns (the pointer ones scan in place)
	s.a.ID = *s.id
	return s.a, s.pr, s.cohortName, true
}
