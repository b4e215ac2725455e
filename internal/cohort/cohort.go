// Package cohort is the angkatan: its configuration (targets with quota, eligibility rules,
// essay questions, required documents, stage plan), its lifecycle and the eligibility rules a
// teacher must meet to apply. Rules are pure functions; SQL lives in Store.
package cohort

import (
	"penggerak/internal/account"
	"slices"
	"time"
)

// Status is a cohort's lifecycle stage.
type Status string

// The lifecycle, in order.
const (
	StatusDraft       Status = "draft"
	StatusPendaftaran Status = "pendaftaran"
	StatusSeleksi     Status = "seleksi"
	StatusPembekalan  Status = "pembekalan"
	StatusPendidikan  Status = "pendidikan"
	StatusSelesai     Status = "selesai"
)

// Lifecycle lists the statuses in order.
var Lifecycle = []Status{StatusDraft, StatusPendaftaran, StatusSeleksi, StatusPembekalan, StatusPendidikan, StatusSelesai}

// ProgramKinds are the programs a cohort can recruit for.
var ProgramKinds = []string{"cgp", "pp", "fasilitator", "kepala_sekolah"}

// Jenjangs are the school levels a cohort may accept.
var Jenjangs = []string{"PAUD", "SD", "SMP", "SMA", "SMK", "SLB", "MI", "MTS", "MA"}

// Educations are the education levels of a teacher profile, lowest first.
var Educations = []string{"SMA", "D1", "D2", "D3", "S1", "D4", "S2", "S3"}

// ExcludableRoles are the current roles a cohort may exclude.
var ExcludableRoles = []account.Role{account.RolePengajarPraktik, account.RoleAsesor, account.RoleFasilitator}

