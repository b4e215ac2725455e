package training

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/region"
)

// Letter writes a mail in the recipient's language from the message catalogue: key names the
// message (its subject and body), data fills it in.
type Letter func(lang, key string, data map[string]any) mail.Message

// RemindLokakarya mails a reminder to everyone a lokakarya is for (the CGPs of its groups and
// their PPs) once it starts within its cohort's reminder days of now, in the recipient's
// language and time zone. Each person is reminded of each date of a lokakarya once (a move to
// another date is a new schedule revision, reminded again): the reminder rows are inserted
// first and only the rows this run inserted are mailed, so a second run — or two at once —
// mails nobody twice. It returns how many reminders were mailed.
func (s *Store) RemindLokakarya(ctx context.Context, now time.Time, letter Letter) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `WITH due AS (
				SELECT l.* FROM training_lokakarya l JOIN training_settings st ON st.cohort_id = l.cohort_id JOIN cohorts c ON c.id = l.cohort_id
				WHERE c.status = 'pendidikan' AND l.starts_at > $1 AND l.starts_at <= $1 + make_interval(days => st.reminder_days)),
			who AS (
				SELECT DISTINCT l.id AS lokakarya_id, l.schedule_rev, who.user_id FROM due l
				JOIN training_groups g ON g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND `+lkGroup+`
				JOIN training_mentors pm ON pm.id = g.pp_id
				JOIN LATERAL (SELECT p.user_id FROM training_group_members m JOIN training_participants p ON p.id = m.participant_id
					WHERE m.group_id = g.id AND p.status = 'aktif' UNION SELECT pm.user_id) who ON true),
			ins AS (
				INSERT INTO training_lokakarya_reminders (lokakarya_id, user_id, schedule_rev, sent_at) SELECT lokakarya_id, user_id, schedule_rev, $1 FROM who
				ON CONFLICT DO NOTHING RETURNING lokakarya_id, user_id)
			SELECT u.id, u.email, u.name, u.language, pr.timezone, l.number, l.number = st.lokakarya_count - 1, l.starts_at, l.place, rg.name
			FROM ins JOIN training_lokakarya l ON l.id = ins.lokakarya_id JOIN users u ON u.id = ins.user_id
			JOIN training_settings st ON st.cohort_id = l.cohort_id
			JOIN regencies rg ON rg.code = l.regency_code JOIN provinces pr ON pr.code = l.province_code
			ORDER BY l.id, u.id`, now)
		people, err := collectLokakaryaMail(rows)
		if err != nil {
			return err
		}
		msgs := make([]mail.Message, 0, len(people))
		for _, m := range people {
			msg := letter(m.Lang, "training.mail.lokakarya_reminder", map[string]any{"Name": m.Name, "N": strconv.Itoa(m.Number), "Last": m.Last,
				"When": region.FormatTime(m.StartsAt, m.Timezone), "Place": m.Place, "Regency": m.Regency})
			msg.To = m.Email
			msgs = append(msgs, msg)
		}
		n = len(msgs)
		return mail.EnqueueMany(ctx, tx, msgs)
	})
	return n, err
}
