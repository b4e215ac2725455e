package training

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotGraduate is returned when a certificate is asked for a participant who has not graduated
// (no outcome 'lulus', or withdrawn).
var ErrNotGraduate = errors.New("training: participant has not graduated")

// Certificate is the Sertifikat Guru Penggerak of one graduate.
type Certificate struct {
	ID            int64
	ParticipantID int64
	Number        string
	Token         string
	IssuedAt      time.Time
	RevokedAt     *time.Time
	RevokeReason  string
}

// newToken is 24 random bytes, URL-safe (32 characters).
func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// IssueCertificate returns the certificate of a graduate, issuing it on first call. Concurrent
// calls for the same participant return the same certificate (ON CONFLICT on participant_id);
// numbers come from a sequence, so they are unique across concurrent graduates. The number is
// GP-<year issued>-<6 digits>.
func (s *Store) IssueCertificate(ctx context.Context, participantID int64) (Certificate, error) {
	tok, err := newToken()
	if err != nil {
		return Certificate{}, err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO training_certificates (participant_id, number, token)
		SELECT p.id, 'GP-' || to_char(now() AT TIME ZONE 'Asia/Jakarta', 'YYYY') || '-' || lpad(nextval('training_certificate_seq')::text, 6, '0'), $2
		FROM training_participants p
		WHERE p.id = $1 AND p.outcome = 'lulus' AND p.status = 'aktif'
		ON CONFLICT (participant_id) DO NOTHING`, participantID, tok)
	if err != nil {
		return Certificate{}, err
	}
	c, err := s.certificate(ctx, `c.participant_id = $1`, participantID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Certificate{}, ErrNotGraduate
	}
	return c, err
}

// CertificateByToken finds a certificate by its verification token (pgx.ErrNoRows if unknown).
func (s *Store) CertificateByToken(ctx context.Context, token string) (Certificate, error) {
	return s.certificate(ctx, `c.token = $1`, token)
}

func (s *Store) certificate(ctx context.Context, where string, arg any) (Certificate, error) {
	var c Certificate
	var reason *string
	err := s.db.QueryRow(ctx, `SELECT c.id, c.participant_id, c.number, c.token, c.issued_at, c.revoked_at, c.revoke_reason
		FROM training_certificates c WHERE `+where, arg).
		Scan(&c.ID, &c.ParticipantID, &c.Number, &c.Token, &c.IssuedAt, &c.RevokedAt, &reason)
	if reason != nil {
		c.RevokeReason = *reason
	}
	return c, err
}
