package selection

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
	"penggerak/internal/region"
)

// Reminders are a cohort's reminder offsets: how long before each deadline a reminder goes out.
type Reminders struct {
	DraftDays   int // incomplete drafts, before the registration deadline
	SeatDays    int // seat offers, before confirm_by (and again one day before)
	SheetDays   int // assessors' open sheets, before their due date
	Tahap2Hours int // tahap 2 sessions, before they start
}

// DefaultReminders are the offsets of a cohort nobody configured.
var DefaultReminders = Reminders{DraftDays: 3, SeatDays: 3, SheetDays: 2, Tahap2Hours: 24}

// ReminderForm is the national admin's form of a cohort's reminder offsets.
type ReminderForm struct {
	DraftDays   string `form:"draft_days"`
	SeatDays    string `form:"seat_days"`
	SheetDays   string `form:"sheet_days"`
	Tahap2Hours string `form:"tahap2_hours"`
}

// FormOf is the form showing r.
func FormOf(r Reminders) ReminderForm {
	return ReminderForm{DraftDays: strconv.Itoa(r.DraftDays), SeatDays: strconv.Itoa(r.SeatDays),
		SheetDays: strconv.Itoa(r.SheetDays), Tahap2Hours: strconv.Itoa(r.Tahap2Hours)}
}

// Parse validates the form; errors map field → message key.
func (f ReminderForm) Parse() (Reminders, map[string]string) {
	var r Reminders
	errs := map[string]string{}
	num := func(field, v string, lo, hi int, dst *int) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			errs[field] = "selection.reminders.error." + field
			return
		}
		*dst = n
	}
	num("draft_days", f.DraftDays, 1, 30, &r.DraftDays)
	num("seat_days", f.SeatDays, 2, 30, &r.SeatDays)
	num("sheet_days", f.SheetDays, 1, 30, &r.SheetDays)
	num("tahap2_hours", f.Tahap2Hours, 1, 168, &r.Tahap2Hours)
	if len(errs) == 0 {
		errs = nil
	}
	return r, errs
}

// CohortReminders returns a cohort's reminder offsets (the defaults when none are set), or
// ErrNotFound for an unknown cohort.
func (s *Store) CohortReminders(ctx context.Context, cohortID int64) (Reminders, error) {
	r := DefaultReminders
	err := s.db.QueryRow(ctx, `SELECT coalesce(cr.draft_days, $2), coalesce(cr.seat_days, $3), coalesce(cr.sheet_days, $4),
		coalesce(cr.tahap2_hours, $5) FROM cohorts c LEFT JOIN cohort_reminders cr ON cr.cohort_id = c.id WHERE c.id = $1`,
		cohortID, r.DraftDays, r.SeatDays, r.SheetDays, r.Tahap2Hours).Scan(&r.DraftDays, &r.SeatDays, &r.SheetDays, &r.Tahap2Hours)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, fmt.Errorf("cohort %d: %w", cohortID, database.ErrNotFound)
	}
	return r, err
}

