package clinic

import (
	"context"
	"encoding/json"
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
)

// Store holds every query of the clinics feature.
type Store struct {
	db      database.DB
	signer  *Signer
	baseURL string
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

const clinicCols = `c.id, c.kind, c.title, c.description, c.organiser, c.partner, c.province_code,
	coalesce(c.regency_code, '') AS regency_code, coalesce(r.name, p.name) AS region_name, p.timezone,
	c.mode, c.venue, c.meeting_link, c.capacity, c.school_slots, c.jenjang, c.registration_opens,
	c.registration_closes, c.contact_name, c.contact_phone, c.letter_number, c.signatory_name,
	c.signatory_title, c.status, c.checkin_before_minutes, c.checkin_after_minutes, c.min_sessions, c.created_at, c.updated_at,
	coalesce((SELECT min(starts_at) FROM clinic_sessions s WHERE s.clinic_id = c.id), c.registration_closes) AS starts_at,
	coalesce((SELECT max(ends_at) FROM clinic_sessions s WHERE s.clinic_id = c.id), c.registration_closes) AS ends_at,
	(SELECT count(*) FROM clinic_registrations x WHERE x.clinic_id = c.id AND x.status = 'registered')::int AS registered,
	(SELECT count(*) FROM clinic_registrations x WHERE x.clinic_id = c.id AND x.status = 'waiting')::int AS waiting
	FROM clinics c JOIN provinces p ON p.code = c.province_code LEFT JOIN regencies r ON r.code = c.regency_code`

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

// one returns the event matching where with its sessions; on a store bound with WithTx it
// reads through the transaction.
func (s *Store) one(ctx context.Context, where string, args ...any) (Clinic, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+clinicCols+` WHERE `+where, args...)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Clinic])
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("clinic: %w", database.ErrNotFound)
	}
	if err != nil {
		return c, err
	}
	c.Sessions, err = s.sessions(ctx, c.ID)
	return c, err
}

func (s *Store) sessions(ctx context.Context, clinicID int64) ([]Session, error) {
	rows, _ := s.db.Query(ctx, `SELECT s.id, s.clinic_id, s.title, s.starts_at, s.ends_at,
		(SELECT count(*) FROM clinic_attendance a JOIN clinic_registrations g ON g.id = a.registration_id
		 WHERE a.session_id = s.id AND g.status = 'registered')::int AS present
		FROM clinic_sessions s WHERE s.clinic_id = $1 ORDER BY s.starts_at, s.id`, clinicID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Session])
}

// ForStaff returns an event inside the staff scope; outside it the event does not exist.
func (s *Store) ForStaff(ctx context.Context, sc Scope, id int64) (Clinic, error) {
	return s.one(ctx, `c.id = $1 AND `+scopeSQL(2), append([]any{id}, scopeArgs(sc)...)...)
}

// Public returns a published or cancelled event (never a draft).
func (s *Store) Public(ctx context.Context, id int64) (Clinic, error) {
	return s.one(ctx, `c.id = $1 AND c.status <> 'draft'`, id)
}

// ByID returns an event whatever its state (for tickets and certificates).
func (s *Store) ByID(ctx context.Context, id int64) (Clinic, error) {
	return s.one(ctx, `c.id = $1`, id)
}

func (s *Store) list(ctx context.Context, where string, args ...any) ([]Clinic, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+clinicCols+` WHERE `+where, args...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Clinic])
}

// StaffList lists the events inside the staff scope, newest first.
func (s *Store) StaffList(ctx context.Context, sc Scope) ([]Clinic, error) {
	return s.list(ctx, scopeSQL(1)+` ORDER BY c.created_at DESC, c.id DESC LIMIT 500`, scopeArgs(sc)...)
}

