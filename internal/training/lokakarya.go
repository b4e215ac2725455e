package training

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

// Lokakarya is one scheduled lokakarya of a kab/kota.
type Lokakarya struct {
	ID          int64     `db:"id"`
	CohortID    int64     `db:"cohort_id"`
	CohortName  string    `db:"cohort_name"`
	RegencyCode string    `db:"regency_code"`
	RegencyName string    `db:"regency_name"`
	Number      int       `db:"number"`
	StartsAt    time.Time `db:"starts_at"`
	Place       string    `db:"place"`
	Timezone    string    `db:"timezone"`
	// Last reports whether it is the cohort's last lokakarya (Panen Hasil Belajar).
	Last bool `db:"last"`
	// Attendance figures, computed in SQL: CGPs expected, recorded, present.
	Expected int `db:"expected"`
	Recorded int `db:"recorded"`
	Present  int `db:"present"`
	// Mine is the viewer's own attendance (CGP pages), "" when not recorded.
	Mine *string `db:"mine"`
	// GroupNumbers are the numbers of the groups it is for; empty: every confirmed group of the
	// kab/kota.
	GroupNumbers []int32 `db:"group_numbers"`
	GroupIDs     []int64 `db:"group_ids"`
}

// lkGroup is the predicate (over l and g) that lokakarya l is for group g: its chosen groups, or
// every group of its kab/kota when none were chosen.
const lkGroup = `(NOT EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id)
	OR EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id AND lg.group_id = g.id))`

// lkParticipant is the predicate (over l and p) that lokakarya l is for CGP p: for p's group
// among its chosen groups, or for every CGP of its kab/kota when no group was chosen.
const lkParticipant = `(NOT EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id)
	OR EXISTS (SELECT 1 FROM training_lokakarya_groups lg JOIN training_group_members gm ON gm.group_id = lg.group_id
		WHERE lg.lokakarya_id = l.id AND gm.participant_id = p.id))`

// LokakaryaInput is what the BGP fills in.
type LokakaryaInput struct {
	Regency  string
	Number   int
	StartsAt time.Time
	Place    string
	// Groups are the confirmed groups of the kab/kota it is for; empty means all of them.
	Groups []int64
}

// ParseLokakarya checks the schedule form. date is YYYY-MM-DD and clock HH:MM in the kab/kota's
// time zone tz; count is the cohort's number of lokakarya; groups are the ids of the chosen
// groups (at least one). Errors are message keys per field.
func ParseLokakarya(regency, number, date, clock, place, tz string, count int, groups []string) (LokakaryaInput, map[string]string) {
	errs := map[string]string{}
	in := LokakaryaInput{Regency: regency, Place: strings.TrimSpace(place)}
	for _, g := range groups {
		id, err := strconv.ParseInt(g, 10, 64)
		if err != nil || id <= 0 {
			errs["groups"] = "training.error.lokakarya_groups"
			break
		}
		in.Groups = append(in.Groups, id)
	}
	in.Groups = dedupeIDs(in.Groups)
	if len(in.Groups) == 0 || len(in.Groups) > 500 {
		errs["groups"] = "training.error.lokakarya_groups"
	}
	if len(regency) != 5 || regency[2] != '.' {
		errs["regency"] = "training.error.regency"
	}
	n, err := strconv.Atoi(number)
	if err != nil || n < 0 || n >= count {
		errs["number"] = "training.error.lokakarya_number"
	}
	in.Number = n
	t, err := time.ParseInLocation("2006-01-02 15:04", date+" "+clock, region.InZone(time.Time{}, tz).Location())
	if err != nil {
		errs["date"] = "training.error.date"
	}
	in.StartsAt = t
	if l := len([]rune(in.Place)); l < 3 || l > 300 {
		errs["place"] = "training.error.place"
	}
	return in, errs
}

// LokakaryaMail is one email about a scheduled, moved or coming lokakarya, in the recipient's zone.
type LokakaryaMail struct {
	UserID                      int64
	Email, Name, Lang, Timezone string
	Number                      int
	Last, Moved                 bool
	StartsAt                    time.Time
	Place, Regency              string
}

