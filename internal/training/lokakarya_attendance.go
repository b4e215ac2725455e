package training

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// AttendanceRow is one CGP on an attendance list.
type AttendanceRow struct {
	ParticipantID int64             `db:"participant_id"`
	Name          string            `db:"name"`
	SchoolName    string            `db:"school_name"`
	GroupNumber   int               `db:"group_number"`
	Status        *AttendanceStatus `db:"status"`
	Reason        string            `db:"reason"`
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
	Status        AttendanceStatus
	Reason        string
}

// CheckAttendance returns per-participant problems (message keys): an unknown status, izin
// without a reason, a reason over 500 characters.
func CheckAttendance(es []AttendanceEntry) map[int64]string {
	out := map[int64]string{}
	for _, e := range es {
		switch {
		case e.Status != AttendancePresent && e.Status != AttendanceExcused && e.Status != AttendanceAbsent:
			out[e.ParticipantID] = "training.error.attendance_status"
		case e.Status == AttendanceExcused && strings.TrimSpace(e.Reason) == "":
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
		ids[i], statuses[i], reasons[i] = e.ParticipantID, string(e.Status), strings.TrimSpace(e.Reason)
		if e.Status != AttendanceExcused {
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