// Upcoming lists published events whose last session has not ended, in a region (a province
// "16" or a kabupaten/kota "16.01"; "" for all), soonest first. A kabupaten/kota also lists the
// province-level events of its province, which are open to its teachers too.
func (s *Store) Upcoming(ctx context.Context, regionCode string, now time.Time) ([]Clinic, error) {
	return s.list(ctx, `c.status = 'published'
		AND ($1 = '' OR c.province_code = $1 OR c.regency_code = $1
			OR (c.regency_code IS NULL AND c.province_code = split_part($1, '.', 1)))
		AND EXISTS (SELECT 1 FROM clinic_sessions s WHERE s.clinic_id = c.id AND s.ends_at > $2)
		ORDER BY starts_at, c.id LIMIT 200`, regionCode, now)
}

// Create stores a new draft event.
func (s *Store) Create(ctx context.Context, act audit.Actor, in Input) (int64, error) {
	var id int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var reg *string
		if in.RegencyCode != "" {
			reg = &in.RegencyCode
		}
		err := tx.QueryRow(ctx, `INSERT INTO clinics (kind, title, description, organiser, partner, province_code,
			regency_code, mode, venue, meeting_link, capacity, school_slots, jenjang, registration_opens,
			registration_closes, contact_name, contact_phone, letter_number, signatory_name, signatory_title, created_by,
			checkin_before_minutes, checkin_after_minutes, min_sessions)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24) RETURNING id`,
			in.Kind, in.Title, in.Description, in.Organiser, in.Partner, in.ProvinceCode, reg, in.Mode, in.Venue,
			in.MeetingLink, in.Capacity, in.SchoolSlots, in.Jenjang, in.Opens, in.Closes, in.ContactName,
			in.ContactPhone, in.LetterNumber, in.SignatoryName, in.SignatoryTitle, database.NullID(act.UserID),
			withDefault(in.CheckinBefore, 60, true), withDefault(in.CheckinAfter, 60, true), withDefault(in.MinSessions, 1, false)).Scan(&id)
		if err != nil {
			return err
		}
		for _, se := range in.Sessions {
			if _, err := tx.Exec(ctx, `INSERT INTO clinic_sessions (clinic_id, title, starts_at, ends_at) VALUES ($1,$2,$3,$4)`,
				id, se.Title, se.StartsAt, se.EndsAt); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.create", ObjectType: "clinic", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"title": in.Title, "region": in.ProvinceCode + "/" + in.RegencyCode}})
	})
	return id, err
}

// withDefault gives the default d for a value left unset in an Input built in code (zero, or
// negative when zero is a valid value).
func withDefault(v, d int, zeroValid bool) int {
	if v < 0 || (v == 0 && !zeroValid) {
		return d
	}
	return v
}

