package application

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
	"penggerak/internal/mail"
)

// QueueItem is one application in an assessor's verval queue.
type QueueItem struct {
	ID                 int64      `db:"id"`
	CohortName         string     `db:"cohort_name"`
	RegistrationNumber string     `db:"registration_number"`
	ApplicantName      string     `db:"applicant_name"`
	RegencyName        string     `db:"regency_name"`
	Status             Status     `db:"status"`
	SubmittedAt        time.Time  `db:"submitted_at"`
	Pending            int        `db:"pending"`
	CorrectionUsedAt   *time.Time `db:"correction_used_at"`
}

// Queue returns the assessor's assigned applications, those waiting for verval first.
func (s *Store) Queue(ctx context.Context, assessorID int64) ([]QueueItem, error) {
	rows, _ := s.db.Query(ctx, `SELECT a.id, c.name AS cohort_name, a.registration_number, a.applicant_name, r.name AS regency_name, a.status,
		a.submitted_at, (SELECT count(*) FROM application_documents d WHERE d.application_id = a.id AND d.verval_status = 'pending')::int AS pending,
		a.correction_used_at
		FROM verval_assignments va JOIN applications a ON a.id = va.application_id JOIN cohorts c ON c.id = a.cohort_id
		JOIN regencies r ON r.code = a.regency_code
		WHERE va.assessor_id = $1 AND a.status IN ('submitted', 'verval_passed', 'verval_failed')
		ORDER BY (a.status = 'submitted') DESC, a.submitted_at, a.id LIMIT 500`, assessorID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[QueueItem])
}

// ForAssessor returns an application assigned to the assessor, with its documents.
func (s *Store) ForAssessor(ctx context.Context, assessorID, id int64) (Details, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+prefixed("a.", appCols)+` FROM applications a JOIN verval_assignments va ON va.application_id = a.id
		WHERE a.id = $1 AND va.assessor_id = $2 AND a.status IN ('submitted', 'verval_passed', 'verval_failed')`, id, assessorID)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application])
	if errors.Is(err, pgx.ErrNoRows) {
		return Details{}, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return Details{}, err
	}
	return s.details(ctx, a)
}

// Decide records an assessor's verdict on one uploaded document of an application assigned to
// them and waiting for verval.
func (s *Store) Decide(ctx context.Context, actor audit.Actor, assessorID, appID, uploadID int64, f DecisionForm, now time.Time) error {
	reason, note := "", strings.TrimSpace(f.Note)
	if f.Verdict == VerdictInvalid {
		reason = f.Reason
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE application_documents d SET verval_status = $4, verval_reason = $5, verval_note = $6, verval_by = $3, verval_at = $7
			FROM applications a, verval_assignments va
			WHERE d.id = $2 AND d.application_id = $1 AND a.id = d.application_id AND a.status = 'submitted'
			AND va.application_id = a.id AND va.assessor_id = $3`, appID, uploadID, assessorID, f.Verdict, reason, note, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("document %d: %w", uploadID, database.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verval_decisions (document_id, assessor_id, verdict, reason, note, decided_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			uploadID, assessorID, f.Verdict, reason, note, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.decide", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
			Detail: map[string]any{"document": uploadID, "verdict": f.Verdict, "reason": reason}})
	})
}

// ErrUndecided: some documents have no verdict yet.
var ErrUndecided = errors.New("documents without a verdict")

// Finish closes verval of an application: lolos verval when every document is valid, otherwise
// tidak lolos verval (with a correction window, counted from the release of the outcome's mail,
// when the cohort has one and it was not used). The applicant is told by email, held for review.
func (s *Store) Finish(ctx context.Context, actor audit.Actor, assessorID, appID int64, now time.Time) (Status, error) {
	var outcome Status
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var email, name, lang, cohortName string
		err := tx.QueryRow(ctx, `SELECT u.email, u.name, u.language, c.name FROM applications a
			JOIN verval_assignments va ON va.application_id = a.id JOIN users u ON u.id = a.user_id JOIN cohorts c ON c.id = a.cohort_id
			WHERE a.id = $1 AND va.assessor_id = $2 AND a.status = 'submitted' FOR UPDATE OF a`, appID, assessorID).Scan(&email, &name, &lang, &cohortName)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("application %d: %w", appID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var pending, invalid int
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE verval_status = 'pending'), count(*) FILTER (WHERE verval_status = 'invalid')
			FROM application_documents WHERE application_id = $1`, appID).Scan(&pending, &invalid); err != nil {
			return err
		}
		if pending > 0 {
			return ErrUndecided
		}
		outcome = StatusVervalPassed
		if invalid > 0 {
			outcome = StatusVervalFailed
		}
		// The correction window (when the cohort has one and it was not used) starts when the
		// outcome's mail is released (selection.ReleaseMail sets correction_until then): until
		// that the applicant cannot see the outcome, so no correction is accepted.
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = $2, verval_decided_at = $3, verval_decided_by = $4, correction_until = NULL,
			verval_released_at = NULL, updated_at = now() WHERE id = $1`, appID, outcome, now, assessorID); err != nil {
			return err
		}
		// Held in the review outbox: the applicant hears of the outcome once the national admin
		// has released the verval mails.
		m := s.compose(lang, "application.mail.verval", map[string]any{"Name": name, "Cohort": cohortName, "Passed": outcome == StatusVervalPassed})
		m.To, m.Held, m.Outcome, m.Ref = email, true, string(outcome), mail.DecisionRef("verval", appID)
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.finish", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
			Detail: map[string]any{"outcome": outcome, "invalid": invalid}})
	})
	return outcome, err
}

// TargetRegency is a kabupaten/kota of a cohort, for a filter.
type TargetRegency struct {
	Code string `db:"code"`
	Name string `db:"name"`
}

// TargetRegencies lists the cohort's target kabupaten/kota by name.
func (s *Store) TargetRegencies(ctx context.Context, cohortID int64) ([]TargetRegency, error) {
	rows, _ := s.db.Query(ctx, `SELECT r.code, r.name FROM cohort_regencies cr JOIN regencies r ON r.code = cr.regency_code
		WHERE cr.cohort_id = $1 ORDER BY r.name`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[TargetRegency])
}

// Verval reasons an assessor picks from when a document is invalid.
var VervalReasons = []string{"tidak_terbaca", "bukan_dokumen_diminta", "tidak_lengkap", "tanpa_tanda_tangan", "kedaluwarsa", "identitas_tidak_sesuai", "lainnya"}
