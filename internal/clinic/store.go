package clinic

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/database"
)

// Errors a registration or a check-in can end with; each has a message for the user.
var (
	ErrDuplicate     = fmt.Errorf("%w: already registered", database.ErrConflict)
	ErrSchoolFull    = fmt.Errorf("%w: school slots taken", database.ErrConflict)
	ErrClosed        = fmt.Errorf("%w: registration closed", database.ErrConflict)
	ErrOtherEvent    = errors.New("clinic: ticket of another event")
	ErrUnknownCode   = errors.New("clinic: unknown ticket code")
	ErrNotRegistered = errors.New("clinic: not holding a seat")
	ErrState         = fmt.Errorf("%w: not allowed in this state", database.ErrConflict)
	ErrCapacityBelow = fmt.Errorf("%w: capacity below registered", database.ErrConflict)
	// ErrSessionHasAttendance refuses an edit that would remove a session with check-ins.
	ErrSessionHasAttendance = fmt.Errorf("%w: session has attendance", database.ErrConflict)
	// ErrUnknownSchool refuses a registration naming an NPSN that is not in the schools table.
	ErrUnknownSchool = fmt.Errorf("%w: unknown school", database.ErrConflict)
	// ErrJenjang refuses a teacher of a school whose jenjang the event is not for.
	ErrJenjang = fmt.Errorf("%w: jenjang not eligible", database.ErrConflict)
	// ErrRegion refuses a teacher of a school outside the event's region.
	ErrRegion = fmt.Errorf("%w: school outside the region", database.ErrConflict)
	// ErrCheckInClosed refuses a check-in outside the session's check-in window.
	ErrCheckInClosed = errors.New("clinic: check-in window closed")
	// ErrFinished refuses to cancel an event that is already over.
	ErrFinished = fmt.Errorf("%w: event is over", database.ErrConflict)
	// ErrForgedTicket is a scanned ticket whose signature does not verify (it wraps ErrBadToken).
	ErrForgedTicket = errors.New("clinic: forged ticket")
	// ErrNoCertificate: the registration has not earned a certificate (or not yet).
	ErrNoCertificate = fmt.Errorf("%w: no certificate", database.ErrNotFound)
	// ErrCertificateRevoked refuses to download a revoked certificate.
	ErrCertificateRevoked = errors.New("clinic: certificate revoked")
	// ErrOwnerOnly refuses cancelling or feedback to whoever is not the signed-in registrant
	// and holds no fresh emailed link.
	ErrOwnerOnly = fmt.Errorf("%w: registrant only", account.ErrForbidden)
	// ErrRegistrationOver refuses a holder's cancellation once the event is over.
	ErrRegistrationOver = fmt.Errorf("%w: event is over, registration stands", database.ErrConflict)
	// ErrFeedbackNotYet refuses feedback before the event is over (or for a non-participant).
	ErrFeedbackNotYet = fmt.Errorf("%w: feedback not open", database.ErrConflict)
)

// Store holds every query of the clinics feature.
type Store struct {
	db      database.DB
	signer  *Signer
	baseURL string
	cat     Catalogue // the mails' text in the recipient's language
}

// NewStore returns a Store; baseURL is used for links in emails.
func NewStore(db database.DB, signer *Signer, baseURL string) *Store {
	return &Store{db: db, signer: signer, baseURL: strings.TrimRight(baseURL, "/")}
}

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// Signer returns the ticket signer.
func (s *Store) Signer() *Signer { return s.signer }

// TicketURL is the public address of a registration's ticket.
func (s *Store) TicketURL(clinicID, regID int64) string {
	return s.baseURL + "/tiket/" + s.signer.Ticket(clinicID, regID)
}

// scopeSQL is the region predicate of staff queries; its three parameters start at $n.
func scopeSQL(n int) string {
	return fmt.Sprintf(`($%d::bool OR c.province_code = ANY($%d::text[]) OR c.regency_code = ANY($%d::text[]))`, n, n+1, n+2)
}

func scopeArgs(sc Scope) []any {
	p, r := sc.Provinces, sc.Regencies
	if p == nil {
		p = []string{}
	}
	if r == nil {
		r = []string{}
	}
	return []any{sc.National, p, r}
}

// lock takes the event row for update inside the staff scope (or unscoped when sc is nil).
func lock(ctx context.Context, tx pgx.Tx, sc *Scope, id int64) (status Status, capacity, slots int, opens, closes time.Time, err error) {
	q := `SELECT c.status, c.capacity, c.school_slots, c.registration_opens, c.registration_closes FROM clinics c WHERE c.id = $1`
	args := []any{id}
	if sc != nil {
		q += ` AND ` + scopeSQL(2)
		args = append(args, scopeArgs(*sc)...)
	}
	err = tx.QueryRow(ctx, q+` FOR UPDATE OF c`, args...).Scan(&status, &capacity, &slots, &opens, &closes)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("clinic %d: %w", id, database.ErrNotFound)
	}
	return
}

// PersonalData is what the clinics hold about one user, for their personal-data download: every
// registration made by them or for their account's email (a nomination), with the event, status,
// school, codes, attendance per session, feedback and a revoked certificate's reason.
func (s *Store) PersonalData(ctx context.Context, userID int64, email string) (json.RawMessage, error) {
	var out json.RawMessage
	err := s.db.QueryRow(ctx, `SELECT coalesce(jsonb_agg(jsonb_build_object(
		'event', c.title, 'organiser', c.organiser, 'event_status', c.status, 'status', g.status, 'name', g.name, 'email', g.email,
		'phone', g.phone, 'npsn', g.npsn, 'school', g.school_name, 'jenjang', g.jenjang, 'nominated', g.nominated_by IS NOT NULL,
		'ticket_code', g.code, 'certificate_code', g.cert_code, 'registered_at', g.created_at, 'promoted_at', g.promoted_at,
		'cancelled_at', g.cancelled_at, 'certificate_revoked_at', g.cert_revoked_at, 'certificate_revoked_reason', g.cert_revoked_reason,
		'attendance', coalesce((SELECT jsonb_agg(jsonb_build_object('session', se.title, 'session_starts_at', se.starts_at,
			'checked_in_at', a.checked_in_at, 'method', a.method) ORDER BY se.starts_at)
			FROM clinic_attendance a JOIN clinic_sessions se ON se.id = a.session_id WHERE a.registration_id = g.id), '[]'::jsonb),
		'feedback', (SELECT jsonb_build_object('rating', f.rating, 'comment', f.comment, 'given_at', f.created_at)
			FROM clinic_feedback f WHERE f.registration_id = g.id)
		) ORDER BY g.id), '[]'::jsonb)
		FROM clinic_registrations g JOIN clinics c ON c.id = g.clinic_id
		WHERE g.user_id = $1 OR g.email = $2`, userID, email).Scan(&out)
	return out, err
}

// ScopeCondition is the scope predicate over clinics aliased c with its arguments numbered
// from $n, for reports in other features that must see exactly the events this feature shows.
func ScopeCondition(sc Scope, n int) (string, []any) { return scopeSQL(n), scopeArgs(sc) }
