package application

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
)

// ConsentVersion is the version of the personal-data consent text the applicant agrees to.
const ConsentVersion = "pdp-2026-01"

// Consent is the recorded consent to the processing of personal data.
type Consent struct {
	TextVersion string    `db:"text_version"`
	ConsentedAt time.Time `db:"consented_at"`
}

// Consent records the teacher's consent to the processing of personal data.
func (s *Store) Consent(ctx context.Context, userID, id int64, ip string, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO application_consents (application_id, text_version, consented_at, ip) VALUES ($1, $2, $3, $4)
			ON CONFLICT (application_id) DO UPDATE SET text_version = EXCLUDED.text_version, consented_at = EXCLUDED.consented_at, ip = EXCLUDED.ip`,
			id, ConsentVersion, now, ip)
		return err
	})
}
