package application

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/region"
)

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

// IncompleteError lists what is missing.
type IncompleteError struct{ Problems []string }

func (e *IncompleteError) Error() string { return "incomplete: " + strings.Join(e.Problems, ",") }

func (e *IncompleteError) Unwrap() error { return ErrIncomplete }

// Submit locks the application and issues the receipt. Submitting again (a double click, a
// second tab) returns the same receipt and sends no second email. The row lock serialises
// concurrent submits. What is submitted is read once, inside the transaction, in two
// statements (the locked row with its cohort and the applicant's language; the parts), and
// stored as the submitted content the receipt is read from.
func (s *Store) Submit(ctx context.Context, actor audit.Actor, userID, id int64, now time.Time) (Application, error) {
	var out Application
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := s.editable(ctx, tx, userID, id, now)
		if errors.Is(err, ErrLocked) && a.Status != StatusWithdrawn {
			out = a.Application // already submitted: same receipt
			return nil
		}
		if err != nil {
			return err
		}
		d := Details{Application: a.Application, Cohort: cohort.Config{Cohort: a.cohortWindow()}}
		if err := partsQ(ctx, tx, &d); err != nil {
			return err
		}
		if p := SubmitProblems(d); len(p) > 0 {
			return &IncompleteError{Problems: p}
		}
		now = now.UTC().Truncate(time.Microsecond)
		number := RegistrationNumber(a.ProgramKind, a.CohortNumber, a.RegencyCode, a.ID)
		content, sum := Canonical(d, number, now).Checksum()
		rows, _ := tx.Query(ctx, `UPDATE applications SET status = 'submitted', submitted_at = $2, registration_number = $3, receipt_checksum = $4,
			submitted_content = $5, applicant_name = $6, updated_at = now() WHERE id = $1 RETURNING `+appCols, a.ID, now, number, sum, content, d.Profile.Name)
		if out, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application]); err != nil {
			return err
		}
		tz := d.Profile.Timezone()
		m := s.compose(a.Language, "application.mail.receipt", map[string]any{"Name": d.Profile.Name, "Cohort": a.CohortName, "Number": number,
			"At": region.InZone(now, tz).Format(region.DateTimeLayout), "Zone": tz, "Checksum": sum})
		m.To = d.Profile.Email
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.submit", ObjectType: "application", ObjectID: strconv.FormatInt(a.ID, 10),
			Detail: map[string]any{"cohort": a.CohortID, "registration_number": number, "checksum": sum}})
	})
	return out, err
}

// Withdraw withdraws a draft or submitted application before the deadline (WithdrawError),
// and removes its verval assignments.
func (s *Store) Withdraw(ctx context.Context, actor audit.Actor, userID, id int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := lock(ctx, tx, userID, id)
		if err != nil {
			return err
		}
		if a.Status == StatusWithdrawn {
			return nil
		}
		if err := WithdrawError(a.Application, a.cohortWindow(), now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `WITH unassigned AS (DELETE FROM verval_assignments WHERE application_id = $1)
			UPDATE applications SET status = 'withdrawn', withdrawn_at = $2, updated_at = now() WHERE id = $1`, id, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.withdraw", ObjectType: "application", ObjectID: strconv.FormatInt(id, 10)})
	})
}
