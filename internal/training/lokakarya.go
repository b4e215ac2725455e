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
// Another date starts a new schedule revision, so RemindLokakarya reminds everyone again of
// the new date (at once when it is already within the reminder days), also when the old date's
// reminder was sent. Audited (with the old date and place of a move).
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
			ON CONFLICT (cohort_id, regency_code, number) DO UPDATE SET starts_at = EXCLUDED.starts_at, place = EXCLUDED.place, updated_at = now(),
				schedule_rev = training_lokakarya.schedule_rev + (training_lokakarya.starts_at IS DISTINCT FROM EXCLUDED.starts_at)::int
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

const lokakaryaSelect = `SELECT l.id, l.cohort_id, c.name AS cohort_name, l.regency_code, rg.name AS regency_name, l.number, l.starts_at, l.place,
	pr.timezone, l.number = st.lokakarya_count - 1 AS last,
	(SELECT coalesce(sum(gc.active_members), 0) FROM training_groups g JOIN training_group_counts gc ON gc.group_id = g.id
		WHERE g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif' AND ` + lkGroup + `)::int AS expected,
	lc.recorded, lc.present,
	array(SELECT g.number FROM training_lokakarya_groups lg JOIN training_groups g ON g.id = lg.group_id WHERE lg.lokakarya_id = l.id ORDER BY g.number)::int[] AS group_numbers,
	array(SELECT lg.group_id FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id ORDER BY lg.group_id)::bigint[] AS group_ids`

// lokakaryaFrom: the figures are kept counts (migration 000711): active members per group,
// attendance recorded and present per lokakarya.
const lokakaryaFrom = ` FROM training_lokakarya l JOIN cohorts c ON c.id = l.cohort_id
	JOIN training_lokakarya_counts lc ON lc.lokakarya_id = l.id
	JOIN training_settings st ON st.cohort_id = l.cohort_id
	JOIN regencies rg ON rg.code = l.regency_code JOIN provinces pr ON pr.code = l.province_code`

// ProvinceLokakarya lists the lokakarya of a province in sc, with attendance figures.
func (s *Store) ProvinceLokakarya(ctx context.Context, sc Scope, cohortID int64, prov string) ([]Lokakarya, error) {
	var out []Lokakarya
	err := s.noJIT(ctx, func(tx pgx.Tx) error {
		var err error
		out, err = s.WithTx(tx).provinceLokakarya(ctx, sc, cohortID, prov)
		return err
	})
	return out, err
}

func (s *Store) provinceLokakarya(ctx context.Context, sc Scope, cohortID int64, prov string) ([]Lokakarya, error) {
	rows, _ := s.db.Query(ctx, provinceLokakaryaSQL, append([]any{cohortID, prov}, sc.args()...)...)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Lokakarya])
}

// provinceLokakaryaSQL lists the lokakarya of province $2 of cohort $1 in scope $3-$5 like
// lokakaryaSelect, but sums the expected attendance of a lokakarya for every group of its
// kab/kota once per kab/kota (ra) instead of once per lokakarya; a lokakarya for chosen groups
// sums those groups. Both count the kept active members of the kab/kota's confirmed groups, as
// lokakaryaSelect's expected does (lkGroup).
const provinceLokakaryaSQL = `WITH ra AS (SELECT g.regency_code, sum(gc.active_members) AS n FROM training_groups g
		JOIN training_group_counts gc ON gc.group_id = g.id
		WHERE g.cohort_id = $1 AND g.province_code = $2 AND g.status = 'aktif' GROUP BY g.regency_code)
	SELECT l.id, l.cohort_id, c.name AS cohort_name, l.regency_code, rg.name AS regency_name, l.number, l.starts_at, l.place,
	pr.timezone, l.number = st.lokakarya_count - 1 AS last,
	(CASE WHEN EXISTS (SELECT 1 FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id)
		THEN (SELECT coalesce(sum(gc.active_members), 0) FROM training_lokakarya_groups lg JOIN training_groups g ON g.id = lg.group_id
			JOIN training_group_counts gc ON gc.group_id = g.id
			WHERE lg.lokakarya_id = l.id AND g.cohort_id = l.cohort_id AND g.regency_code = l.regency_code AND g.status = 'aktif')
		ELSE coalesce(ra.n, 0) END)::int AS expected,
	lc.recorded, lc.present,
	array(SELECT g.number FROM training_lokakarya_groups lg JOIN training_groups g ON g.id = lg.group_id WHERE lg.lokakarya_id = l.id ORDER BY g.number)::int[] AS group_numbers,
	array(SELECT lg.group_id FROM training_lokakarya_groups lg WHERE lg.lokakarya_id = l.id ORDER BY lg.group_id)::bigint[] AS group_ids,
	NULL::text AS mine` + lokakaryaFrom + `
	LEFT JOIN ra ON ra.regency_code = l.regency_code
	WHERE l.cohort_id = $1 AND l.province_code = $2 AND ($3::bool OR l.province_code = ANY($4::text[]) OR l.regency_code = ANY($5::text[]))
	ORDER BY l.regency_code, l.number`

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