// lock takes the event row for update inside the staff scope (or unscoped when sc is nil).
func lock(ctx context.Context, tx pgx.Tx, sc *Scope, id int64) (status string, capacity, slots int, opens, closes time.Time, err error) {
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

// Update changes an event inside the staff scope and emails every active registrant about the
// change. Sessions are matched by id: kept ones are updated, missing ones deleted, new ones added.
// Raising the capacity moves waiting registrants up.
func (s *Store) Update(ctx context.Context, act audit.Actor, sc Scope, id int64, in Input) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, _, _, _, _, err := lock(ctx, tx, &sc, id)
		if err != nil {
			return err
		}
		if status == StatusCancelled {
			return ErrState
		}
		var registered int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND status = 'registered'`, id).Scan(&registered); err != nil {
			return err
		}
		if in.Capacity < registered {
			return fmt.Errorf("%w (%d)", ErrCapacityBelow, registered)
		}
		before, err := s.WithTx(tx).one(ctx, `c.id = $1`, id)
		if err != nil {
			return err
		}
		var reg *string
		if in.RegencyCode != "" {
			reg = &in.RegencyCode
		}
		_, err = tx.Exec(ctx, `UPDATE clinics SET kind=$2, title=$3, description=$4, organiser=$5, partner=$6,
			province_code=$7, regency_code=$8, mode=$9, venue=$10, meeting_link=$11, capacity=$12, school_slots=$13,
			jenjang=$14, registration_opens=$15, registration_closes=$16, contact_name=$17, contact_phone=$18,
			letter_number=$19, signatory_name=$20, signatory_title=$21, checkin_before_minutes=$22,
			checkin_after_minutes=$23, min_sessions=$24, updated_at=now() WHERE id=$1`,
			id, in.Kind, in.Title, in.Description, in.Organiser, in.Partner, in.ProvinceCode, reg, in.Mode, in.Venue,
			in.MeetingLink, in.Capacity, in.SchoolSlots, in.Jenjang, in.Opens, in.Closes, in.ContactName,
			in.ContactPhone, in.LetterNumber, in.SignatoryName, in.SignatoryTitle,
			withDefault(in.CheckinBefore, 60, true), withDefault(in.CheckinAfter, 60, true), withDefault(in.MinSessions, 1, false))
		if err != nil {
			return err
		}
		keep := []int64{}
		for _, se := range in.Sessions {
			if se.ID != 0 {
				tag, err := tx.Exec(ctx, `UPDATE clinic_sessions SET title=$3, starts_at=$4, ends_at=$5 WHERE id=$1 AND clinic_id=$2`,
					se.ID, id, se.Title, se.StartsAt, se.EndsAt)
				if err != nil {
					return err
				}
				if tag.RowsAffected() == 1 {
					keep = append(keep, se.ID)
					continue
				}
			}
			var sid int64
			if err := tx.QueryRow(ctx, `INSERT INTO clinic_sessions (clinic_id, title, starts_at, ends_at) VALUES ($1,$2,$3,$4) RETURNING id`,
				id, se.Title, se.StartsAt, se.EndsAt).Scan(&sid); err != nil {
				return err
			}
			keep = append(keep, sid)
		}
		// A session that already has check-ins is never removed by an edit: the attendance
		// record would go with it.
		var attended bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM clinic_attendance a JOIN clinic_sessions s ON s.id = a.session_id
			WHERE s.clinic_id = $1 AND NOT (s.id = ANY($2)))`, id, keep).Scan(&attended); err != nil {
			return err
		}
		if attended {
			return ErrSessionHasAttendance
		}
		if _, err := tx.Exec(ctx, `DELETE FROM clinic_sessions WHERE clinic_id = $1 AND NOT (id = ANY($2))`, id, keep); err != nil {
			return err
		}
		if _, err := s.promote(ctx, tx, id); err != nil {
			return err
		}
		if changes := Changes(before, in); status == StatusPublished && len(changes) > 0 {
			if err := s.notifyChange(ctx, tx, id, in.Title, changes); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.update", ObjectType: "clinic", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"title": in.Title, "capacity": in.Capacity}})
	})
}

// notifyChange emails every active registrant what changed, with the link to their ticket.
func (s *Store) notifyChange(ctx context.Context, tx pgx.Tx, id int64, title string, changes []string) error {
	rows, _ := tx.Query(ctx, `SELECT id, name, email FROM clinic_registrations WHERE clinic_id = $1 AND status <> 'cancelled' ORDER BY id`, id)
	type recipient struct {
		ID          int64
		Name, Email string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[recipient])
	if err != nil {
		return err
	}
	for _, r := range list {
		body := "Yth. " + r.Name + ",\n\nPenyelenggara mengubah informasi kegiatan \"" + title + "\":\n\n" +
			strings.Join(changes, "\n") + "\n\nRincian lengkap: " + s.baseURL + "/klinik/" + strconv.FormatInt(id, 10) +
			"\nTiket Anda: " + s.TicketURL(id, r.ID) + "\n"
		if err := mail.Enqueue(ctx, tx, mail.Message{To: r.Email, Subject: "Perubahan informasi: " + title, Body: body}); err != nil {
			return err
		}
	}
	return nil
}

// notifyAll emails every active registrant (and the invited schools when schools is true).
func (s *Store) notifyAll(ctx context.Context, tx pgx.Tx, id int64, subject, body string, schools bool) error {
	q := `SELECT email FROM clinic_registrations WHERE clinic_id = $1 AND status <> 'cancelled'`
	if schools {
		q += ` UNION SELECT lower(email) FROM clinic_invitations WHERE clinic_id = $1 AND email <> ''`
	}
	rows, _ := tx.Query(ctx, q, id)
	emails, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, e := range emails {
		if err := mail.Enqueue(ctx, tx, mail.Message{To: e, Subject: subject, Body: body}); err != nil {
			return err
		}
	}
	return nil
}