// ErrGroupsElsewhere: a chosen group is not a confirmed group of the lokakarya's kab/kota.
var ErrGroupsElsewhere = fmt.Errorf("training: group not in the kab/kota: %w", database.ErrConflict)

// lokakaryaPeople selects, for lokakarya $1, each person it is for (the CGPs of its groups and
// their PPs) with what their mail needs.
const lokakaryaPeople = `SELECT DISTINCT u.id, u.email, u.name, u.language, pr.timezone, l.number, l.number = st.lokakarya_count - 1, l.starts_at, l.place, rg.name
	FROM training_lokakarya l
	JOIN training_settings st ON st.cohort_id = l.cohort_id
	JOIN regencies rg ON rg.code = l.regency_code JOIN provinces pr ON pr.code = l.province_code
	JOIN training_groups g ON g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND ` + lkGroup + `
	JOIN training_mentors pm ON pm.id = g.pp_id
	JOIN LATERAL (SELECT p.user_id FROM training_group_members m JOIN training_participants p ON p.id = m.participant_id
		WHERE m.group_id = g.id AND p.status = 'aktif' UNION SELECT pm.user_id) who ON true
	JOIN users u ON u.id = who.user_id
	WHERE l.id = $1`

func collectLokakaryaMail(rows pgx.Rows) ([]LokakaryaMail, error) {
	var out []LokakaryaMail
	var m LokakaryaMail
	_, err := pgx.ForEachRow(rows, []any{&m.UserID, &m.Email, &m.Name, &m.Lang, &m.Timezone, &m.Number, &m.Last, &m.StartsAt, &m.Place, &m.Regency}, func() error {
		out = append(out, m)
		return nil
	})
	return out, err
}

// ScheduleLokakarya schedules a lokakarya of a kab/kota in the BGP's province for some of its
// confirmed groups (all when in.Groups is empty), or changes one already scheduled. A new
// lokakarya is mailed to every CGP of its groups and their PPs; a move (another date or place)
// mails all of them that it moved; a change of groups alone mails those it newly includes.
// Audited (with the old date and place of a move).
func (s *Store) ScheduleLokakarya(ctx context.Context, actor audit.Actor, sc Scope, cohortID int64, in LokakaryaInput, compose func(LokakaryaMail) mail.Message) (int64, error) {
	prov := in.Regency[:2]
	if !sc.inProvinces(prov) {
		return 0, fmt.Errorf("province %s: %w", prov, database.ErrNotFound)
	}
	var id int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockProvince(ctx, tx, cohortID, prov); err != nil {
			return err
		}
		if len(in.Groups) > 0 {
			var n int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM training_groups WHERE id = ANY($1) AND cohort_id = $2 AND regency_code = $3 AND status = 'aktif'`,
				in.Groups, cohortID, in.Regency).Scan(&n); err != nil {
				return err
			}
			if n != len(in.Groups) {
				return ErrGroupsElsewhere
			}
		}
		var oldID *int64
		var oldStarts *time.Time
		var oldPlace *string
		err := tx.QueryRow(ctx, `SELECT id, starts_at, place FROM training_lokakarya WHERE cohort_id = $1 AND regency_code = $2 AND number = $3 FOR UPDATE`,
			cohortID, in.Regency, in.Number).Scan(&oldID, &oldStarts, &oldPlace)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		before := map[int64]bool{}
		if oldID != nil {
			rows, _ := tx.Query(ctx, lokakaryaPeople, *oldID)
			ms, err := collectLokakaryaMail(rows)
			if err != nil {
				return err
			}
			for _, m := range ms {
				before[m.UserID] = true
			}
		}
		if err := tx.QueryRow(ctx, `INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (cohort_id, regency_code, number) DO UPDATE SET starts_at = EXCLUDED.starts_at, place = EXCLUDED.place, updated_at = now()
			RETURNING id`, cohortID, prov, in.Regency, in.Number, in.StartsAt, in.Place, actor.UserID).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM training_lokakarya_groups WHERE lokakarya_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_lokakarya_groups (lokakarya_id, group_id) SELECT $1, unnest($2::bigint[])`, id, in.Groups); err != nil {
			return err
		}
		// The database keeps microseconds: compare at that precision.
		moved := oldID != nil && (!oldStarts.Equal(in.StartsAt.Truncate(time.Microsecond)) || *oldPlace != in.Place)
		rows, _ := tx.Query(ctx, lokakaryaPeople, id)
		people, err := collectLokakaryaMail(rows)
		if err != nil {
			return err
		}
		var msgs []mail.Message
		for _, m := range people {
			if oldID != nil && !moved && before[m.UserID] {
				continue // nothing changed for them
			}
			m.Moved = moved && before[m.UserID]
			msg := compose(m)
			msg.To = m.Email
			msgs = append(msgs, msg)
		}
		if err := mail.EnqueueMany(ctx, tx, msgs); err != nil {
			return err
		}
		d := map[string]any{"cohort": cohortID, "regency": in.Regency, "number": in.Number, "starts_at": in.StartsAt, "place": in.Place,
			"moved": moved, "groups": in.Groups, "mailed": len(msgs)}
		if moved {
			d["from_starts_at"], d["from_place"] = *oldStarts, *oldPlace
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.lokakarya", ObjectType: "training_lokakarya", ObjectID: itoa(id), Detail: d})
	})
	return id, err
}

