package clinic

// Feedback and certificates: ratings, verification, the certificate list and revocation.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// Certificate is what the public verification page shows.
type Certificate struct {
	Registration Registration
	Clinic       Clinic
}

// Revoked reports whether the certificate was revoked.
func (c Certificate) Revoked() bool { return c.Registration.RevokedAt != nil }

// CertificateByCode returns the certificate with a verification code: only a registration that
// earned one (Clinic.CertificateDue, ignoring revocation) has one; a revoked certificate is
// returned too, so that the verification page says it was revoked.
func (s *Store) CertificateByCode(ctx context.Context, code string, now time.Time) (Certificate, error) {
	code = NormalizeCode(code)
	var regID int64
	err := s.db.QueryRow(ctx, `SELECT g.id FROM clinic_registrations g WHERE g.cert_code = $1`, code).Scan(&regID)
	if errors.Is(err, pgx.ErrNoRows) || code == "" {
		return Certificate{}, fmt.Errorf("certificate: %w", database.ErrNotFound)
	}
	if err != nil {
		return Certificate{}, err
	}
	r, err := s.Registration(ctx, regID)
	if err != nil {
		return Certificate{}, err
	}
	c, err := s.ByID(ctx, r.ClinicID)
	if err != nil {
		return Certificate{}, err
	}
	unrevoked := r
	unrevoked.RevokedAt = nil
	if !c.CertificateDue(unrevoked, now) {
		return Certificate{}, fmt.Errorf("certificate: %w", database.ErrNotFound)
	}
	return Certificate{Registration: r, Clinic: c}, nil
}

// SaveFeedback stores (or replaces) a registrant's rating 1-5 and comment.
func (s *Store) SaveFeedback(ctx context.Context, regID int64, rating int, comment string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO clinic_feedback (registration_id, rating, comment) VALUES ($1, $2, $3)
		ON CONFLICT (registration_id) DO UPDATE SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, created_at = now()`,
		regID, rating, comment)
	return err
}

// FeedbackSummary is the organiser's view of the feedback.
type FeedbackSummary struct {
	Count    int
	Average  float64
	ByRating [5]int // count of ratings 1..5
	Comments []string
}

// Feedback summarises an event's feedback.
func (s *Store) Feedback(ctx context.Context, clinicID int64) (FeedbackSummary, error) {
	var fs FeedbackSummary
	rows, _ := s.db.Query(ctx, `SELECT f.rating, f.comment FROM clinic_feedback f JOIN clinic_registrations g ON g.id = f.registration_id
		WHERE g.clinic_id = $1 ORDER BY f.created_at DESC`, clinicID)
	type fb struct {
		Rating  int
		Comment string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fb])
	if err != nil {
		return fs, err
	}
	sum := 0
	for _, f := range list {
		fs.Count++
		sum += f.Rating
		fs.ByRating[f.Rating-1]++
		if f.Comment != "" && len(fs.Comments) < 100 {
			fs.Comments = append(fs.Comments, f.Comment)
		}
	}
	if fs.Count > 0 {
		fs.Average = float64(sum) / float64(fs.Count)
	}
	return fs, nil
}

// Certificates lists the registrations of event c that earned a certificate at now (revoked
// ones included, marked by RevokedAt), in the order of the participant list.
func (s *Store) Certificates(ctx context.Context, c Clinic, now time.Time) ([]Registration, error) {
	regs, err := s.Registrations(ctx, c.ID, "", false)
	if err != nil {
		return nil, err
	}
	var out []Registration
	for _, r := range regs {
		u := r
		u.RevokedAt = nil
		if c.CertificateDue(u, now) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ErrReason refuses a revocation without a reason (or with one over 500 characters).
var ErrReason = errors.New("clinic: a reason is required")

// RevokeCertificate revokes the certificate of registration regID of event clinicID (inside
// the staff scope) with a reason; the verification page then says it was revoked. Revoking
// twice is ErrState. Audited as clinic.certificate_revoke.
func (s *Store) RevokeCertificate(ctx context.Context, act audit.Actor, sc Scope, clinicID, regID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return ErrReason
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, _, _, _, _, err := lock(ctx, tx, &sc, clinicID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE clinic_registrations SET cert_revoked_at = now(), cert_revoked_by = $3, cert_revoked_reason = $4
			WHERE id = $1 AND clinic_id = $2 AND cert_revoked_at IS NULL`, regID, clinicID, database.NullID(act.UserID), reason)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM clinic_registrations WHERE id = $1 AND clinic_id = $2)`, regID, clinicID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return fmt.Errorf("registration: %w", database.ErrNotFound)
			}
			return ErrState
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.certificate_revoke", ObjectType: "clinic_registration",
			ObjectID: strconv.FormatInt(regID, 10), Detail: map[string]any{"clinic": clinicID, "reason": reason}})
	})
}

// RecordCertificateExport writes a download of an event's certificates to the audit log.
func (s *Store) RecordCertificateExport(ctx context.Context, act audit.Actor, clinicID int64, format string, n int) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.certificates_export", ObjectType: "clinic", ObjectID: strconv.FormatInt(clinicID, 10),
			Detail: map[string]any{"format": format, "certificates": n}})
	})
}
