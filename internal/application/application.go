// Package application is a teacher's application to a cohort: the confirmed profile, CV
// entries, essays, documents and consent, the submission with its receipt, withdrawal, and the
// document verification (verval) by assessors. Rules are pure functions; SQL lives in Store.
package application

import (
	"errors"
	"strings"
	"time"

	"penggerak/internal/cohort"
)

// Status is where an application stands.
type Status string

// Application statuses.
const (
	StatusDraft        Status = "draft"
	StatusSubmitted    Status = "submitted"
	StatusWithdrawn    Status = "withdrawn"
	StatusVervalPassed Status = "verval_passed"
	StatusVervalFailed Status = "verval_failed"
)

// Statuses lists every status, for filters and counts.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusWithdrawn, StatusVervalPassed, StatusVervalFailed}

// VervalOutcomes are the statuses of a finished verval.
var VervalOutcomes = []Status{StatusVervalPassed, StatusVervalFailed}

// SentStatuses are the statuses of an application sent in: submitted, or its verval finished.
var SentStatuses = []Status{StatusSubmitted, StatusVervalPassed, StatusVervalFailed}

// VervalDecided reports whether the status is an outcome of a finished verval.
func (s Status) VervalDecided() bool { return s == StatusVervalPassed || s == StatusVervalFailed }

// Sent reports whether an application of the status was sent in (submitted or verval finished).
func (s Status) Sent() bool { return s == StatusSubmitted || s.VervalDecided() }

// sqlList is statuses as an SQL list of literals ('a', 'b'), for a statement fragment that is
// spliced into queries whose parameters are numbered elsewhere (the values are constants).
func sqlList(statuses ...Status) string {
	q := make([]string, len(statuses))
	for i, st := range statuses {
		q[i] = "'" + string(st) + "'"
	}
	return strings.Join(q, ", ")
}

// Sentinel errors besides database.ErrNotFound / ErrConflict.
var (
	// ErrLocked: the application is no longer a draft (submitted, withdrawn, verified).
	ErrLocked = errors.New("application locked")
	// ErrClosed: the cohort's registration is not open at the server's clock.
	ErrClosed = errors.New("registration closed")
	// ErrIncomplete: something required for submitting is missing; see Problems.
	ErrIncomplete = errors.New("application incomplete")
	// ErrNotEligible: an eligibility rule fails.
	ErrNotEligible = errors.New("not eligible")
)

// Application is one teacher's application to one cohort.
type Application struct {
	ID                 int64      `db:"id"`
	CohortID           int64      `db:"cohort_id"`
	UserID             int64      `db:"user_id"`
	Status             Status     `db:"status"`
	ApplicantName      string     `db:"applicant_name"`
	NPSN               string     `db:"npsn"`
	RegencyCode        string     `db:"regency_code"`
	ProvinceCode       string     `db:"province_code"`
	Jenjang            string     `db:"jenjang"`
	ProfileConfirmedAt *time.Time `db:"profile_confirmed_at"`
	SubmittedAt        *time.Time `db:"submitted_at"`
	RegistrationNumber *string    `db:"registration_number"`
	ReceiptChecksum    *string    `db:"receipt_checksum"`
	WithdrawnAt        *time.Time `db:"withdrawn_at"`
	VervalDecidedAt    *time.Time `db:"verval_decided_at"`
	CorrectionUntil    *time.Time `db:"correction_until"`
	CorrectionUsedAt   *time.Time `db:"correction_used_at"`
	CreatedAt          time.Time  `db:"created_at"`
	UpdatedAt          time.Time  `db:"updated_at"`
}

const appCols = `id, cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
	profile_confirmed_at, submitted_at, registration_number, receipt_checksum, withdrawn_at, verval_decided_at,
	correction_until, correction_used_at, created_at, updated_at`

// InCorrection reports whether the applicant may replace rejected documents at now.
func (a Application) InCorrection(now time.Time) bool {
	return a.Status == StatusVervalFailed && a.CorrectionUsedAt == nil && a.CorrectionUntil != nil && now.Before(*a.CorrectionUntil)
}

// Details is an application with everything in it.
type Details struct {
	Application
	Cohort    cohort.Config
	Profile   *Profile
	CV        []CVEntry
	Essays    []Essay
	Documents []Document
	Consent   *Consent
	// Progress is where the application stands beyond its status (result, seat, training).
	Progress Progress
}

// EditError says why the teacher can no longer change application a of cohort c at now:
// ErrLocked once it has left the draft, ErrClosed once registration has closed; nil while
// they can. It is the one place of the rule: the store checks it under the row lock, the
// pages ask Details.Editable.
func EditError(a Application, c cohort.Cohort, now time.Time) error {
	if a.Status != StatusDraft {
		return ErrLocked
	}
	if !c.RegistrationOpen(now) {
		return ErrClosed
	}
	return nil
}

// editableSQL is EditError's rule in SQL, for a statement that writes only while the
// application is editable: over a row with the application's status and its cohort's status
// and registration window (cohort_status, registration_opens_at, registration_closes_at), at
// now (a placeholder). TestEditableSQLFollowsEditError holds the two together.
func editableSQL(now string) string {
	return `(status = '` + string(StatusDraft) + `' AND cohort_status = '` + string(cohort.StatusPendaftaran) + `'
		AND ` + now + ` >= registration_opens_at AND ` + now + ` < registration_closes_at)`
}

// WithdrawError says why a cannot be withdrawn at now (nil when it can): only a draft or a
// submitted application, and only while registration is open.
func WithdrawError(a Application, c cohort.Cohort, now time.Time) error {
	if a.Status != StatusDraft && a.Status != StatusSubmitted {
		return ErrLocked
	}
	if !c.RegistrationOpen(now) {
		return ErrClosed
	}
	return nil
}

// Editable reports whether the teacher may still change the application at now.
func (d Details) Editable(now time.Time) bool {
	return EditError(d.Application, d.Cohort.Cohort, now) == nil
}

// CanWithdraw reports whether the teacher may withdraw the application at now.
func (d Details) CanWithdraw(now time.Time) bool {
	return WithdrawError(d.Application, d.Cohort.Cohort, now) == nil
}

// CanUpload reports whether the teacher may upload doc at now: while the application is
// editable, or once in the correction window for a document rejected at verval and not yet
// replaced.
func (d Details) CanUpload(doc Document, now time.Time) bool {
	return d.Editable(now) || (d.InCorrection(now) && doc.Invalid() && doc.CorrectedAt == nil)
}

// Step is one step of the application form.
type Step struct {
	Slug string
	Done bool
}

// Steps returns the steps of the application in order, each marked done or not.
func (d Details) Steps() []Step {
	return []Step{
		{Slug: "profil", Done: d.ProfileConfirmedAt != nil},
		{Slug: "cv", Done: len(d.CV) > 0},
		{Slug: "esai", Done: len(d.Essays) > 0 && len(EssayProblems(d.Essays)) == 0},
		{Slug: "dokumen", Done: len(MissingDocuments(d.Documents)) == 0},
		{Slug: "persetujuan", Done: d.Consent != nil},
		{Slug: "tinjau", Done: d.SubmittedAt != nil},
	}
}

// StepSlugs are the valid step slugs.
var StepSlugs = []string{"profil", "cv", "esai", "dokumen", "persetujuan", "tinjau"}