// Letter writes a mail in the recipient's language from the message catalogue: key names the
// message (its subject and body), data fills it in.
type Letter func(lang, key string, data map[string]any) mail.Message

// RemindLokakarya mails a reminder to everyone a lokakarya is for (the CGPs of its groups and
// their PPs) once it starts within its cohort's reminder days of now, in the recipient's
// language and time zone. Each person is reminded of each lokakarya once: the reminder rows are
// inserted first and only the rows this run inserted are mailed, so a second run — or two at
// once — mails nobody twice. It returns how many reminders were mailed.
func (s *Store) RemindLokakarya(ctx context.Context, now time.Time, letter Letter) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `WITH due AS (
				SELECT l.* FROM training_lokakarya l JOIN training_settings st ON st.cohort_id = l.cohort_id JOIN cohorts c ON c.id = l.cohort_id
				WHERE c.status = 'pendidikan' AND l.starts_at > $1 AND l.starts_at <= $1 + make_interval(days => st.reminder_days)),
			who AS (
				SELECT DISTINCT l.id AS lokakarya_id, who.user_id FROM due l
				JOIN training_groups g ON g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND `+lkGroup+`
				JOIN training_mentors pm ON pm.id = g.pp_id
				JOIN LATERAL (SELECT p.user_id FROM training_group_members m JOIN training_participants p ON p.id = m.participant_id
					WHERE m.group_id = g.id AND p.status = 'aktif' UNION SELECT pm.user_id) who ON true),
			ins AS (
				INSERT INTO training_lokakarya_reminders (lokakarya_id, user_id, sent_at) SELECT lokakarya_id, user_id, $1 FROM who
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

const lokakaryaSelect = `SELECT l.id, l.cohort_id, c.name AS cohort_name, l.regency_code, rg.name AS regency_name, l.number, l.starts_at, l.place,
	pr.timezone, l.number = st.lokakarya_count - 1 AS last,
	(SELECT count(*) FROM training_participants p JOIN training_group_members m ON m.participant_id = p.id
		JOIN training_groups g ON g.id = m.group_id
		WHERE g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND p.status = 'aktif' AND ` + lkGroup + `)::int AS expected,
	(SELECT count(*) FROM training_attendance a WHERE a.lokakarya_id = l.id)::int AS recorded,
	(SELECT count(*) FROM training_attendance a WHERE a.lokakarya_id = l.id AND a.status = 'hadir')::int AS present,
	array(SELECT g.number FROM training_lokakarya_groups lg JOIN training_groups g ON g.id = lg.group_id WHERE lg.lokakarya_id = l.id ORDER BY g.number)::int[] AS group_numbers,
	array(SELECT lg.group_id FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id ORDER BY lg.group_id)::bigint[] AS group_ids`

const lokakaryaFrom = ` FROM training_lokakarya l JOIN cohorts c ON c.id = l.cohort_id
	JOIN training_settings st ON st.cohort_id = l.cohort_id
	JOIN regencies rg ON rg.code = l.regency_code JOIN provinces pr ON pr.code = l.province_code`

// ProvinceLokakarya lists the lokakarya of a province in sc, with attendance figures.
func (s *Store) ProvinceLokakarya(ctx context.Context, sc Scope, cohortID int64, prov string) ([]Lokakarya, error) {
	var out []Lokakarya
	err := s.noJIT(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, lokakaryaSelect+`, NULL::text AS mine`+lokakaryaFrom+`
			WHERE l.cohort_id = $1 AND l.province_code = $2 AND `+scopeSQL("l", 3)+` ORDER BY l.regency_code, l.number`,
			append([]any{cohortID, prov}, sc.args()...)...)
		var err error
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[Lokakarya])
		return err
	})
	return out, err
}

// MyLokakarya lists the lokakarya of the kab/kota of the user's confirmed groups, with the
// user's own attendance.
func (s *Store) MyLokakarya(ctx context.Context, userID int64) ([]Lokakarya, error) {
	rows, _ := s.db.Query(ctx, lokakaryaSelect+`, (SELECT a.status FROM training_attendance a WHERE a.lokakarya_id = l.id AND a.participant_id = me.id) AS mine`+
		lokakaryaFrom+`
		JOIN training_participants me ON me.cohort_id = l.cohort_id AND me.regency_code = l.regency_code AND me.user_id = $1 AND me.status = 'aktif'
		WHERE EXISTS (SELECT 1 FROM training_group_members m JOIN training_groups g ON g.id = m.group_id WHERE m.participant_id = me.id AND g.status = 'aktif'
			AND `+lkGroup+`)
		ORDER BY l.starts_at, l.id`, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Lokakarya])
}

// PPLokakarya lists the lokakarya of the kab/kota where the user leads a confirmed group.
func (s *Store) PPLokakarya(ctx context.Context, userID int64) ([]Lokakarya, error) {
	rows, _ := s.db.Query(ctx, lokakaryaSelect+`, NULL::text AS mine`+lokakaryaFrom+`
		WHERE EXISTS (SELECT 1 FROM training_groups g JOIN training_mentors t ON t.id = g.pp_id
			WHERE g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND t.user_id = $1 AND `+lkGroup+`)
		ORDER BY l.starts_at, l.id`, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Lokakarya])
}

// AttendanceRow is one CGP on an attendance list.
type AttendanceRow struct {
	ParticipantID int64   `db:"participant_id"`
	Name          string  `db:"name"`
	SchoolName    string  `db:"school_name"`
	GroupNumber   int     `db:"group_number"`
	Status        *string `db:"status"`
	Reason        string  `db:"reason"`
}

// Recorder is who records attendance: the user, and the provinces where they are BGP.
type Recorder struct {
	UserID       int64
	BGPProvinces []string
}

// takers is the predicate (over l, g and parameters $2 user, $3 BGP provinces) of the CGPs a
// recorder may record: every CGP of the kab/kota's confirmed groups for a BGP of the province,
// the CGPs of their own groups for a PP.
const takers = `(l.province_code = ANY($3::text[]) OR EXISTS (SELECT 1 FROM training_mentors t WHERE t.id = g.pp_id AND t.user_id = $2))`

// AttendanceSheet returns a lokakarya and the CGPs the recorder may record; ErrNotFound when
// there are none (another kab/kota's lokakarya, another PP's).
func (s *Store) AttendanceSheet(ctx context.Context, rec Recorder, lokakaryaID int64) (Lokakarya, []AttendanceRow, error) {
	provs := rec.BGPProvinces
	if provs == nil {
		provs = []string{}
	}
	rows, _ := s.db.Query(ctx, `SELECT p.id AS participant_id, p.name, sc.name AS school_name, g.number AS group_number, a.status, coalesce(a.reason, '') AS reason
		FROM training_lokakarya l
		JOIN training_groups g ON g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND `+lkGroup+`
		JOIN training_group_members m ON m.group_id = g.id
		JOIN training_participants p ON p.id = m.participant_id AND p.status = 'aktif'
		JOIN schools sc ON sc.npsn = p.npsn
		LEFT JOIN training_attendance a ON a.lokakarya_id = l.id AND a.participant_id = p.id
		WHERE l.id = $1 AND `+takers+` ORDER BY g.number, p.name, p.id`, lokakaryaID, rec.UserID, provs)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[AttendanceRow])
	if err != nil {
		return Lokakarya{}, nil, err
	}
	if len(list) == 0 {
		return Lokakarya{}, nil, fmt.Errorf("lokakarya %d: %w", lokakaryaID, database.ErrNotFound)
	}
	rows, _ = s.db.Query(ctx, lokakaryaSelect+`, NULL::text AS mine`+lokakaryaFrom+` WHERE l.id = $1`, lokakaryaID)
	l, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Lokakarya])
	return l, list, err
}

// AttendanceEntry is one CGP's attendance as typed.
type AttendanceEntry struct {
	ParticipantID int64
	Status        string
	Reason        string
}

// CheckAttendance returns per-participant problems (message keys): an unknown status, izin
// without a reason, a reason over 500 characters.
func CheckAttendance(es []AttendanceEntry) map[int64]string {
	out := map[int64]string{}
	for _, e := range es {
		switch {
		case e.Status != "hadir" && e.Status != "izin" && e.Status != "tidak_hadir":
			out[e.ParticipantID] = "training.error.attendance_status"
		case e.Status == "izin" && strings.TrimSpace(e.Reason) == "":
			out[e.ParticipantID] = "training.error.izin_reason"
		case len([]rune(e.Reason)) > 500:
			out[e.ParticipantID] = "training.error.reason_long"
		}
	}
	return out
}

// ErrNotTaker: an entry names a CGP the recorder may not record.
var ErrNotTaker = fmt.Errorf("training: not your CGP: %w", database.ErrNotFound)

// SaveAttendance records the entries of a lokakarya (all or none): each CGP must be one the
// recorder may record. Saving again overwrites. Audited once per save.
func (s *Store) SaveAttendance(ctx context.Context, actor audit.Actor, rec Recorder, lokakaryaID int64, es []AttendanceEntry) error {
	if len(es) == 0 {
		return nil
	}
	provs := rec.BGPProvinces
	if provs == nil {
		provs = []string{}
	}
	ids := make([]int64, len(es))
	statuses, reasons := make([]string, len(es)), make([]string, len(es))
	for i, e := range es {
		ids[i], statuses[i], reasons[i] = e.ParticipantID, e.Status, strings.TrimSpace(e.Reason)
		if e.Status != "izin" {
			reasons[i] = ""
		}
	}
	if len(dedupeIDs(ids)) != len(ids) {
		return fmt.Errorf("training: a CGP twice in one save: %w", database.ErrConflict)
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var allowed int
		if err := tx.QueryRow(ctx, `SELECT count(DISTINCT p.id) FROM training_lokakarya l
			JOIN training_groups g ON g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND `+lkGroup+`
			JOIN training_group_members m ON m.group_id = g.id
			JOIN training_participants p ON p.id = m.participant_id AND p.status = 'aktif'
			WHERE l.id = $1 AND `+takers+` AND p.id = ANY($4)`, lokakaryaID, rec.UserID, provs, ids).Scan(&allowed); err != nil {
			return err
		}
		if allowed != len(ids) {
			return ErrNotTaker
		}
		if _, err := tx.Exec(ctx, `INSERT INTO training_attendance (lokakarya_id, participant_id, status, reason, recorded_by)
			SELECT $1, x.id, x.status, x.reason, $5 FROM unnest($2::bigint[], $3::text[], $4::text[]) AS x(id, status, reason)
			ON CONFLICT (lokakarya_id, participant_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
				recorded_by = EXCLUDED.recorded_by, recorded_at = now()`, lokakaryaID, ids, statuses, reasons, actor.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.attendance", ObjectType: "training_lokakarya", ObjectID: itoa(lokakaryaID),
			Detail: map[string]any{"entries": len(es)}})
	})
}

func dedupeIDs(ids []int64) []int64 {
	seen := map[int64]bool{}
	var out []int64
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
