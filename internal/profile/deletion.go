package profile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/pdp"
	"penggerak/internal/token"
)

// Outcomes of a processed deletion request, as stored in data_deletion_requests.outcome.
const (
	OutcomeDeleted  = "deleted"
	OutcomeRejected = "rejected"
)

// MaxDecisionNote is the longest admin note on a decision, in characters.
const MaxDecisionNote = 1000

// ErrAlreadyProcessed is returned by ProcessDeletion for a request that was processed before
// (a double submit changes nothing).
var ErrAlreadyProcessed = fmt.Errorf("deletion request already processed: %w", database.ErrConflict)

// Decision is the admin's decision on a deletion request.
type Decision struct {
	Outcome string // OutcomeDeleted or OutcomeRejected
	Note    string // required when rejected
}

// ParseDecision reads the form values: outcome "dihapus" (carry out) or "ditolak" (refuse, with
// a reason in note). It returns the decision and the problems (field → i18n message key).
func ParseDecision(outcome, note string) (Decision, map[string]string) {
	d := Decision{Note: strings.TrimSpace(note)}
	errs := map[string]string{}
	switch outcome {
	case "dihapus":
		d.Outcome = OutcomeDeleted
	case "ditolak":
		d.Outcome = OutcomeRejected
		if d.Note == "" {
			errs["note"] = "deletion.error.note_required"
		}
	default:
		errs["outcome"] = "deletion.error.outcome"
	}
	if utf8.RuneCountInString(d.Note) > MaxDecisionNote {
		errs["note"] = "deletion.error.note_long"
	}
	return d, errs
}

// AnonymousName is the name an erased account carries.
func AnonymousName(userID int64) string { return "Pengguna dihapus #" + strconv.FormatInt(userID, 10) }

// AnonymousEmail is the unique, non-deliverable address (RFC 2606 .invalid) an erased account
// carries.
func AnonymousEmail(userID int64) string {
	return "deleted-" + strconv.FormatInt(userID, 10) + "@invalid"
}

// DeletionItem is one deletion request as the admin sees it. The NIK is already masked.
type DeletionItem struct {
	ID           int64      `db:"id"`
	UserID       int64      `db:"user_id"`
	Name         string     `db:"name"`
	Email        string     `db:"email"`
	MaskedNIK    string     `db:"nik"`
	Reason       string     `db:"reason"`
	RequestedAt  time.Time  `db:"requested_at"`
	ProcessedAt  *time.Time `db:"processed_at"`
	ProcessedBy  string     `db:"processed_by"`
	Outcome      string     `db:"outcome"`
	DecisionNote string     `db:"decision_note"`
}

// DeletionQueue returns the open requests (newest first) and the latest processed ones (at most
// limit, most recently processed first).
func (s *Store) DeletionQueue(ctx context.Context, limit int) (open, done []DeletionItem, err error) {
	const cols = `SELECT d.id, d.user_id, u.name, u.email, COALESCE(p.nik, '') AS nik, d.reason, d.requested_at,
			d.processed_at, COALESCE(a.name, '') AS processed_by, d.outcome, d.decision_note
		FROM data_deletion_requests d JOIN users u ON u.id = d.user_id
		LEFT JOIN teacher_profiles p ON p.user_id = d.user_id
		LEFT JOIN users a ON a.id = d.processed_by `
	rows, _ := s.db.Query(ctx, cols+`WHERE d.processed_at IS NULL ORDER BY d.requested_at DESC, d.id DESC`)
	if open, err = pgx.CollectRows(rows, pgx.RowToStructByName[DeletionItem]); err != nil {
		return nil, nil, fmt.Errorf("open deletion requests: %w", err)
	}
	rows, _ = s.db.Query(ctx, cols+`WHERE d.processed_at IS NOT NULL ORDER BY d.processed_at DESC, d.id DESC LIMIT $1`, limit)
	if done, err = pgx.CollectRows(rows, pgx.RowToStructByName[DeletionItem]); err != nil {
		return nil, nil, fmt.Errorf("processed deletion requests: %w", err)
	}
	for _, list := range [][]DeletionItem{open, done} {
		for i := range list {
			if list[i].MaskedNIK != "" {
				list[i].MaskedNIK = pdp.Mask(list[i].MaskedNIK)
			}
		}
	}
	return open, done, nil
}

