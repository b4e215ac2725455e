// Package application is a teacher's application to a cohort: the confirmed profile, CV
// entries, essays, documents and consent, the submission with its receipt, withdrawal, and the
// document verification (verval) by assessors. Rules are pure functions; SQL lives in Store.
package application

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"penggerak/internal/account"
	"penggerak/internal/cohort"
	"penggerak/internal/filecheck"
)

// Status is where an application stands.
type Status string

// Application statuses.
const (
	StatusDraft            Status = "draft"
	StatusSubmitted        Status = "submitted"
	StatusWithdrawn        Status = "withdrawn"
	StatusLolosVerval      Status = "lolos_verval"
	StatusTidakLolosVerval Status = "tidak_lolos_verval"
)

// Statuses lists every status, for filters and counts.
var Statuses = []Status{StatusDraft, StatusSubmitted, StatusWithdrawn, StatusLolosVerval, StatusTidakLolosVerval}

// ConsentVersion is the version of the personal-data consent text the applicant agrees to.
const ConsentVersion = "pdp-2026-01"

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
	return a.Status == StatusTidakLolosVerval && a.CorrectionUsedAt == nil && a.CorrectionUntil != nil && now.Before(*a.CorrectionUntil)
}

// Profile is the teacher's profile with their school, as the application reads it.
type Profile struct {
	UserID           int64     `db:"user_id"`
	Name             string    `db:"name"`
	Email            string    `db:"email"`
	NIK              string    `db:"nik"`
	NUPTK            string    `db:"nuptk"`
	BirthDate        time.Time `db:"birth_date"`
	Gender           string    `db:"gender"`
	NPSN             string    `db:"npsn"`
	SchoolName       string    `db:"school_name"`
	RegencyCode      string    `db:"regency_code"`
	RegencyName      string    `db:"regency_name"`
	ProvinceCode     string    `db:"province_code"`
	Jenjang          string    `db:"jenjang"`
	Subject          string    `db:"subject"`
	EmploymentStatus string    `db:"employment_status"`
	YearsTeaching    int       `db:"years_teaching"`
	Education        string    `db:"education"`
}

// Applicant turns the profile and roles into the input of the eligibility rules.
// roles are role names as the principal lists them (account.Principal.RoleNames).
func (p *Profile) Applicant(roles []string) cohort.Applicant {
	typed := make([]account.Role, len(roles))
	for i, r := range roles {
		typed[i] = account.Role(r)
	}
	if p == nil {
		return cohort.Applicant{Roles: typed}
	}
	return cohort.Applicant{HasProfile: true, RegencyCode: p.RegencyCode, Jenjang: p.Jenjang, YearsTeaching: p.YearsTeaching,
		Education: p.Education, BirthDate: p.BirthDate, Roles: typed}
}

// CV sections, in order.
var CVSections = []string{"umum", "pelatihan", "organisasi", "relawan", "pengembangan"}

// CVEntry is one entry of a CV section.
type CVEntry struct {
	ID           int64  `db:"id"`
	Section      string `db:"section"`
	Title        string `db:"title"`
	Organisation string `db:"organisation"`
	YearFrom     *int   `db:"year_from"`
	YearTo       *int   `db:"year_to"`
	Description  string `db:"description"`
}

// Essay is a question with the applicant's answer.
type Essay struct {
	cohort.Question
	Body      string     `db:"body"`
	UpdatedAt *time.Time `db:"updated_at"`
}

// Length is the answer's length in characters, as the counter in the browser counts it.
func (e Essay) Length() int { return utf8.RuneCountInString(e.Body) }

// Document is a required document with the applicant's upload, if any.
type Document struct {
	cohort.Document
	UploadID     *int64     `db:"upload_id"`
	OriginalName *string    `db:"original_name"`
	SizeBytes    *int       `db:"size_bytes"`
	SHA256       *string    `db:"sha256"`
	UploadedAt   *time.Time `db:"uploaded_at"`
	VervalStatus *string    `db:"verval_status"`
	VervalReason *string    `db:"verval_reason"`
	VervalNote   *string    `db:"verval_note"`
	CorrectedAt  *time.Time `db:"corrected_at"`
}

// Uploaded reports whether a file is there.
func (d Document) Uploaded() bool { return d.UploadID != nil }

// Invalid reports whether the assessor rejected the file.
func (d Document) Invalid() bool { return d.VervalStatus != nil && *d.VervalStatus == "invalid" }