// Publish opens a draft event to the public.
func (s *Store) Publish(ctx context.Context, act audit.Actor, sc Scope, id int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, _, _, _, _, err := lock(ctx, tx, &sc, id)
		if err != nil {
			return err
		}
		if status != StatusDraft {
			return ErrState
		}
		if _, err := tx.Exec(ctx, `UPDATE clinics SET status = 'published', updated_at = now() WHERE id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.publish", ObjectType: "clinic", ObjectID: strconv.FormatInt(id, 10)})
	})
}

// Cancel cancels an event and emails every registrant and every invited school. An event that
// is over cannot be cancelled (its attendance and certificates stand; a certificate is revoked
// one by one, with a reason).
func (s *Store) Cancel(ctx context.Context, act audit.Actor, sc Scope, id int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, _, _, _, _, err := lock(ctx, tx, &sc, id)
		if err != nil {
			return err
		}
		if status == StatusCancelled {
			return ErrState
		}
		var over bool
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(ends_at) < $2, false) FROM clinic_sessions WHERE clinic_id = $1`, id, now).Scan(&over); err != nil {
			return err
		}
		if over && status == StatusPublished {
			return ErrFinished
		}
		var title string
		if err := tx.QueryRow(ctx, `UPDATE clinics SET status = 'cancelled', updated_at = now() WHERE id = $1 RETURNING title`, id).Scan(&title); err != nil {
			return err
		}
		if status == StatusPublished {
			if err := s.notifyAll(ctx, tx, id, "Kegiatan dibatalkan: "+title,
				"Dengan menyesal kami sampaikan bahwa kegiatan \""+title+"\" dibatalkan oleh penyelenggara. Mohon maaf atas ketidaknyamanan ini.", true); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.cancel", ObjectType: "clinic", ObjectID: strconv.FormatInt(id, 10)})
	})
}

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
	ID          int64      `db:"id"`
	ClinicID    int64      `db:"clinic_id"`
	UserID      *int64     `db:"user_id"`
	Name        string     `db:"name"`
	Email       string     `db:"email"`
	Phone       string     `db:"phone"`
	NPSN        string     `db:"npsn"`
	SchoolName  string     `db:"school_name"`
	Jenjang     string     `db:"jenjang"`
	Status      string     `db:"status"`
	Code        string     `db:"code"`
	CertCode    string     `db:"cert_code"`
	CreatedAt   time.Time  `db:"created_at"`
	PromotedAt  *time.Time `db:"promoted_at"`
	Nominated   bool       `db:"nominated"`
	Position    int        `db:"position"` // place on the waiting list (0 when not waiting)
	Attended    int        `db:"attended"` // sessions attended
	Rating      int        `db:"rating"`   // feedback given (0: none)
	ClinicTitle string     `db:"clinic_title"`
	// RevokedAt is when the certificate was revoked (nil: not revoked), with the reason.
	RevokedAt     *time.Time `db:"cert_revoked_at"`
	RevokedReason string     `db:"cert_revoked_reason"`
	LinkSentAt    *time.Time `db:"link_sent_at"`
}