// ProcessDeletion carries out or refuses the request with id reqID in one transaction. The
// requester is mailed at their original address (compose gets their name and language;
// To is filled in here). Carrying out anonymises the account: the teacher profile (NIK, NUPTK) is deleted; name,
// email and phone are replaced; the password hash becomes unusable; the account is disabled
// (loadPrincipal refuses it, so its sessions end); unsent mail to the old address and
// emailed-link tokens are removed.
// Applications, scores, results and the audit log stay (kept by law and for audit). Both
// outcomes are audited without personal identifiers. A processed request gives
// ErrAlreadyProcessed; an unknown one database.ErrNotFound.
func (s *Store) ProcessDeletion(ctx context.Context, actor audit.Actor, reqID int64, d Decision, compose func(name, lang string) mail.Message, at time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var userID int64
		var processed *time.Time
		var email, name, lang string
		err := tx.QueryRow(ctx, `SELECT d.user_id, d.processed_at, u.email, u.name, u.language FROM data_deletion_requests d
			JOIN users u ON u.id = d.user_id WHERE d.id = $1 FOR UPDATE OF d, u`, reqID).Scan(&userID, &processed, &email, &name, &lang)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("deletion request %d: %w", reqID, database.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("deletion request %d: %w", reqID, err)
		}
		if processed != nil {
			return ErrAlreadyProcessed
		}
		if _, err := tx.Exec(ctx, `UPDATE data_deletion_requests SET processed_at = $2, processed_by = $3, outcome = $4,
				decision_note = $5 WHERE id = $1`, reqID, at, actor.UserID, d.Outcome, d.Note); err != nil {
			return fmt.Errorf("decide deletion request: %w", err)
		}
		detail := map[string]any{"request_id": reqID, "outcome": d.Outcome}
		if d.Outcome == OutcomeDeleted {
			if err := s.anonymise(ctx, tx, userID, email, at); err != nil {
				return err
			}
		} else {
			detail["note"] = d.Note
		}
		if err := audit.Record(ctx, tx, actor, audit.Entry{Action: "pdp.deletion_" + d.Outcome, ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Detail: detail}); err != nil {
			return err
		}
		// Enqueued last so that removing the old address's unsent mail does not remove this
		// message; it is the one mail the old address still receives.
		msg := compose(name, lang)
		msg.To = email
		return mail.Enqueue(ctx, tx, msg)
	})
}

// anonymise erases the personal data of user userID (old address email) within tx.
func (s *Store) anonymise(ctx context.Context, tx pgx.Tx, userID int64, email string, at time.Time) error {
	// Not an argon2id hash: VerifyPassword can never accept it.
	hash := "!deleted$" + token.Hex(24)
	steps := []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM teacher_profiles WHERE user_id = $1`, []any{userID}},
		{`UPDATE users SET name = $2, email = $3, phone = '', password_hash = $4, disabled_at = COALESCE(disabled_at, $5),
			updated_at = $5 WHERE id = $1`, []any{userID, AnonymousName(userID), AnonymousEmail(userID), hash, at}},
		{`DELETE FROM user_tokens WHERE user_id = $1`, []any{userID}},
		{`DELETE FROM mail_outbox WHERE to_addr = $1 AND sent_at IS NULL`, []any{email}},
	}
	for _, st := range steps {
		if _, err := tx.Exec(ctx, st.sql, st.args...); err != nil {
			return fmt.Errorf("anonymise user %d: %w", userID, err)
		}
	}
	return nil
}
