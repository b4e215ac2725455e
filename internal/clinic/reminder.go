package clinic

// Reminders: registered participants are emailed before each session day, once per person per
// session (clinic_reminders), by a periodic job (internal/jobs).

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/region"
)

// DefaultReminder is how long before a session its participants are reminded when neither the
// event nor the configuration says otherwise: the day before.
const DefaultReminder = 24 * time.Hour

// MaxReminderHours bounds an event's reminder offset (two weeks).
const MaxReminderHours = 336

func reminderText(h *int) string {
	if h == nil {
		return ""
	}
	return strconv.Itoa(*h)
}

// ReminderOffset is how long before a session of c its participants are reminded, def when the
// event leaves it to the configuration; 0 means none.
func (c Clinic) ReminderOffset(def time.Duration) time.Duration {
	if c.ReminderHours != nil {
		return time.Duration(*c.ReminderHours) * time.Hour
	}
	return def
}

// SendReminders emails every registered participant of a published event whose session starts
// after now and within the event's reminder offset (def unless the event sets one): one mail
// per person listing that day's sessions still to come, in their language. Each person and
// session is recorded in clinic_reminders before the mail is queued, in the same transaction,
// and runs are serialised: running twice, or twice at once, reminds nobody twice. It returns
// the mails queued.
func (s *Store) SendReminders(ctx context.Context, now time.Time, def time.Duration) (int, error) {
	sent := 0
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('clinic_reminders'))`); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT DISTINCT s.clinic_id FROM clinic_sessions s JOIN clinics c ON c.id = s.clinic_id
			WHERE c.status = 'published' AND coalesce(c.reminder_hours, $2) > 0 AND s.starts_at > $1
			AND s.starts_at <= $1 + make_interval(hours => coalesce(c.reminder_hours, $2))
			AND EXISTS (SELECT 1 FROM clinic_registrations g WHERE g.clinic_id = c.id AND g.status = 'registered'
				AND NOT EXISTS (SELECT 1 FROM clinic_reminders m WHERE m.registration_id = g.id AND m.session_id = s.id))
			ORDER BY s.clinic_id LIMIT 500`, now, int(def.Hours()))
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			n, err := s.WithTx(tx).remind(ctx, tx, id, now, def)
			if err != nil {
				return err
			}
			sent += n
		}
		return nil
	})
	return sent, err
}

// remind sends the reminders of event id that are due at now.
func (s *Store) remind(ctx context.Context, tx pgx.Tx, id int64, now time.Time, def time.Duration) (int, error) {
	st := s.WithTx(tx)
	c, err := st.ByID(ctx, id)
	if err != nil {
		return 0, err
	}
	off := c.ReminderOffset(def)
	// The sessions due, and with each the rest of its day: one mail names the whole day.
	days := map[string]bool{}
	for _, se := range c.Sessions {
		if se.StartsAt.After(now) && !se.StartsAt.After(now.Add(off)) {
			days[c.Local(se.StartsAt).Format(time.DateOnly)] = true
		}
	}
	var sessionIDs []int64
	for _, se := range c.Sessions {
		if se.StartsAt.After(now) && days[c.Local(se.StartsAt).Format(time.DateOnly)] {
			sessionIDs = append(sessionIDs, se.ID)
		}
	}
	rows, _ := tx.Query(ctx, `INSERT INTO clinic_reminders (registration_id, session_id)
		SELECT g.id, x FROM clinic_registrations g CROSS JOIN unnest($2::bigint[]) x
		WHERE g.clinic_id = $1 AND g.status = 'registered'
		ON CONFLICT DO NOTHING RETURNING registration_id, session_id`, id, sessionIDs)
	type pair struct{ Reg, Session int64 }
	pairs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pair])
	if err != nil || len(pairs) == 0 {
		return 0, err
	}
	due := map[int64][]int64{}
	for _, p := range pairs {
		due[p.Reg] = append(due[p.Reg], p.Session)
	}
	regs, err := st.Registrations(ctx, id, "", false)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range regs {
		if len(due[r.ID]) == 0 {
			continue
		}
		if err := mail.Enqueue(ctx, tx, s.reminderMail(c, r, due[r.ID])); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

func (s *Store) reminderMail(c Clinic, r Registration, sessionIDs []int64) mail.Message {
	w := s.in(r.Lang)
	var lines []string
	var first time.Time
	for _, se := range c.Sessions { // in session order
		if !slices.Contains(sessionIDs, se.ID) {
			continue
		}
		if first.IsZero() {
			first = se.StartsAt
		}
		lines = append(lines, strings.TrimSpace(w.T("clinic.mail.reminder.session", map[string]any{"Date": w.date(c.Local(se.StartsAt)),
			"From": c.Local(se.StartsAt).Format("15.04"), "Until": c.Local(se.EndsAt).Format("15.04"), "Zone": c.Timezone, "Title": se.Title})))
	}
	where := w.T("clinic.mail.schedule.mode", map[string]any{"Mode": w.T("clinic.mail.mode."+c.Mode, nil)})
	if c.Venue != "" {
		where += "\n" + w.T("clinic.mail.schedule.venue", map[string]any{"Venue": c.Venue})
	}
	if c.MeetingLink != "" {
		where += "\n" + w.T("clinic.mail.schedule.link", nil)
	}
	return s.regMail(r, "clinic.mail.reminder", map[string]any{"Title": c.Title, "Date": w.date(region.InZone(first, c.Timezone)),
		"Session": strings.Join(lines, "\n"), "Where": where})
}
