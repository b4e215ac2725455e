package clinic

// Registration: registering (with capacity, school slots and the waiting list), tickets and
// emailed links, cancelling and moving up from the waiting list.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// Registrant is who registers: a signed-in teacher (UserID) or a teacher nominated by staff
// for a school slot (NominatedBy). For a signed-in teacher the store takes the name and email
// from the account; for everyone the school's name and jenjang come from the schools table.
type Registrant struct {
	UserID      int64
	NominatedBy int64
	Name        string
	Email       string
	Phone       string
	NPSN        string
}

// Registration is one registrant of an event.
type Registration struct {
	ID          int64              `db:"id"`
	ClinicID    int64              `db:"clinic_id"`
	UserID      *int64             `db:"user_id"`
	Name        string             `db:"name"`
	Email       string             `db:"email"`
	Phone       string             `db:"phone"`
	NPSN        string             `db:"npsn"`
	SchoolName  string             `db:"school_name"`
	Jenjang     string             `db:"jenjang"`
	Status      RegistrationStatus `db:"status"`
	Code        string             `db:"code"`
	CertCode    string             `db:"cert_code"`
	CreatedAt   time.Time          `db:"created_at"`
	PromotedAt  *time.Time         `db:"promoted_at"`
	Nominated   bool               `db:"nominated"`
	Position    int                `db:"position"` // place on the waiting list (0 when not waiting)
	Attended    int                `db:"attended"` // sessions attended
	Rating      int                `db:"rating"`   // feedback given (0: none)
	ClinicTitle string             `db:"clinic_title"`
	// RevokedAt is when the certificate was revoked (nil: not revoked), with the reason.
	RevokedAt     *time.Time `db:"cert_revoked_at"`
	RevokedReason string     `db:"cert_revoked_reason"`
	LinkSentAt    *time.Time `db:"link_sent_at"`
	// Lang is the language mails to the registrant are written in (their account's).
	Lang string `db:"lang"`
}

const regCols = `g.id, g.clinic_id, g.user_id, g.name, g.email, g.phone, g.npsn, g.school_name, g.jenjang, g.status,
	g.code, g.cert_code, g.created_at, g.promoted_at, g.nominated_by IS NOT NULL AS nominated,
	CASE WHEN g.status = 'waiting' THEN (SELECT count(*) FROM clinic_registrations w
		WHERE w.clinic_id = g.clinic_id AND w.status = 'waiting' AND w.id <= g.id)::int ELSE 0 END AS position,
	(SELECT count(*) FROM clinic_attendance a WHERE a.registration_id = g.id)::int AS attended,
	coalesce((SELECT rating FROM clinic_feedback f WHERE f.registration_id = g.id), 0) AS rating,
	(SELECT title FROM clinics c WHERE c.id = g.clinic_id) AS clinic_title,
	g.cert_revoked_at, g.cert_revoked_reason, g.link_sent_at, ` + langSQL + ` AS lang
	FROM clinic_registrations g`

