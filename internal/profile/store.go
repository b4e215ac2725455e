package profile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// ErrNIKTaken is returned by Save when another account already holds the NIK (one account per
// NIK, enforced by a unique constraint so concurrent saves cannot both win).
var ErrNIKTaken = fmt.Errorf("nik already registered: %w", database.ErrConflict)

// ErrUnknownSchool is returned by Save when the NPSN is not a known school.
var ErrUnknownSchool = fmt.Errorf("unknown school: %w", database.ErrNotFound)

// Store reads and writes teacher profiles and data deletion requests.
type Store struct{ db database.DB }

// NewStore returns a Store on the pool.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// Get returns the profile of a user, or database.ErrNotFound when they have none yet.
func (s *Store) Get(ctx context.Context, userID int64) (Profile, error) {
	rows, _ := s.db.Query(ctx, `SELECT p.user_id, p.nik, p.nuptk, p.nip, p.birth_date, p.gender, p.npsn,
			sc.name AS school_name, p.jenjang, p.subject, p.employment_status, p.years_teaching, p.education, p.updated_at
		FROM teacher_profiles p JOIN schools sc ON sc.npsn = p.npsn WHERE p.user_id = $1`, userID)
	return database.One[Profile](rows, "profile of user %d", userID)
}

// Save creates or replaces the profile of a user and records in the audit log which fields
// changed (names only, never the values). It returns ErrNIKTaken when the NIK belongs to
// another account and ErrUnknownSchool when the NPSN does not exist.
func (s *Store) Save(ctx context.Context, actor audit.Actor, userID int64, p Profile) error {
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT user_id, nik, nuptk, nip, birth_date, gender, npsn, '' AS school_name, jenjang, subject,
				employment_status, years_teaching, education, updated_at
			FROM teacher_profiles WHERE user_id = $1 FOR UPDATE`, userID)
		prev, err := pgx.CollectRows(rows, pgx.RowToStructByName[Profile])
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO teacher_profiles (user_id, nik, nuptk, nip, birth_date, gender, npsn, jenjang,
				subject, employment_status, years_teaching, education)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (user_id) DO UPDATE SET nik = EXCLUDED.nik, nuptk = EXCLUDED.nuptk, nip = EXCLUDED.nip,
				birth_date = EXCLUDED.birth_date, gender = EXCLUDED.gender, npsn = EXCLUDED.npsn, jenjang = EXCLUDED.jenjang,
				subject = EXCLUDED.subject, employment_status = EXCLUDED.employment_status,
				years_teaching = EXCLUDED.years_teaching, education = EXCLUDED.education, updated_at = now()`,
			userID, p.NIK, p.NUPTK, p.NIP, p.BirthDate, p.Gender, p.NPSN, p.Jenjang, p.Subject, p.EmploymentStatus,
			p.YearsTeaching, p.Education)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			switch {
			case pgErr.Code == "23505" && pgErr.ConstraintName == "teacher_profiles_nik_key":
				return ErrNIKTaken
			case pgErr.Code == "23503" && pgErr.ConstraintName == "teacher_profiles_npsn_fkey":
				return ErrUnknownSchool
			}
		}
		if err != nil {
			return fmt.Errorf("save profile: %w", err)
		}
		var old *Profile
		if len(prev) == 1 {
			old = &prev[0]
		}
		changed := ChangedFields(old, p)
		if len(changed) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "profile.save", ObjectType: "user", ObjectID: strconv.FormatInt(userID, 10),
			Detail: map[string]any{"created": old == nil, "fields": changed}})
	})
	return err
}

// ChangedFields names the profile fields that differ between old (nil for a new profile) and
// p, for the audit log.
func ChangedFields(old *Profile, p Profile) []string {
	if old == nil {
		old = &Profile{}
	}
	var out []string
	add := func(name string, differs bool) {
		if differs {
			out = append(out, name)
		}
	}
	add("nik", old.NIK != p.NIK)
	add("nuptk", old.NUPTK != p.NUPTK)
	add("nip", old.NIP != p.NIP)
	add("birth_date", !old.BirthDate.Equal(p.BirthDate))
	add("gender", old.Gender != p.Gender)
	add("npsn", old.NPSN != p.NPSN)
	add("jenjang", old.Jenjang != p.Jenjang)
	add("subject", old.Subject != p.Subject)
	add("employment_status", old.EmploymentStatus != p.EmploymentStatus)
	add("years_teaching", old.YearsTeaching != p.YearsTeaching)
	add("education", old.Education != p.Education)
	return out
}

