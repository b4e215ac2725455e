package training

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/token"
)

// ErrNotGraduate is returned when a certificate is asked for a participant who has not graduated
// (no outcome 'lulus', or withdrawn).
var ErrNotGraduate = errors.New("training: participant has not graduated")

// ErrRevoked: the certificate is already revoked.
var ErrRevoked = fmt.Errorf("%w: certificate already revoked", database.ErrConflict)

// Certificate is the Sertifikat Guru Penggerak of one graduate, with what its PDF, the public
// verification page and the register show.
type Certificate struct {
	ID            int64      `db:"id"`
	ParticipantID int64      `db:"participant_id"`
	UserID        int64      `db:"user_id"`
	Number        string     `db:"number"`
	Token         string     `db:"token"`
	IssuedAt      time.Time  `db:"issued_at"`
	RevokedAt     *time.Time `db:"revoked_at"`
	RevokeReason  string     `db:"revoke_reason"`
	// Name is the graduate's name on their account.
	Name         string `db:"name"`
	CohortID     int64  `db:"cohort_id"`
	CohortNumber int    `db:"cohort_number"`
	CohortName   string `db:"cohort_name"`
	RegencyCode  string `db:"regency_code"`
	RegencyName  string `db:"regency_name"`
	ProvinceCode string `db:"province_code"`
	ProvinceName string `db:"province_name"`
	NPSN         string `db:"npsn"`
	SchoolName   string `db:"school_name"`
	// StartsAt is the first lokakarya of the kab/kota (the roster's creation when none was
	// scheduled); EndsAt is the graduation decision.
	StartsAt time.Time `db:"starts_at"`
	EndsAt   time.Time `db:"ends_at"`
}

// Revoked reports whether the certificate was revoked.
func (c Certificate) Revoked() bool { return c.RevokedAt != nil }

// CertificateNumber is the number printed on a certificate: SGP/<angkatan>/<kab/kota
// code>/<sequence in the cohort's kab/kota, 4 digits>, e.g. SGP/11/16.01/0042.
func CertificateNumber(cohortNumber int, regency string, seq int) string {
	return fmt.Sprintf("SGP/%d/%s/%04d", cohortNumber, regency, seq)
}

const certificateSelect = `SELECT c.id, c.participant_id, p.user_id, c.number, c.token, c.issued_at, c.revoked_at,
	COALESCE(c.revoke_reason, '') AS revoke_reason, us.name, p.cohort_id, co.number AS cohort_number, co.name AS cohort_name,
	p.regency_code, rg.name AS regency_name, p.province_code, pr.name AS province_name, p.npsn, sc.name AS school_name,
	COALESCE((SELECT min(l.starts_at) FROM training_lokakarya l WHERE l.cohort_id = p.cohort_id AND l.regency_code = p.regency_code), p.created_at) AS starts_at,
	COALESCE(p.decided_at, c.issued_at) AS ends_at
	FROM training_certificates c
	JOIN training_participants p ON p.id = c.participant_id
	JOIN users us ON us.id = p.user_id
	JOIN cohorts co ON co.id = p.cohort_id
	JOIN regencies rg ON rg.code = p.regency_code
	JOIN provinces pr ON pr.code = p.province_code
	JOIN schools sc ON sc.npsn = p.npsn`

// IssueCertificate returns the certificate of a graduate, issuing it on first call (in its own
// transaction). Decide issues it with the graduation; this is for a graduate decided before
// certificates existed. Concurrent calls for the same participant return the same certificate.
func (s *Store) IssueCertificate(ctx context.Context, participantID int64) (Certificate, error) {
	var c Certificate
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		c, err = s.WithTx(tx).issueCertificate(ctx, participantID)
		return err
	})
	return c, err
}

// issueCertificate issues the certificate of a graduate on a store bound to a transaction: the
// participant row is locked (so one certificate per graduate, also under concurrent calls), the
// number is the next of the cohort's kab/kota counter (locked in the same transaction, so numbers
// are unique and without gaps), the token is random.
func (s *Store) issueCertificate(ctx context.Context, participantID int64) (Certificate, error) {
	var cohortID int64
	var cohortNumber int
	var regency string
	err := s.db.QueryRow(ctx, `SELECT p.cohort_id, co.number, p.regency_code FROM training_participants p JOIN cohorts co ON co.id = p.cohort_id
		WHERE p.id = $1 AND p.outcome = 'lulus' AND p.status = 'aktif' FOR UPDATE OF p`, participantID).Scan(&cohortID, &cohortNumber, &regency)
	if errors.Is(err, pgx.ErrNoRows) {
		return Certificate{}, ErrNotGraduate
	}
	if err != nil {
		return Certificate{}, err
	}
	// Read after the lock: a concurrent issue that held it has committed by now.
	if c, err := s.certificate(ctx, `c.participant_id = $1`, participantID); err == nil || !errors.Is(err, database.ErrNotFound) {
		return c, err
	}
	var seq int
	if err := s.db.QueryRow(ctx, `INSERT INTO training_certificate_counters (cohort_id, regency_code, last) VALUES ($1, $2, 1)
		ON CONFLICT (cohort_id, regency_code) DO UPDATE SET last = training_certificate_counters.last + 1 RETURNING last`,
		cohortID, regency).Scan(&seq); err != nil {
		return Certificate{}, err
	}
	tok := token.URL(24) // 32 characters
	if _, err := s.db.Exec(ctx, `INSERT INTO training_certificates (participant_id, number, token) VALUES ($1, $2, $3)`,
		participantID, CertificateNumber(cohortNumber, regency, seq), tok); err != nil {
		return Certificate{}, err
	}
	return s.certificate(ctx, `c.participant_id = $1`, participantID)
}

