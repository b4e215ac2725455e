// Package imports keeps the previews of uploaded imports: an upload is parsed and validated by
// its feature (schools, …) into a preview stored server-side under a random token; the user
// reads the preview (first rows, counts, the problems per line) and commits it explicitly. A
// commit applies the whole preview in one transaction or nothing, and a preview commits once:
// a second commit of the same token does nothing.
package imports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/filecheck"
	"penggerak/internal/token"
)

// Kinds of import.
const (
	KindSchools = "schools"
	KindTargets = "targets" // quotas per kabupaten/kota of a cohort
)

// Lifetime is how long a preview can be committed after the upload.
const Lifetime = 24 * time.Hour

// ErrCommitted is returned by Commit for a preview that was committed before.
var ErrCommitted = errors.New("imports: preview already committed")

// ErrHasProblems is returned by Commit for a preview with problems: nothing is applied.
var ErrHasProblems = errors.New("imports: preview has problems")

// Preview is a stored preview.
type Preview struct {
	Token       string
	Kind        string
	Source      string
	Rows        int
	Problems    int
	Payload     []byte
	CreatedAt   time.Time
	CommittedAt *time.Time
}

// Store keeps previews.
type Store struct{ db database.DB }

// NewStore returns a Store on the pool.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// Save stores a preview of the user's upload and returns its token.
func (s *Store) Save(ctx context.Context, kind string, userID int64, source string, rows, problems int, payload any) (string, error) {
	tok := token.Hex(16)
	data, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	// The file name is the browser's: any bytes at all. It is stored cleaned (valid UTF-8, no
	// control or bidirectional characters, bounded), so no upload name can fail the insert.
	source = filecheck.CleanFileName(source, "berkas")
	_, err = s.db.Exec(ctx, `INSERT INTO import_previews (token, kind, user_id, source, rows, problems, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		tok, kind, userID, source, rows, problems, data)
	return tok, err
}

// Load returns the user's preview of the kind (ErrNotFound for anyone else's, or an expired one).
func (s *Store) Load(ctx context.Context, token, kind string, userID int64) (Preview, error) {
	p := Preview{Token: token, Kind: kind}
	err := s.db.QueryRow(ctx, `SELECT source, rows, problems, payload, created_at, committed_at FROM import_previews
		WHERE token = $1 AND kind = $2 AND user_id = $3 AND created_at > now() - $4::interval`, token, kind, userID, Lifetime.String()).
		Scan(&p.Source, &p.Rows, &p.Problems, &p.Payload, &p.CreatedAt, &p.CommittedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, fmt.Errorf("preview: %w", database.ErrNotFound)
	}
	return p, err
}

// Commit marks the user's preview committed and applies its payload with apply, in one
// transaction: apply's error rolls both back. A committed preview gives ErrCommitted, one with
// problems ErrHasProblems, both wrapped in database.ErrConflict; nothing is applied then.
func (s *Store) Commit(ctx context.Context, token, kind string, userID int64, apply func(tx pgx.Tx, payload []byte) error) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var payload []byte
		var problems int
		var committed *time.Time
		err := tx.QueryRow(ctx, `SELECT payload, problems, committed_at FROM import_previews
			WHERE token = $1 AND kind = $2 AND user_id = $3 AND created_at > now() - $4::interval FOR UPDATE`,
			token, kind, userID, Lifetime.String()).Scan(&payload, &problems, &committed)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("preview: %w", database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if committed != nil {
			return fmt.Errorf("%w: %w", ErrCommitted, database.ErrConflict)
		}
		if problems > 0 {
			return fmt.Errorf("%w: %w", ErrHasProblems, database.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE import_previews SET committed_at = now() WHERE token = $1`, token); err != nil {
			return err
		}
		return apply(tx, payload)
	})
}
