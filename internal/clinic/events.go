package clinic

// Events: creating, editing, publishing and cancelling an event, and the queries that read events.

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
			if err := s.notifyChange(ctx, tx, id, in.Title, before.Timezone, changes); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.update", ObjectType: "clinic", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"title": in.Title, "capacity": in.Capacity}})
	})
}

// notifyChange emails every active registrant what changed (in their language), with the link
// to their ticket.
func (s *Store) notifyChange(ctx context.Context, tx pgx.Tx, id int64, title, tz string, changes []Change) error {
	rows, _ := tx.Query(ctx, `SELECT g.id, g.name, g.email, `+langSQL+` FROM clinic_registrations g
		WHERE g.clinic_id = $1 AND g.status <> 'cancelled' ORDER BY g.id`, id)
	type recipient struct {
		ID                int64
		Name, Email, Lang string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[recipient])
	if err != nil {
		return err
	}
	for _, r := range list {
		w := s.in(r.Lang)
		lines := make([]string, len(changes))
		for i, ch := range changes {
			lines[i] = w.change(ch, tz)
		}
		m := s.compose(r.Lang, r.Email, "clinic.mail.changed", map[string]any{"Name": r.Name, "Title": title,
			"Changes": strings.Join(lines, "\n"), "Event": s.baseURL + "/klinik/" + strconv.FormatInt(id, 10), "Ticket": s.TicketURL(id, r.ID)})
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
	}
	return nil
}

// notifyCancelled emails every active registrant and every invited school that the event was
// cancelled, each in their language (a school's address in the language of an account with it).
func (s *Store) notifyCancelled(ctx context.Context, tx pgx.Tx, id int64, title string) error {
	rows, _ := tx.Query(ctx, `SELECT DISTINCT ON (email) email, lang FROM (
		SELECT g.email, `+langSQL+` AS lang, 0 AS o FROM clinic_registrations g WHERE g.clinic_id = $1 AND g.status <> 'cancelled'
		UNION ALL SELECT lower(i.email), coalesce((SELECT u.language FROM users u WHERE u.email = lower(i.email)), 'id'), 1
		FROM clinic_invitations i WHERE i.clinic_id = $1 AND i.email <> '') x ORDER BY email, o`, id)
	type recipient struct{ Email, Lang string }
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[recipient])
	if err != nil {
		return err
	}
	for _, r := range list {
		if err := mail.Enqueue(ctx, tx, s.compose(r.Lang, r.Email, "clinic.mail.event_cancelled", map[string]any{"Title": title})); err != nil {
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
			if err := s.notifyCancelled(ctx, tx, id, title); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.cancel", ObjectType: "clinic", ObjectID: strconv.FormatInt(id, 10)})
	})
}
