package application

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/filecheck"
)

// Document is a required document with the applicant's upload, if any.
type Document struct {
	cohort.Document
	UploadID     *int64     `db:"upload_id"`
	OriginalName *string    `db:"original_name"`
	SizeBytes    *int       `db:"size_bytes"`
	SHA256       *string    `db:"sha256"`
	UploadedAt   *time.Time `db:"uploaded_at"`
	VervalStatus *Verdict   `db:"verval_status"`
	VervalReason *string    `db:"verval_reason"`
	VervalNote   *string    `db:"verval_note"`
	CorrectedAt  *time.Time `db:"corrected_at"`
}

// Uploaded reports whether a file is there.
func (d Document) Uploaded() bool { return d.UploadID != nil }

// Invalid reports whether the assessor rejected the file.
func (d Document) Invalid() bool { return d.VervalStatus != nil && *d.VervalStatus == VerdictInvalid }

// Valid reports whether the assessor accepted the file.
func (d Document) Valid() bool { return d.VervalStatus != nil && *d.VervalStatus == VerdictValid }

// Verdict is an assessor's verval verdict on one document (its verval_status).
type Verdict string

// Verdicts: not decided yet (pending), valid, invalid (with a reason).
const (
	VerdictPending Verdict = "pending"
	VerdictValid   Verdict = "valid"
	VerdictInvalid Verdict = "invalid"
)

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

func randomName() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b) + ".pdf"
}