// CertificateByToken finds a certificate by its verification token (ErrNotFound if unknown).
func (s *Store) CertificateByToken(ctx context.Context, token string) (Certificate, error) {
	return s.certificate(ctx, `c.token = $1`, token)
}

// MyCertificate returns certificate id of the user (ErrNotFound when it is someone else's).
func (s *Store) MyCertificate(ctx context.Context, userID, id int64) (Certificate, error) {
	return s.certificate(ctx, `c.id = $1 AND p.user_id = $2`, id, userID)
}

// MyCertificates lists the user's certificates, newest first.
func (s *Store) MyCertificates(ctx context.Context, userID int64) ([]Certificate, error) {
	rows, _ := s.db.Query(ctx, certificateSelect+` WHERE p.user_id = $1 ORDER BY c.issued_at DESC, c.id DESC`, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Certificate])
}

// CertificateIn returns certificate id when its graduate is in sc (ErrNotFound otherwise).
func (s *Store) CertificateIn(ctx context.Context, sc Scope, id int64) (Certificate, error) {
	return s.certificate(ctx, `c.id = $1 AND `+scopeSQL("p", 2), append([]any{id}, sc.args()...)...)
}

// ProvinceCertificates lists the certificates of a cohort's province in sc, by kab/kota and
// number; revoked ones only with all.
func (s *Store) ProvinceCertificates(ctx context.Context, sc Scope, cohortID int64, prov string, all bool) ([]Certificate, error) {
	rows, _ := s.db.Query(ctx, certificateSelect+` WHERE p.cohort_id = $1 AND p.province_code = $2 AND ($3::bool OR c.revoked_at IS NULL) AND `+scopeSQL("p", 4)+`
		ORDER BY p.regency_code, c.number`, append([]any{cohortID, prov, all}, sc.args()...)...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Certificate])
}

func (s *Store) certificate(ctx context.Context, where string, args ...any) (Certificate, error) {
	rows, _ := s.db.Query(ctx, certificateSelect+` WHERE `+where, args...)
	return database.One[Certificate](rows, "certificate")
}

// MaxRevokeReason is the longest revocation reason, in characters.
const MaxRevokeReason = 500

// RevokeCertificate revokes certificate id of a graduate in sc (the BGP of the province or the
// national admin) with a reason; audited. A revoked certificate stays revoked (ErrRevoked).
func (s *Store) RevokeCertificate(ctx context.Context, actor audit.Actor, sc Scope, id int64, reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	if err := CheckRevokeReason(reason); err != nil {
		return err
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var revoked *time.Time
		var number string
		err := tx.QueryRow(ctx, `SELECT c.revoked_at, c.number FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
			WHERE c.id = $1 AND `+scopeSQL("p", 2)+` FOR UPDATE OF c`, append([]any{id}, sc.args()...)...).Scan(&revoked, &number)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("certificate %d: %w", id, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if revoked != nil {
			return ErrRevoked
		}
		if _, err := tx.Exec(ctx, `UPDATE training_certificates SET revoked_at = $2, revoked_by = $3, revoke_reason = $4 WHERE id = $1`,
			id, now, database.NullID(actor.UserID), reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.certificate_revoke", ObjectType: "training_certificate", ObjectID: itoa(id),
			Detail: map[string]any{"number": number, "reason": reason}})
	})
}

// RecordCertificateExport audits a download of certificates (one PDF or a province's ZIP).
func (s *Store) RecordCertificateExport(ctx context.Context, actor audit.Actor, object, format string, n int) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.certificate_export", ObjectType: "training_certificate", ObjectID: object,
			Detail: map[string]any{"format": format, "count": n}})
	})
}

// CheckRevokeReason checks a revocation reason before the confirmation is asked: required, at
// most MaxRevokeReason characters (a *ProblemError otherwise).
func CheckRevokeReason(reason string) error {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return &ProblemError{Problems: []string{"certificate.error.reason"}}
	case len([]rune(reason)) > MaxRevokeReason:
		return &ProblemError{Problems: []string{"certificate.error.reason_long"}}
	}
	return nil
}

// CertificateProvince returns the names of a cohort in training and of a province the viewer
// administers certificates in (sc: national, or the province among sc.Provinces); ErrNotFound
// otherwise.
func (s *Store) CertificateProvince(ctx context.Context, sc Scope, cohortID int64, prov string) (cohort, province string, err error) {
	err = s.db.QueryRow(ctx, `SELECT c.name, p.name FROM cohorts c, provinces p
		WHERE c.id = $1 AND p.code = $2 AND EXISTS (SELECT 1 FROM training_settings WHERE cohort_id = c.id)
		AND ($3::bool OR p.code = ANY($4::text[]))`, cohortID, prov, sc.National, sc.args()[1]).Scan(&cohort, &province)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("certificate province %d/%s: %w", cohortID, prov, database.ErrNotFound)
	}
	return cohort, province, err
}