// Cohort is one angkatan with its configuration.
type Cohort struct {
	ID                   int64      `db:"id"`
	Number               int        `db:"number"`
	Name                 string     `db:"name"`
	ProgramKind          string     `db:"program_kind"`
	RegistrationOpensAt  time.Time  `db:"registration_opens_at"`
	RegistrationClosesAt time.Time  `db:"registration_closes_at"`
	AdministrasiStartsOn *time.Time `db:"administrasi_starts_on"`
	AdministrasiEndsOn   *time.Time `db:"administrasi_ends_on"`
	SimulasiStartsOn     *time.Time `db:"simulasi_starts_on"`
	SimulasiEndsOn       *time.Time `db:"simulasi_ends_on"`
	PembekalanStartsOn   *time.Time `db:"pembekalan_starts_on"`
	PembekalanEndsOn     *time.Time `db:"pembekalan_ends_on"`
	TrainingMonths       int        `db:"training_months"`
	Rules
	CorrectionDays int `db:"correction_days"`
	Numbers
	Status     Status    `db:"status"`
	CopiedFrom *int64    `db:"copied_from"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

// Numbers are a cohort's program numbers: deadlines and windows that were once constants.
type Numbers struct {
	// ConfirmDays is how long a pembekalan seat waits for its confirmation (from publication or
	// from a promotion).
	ConfirmDays int `db:"confirm_days"`
	// SheetDueDays is how long an assessor has for a tahap 1 (or adjudication, appeal) sheet.
	SheetDueDays int `db:"sheet_due_days"`
	// Tahap2DueHours is how long after their tahap 2 session the assessors have for its sheets.
	Tahap2DueHours int `db:"tahap2_due_hours"`
	// AppealDays is how long the appeal window stays open after a publication.
	AppealDays int `db:"appeal_days"`
}

// DefaultNumbers are the Guru Penggerak program numbers.
var DefaultNumbers = Numbers{ConfirmDays: 7, SheetDueDays: 14, Tahap2DueHours: 72, AppealDays: 3}

// ConfirmDue is how long a seat waits for its confirmation.
func (n Numbers) ConfirmDue() time.Duration { return time.Duration(n.ConfirmDays) * 24 * time.Hour }

// SheetDue is how long an assessor has for a sheet.
func (n Numbers) SheetDue() time.Duration { return time.Duration(n.SheetDueDays) * 24 * time.Hour }

// Tahap2Due is how long after the session its sheets are due.
func (n Numbers) Tahap2Due() time.Duration { return time.Duration(n.Tahap2DueHours) * time.Hour }

// AppealWindow is how long the appeal window stays open after a publication.
func (n Numbers) AppealWindow() time.Duration { return time.Duration(n.AppealDays) * 24 * time.Hour }

// Rules are a cohort's eligibility rules.
type Rules struct {
	MinYearsTeaching  int            `db:"min_years_teaching"`
	EligibleEducation []string       `db:"eligible_education"`
	EligibleJenjang   []string       `db:"eligible_jenjang"`
	MaxAge            *int           `db:"max_age"`
	ExcludedRoles     []account.Role `db:"excluded_roles"`
}

// RegistrationOpen reports whether teachers may apply or submit at now.
func (c Cohort) RegistrationOpen(now time.Time) bool {
	return c.Status == StatusPendaftaran && !now.Before(c.RegistrationOpensAt) && now.Before(c.RegistrationClosesAt)
}

// Target is a target kabupaten/kota with its quota.
type Target struct {
	RegencyCode string `db:"regency_code"`
	RegencyName string `db:"regency_name"`
	Quota       int    `db:"quota"`
}

// Question is an essay question.
type Question struct {
	ID        int64  `db:"id"`
	GroupName string `db:"group_name"`
	Position  int    `db:"position"`
	Prompt    string `db:"prompt"`
	MinChars  int    `db:"min_chars"`
	MaxChars  int    `db:"max_chars"`
}

// Document is a document the applicant must (or may) upload.
type Document struct {
	ID       int64  `db:"id"`
	Position int    `db:"position"`
	Name     string `db:"name"`
	Guidance string `db:"guidance"`
	Required bool   `db:"required"`
	MaxBytes int    `db:"max_bytes"`
}

// Config is a cohort with everything configured for it.
type Config struct {
	Cohort
	Targets   []Target
	Questions []Question
	Documents []Document
	// PublishedRuns counts the cohort's published result runs (the pembekalan guard).
	PublishedRuns int
	// OfferedUntil is the latest confirmation deadline among the cohort's pembekalan seats still
	// offered (neither confirmed nor declined), nil when there is none (the pendidikan guard).
	OfferedUntil *time.Time
	// UnattendedSeats counts confirmed pembekalan seats whose briefing attendance is not
	// recorded yet (the pendidikan guard).
	UnattendedSeats int
	// UndecidedCGPs counts the cohort's CGPs in training (not withdrawn) without a graduation
	// decision (the selesai guard; training, issue 10).
	UndecidedCGPs int
}

// TotalQuota is the sum of the targets' quotas.
func (c Config) TotalQuota() int {
	n := 0
	for _, t := range c.Targets {
		n += t.Quota
	}
	return n
}

// HasTarget reports whether the kabupaten/kota is a target.
func (c Config) HasTarget(regencyCode string) bool {
	return slices.ContainsFunc(c.Targets, func(t Target) bool { return t.RegencyCode == regencyCode })
}

// TransitionProblems returns the message keys of what blocks moving c to next at now; empty
// means the transition is allowed. Only the next stage in the lifecycle may follow; registration
// cannot open without targets, essay questions and required documents; selection cannot start
// while registration is still open; pembekalan cannot start before a result run is published;
// pendidikan cannot start while an offered pembekalan seat may still be confirmed (its deadline
// has not passed) or while a confirmed participant's briefing attendance is not recorded;
// selesai cannot follow while a CGP in training has no graduation decision.
func TransitionProblems(c Config, next Status, now time.Time) []string {
	cur := slices.Index(Lifecycle, c.Status)
	nxt := slices.Index(Lifecycle, next)
	if cur < 0 || nxt != cur+1 {
		return []string{"cohort.transition.not_next"}
	}
	var out []string
	if next == StatusPendaftaran {
		if len(c.Targets) == 0 {
			out = append(out, "cohort.transition.no_targets")
		}
		if len(c.Questions) == 0 {
			out = append(out, "cohort.transition.no_questions")
		}
		if len(c.Documents) == 0 {
			out = append(out, "cohort.transition.no_documents")
		}
	}
	if next == StatusSeleksi && now.Before(c.RegistrationClosesAt) {
		out = append(out, "cohort.transition.registration_open")
	}
	if next == StatusPembekalan && c.PublishedRuns == 0 {
		out = append(out, "cohort.transition.no_published_run")
	}
	if next == StatusSelesai && c.UndecidedCGPs > 0 {
		out = append(out, "cohort.transition.training_undecided")
	}
	if next == StatusPendidikan {
		if c.OfferedUntil != nil && now.Before(*c.OfferedUntil) {
			out = append(out, "cohort.transition.seats_undecided")
		}
		if c.UnattendedSeats > 0 {
			out = append(out, "cohort.transition.attendance_missing")
		}
	}
	return out
}

// NextStatus returns the stage after s, or "" at the end.
func NextStatus(s Status) Status {
	i := slices.Index(Lifecycle, s)
	if i < 0 || i+1 >= len(Lifecycle) {
		return ""
	}
	return Lifecycle[i+1]
}