// Upload stores a checked PDF (size bytes read from body, with SHA-256 sum) for a required
// document, replacing the earlier one. It is allowed on a draft before the deadline, and during
// a correction window for a rejected document (once). The content must have passed
// CheckUpload. The file is stored before the transaction (no connection is held while it is
// sent to the store) and removed again when the transaction fails.
func (s *Store) Upload(ctx context.Context, actor audit.Actor, userID, id, requiredDocID int64, originalName string, body io.Reader, size int64, sum string, now time.Time) error {
	originalName = filecheck.CleanFileName(originalName, "berkas.pdf")
	name := randomName()
	if err := s.files.Put(ctx, fileKey(name), body, size); err != nil {
		return fmt.Errorf("store document: %w", err)
	}
	var old string
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := s.editable(ctx, tx, userID, id, now)
		correcting := false
		if errors.Is(err, ErrLocked) && a.InCorrection(now) {
			correcting, err = true, nil
		}
		if err != nil {
			return err
		}
		if utf8.RuneCountInString(originalName) > 255 {
			originalName = string([]rune(originalName)[:255])
		}
		notFound := fmt.Errorf("required document %d: %w", requiredDocID, database.ErrNotFound)
		if !correcting {
			// The document checked against the cohort, the upload it replaces read and the new
			// one stored, in one statement (the CTEs see the rows as before the upsert).
			var okDoc bool
			var replaced *string
			err := tx.QueryRow(ctx, `WITH doc AS (SELECT id FROM required_documents WHERE id = $2 AND cohort_id = $8),
				old AS (SELECT storage_name FROM application_documents WHERE application_id = $1 AND required_document_id = $2),
				saved AS (INSERT INTO application_documents (application_id, required_document_id, storage_name, original_name, size_bytes, sha256, uploaded_at)
					SELECT $1, doc.id, $3, $4, $5, $6, $7 FROM doc
					ON CONFLICT (application_id, required_document_id) DO UPDATE SET storage_name = EXCLUDED.storage_name,
					original_name = EXCLUDED.original_name, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, uploaded_at = EXCLUDED.uploaded_at
					RETURNING 1)
				SELECT EXISTS (SELECT 1 FROM doc), (SELECT storage_name FROM old), (SELECT count(*) FROM saved) = 1`,
				id, requiredDocID, name, originalName, size, sum, now, a.CohortID).Scan(&okDoc, &replaced, new(bool))
			if err != nil {
				return err
			}
			if !okDoc {
				return notFound
			}
			if replaced != nil {
				old = *replaced
			}
			return nil
		}
		var okDoc bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM required_documents WHERE id = $1 AND cohort_id = $2)`, requiredDocID, a.CohortID).Scan(&okDoc); err != nil {
			return err
		}
		if !okDoc {
			return notFound
		}
		// A correction after verval: only a document refused as invalid, once.
		err = tx.QueryRow(ctx, `SELECT storage_name FROM application_documents WHERE application_id = $1 AND required_document_id = $2
			AND verval_status = 'invalid' AND corrected_at IS NULL FOR UPDATE`, id, requiredDocID).Scan(&old)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrLocked
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE application_documents SET storage_name = $3, original_name = $4, size_bytes = $5, sha256 = $6,
			uploaded_at = $7, verval_status = 'pending', verval_reason = '', verval_note = '', verval_by = NULL, verval_at = NULL, corrected_at = $7
			WHERE application_id = $1 AND required_document_id = $2`, id, requiredDocID, name, originalName, size, sum, now); err != nil {
			return err
		}
		var left int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM application_documents WHERE application_id = $1 AND verval_status = 'invalid'`, id).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			if _, err := tx.Exec(ctx, `UPDATE applications SET status = 'submitted', correction_used_at = $2, verval_decided_at = NULL, updated_at = now() WHERE id = $1`, id, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.correction", ObjectType: "application", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"document": requiredDocID, "sha256": sum}})
	})
	if err != nil {
		_ = s.files.Delete(context.WithoutCancel(ctx), fileKey(name))
		return err
	}
	if old != "" {
		_ = s.files.Delete(context.WithoutCancel(ctx), fileKey(old))
	}
	return nil
}

// DocumentLimit returns the size limit of required document docID of the teacher's own
// application id, in one statement: what an upload needs before the file arrives (ErrNotFound
// for another's application or a document of another cohort). Upload checks the rest with the
// application locked.
func (s *Store) DocumentLimit(ctx context.Context, userID, id, docID int64) (int64, error) {
	var max int64
	err := s.db.QueryRow(ctx, `SELECT r.max_bytes FROM applications a JOIN required_documents r ON r.cohort_id = a.cohort_id AND r.id = $3
		WHERE a.id = $1 AND a.user_id = $2`, id, userID, docID).Scan(&max)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("application %d document %d: %w", id, docID, database.ErrNotFound)
	}
	return max, err
}

// File is a stored document to send.
type File struct {
	// Key is the document's key in the file store.
	Key          string
	OriginalName string
	Size         int
}

// Viewer is who asks for a file: the owner, an admin, or the assessor assigned to it.
type Viewer struct {
	UserID int64
	Admin  bool
	// IP is the viewer's address, for the audit entry of a download by someone other than
	// the applicant.
	IP string
}

// DocumentFile returns the stored file of an upload when v may see it (ErrNotFound otherwise).
// A download by anyone but the applicant (the admin, an assessor) is personal-data access and
// is recorded in the audit log.
func (s *Store) DocumentFile(ctx context.Context, v Viewer, uploadID int64) (File, error) {
	var f File
	var name string
	var owner, appID int64
	err := s.db.QueryRow(ctx, `SELECT d.storage_name, d.original_name, d.size_bytes, a.user_id, a.id FROM application_documents d
		JOIN applications a ON a.id = d.application_id
		WHERE d.id = $1 AND (a.user_id = $2 OR $3
			OR EXISTS (SELECT 1 FROM verval_assignments va WHERE va.application_id = a.id AND va.assessor_id = $2))`,
		uploadID, v.UserID, v.Admin).Scan(&name, &f.OriginalName, &f.Size, &owner, &appID)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("document %d: %w", uploadID, database.ErrNotFound)
	}
	if err != nil {
		return f, err
	}
	if owner != v.UserID {
		err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Actor{UserID: v.UserID, IP: v.IP}, audit.Entry{Action: "application.document.download",
				ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10), Detail: map[string]any{"document_id": uploadID}})
		})
	}
	f.Key = fileKey(name)
	return f, err
}
