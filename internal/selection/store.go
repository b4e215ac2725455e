package selection

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// Store holds the SQL of the selection.
type Store struct {
	db database.DB
	// letter writes result, promotion and schedule mails from the message catalogues in the
	// recipient's language (WithLetter); without one, mail.Untranslated.
	letter Letter
}

// WithLetter returns the store writing its mails with l.
func (s *Store) WithLetter(l Letter) *Store {
	c := *s
	c.letter = l
	return &c
}

// Reviewed are the mails that report a decision: they are written into the review outbox held
// (mail.Message.Held) and reach nobody before the national admin releases them.
var Reviewed = map[string]bool{"selection.mail.published": true, "selection.mail.promoted": true}

// compose writes a mail with the store's letter, from the catalogues in the recipient's
// language (mail.Untranslated without one: the catalogue key and data), tagged with its kind,
// the recipient's language and outcome, and held when it reports a decision.
func (s *Store) compose(lang, key string, data map[string]any) mail.Message {
	var m mail.Message
	if s.letter != nil {
		m = s.letter(lang, key, data)
	} else {
		m = mail.Untranslated(lang, key, data)
	}
	m.Kind, m.Lang, m.Held = key, lang, Reviewed[key]
	if o, ok := data["Outcome"].(string); ok {
		m.Outcome = o
	}
	return m
}

// NewStore returns a Store.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// ErrLocked is returned when a submitted score sheet or a published run would change.
var ErrLocked = errors.New("selection: locked")

// locked maps the immutability triggers' check violations to ErrLocked.
func locked(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23514" && strings.Contains(pg.Message, "immutable") || errors.As(err, &pg) && strings.Contains(pg.Message, "locked") {
		return fmt.Errorf("%w: %s", ErrLocked, pg.Message)
	}
	return err
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// CohortRow is a cohort in the selection overview.
type CohortRow struct {
	ID     int64  `db:"id"`
	Name   string `db:"name"`
	Status string `db:"status"`
}

// Cohorts lists cohorts, newest first.
func (s *Store) Cohorts(ctx context.Context) ([]CohortRow, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, status FROM cohorts ORDER BY id DESC LIMIT 100`)
	return pgx.CollectRows(rows, pgx.RowToStructByName[CohortRow])
}

// Cohort returns one cohort, or ErrNotFound.
func (s *Store) Cohort(ctx context.Context, id int64) (CohortRow, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, status FROM cohorts WHERE id = $1`, id)
	return database.One[CohortRow](rows, "cohort %d", id)
}

// CohortRuns lists a cohort's runs, newest first.
func (s *Store) CohortRuns(ctx context.Context, cohortID int64) ([]RunRecord, error) {
	rows, _ := s.db.Query(ctx, runCols+`WHERE r.cohort_id = $1 ORDER BY r.id DESC`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[RunRecord])
}

// OpenSheetCount is how many of the assessor's sheets wait for scores.
func (s *Store) OpenSheetCount(ctx context.Context, assessorID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM score_sheets WHERE assessor_id = $1 AND submitted_at IS NULL`, assessorID).Scan(&n)
	return n, err
}