// Register registers r for event id. Under a lock on the event row it refuses a duplicate, a
// school over its slots, and an event not open for registration (staff nominations may be
// added outside the registration window); it gives a seat while seats remain and a place on
// the waiting list after that.
func (s *Store) Register(ctx context.Context, id int64, r Registrant, now time.Time) (Registration, error) {
	var regID int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, capacity, slots, opens, closes, err := lock(ctx, tx, nil, id)
		if err != nil {
			return err
		}
		if status != StatusPublished || (r.NominatedBy == 0 && (now.Before(opens) || !now.Before(closes))) {
			return ErrClosed
		}
		if r.UserID != 0 { // a signed-in teacher: name and email of the account
			if err := tx.QueryRow(ctx, `SELECT name, email FROM users WHERE id = $1`, r.UserID).Scan(&r.Name, &r.Email); err != nil {
				return err
			}
		} else { // a nomination: linked to the account with that email, if there is one
			var uid int64
			var name string
			err := tx.QueryRow(ctx, `SELECT id, name FROM users WHERE email = $1 AND disabled_at IS NULL`, r.Email).Scan(&uid, &name)
			if err == nil {
				r.UserID, r.Name = uid, name
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		sc, err := schoolRef(ctx, tx, r.NPSN)
		if err != nil {
			return err
		}
		ev, err := s.WithTx(tx).one(ctx, `c.id = $1`, id)
		if err != nil {
			return err
		}
		if err := ev.Eligible(sc); err != nil {
			return err
		}
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM clinic_registrations WHERE clinic_id = $1 AND status <> 'cancelled'
			AND (email = $2 OR user_id = $3))`, id, r.Email, r.UserID).Scan(&dup); err != nil {
			return err
		}
		if dup {
			return ErrDuplicate
		}
		if slots > 0 && r.NPSN != "" {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND npsn = $2 AND status <> 'cancelled'`,
				id, r.NPSN).Scan(&n); err != nil {
				return err
			}
			if n >= slots {
				return ErrSchoolFull
			}
		}
		var registered int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND status = 'registered'`, id).Scan(&registered); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO clinic_registrations (clinic_id, user_id, nominated_by, name, email, phone, npsn,
			school_name, jenjang, status, code, cert_code) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
			id, database.NullID(r.UserID), database.NullID(r.NominatedBy), r.Name, r.Email, r.Phone, sc.NPSN, sc.Name, sc.Jenjang,
			Placement(registered, capacity), randomCode(8), randomCode(12)).Scan(&regID)
		if database.IsUnique(err) {
			return ErrDuplicate
		}
		if err != nil {
			return err
		}
		reg, err := s.registration(ctx, tx, regID)
		if err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, s.confirmation(reg))
	})
	if err != nil {
		return Registration{}, err
	}
	return s.Registration(ctx, regID)
}

// schoolRef returns the school with an NPSN from the schools table; an unknown NPSN is
// ErrUnknownSchool.
func schoolRef(ctx context.Context, q database.DB, npsn string) (SchoolRef, error) {
	var sc SchoolRef
	err := q.QueryRow(ctx, `SELECT s.npsn, s.name, s.jenjang, s.regency_code, r.province_code FROM schools s
		JOIN regencies r ON r.code = s.regency_code WHERE s.npsn = $1`, npsn).
		Scan(&sc.NPSN, &sc.Name, &sc.Jenjang, &sc.RegencyCode, &sc.ProvinceCode)
	if errors.Is(err, pgx.ErrNoRows) {
		return sc, ErrUnknownSchool
	}
	return sc, err
}

// School returns the school with an NPSN (ErrUnknownSchool when there is none), to show it on
// the registration form.
func (s *Store) School(ctx context.Context, npsn string) (SchoolRef, error) {
	return schoolRef(ctx, s.db, npsn)
}

func (s *Store) confirmation(r Registration) mail.Message {
	if r.Status == RegistrationWaiting {
		return s.regMail(r, "clinic.mail.waiting", nil)
	}
	return s.regMail(r, "clinic.mail.registered", nil)
}

func (s *Store) registration(ctx context.Context, tx pgx.Tx, id int64) (Registration, error) {
	rows, _ := tx.Query(ctx, `SELECT `+regCols+` WHERE g.id = $1`, id)
	return database.One[Registration](rows, "registration")
}

// Registration returns one registration.
func (s *Store) Registration(ctx context.Context, id int64) (Registration, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+regCols+` WHERE g.id = $1`, id)
	return database.One[Registration](rows, "registration")
}

// ByToken returns the registration a ticket token or an emailed link names; a bad signature is
// ErrBadToken, an expired emailed link ErrExpiredLink, an unknown registration ErrNotFound.
// fresh is true for an emailed link still valid at now.
func (s *Store) ByToken(ctx context.Context, token string, now time.Time) (r Registration, fresh bool, err error) {
	clinicID, regID, fresh, err := s.signer.VerifyAny(token, now)
	if err != nil && !errors.Is(err, ErrExpiredLink) {
		return Registration{}, false, err
	}
	expired := err
	r, err = s.Registration(ctx, regID)
	if err == nil && r.ClinicID != clinicID {
		return Registration{}, false, ErrBadToken
	}
	if err == nil && expired != nil {
		return r, false, expired // the registration, so that a fresh link can be asked for
	}
	return r, fresh, err
}

// ErrLinkTooSoon refuses to email a fresh link again within LinkInterval.
var ErrLinkTooSoon = errors.New("clinic: link sent a moment ago")

// LinkInterval is the least time between two emailed links of one registration.
const LinkInterval = 5 * time.Minute

// SendLink emails a fresh link (valid LinkLifetime) to the registration's own address, so that
// its holder can cancel or give feedback without an account; at most one every LinkInterval.
func (s *Store) SendLink(ctx context.Context, regID int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE clinic_registrations SET link_sent_at = $2
			WHERE id = $1 AND (link_sent_at IS NULL OR link_sent_at <= $3)`, regID, now, now.Add(-LinkInterval))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrLinkTooSoon
		}
		r, err := s.registration(ctx, tx, regID)
		if err != nil {
			return err
		}
		link := s.baseURL + "/tiket/" + s.signer.Link(r.ClinicID, r.ID, now.Add(LinkLifetime))
		return mail.Enqueue(ctx, tx, s.regMail(r, "clinic.mail.link", map[string]any{"Link": link, "Hours": int(LinkLifetime.Hours())}))
	})
}

// Active returns the user's registration for the event that is not cancelled.
func (s *Store) Active(ctx context.Context, clinicID, userID int64) (Registration, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+regCols+` WHERE g.clinic_id = $1 AND g.user_id = $2 AND g.status <> 'cancelled'`, clinicID, userID)
	return database.One[Registration](rows, "registration")
}