// Consent is the recorded consent to the processing of personal data.
type Consent struct {
	TextVersion string    `db:"text_version"`
	ConsentedAt time.Time `db:"consented_at"`
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

// EssayProblem is one answer outside its limits.
func EssayProblem(min, max int, body string) string {
	n := utf8.RuneCountInString(body)
	switch {
	case n > max:
		return "application.essay.too_long"
	case n < min || strings.TrimSpace(body) == "":
		return "application.essay.too_short"
	}
	return ""
}

// EssayProblems returns, per question id, the message key of each answer outside its limits.
func EssayProblems(es []Essay) map[int64]string {
	out := map[int64]string{}
	for _, e := range es {
		if p := EssayProblem(e.MinChars, e.MaxChars, e.Body); p != "" {
			out[e.ID] = p
		}
	}
	return out
}

// MissingDocuments returns the required documents without an upload.
func MissingDocuments(ds []Document) []Document {
	var out []Document
	for _, d := range ds {
		if d.Required && !d.Uploaded() {
			out = append(out, d)
		}
	}
	return out
}

// SubmitProblems lists what keeps the application from being submitted (message keys).
func SubmitProblems(d Details) []string {
	var out []string
	if d.ProfileConfirmedAt == nil {
		out = append(out, "application.problem.profile")
	}
	// The CV is scored by the assessors (the CV stage of the rubric): an application without
	// one cannot be assessed, so it is required, as the review step says.
	if len(d.CV) == 0 {
		out = append(out, "application.problem.cv")
	}
	if len(EssayProblems(d.Essays)) > 0 {
		out = append(out, "application.problem.essays")
	}
	if len(MissingDocuments(d.Documents)) > 0 {
		out = append(out, "application.problem.documents")
	}
	if d.Consent == nil {
		out = append(out, "application.problem.consent")
	}
	return out
}

// CheckPDF returns the message key of what is wrong with an uploaded file, or "" (the
// shared content check of filecheck.PDF).
func CheckPDF(data []byte, maxBytes int) string {
	return CheckUpload(data, int64(len(data)), int64(maxBytes), bytes.NewReader(data))
}

// CheckUpload is CheckPDF for a streamed upload: head is its first bytes, size its length,
// content the whole of it (read only when the size and the magic bytes pass).
func CheckUpload(head []byte, size, maxBytes int64, content io.Reader) string {
	switch err := filecheck.PDFStream(head, size, maxBytes, content); {
	case err == nil:
		return ""
	case errors.Is(err, filecheck.ErrEmpty):
		return "application.upload.empty"
	case errors.Is(err, filecheck.ErrTooBig):
		return "application.upload.too_big"
	case errors.Is(err, filecheck.ErrActive):
		return "application.upload.active"
	}
	return "application.upload.not_pdf"
}

// RegistrationNumber is the number on the receipt: program and cohort, kabupaten/kota, id.
func RegistrationNumber(kind string, cohortNumber int, regencyCode string, id int64) string {
	return fmt.Sprintf("%s%d-%s-%07d", strings.ToUpper(strings.ReplaceAll(kind, "_", "")), cohortNumber,
		strings.ReplaceAll(regencyCode, ".", ""), id)
}

// Content is the canonical submitted content; its SHA-256 is the receipt checksum.
type Content struct {
	ApplicationID      int64          `json:"application_id"`
	CohortID           int64          `json:"cohort_id"`
	UserID             int64          `json:"user_id"`
	RegistrationNumber string         `json:"registration_number"`
	SubmittedAt        string         `json:"submitted_at"`
	Profile            ContentProfile `json:"profile"`
	CV                 []CVEntry      `json:"cv"`
	Essays             []ContentEssay `json:"essays"`
	Documents          []ContentDoc   `json:"documents"`
	ConsentVersion     string         `json:"consent_version"`
	ConsentedAt        string         `json:"consented_at"`
}

// ContentProfile is the part of the profile the submission records (no NIK).
type ContentProfile struct {
	Name             string `json:"name"`
	NPSN             string `json:"npsn"`
	SchoolName       string `json:"school_name,omitempty"`
	RegencyCode      string `json:"regency_code"`
	Jenjang          string `json:"jenjang"`
	Subject          string `json:"subject"`
	EmploymentStatus string `json:"employment_status"`
	YearsTeaching    int    `json:"years_teaching"`
	Education        string `json:"education"`
}

// ContentEssay is one submitted answer.
type ContentEssay struct {
	QuestionID int64  `json:"question_id"`
	Prompt     string `json:"prompt,omitempty"`
	Body       string `json:"body"`
}

// ContentDoc is one submitted document, by checksum.
type ContentDoc struct {
	RequiredDocumentID int64  `json:"required_document_id"`
	Name               string `json:"name,omitempty"`
	FileName           string `json:"file_name,omitempty"`
	SHA256             string `json:"sha256"`
	Size               int    `json:"size"`
}

// Canonical builds the submitted content of d at submittedAt with the registration number.
func Canonical(d Details, number string, submittedAt time.Time) Content {
	c := Content{ApplicationID: d.ID, CohortID: d.CohortID, UserID: d.UserID, RegistrationNumber: number,
		SubmittedAt: submittedAt.UTC().Format(time.RFC3339Nano), CV: d.CV, Essays: []ContentEssay{}, Documents: []ContentDoc{}}
	if c.CV == nil {
		c.CV = []CVEntry{}
	}
	if p := d.Profile; p != nil {
		c.Profile = ContentProfile{Name: p.Name, NPSN: p.NPSN, SchoolName: p.SchoolName, RegencyCode: p.RegencyCode, Jenjang: p.Jenjang, Subject: p.Subject,
			EmploymentStatus: p.EmploymentStatus, YearsTeaching: p.YearsTeaching, Education: p.Education}
	}
	for _, e := range d.Essays {
		c.Essays = append(c.Essays, ContentEssay{QuestionID: e.ID, Prompt: e.Prompt, Body: e.Body})
	}
	for _, doc := range d.Documents {
		if doc.Uploaded() {
			c.Documents = append(c.Documents, ContentDoc{RequiredDocumentID: doc.ID, Name: doc.Name, FileName: str(doc.OriginalName),
				SHA256: *doc.SHA256, Size: *doc.SizeBytes})
		}
	}
	if d.Consent != nil {
		c.ConsentVersion = d.Consent.TextVersion
		c.ConsentedAt = d.Consent.ConsentedAt.UTC().Format(time.RFC3339Nano)
	}
	return c
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Checksum returns the canonical JSON of c and its SHA-256 in hex.
func (c Content) Checksum() ([]byte, string) {
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return b, hex.EncodeToString(sum[:])
}

// Verval reasons an assessor picks from when a document is invalid.
var VervalReasons = []string{"tidak_terbaca", "bukan_dokumen_diminta", "tidak_lengkap", "tanpa_tanda_tangan", "kedaluwarsa", "identitas_tidak_sesuai", "lainnya"}