const regCols = `g.id, g.clinic_id, g.user_id, g.name, g.email, g.phone, g.npsn, g.school_name, g.jenjang, g.status,
	g.code, g.cert_code, g.created_at, g.promoted_at, g.nominated_by IS NOT NULL AS nominated,
	CASE WHEN g.status = 'waiting' THEN (SELECT count(*) FROM clinic_registrations w
		WHERE w.clinic_id = g.clinic_id AND w.status = 'waiting' AND w.id <= g.id)::int ELSE 0 END AS position,
	(SELECT count(*) FROM clinic_attendance a WHERE a.registration_id = g.id)::int AS attended,
	coalesce((SELECT rating FROM clinic_feedback f WHERE f.registration_id = g.id), 0) AS rating,
	(SELECT title FROM clinics c WHERE c.id = g.clinic_id) AS clinic_title,
	g.cert_revoked_at, g.cert_revoked_reason, g.link_sent_at
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
			Status(registered, capacity), randomCode(8), randomCode(12)).Scan(&regID)
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
	body := "Yth. " + r.Name + ",\n\nPendaftaran Anda untuk \"" + r.ClinicTitle + "\" telah kami terima. "
	if r.Status == RegWaiting {
		body += "Kegiatan sudah penuh; Anda berada pada daftar tunggu nomor " + strconv.Itoa(r.Position) +
			". Jika ada peserta yang membatalkan, Anda otomatis naik dan kami kabari melalui surel.\n"
	} else {
		body += "Anda terdaftar sebagai peserta. Kode tiket: " + FormatCode(r.Code) + ".\n"
	}
	body += "\nTiket Anda: " + s.TicketURL(r.ClinicID, r.ID) + "\n"
	return mail.Message{To: r.Email, Subject: "Pendaftaran: " + r.ClinicTitle, Body: body}
}

func (s *Store) registration(ctx context.Context, tx pgx.Tx, id int64) (Registration, error) {
	rows, _ := tx.Query(ctx, `SELECT `+regCols+` WHERE g.id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Registration])
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("registration: %w", database.ErrNotFound)
	}
	return r, err
}