// SaveReminders stores a cohort's reminder offsets (audited with the old and new values).
func (s *Store) SaveReminders(ctx context.Context, actor audit.Actor, cohortID int64, r Reminders) error {
	old, err := s.CohortReminders(ctx, cohortID)
	if err != nil {
		return err
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO cohort_reminders (cohort_id, draft_days, seat_days, sheet_days, tahap2_hours, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cohort_id) DO UPDATE SET draft_days = $2, seat_days = $3, sheet_days = $4,
			tahap2_hours = $5, updated_by = $6, updated_at = now()`, cohortID, r.DraftDays, r.SeatDays, r.SheetDays, r.Tahap2Hours,
			database.NullID(actor.UserID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.reminders.save", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"old": old, "new": r}})
	})
}

// ReminderCounts is how many reminders one run of the job wrote, per kind.
type ReminderCounts struct {
	Draft, Seat, SeatLast, Sheet, Tahap2 int
}

// Total is the sum of all kinds.
func (c ReminderCounts) Total() int { return c.Draft + c.Seat + c.SeatLast + c.Sheet + c.Tahap2 }

// due is one reminder to write: the person, their language and zone, the cohort, the deadline
// and (for sheets) how many.
type due struct {
	Email, Name, Lang, Zone, Cohort string
	At                              time.Time
	N                               int
}

// reminderSQL selects, for each kind, the people whose event falls in its window at $1 and
// records them in reminders_sent in the same statement; ON CONFLICT DO NOTHING makes a second
// run (or a concurrent one) find nobody new. Each returns email, name, language, zone, cohort
// name, deadline and a count.
var reminderSQL = map[string]string{
	"draft": `WITH due AS (
			SELECT a.id AS ref, a.user_id, '' AS event, c.name AS cohort, c.registration_closes_at AS at, a.province_code, 1 AS n
			FROM applications a JOIN cohorts c ON c.id = a.cohort_id LEFT JOIN cohort_reminders cr ON cr.cohort_id = c.id
			WHERE a.status = 'draft' AND c.status = 'pendaftaran' AND c.registration_closes_at > $1
			AND c.registration_closes_at - make_interval(days => coalesce(cr.draft_days, 3)) <= $1)`,
	"seat": `WITH due AS (
			SELECT ps.id AS ref, a.user_id, '' AS event, c.name AS cohort, ps.confirm_by AS at, a.province_code, 1 AS n
			FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id JOIN cohorts c ON c.id = a.cohort_id
			LEFT JOIN cohort_reminders cr ON cr.cohort_id = c.id
			WHERE ps.status = 'offered' AND ` + SeatReleased + ` AND ps.confirm_by - interval '1 day' > $1
			AND ps.confirm_by - make_interval(days => coalesce(cr.seat_days, 3)) <= $1)`,
	"seat_last": `WITH due AS (
			SELECT ps.id AS ref, a.user_id, '' AS event, c.name AS cohort, ps.confirm_by AS at, a.province_code, 1 AS n
			FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id JOIN cohorts c ON c.id = a.cohort_id
			WHERE ps.status = 'offered' AND ` + SeatReleased + ` AND ps.confirm_by > $1 AND ps.confirm_by - interval '1 day' <= $1)`,
	"sheet": `WITH due AS (
			SELECT a.cohort_id AS ref, sh.assessor_id AS user_id, to_char(min(sh.due_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS event,
				min(c.name) AS cohort, min(sh.due_at) AS at, NULL::text AS province_code, count(*)::int AS n
			FROM score_sheets sh JOIN applications a ON a.id = sh.application_id JOIN cohorts c ON c.id = a.cohort_id
			LEFT JOIN cohort_reminders cr ON cr.cohort_id = c.id
			WHERE sh.submitted_at IS NULL AND sh.due_at > $1 AND sh.due_at - make_interval(days => coalesce(cr.sheet_days, 2)) <= $1
			GROUP BY a.cohort_id, sh.assessor_id)`,
	"tahap2": `WITH due AS (
			SELECT sl.id AS ref, a.user_id, sl.starts_at::text AS event, c.name AS cohort, sl.starts_at AS at, a.province_code, 1 AS n
			FROM tahap2_slots sl JOIN applications a ON a.id = sl.application_id JOIN cohorts c ON c.id = a.cohort_id
			LEFT JOIN cohort_reminders cr ON cr.cohort_id = c.id
			WHERE sl.status = 'terjadwal' AND sl.starts_at > $1
			AND sl.starts_at - make_interval(hours => coalesce(cr.tahap2_hours, 24)) <= $1)`,
}

const reminderTail = `, ins AS (
		INSERT INTO reminders_sent (kind, ref, user_id, event) SELECT $2, ref, user_id, event FROM due
		ON CONFLICT DO NOTHING RETURNING ref, user_id, event)
	SELECT u.email, u.name, u.language, coalesce(p.timezone, 'WIB'), d.cohort, d.at, d.n
	FROM ins JOIN due d ON d.ref = ins.ref AND d.user_id = ins.user_id AND d.event = ins.event
	JOIN users u ON u.id = ins.user_id LEFT JOIN provinces p ON p.code = d.province_code
	WHERE u.disabled_at IS NULL ORDER BY u.id`

// SendReminders writes every reminder due at now into the outbox, in each person's language,
// once per person per event (reminders_sent), each kind in its own transaction. Running it
// twice sends nothing more.
func (s *Store) SendReminders(ctx context.Context, now time.Time) (ReminderCounts, error) {
	var c ReminderCounts
	counts := map[string]*int{"draft": &c.Draft, "seat": &c.Seat, "seat_last": &c.SeatLast, "sheet": &c.Sheet, "tahap2": &c.Tahap2}
	for _, kind := range []string{"draft", "seat", "seat_last", "sheet", "tahap2"} {
		err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
			rows, _ := tx.Query(ctx, reminderSQL[kind]+reminderTail, now, kind)
			var d due
			var list []due
			if _, err := pgx.ForEachRow(rows, []any{&d.Email, &d.Name, &d.Lang, &d.Zone, &d.Cohort, &d.At, &d.N}, func() error {
				list = append(list, d)
				return nil
			}); err != nil {
				return err
			}
			msgs := make([]mail.Message, 0, len(list))
			for _, d := range list {
				m := s.compose(d.Lang, "selection.mail.reminder."+kind, map[string]any{"Name": d.Name, "Cohort": d.Cohort,
					"At": region.InZone(d.At, d.Zone).Format(region.DateTimeLayout), "Zone": d.Zone, "N": d.N})
				m.To = d.Email
				msgs = append(msgs, m)
			}
			*counts[kind] = len(msgs)
			if len(msgs) == 0 {
				return nil
			}
			return mail.EnqueueMany(ctx, tx, msgs)
		})
		if err != nil {
			return c, fmt.Errorf("reminders %s: %w", kind, err)
		}
	}
	return c, nil
}
