package application

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/storage"
)

// Store reads and writes applications. Uploaded files live in files, under
// "applications/<random name>".
type Store struct {
	db      database.DB
	cohorts *cohort.Store
	files   storage.Store
	letter  mail.Letter // mails from the catalogues (WithLetter)
}

// NewStore returns a Store on db, keeping uploaded files in files.
func NewStore(db database.DB, files storage.Store) *Store {
	return &Store{db: db, cohorts: cohort.NewStore(db), files: files}
}

// fileKey is the storage key of a stored document.
func fileKey(storageName string) string { return "applications/" + path.Base(storageName) }

// WithTx returns the store bound to tx (its cohort store too): every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db, c.cohorts = tx, s.cohorts.WithTx(tx)
	return &c
}

// Mine returns the teacher's applications keyed by cohort id.
func (s *Store) Mine(ctx context.Context, userID int64) (map[int64]Application, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+appCols+` FROM applications WHERE user_id = $1`, userID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Application])
	m := map[int64]Application{}
	for _, a := range list {
		m[a.CohortID] = a
	}
	return m, err
}

// Start creates the teacher's draft application to the cohort, or returns the one they have
// (reopening it when they had withdrawn). Eligibility is checked again here.
func (s *Store) Start(ctx context.Context, actor audit.Actor, userID int64, roles []string, cohortID int64, now time.Time) (int64, error) {
	cfg, err := s.cohorts.Config(ctx, cohortID)
	if err != nil {
		return 0, err
	}
	var id int64
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var st Status
		err := tx.QueryRow(ctx, `SELECT id, status FROM applications WHERE cohort_id = $1 AND user_id = $2 FOR UPDATE`, cohortID, userID).Scan(&id, &st)
		if err == nil && st != StatusWithdrawn {
			return nil
		}
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		p, err := profileQ(ctx, tx, userID)
		if err != nil {
			return err
		}
		if f := cohort.Eligibility(cfg, p.Applicant(roles), now); len(f) > 0 {
			return ErrNotEligible
		}
		if id != 0 {
			_, err = tx.Exec(ctx, `UPDATE applications SET status = 'draft', submitted_at = NULL, withdrawn_at = NULL, updated_at = now() WHERE id = $1`, id)
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (cohort_id, user_id) DO NOTHING RETURNING id`,
			cohortID, userID, p.Name, p.NPSN, p.RegencyCode, p.ProvinceCode, p.Jenjang).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) { // a concurrent start won
			return tx.QueryRow(ctx, `SELECT id FROM applications WHERE cohort_id = $1 AND user_id = $2`, cohortID, userID).Scan(&id)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.start", ObjectType: "application", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"cohort": cohortID}})
	})
	return id, err
}

// Own returns the application when it belongs to userID (ErrNotFound otherwise).
func (s *Store) Own(ctx context.Context, userID, id int64) (Application, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+appCols+` FROM applications WHERE id = $1 AND user_id = $2`, id, userID)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	return a, err
}

// Details returns the teacher's own application with everything in it.
func (s *Store) Details(ctx context.Context, userID, id int64) (Details, error) {
	a, err := s.Own(ctx, userID, id)
	if err != nil {
		return Details{}, err
	}
	return s.details(ctx, a)
}

// details loads everything in a; on a store bound with WithTx it reads through the transaction.
func (s *Store) details(ctx context.Context, a Application) (Details, error) {
	d := Details{Application: a}
	q := s.db
	var err error
	if d.Cohort, err = s.cohorts.Config(ctx, a.CohortID); err != nil {
		return d, err
	}
	if d.Profile, err = profileQ(ctx, q, a.UserID); err != nil {
		return d, err
	}
	rows, _ := q.Query(ctx, `SELECT id, section, title, organisation, year_from, year_to, description FROM application_cv_entries
		WHERE application_id = $1 ORDER BY id`, a.ID)
	if d.CV, err = pgx.CollectRows(rows, pgx.RowToStructByName[CVEntry]); err != nil {
		return d, err
	}
	rows, _ = q.Query(ctx, `SELECT q.id, q.group_name, q.position, q.prompt, q.min_chars, q.max_chars, coalesce(e.body, '') AS body, e.updated_at
		FROM essay_questions q LEFT JOIN application_essays e ON e.question_id = q.id AND e.application_id = $2
		WHERE q.cohort_id = $1 ORDER BY q.position, q.id`, a.CohortID, a.ID)
	if d.Essays, err = pgx.CollectRows(rows, pgx.RowToStructByName[Essay]); err != nil {
		return d, err
	}
	if d.Documents, err = documentsQ(ctx, q, a); err != nil {
		return d, err
	}
	rows, _ = q.Query(ctx, `SELECT text_version, consented_at FROM application_consents WHERE application_id = $1`, a.ID)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Consent])
	if err == nil {
		d.Consent = c
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return d, err
	}
	ps, err := progressesQ(ctx, q, []int64{a.ID})
	if err != nil {
		return d, err
	}
	d.Progress = ps[a.ID]
	return d, nil
}

func documentsQ(ctx context.Context, q database.DB, a Application) ([]Document, error) {
	rows, _ := q.Query(ctx, `SELECT r.id, r.position, r.name, r.guidance, r.required, r.max_bytes,
		d.id AS upload_id, d.original_name, d.size_bytes, d.sha256, d.uploaded_at, d.verval_status, d.verval_reason, d.verval_note, d.corrected_at
		FROM required_documents r LEFT JOIN application_documents d ON d.required_document_id = r.id AND d.application_id = $2
		WHERE r.cohort_id = $1 ORDER BY r.position, r.id`, a.CohortID, a.ID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Document])
}

// editable locks the teacher's draft application inside tx and checks the registration window,
// in one statement: the application row locked, with its cohort's stage and window.
func (s *Store) editable(ctx context.Context, tx pgx.Tx, userID, id int64, now time.Time) (Application, error) {
	rows, _ := tx.Query(ctx, `SELECT `+prefixed("a.", appCols)+`, c.status AS cohort_status, c.registration_opens_at, c.registration_closes_at
		FROM applications a JOIN cohorts c ON c.id = a.cohort_id WHERE a.id = $1 AND a.user_id = $2 FOR UPDATE OF a`, id, userID)
	type row struct {
		Application
		CohortStatus cohort.Status `db:"cohort_status"`
		OpensAt      time.Time     `db:"registration_opens_at"`
		ClosesAt     time.Time     `db:"registration_closes_at"`
	}
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[row])
	a := x.Application
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return a, err
	}
	c := cohort.Cohort{Status: x.CohortStatus, RegistrationOpensAt: x.OpensAt, RegistrationClosesAt: x.ClosesAt}
	return a, EditError(a, c, now)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// WithLetter returns the store writing its mails (receipt, verval result) with l, from the
// catalogues in the recipient's language.
func (s *Store) WithLetter(l mail.Letter) *Store {
	c := *s
	c.letter = l
	return &c
}

// compose writes a mail with the store's letter (mail.Untranslated without one), tagged with
// its kind, language and, for a result, outcome.
func (s *Store) compose(lang, key string, data map[string]any) mail.Message {
	var m mail.Message
	if s.letter != nil {
		m = s.letter(lang, key, data)
	} else {
		m = mail.Untranslated(lang, key, data)
	}
	m.Kind, m.Lang = key, lang
	if o, ok := data["Outcome"].(string); ok {
		m.Outcome = o
	}
	return m
}