// ByUser lists a user's registrations, newest first.
func (s *Store) ByUser(ctx context.Context, userID int64) ([]Registration, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+regCols+` WHERE g.user_id = $1 ORDER BY g.id DESC LIMIT 200`, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Registration])
}

// Registrations lists an event's registrations (not cancelled unless all), by status then
// order of registration; q filters by name, school or NPSN.
func (s *Store) Registrations(ctx context.Context, clinicID int64, q string, all bool) ([]Registration, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+regCols+` WHERE g.clinic_id = $1 AND ($2 OR g.status <> 'cancelled')
		AND ($3 = '' OR g.name ILIKE '%' || $3 || '%' OR g.school_name ILIKE '%' || $3 || '%' OR g.npsn = $3)
		ORDER BY CASE g.status WHEN 'registered' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, g.id LIMIT 5000`,
		clinicID, all, strings.TrimSpace(q))
	return pgx.CollectRows(rows, pgx.RowToStructByName[Registration])
}

// CancelRegistration cancels a registration (by its holder, or by staff of the event) and
// moves the first on the waiting list up when a seat frees; each promoted registrant is
// emailed. It returns the promoted registrations.
func (s *Store) CancelRegistration(ctx context.Context, regID int64) ([]Registration, error) {
	var promoted []Registration
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		promoted, err = s.WithTx(tx).cancelRegistration(ctx, tx, regID)
		return err
	})
	return promoted, err
}

func (s *Store) cancelRegistration(ctx context.Context, tx pgx.Tx, regID int64) ([]Registration, error) {
	var clinicID int64
	if err := tx.QueryRow(ctx, `SELECT clinic_id FROM clinic_registrations WHERE id = $1`, regID).Scan(&clinicID); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, fmt.Errorf("registration: %w", database.ErrNotFound)
		}
		return nil, err
	}
	if _, _, _, _, _, err := lock(ctx, tx, nil, clinicID); err != nil {
		return nil, err
	}
	tag, err := tx.Exec(ctx, `UPDATE clinic_registrations SET status = 'cancelled', cancelled_at = now()
		WHERE id = $1 AND status <> 'cancelled'`, regID)
	if err != nil {
		return nil, err
	}
	if tag.RowsAffected() == 0 {
		return nil, nil // cancelling twice is harmless
	}
	return s.promote(ctx, tx, clinicID)
}

// CancelRegistrationBy is CancelRegistration done by staff: the cancellation is audited
// (clinic.registration_cancel) and the participant is emailed.
func (s *Store) CancelRegistrationBy(ctx context.Context, act audit.Actor, regID int64) ([]Registration, error) {
	var promoted []Registration
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		st := s.WithTx(tx)
		before, err := st.registration(ctx, tx, regID)
		if err != nil {
			return err
		}
		// The event row first (as every writer does), then the registration's state under it.
		if _, _, _, _, _, err := lock(ctx, tx, nil, before.ClinicID); err != nil {
			return err
		}
		if before, err = st.registration(ctx, tx, regID); err != nil {
			return err
		}
		if before.Status == RegistrationCancelled {
			return nil // cancelling twice is harmless
		}
		if promoted, err = st.cancelRegistration(ctx, tx, regID); err != nil {
			return err
		}
		if err := mail.Enqueue(ctx, tx, s.regMail(before, "clinic.mail.reg_cancelled", nil)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.registration_cancel", ObjectType: "clinic_registration",
			ObjectID: strconv.FormatInt(regID, 10), Detail: map[string]any{"clinic": before.ClinicID, "status_before": before.Status}})
	})
	return promoted, err
}

// promote moves waiting registrants up while seats are free (the event row is locked by the
// caller) and emails them.
func (s *Store) promote(ctx context.Context, tx pgx.Tx, clinicID int64) ([]Registration, error) {
	var capacity, registered, waiting int
	if err := tx.QueryRow(ctx, `SELECT c.capacity,
		(SELECT count(*) FROM clinic_registrations WHERE clinic_id = c.id AND status = 'registered'),
		(SELECT count(*) FROM clinic_registrations WHERE clinic_id = c.id AND status = 'waiting')
		FROM clinics c WHERE c.id = $1`, clinicID).Scan(&capacity, &registered, &waiting); err != nil {
		return nil, err
	}
	n := Promotions(registered, capacity, waiting)
	if n == 0 {
		return nil, nil
	}
	rows, _ := tx.Query(ctx, `UPDATE clinic_registrations SET status = 'registered', promoted_at = now()
		WHERE id IN (SELECT id FROM clinic_registrations WHERE clinic_id = $1 AND status = 'waiting' ORDER BY id LIMIT $2)
		RETURNING id`, clinicID, n)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	var out []Registration
	for _, id := range ids {
		r, err := s.registration(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		if err := mail.Enqueue(ctx, tx, s.regMail(r, "clinic.mail.promoted", nil)); err != nil {
			return nil, err
		}
	}
	return out, nil
}