// Registration returns one registration.
func (s *Store) Registration(ctx context.Context, id int64) (Registration, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+regCols+` WHERE g.id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Registration])
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("registration: %w", database.ErrNotFound)
	}
	return r, err
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
		body := "Yth. " + r.Name + ",\n\nAnda (atau seseorang yang memegang tiket Anda) meminta tautan untuk mengelola pendaftaran \"" +
			r.ClinicTitle + "\": membatalkan pendaftaran atau mengisi umpan balik.\n\nTautan (berlaku 48 jam): " + link +
			"\n\nJika Anda tidak memintanya, abaikan surel ini: tanpa tautan ini tidak ada yang dapat membatalkan pendaftaran Anda.\n"
		return mail.Enqueue(ctx, tx, mail.Message{To: r.Email, Subject: "Tautan pengelolaan pendaftaran: " + r.ClinicTitle, Body: body})
	})
}

// Active returns the user's registration for the event that is not cancelled.
func (s *Store) Active(ctx context.Context, clinicID, userID int64) (Registration, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+regCols+` WHERE g.clinic_id = $1 AND g.user_id = $2 AND g.status <> 'cancelled'`, clinicID, userID)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Registration])
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("registration: %w", database.ErrNotFound)
	}
	return r, err
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
		if before.Status == RegCancelled {
			return nil // cancelling twice is harmless
		}
		if promoted, err = st.cancelRegistration(ctx, tx, regID); err != nil {
			return err
		}
		body := "Yth. " + before.Name + ",\n\nPendaftaran Anda untuk \"" + before.ClinicTitle + "\" dibatalkan oleh penyelenggara. " +
			"Bila ini keliru, hubungi narahubung kegiatan.\n"
		if err := mail.Enqueue(ctx, tx, mail.Message{To: before.Email, Subject: "Pendaftaran dibatalkan: " + before.ClinicTitle, Body: body}); err != nil {
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
		body := "Yth. " + r.Name + ",\n\nAda kursi yang kosong: Anda naik dari daftar tunggu dan kini terdaftar sebagai peserta \"" +
			r.ClinicTitle + "\". Kode tiket: " + FormatCode(r.Code) + ".\n\nTiket Anda: " + s.TicketURL(r.ClinicID, r.ID) + "\n"
		if err := mail.Enqueue(ctx, tx, mail.Message{To: r.Email, Subject: "Anda mendapat kursi: " + r.ClinicTitle, Body: body}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CheckIn is the outcome of one check-in.
type CheckIn struct {
	Registration Registration
	Already      bool      // the registrant was checked in before: nothing changed
	At           time.Time // when the registrant was (first) checked in
}

// CheckIn marks a registrant present at a session of event clinicID. input is a scanned ticket
// token or a typed ticket code. A forged token gives ErrBadToken, a ticket of another event
// ErrOtherEvent, an unknown code ErrUnknownCode, a waiting or cancelled registrant
// ErrNotRegistered, a check-in outside the session's window (set per event) ErrCheckInClosed.
// Checking in twice is harmless (Already). The caller has checked that the event is in the
// staff scope.
func (s *Store) CheckIn(ctx context.Context, clinicID, sessionID int64, input, method string, by int64, now time.Time) (CheckIn, error) {
	var regID int64
	if LooksLikeToken(input) {
		cid, rid, err := s.signer.Verify(input)
		if err != nil {
			return CheckIn{}, err
		}
		if cid != clinicID {
			return CheckIn{}, ErrOtherEvent
		}
		regID = rid
	} else {
		code := NormalizeCode(input)
		if code == "" {
			return CheckIn{}, ErrUnknownCode
		}
		var cid int64
		err := s.db.QueryRow(ctx, `SELECT id, clinic_id FROM clinic_registrations WHERE code = $1`, code).Scan(&regID, &cid)
		if errors.Is(err, pgx.ErrNoRows) {
			return CheckIn{}, ErrUnknownCode
		}
		if err != nil {
			return CheckIn{}, err
		}
		if cid != clinicID {
			return CheckIn{}, ErrOtherEvent
		}
	}
	return s.checkIn(ctx, clinicID, sessionID, regID, method, by, now)
}

// checkInOpen refuses a check-in to a session of event clinicID outside its window.
func (s *Store) checkInOpen(ctx context.Context, clinicID, sessionID int64, now time.Time) error {
	c, err := s.ByID(ctx, clinicID)
	if err != nil {
		return err
	}
	for _, se := range c.Sessions {
		if se.ID == sessionID {
			if !c.CheckInOpen(se, now) {
				return ErrCheckInClosed
			}
			return nil
		}
	}
	return fmt.Errorf("session: %w", database.ErrNotFound)
}

func (s *Store) checkIn(ctx context.Context, clinicID, sessionID, regID int64, method string, by int64, now time.Time) (CheckIn, error) {
	reg, err := s.Registration(ctx, regID)
	if errors.Is(err, database.ErrNotFound) {
		return CheckIn{}, ErrUnknownCode
	}
	if err != nil {
		return CheckIn{}, err
	}
	if reg.ClinicID != clinicID {
		return CheckIn{}, ErrOtherEvent
	}
	if reg.Status != RegRegistered {
		return CheckIn{Registration: reg}, ErrNotRegistered
	}
	if err := s.checkInOpen(ctx, clinicID, sessionID, now); err != nil {
		return CheckIn{Registration: reg}, err
	}
	var at time.Time
	err = s.db.QueryRow(ctx, `INSERT INTO clinic_attendance (registration_id, session_id, checked_in_by, method)
		SELECT $1, s.id, $3, $4 FROM clinic_sessions s WHERE s.id = $2 AND s.clinic_id = $5
		ON CONFLICT (registration_id, session_id) DO NOTHING RETURNING checked_in_at`,
		regID, sessionID, database.NullID(by), method, clinicID).Scan(&at)
	if err == nil {
		return CheckIn{Registration: reg, At: at}, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return CheckIn{}, err
	}
	err = s.db.QueryRow(ctx, `SELECT a.checked_in_at FROM clinic_attendance a JOIN clinic_sessions s ON s.id = a.session_id
		WHERE a.registration_id = $1 AND a.session_id = $2 AND s.clinic_id = $3`, regID, sessionID, clinicID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return CheckIn{}, fmt.Errorf("session: %w", database.ErrNotFound)
	}
	return CheckIn{Registration: reg, Already: true, At: at}, err
}

// CheckInList marks the listed registrants present at a session (ticking a list); registrants
// not holding a seat of this event are skipped. Outside the session's window it is
// ErrCheckInClosed. It returns how many were newly marked.
func (s *Store) CheckInList(ctx context.Context, clinicID, sessionID int64, regIDs []int64, by int64, now time.Time) (int, error) {
	if err := s.checkInOpen(ctx, clinicID, sessionID, now); err != nil {
		return 0, err
	}
	tag, err := s.db.Exec(ctx, `INSERT INTO clinic_attendance (registration_id, session_id, checked_in_by, method)
		SELECT g.id, s.id, $4, 'list' FROM clinic_registrations g JOIN clinic_sessions s ON s.clinic_id = g.clinic_id
		WHERE g.clinic_id = $1 AND s.id = $2 AND g.id = ANY($3) AND g.status = 'registered'
		ON CONFLICT (registration_id, session_id) DO NOTHING`, clinicID, sessionID, regIDs, database.NullID(by))
	return int(tag.RowsAffected()), err
}

// Present returns the ids of registrants checked in at a session.
func (s *Store) Present(ctx context.Context, sessionID int64) (map[int64]bool, error) {
	rows, _ := s.db.Query(ctx, `SELECT registration_id FROM clinic_attendance WHERE session_id = $1`, sessionID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, err
}

// AttendanceRow is one line of the attendance export.
type AttendanceRow struct {
	Name       string
	SchoolName string
	NPSN       string
	Jenjang    string
	Status     string
	Present    []bool // per session, in session order
}

// Attendance returns the export rows of an event: every registrant holding a seat or waiting,
// with presence per session.
func (s *Store) Attendance(ctx context.Context, c Clinic) ([]AttendanceRow, error) {
	regs, err := s.Registrations(ctx, c.ID, "", false)
	if err != nil {
		return nil, err
	}
	present := make([]map[int64]bool, len(c.Sessions))
	for i, se := range c.Sessions {
		if present[i], err = s.Present(ctx, se.ID); err != nil {
			return nil, err
		}
	}
	out := make([]AttendanceRow, 0, len(regs))
	for _, r := range regs {
		row := AttendanceRow{Name: r.Name, SchoolName: r.SchoolName, NPSN: r.NPSN, Jenjang: r.Jenjang, Status: r.Status}
		for i := range c.Sessions {
			row.Present = append(row.Present, present[i][r.ID])
		}
		out = append(out, row)
	}
	return out, nil
}

// Certificate is what the public verification page shows.
type Certificate struct {
	Registration Registration
	Clinic       Clinic
}

// Revoked reports whether the certificate was revoked.
func (c Certificate) Revoked() bool { return c.Registration.RevokedAt != nil }

// CertificateByCode returns the certificate with a verification code: only a registration that
// earned one (Clinic.CertificateDue, ignoring revocation) has one; a revoked certificate is
// returned too, so that the verification page says it was revoked.
func (s *Store) CertificateByCode(ctx context.Context, code string, now time.Time) (Certificate, error) {
	code = NormalizeCode(code)
	var regID int64
	err := s.db.QueryRow(ctx, `SELECT g.id FROM clinic_registrations g WHERE g.cert_code = $1`, code).Scan(&regID)
	if errors.Is(err, pgx.ErrNoRows) || code == "" {
		return Certificate{}, fmt.Errorf("certificate: %w", database.ErrNotFound)
	}
	if err != nil {
		return Certificate{}, err
	}
	r, err := s.Registration(ctx, regID)
	if err != nil {
		return Certificate{}, err
	}
	c, err := s.ByID(ctx, r.ClinicID)
	if err != nil {
		return Certificate{}, err
	}
	unrevoked := r
	unrevoked.RevokedAt = nil
	if !c.CertificateDue(unrevoked, now) {
		return Certificate{}, fmt.Errorf("certificate: %w", database.ErrNotFound)
	}
	return Certificate{Registration: r, Clinic: c}, nil
}

// SaveFeedback stores (or replaces) a registrant's rating 1-5 and comment.
func (s *Store) SaveFeedback(ctx context.Context, regID int64, rating int, comment string) error {
	_, err := s.db.Exec(ctx, `INSERT INTO clinic_feedback (registration_id, rating, comment) VALUES ($1, $2, $3)
		ON CONFLICT (registration_id) DO UPDATE SET rating = EXCLUDED.rating, comment = EXCLUDED.comment, created_at = now()`,
		regID, rating, comment)
	return err
}

// FeedbackSummary is the organiser's view of the feedback.
type FeedbackSummary struct {
	Count    int
	Average  float64
	ByRating [5]int // count of ratings 1..5
	Comments []string
}

// Feedback summarises an event's feedback.
func (s *Store) Feedback(ctx context.Context, clinicID int64) (FeedbackSummary, error) {
	var fs FeedbackSummary
	rows, _ := s.db.Query(ctx, `SELECT f.rating, f.comment FROM clinic_feedback f JOIN clinic_registrations g ON g.id = f.registration_id
		WHERE g.clinic_id = $1 ORDER BY f.created_at DESC`, clinicID)
	type fb struct {
		Rating  int
		Comment string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fb])
	if err != nil {
		return fs, err
	}
	sum := 0
	for _, f := range list {
		fs.Count++
		sum += f.Rating
		fs.ByRating[f.Rating-1]++
		if f.Comment != "" && len(fs.Comments) < 100 {
			fs.Comments = append(fs.Comments, f.Comment)
		}
	}
	if fs.Count > 0 {
		fs.Average = float64(sum) / float64(fs.Count)
	}
	return fs, nil
}

// RecordExport writes the export of an event's attendance list to the audit log.
func (s *Store) RecordExport(ctx context.Context, act audit.Actor, clinicID int64, format string, rows int) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.export", ObjectType: "clinic", ObjectID: strconv.FormatInt(clinicID, 10),
			Detail: map[string]any{"format": format, "rows": rows}})
	})
}

// Certificates lists the registrations of event c that earned a certificate at now (revoked
// ones included, marked by RevokedAt), in the order of the participant list.
func (s *Store) Certificates(ctx context.Context, c Clinic, now time.Time) ([]Registration, error) {
	regs, err := s.Registrations(ctx, c.ID, "", false)
	if err != nil {
		return nil, err
	}
	var out []Registration
	for _, r := range regs {
		u := r
		u.RevokedAt = nil
		if c.CertificateDue(u, now) {
			out = append(out, r)
		}
	}
	return out, nil
}

// ErrReason refuses a revocation without a reason (or with one over 500 characters).
var ErrReason = errors.New("clinic: a reason is required")

// RevokeCertificate revokes the certificate of registration regID of event clinicID (inside
// the staff scope) with a reason; the verification page then says it was revoked. Revoking
// twice is ErrState. Audited as clinic.certificate_revoke.
func (s *Store) RevokeCertificate(ctx context.Context, act audit.Actor, sc Scope, clinicID, regID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || len([]rune(reason)) > 500 {
		return ErrReason
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, _, _, _, _, err := lock(ctx, tx, &sc, clinicID); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE clinic_registrations SET cert_revoked_at = now(), cert_revoked_by = $3, cert_revoked_reason = $4
			WHERE id = $1 AND clinic_id = $2 AND cert_revoked_at IS NULL`, regID, clinicID, database.NullID(act.UserID), reason)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM clinic_registrations WHERE id = $1 AND clinic_id = $2)`, regID, clinicID).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				return fmt.Errorf("registration: %w", database.ErrNotFound)
			}
			return ErrState
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.certificate_revoke", ObjectType: "clinic_registration",
			ObjectID: strconv.FormatInt(regID, 10), Detail: map[string]any{"clinic": clinicID, "reason": reason}})
	})
}

// RecordCertificateExport writes a download of an event's certificates to the audit log.
func (s *Store) RecordCertificateExport(ctx context.Context, act audit.Actor, clinicID int64, format string, n int) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.certificates_export", ObjectType: "clinic", ObjectID: strconv.FormatInt(clinicID, 10),
			Detail: map[string]any{"format": format, "certificates": n}})
	})
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
