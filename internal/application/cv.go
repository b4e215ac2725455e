package application

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
)

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

// AddCV adds a CV entry.
func (s *Store) AddCV(ctx context.Context, userID, id int64, e CVEntry, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM application_cv_entries WHERE application_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n >= 100 {
			return fmt.Errorf("too many cv entries: %w", database.ErrConflict)
		}
		_, err := tx.Exec(ctx, `INSERT INTO application_cv_entries (application_id, section, title, organisation, year_from, year_to, description)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, e.Section, e.Title, e.Organisation, e.YearFrom, e.YearTo, e.Description)
		return err
	})
}

// UpdateCV replaces a CV entry of the teacher's draft (ErrNotFound for an entry of another
// application).
func (s *Store) UpdateCV(ctx context.Context, userID, id, entryID int64, e CVEntry, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE application_cv_entries SET section = $3, title = $4, organisation = $5, year_from = $6, year_to = $7,
			description = $8 WHERE application_id = $1 AND id = $2`, id, entryID, e.Section, e.Title, e.Organisation, e.YearFrom, e.YearTo, e.Description)
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("cv entry %d: %w", entryID, database.ErrNotFound)
		}
		return err
	})
}

// DeleteCV removes a CV entry.
func (s *Store) DeleteCV(ctx context.Context, userID, id, entryID int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM application_cv_entries WHERE application_id = $1 AND id = $2`, id, entryID)
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("cv entry %d: %w", entryID, database.ErrNotFound)
		}
		return err
	})
}