// DeletionRequest is a user's request to delete their personal data.
type DeletionRequest struct {
	ID          int64      `db:"id" json:"id"`
	Reason      string     `db:"reason" json:"reason"`
	RequestedAt time.Time  `db:"requested_at" json:"requested_at"`
	ProcessedAt *time.Time `db:"processed_at" json:"processed_at"`
	Outcome     string     `db:"outcome" json:"outcome"`
	// DecisionNote is the admin's note on the decision (the reason of a refusal).
	DecisionNote string `db:"decision_note" json:"decision_note"`
}

// RequestDeletion records a deletion request at time at. A user has at most one open request:
// asking again returns the open one unchanged.
func (s *Store) RequestDeletion(ctx context.Context, actor audit.Actor, userID int64, reason string, at time.Time) (DeletionRequest, error) {
	var d DeletionRequest
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO data_deletion_requests (user_id, reason, requested_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) WHERE processed_at IS NULL DO NOTHING`, userID, reason, at)
		if err != nil {
			return fmt.Errorf("deletion request: %w", err)
		}
		rows, _ := tx.Query(ctx, `SELECT id, reason, requested_at, processed_at, outcome, decision_note FROM data_deletion_requests
			WHERE user_id = $1 AND processed_at IS NULL`, userID)
		if d, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[DeletionRequest]); err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "pdp.deletion_request", ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Detail: map[string]any{"request_id": d.ID}})
	})
	return d, err
}

// RecordExport records in the audit log that the user downloaded their personal data
// (SECURITY.md 21: exports are audited), before the file is sent.
func (s *Store) RecordExport(ctx context.Context, actor audit.Actor, userID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "pdp.export", ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Detail: map[string]any{"format": "json"}})
	})
}

// DeletionRequests lists a user's deletion requests, newest first.
func (s *Store) DeletionRequests(ctx context.Context, userID int64) ([]DeletionRequest, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, reason, requested_at, processed_at, outcome, decision_note FROM data_deletion_requests
		WHERE user_id = $1 ORDER BY requested_at DESC, id DESC`, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[DeletionRequest])
}

// Traces are the other records that mention a user: audit entries they made or that are about
// their account, the mail sent to them (subjects only: bodies may hold single-use links), and
// failed sign-ins with their email. At most 500 of each, newest first.
type Traces struct {
	Audit          []AuditTrace    `json:"audit"`
	Mail           []MailTrace     `json:"mail"`
	SignInFailures []SignInFailure `json:"sign_in_failures"`
}

// AuditTrace is one audit entry made by or about the user.
type AuditTrace struct {
	At         time.Time `db:"at" json:"at"`
	Action     string    `db:"action" json:"action"`
	ObjectType string    `db:"object_type" json:"object_type"`
	ObjectID   string    `db:"object_id" json:"object_id"`
	IP         string    `db:"actor_ip" json:"ip"`
}

// MailTrace is one message sent to the user.
type MailTrace struct {
	Subject   string     `db:"subject" json:"subject"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	SentAt    *time.Time `db:"sent_at" json:"sent_at"`
}

// SignInFailure is one failed sign-in with the user's email.
type SignInFailure struct {
	At time.Time `db:"at" json:"at"`
	IP string    `db:"ip" json:"ip"`
}

// Traces collects the records that mention the user with id userID and address email.
func (s *Store) Traces(ctx context.Context, userID int64, email string) (Traces, error) {
	var t Traces
	rows, _ := s.db.Query(ctx, `SELECT at, action, object_type, object_id, actor_ip FROM audit_log
		WHERE actor_id = $1 OR (object_type = 'user' AND object_id = $1::text) ORDER BY id DESC LIMIT 500`, userID)
	var err error
	if t.Audit, err = pgx.CollectRows(rows, pgx.RowToStructByName[AuditTrace]); err != nil {
		return t, fmt.Errorf("audit traces: %w", err)
	}
	rows, _ = s.db.Query(ctx, `SELECT subject, created_at, sent_at FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 500`, email)
	if t.Mail, err = pgx.CollectRows(rows, pgx.RowToStructByName[MailTrace]); err != nil {
		return t, fmt.Errorf("mail traces: %w", err)
	}
	rows, _ = s.db.Query(ctx, `SELECT at, ip FROM login_failures WHERE email = $1 ORDER BY id DESC LIMIT 500`, email)
	if t.SignInFailures, err = pgx.CollectRows(rows, pgx.RowToStructByName[SignInFailure]); err != nil {
		return t, fmt.Errorf("sign-in failures: %w", err)
	}
	return t, nil
}
