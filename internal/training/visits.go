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
)

// Visit is one pendampingan individu of a mentee.
type Visit struct {
	ID             int64      `db:"id"`
	ParticipantID  int64      `db:"participant_id"`
	Mentee         string     `db:"mentee"`
	Number         int        `db:"number"`
	PlannedOn      *time.Time `db:"planned_on"`
	VisitedOn      *time.Time `db:"visited_on"`
	Mode           *string    `db:"mode"`
	Notes          string     `db:"notes"`
	FollowUp       string     `db:"follow_up"`
	DraftSavedAt   *time.Time `db:"draft_saved_at"`
	SubmittedAt    *time.Time `db:"submitted_at"`
	AcknowledgedAt *time.Time `db:"acknowledged_at"`
	Comment        string     `db:"cgp_comment"`
	// Overdue: sent, not acknowledged, for more than the cohort's number of days.
	Overdue bool `db:"overdue"`
	// Timezone is the CGP's (their province's).
	Timezone string `db:"timezone"`
}

// VisitLog is the typed log of a visit.
type VisitLog struct {
	Date, Mode, Notes, FollowUp string
}

// CheckVisitLog returns the problems (message keys per field) of a log; submit requires the
// date, mode and notes, a draft only the limits.
func CheckVisitLog(l VisitLog, submit bool) (visited *time.Time, errs map[string]string) {
	errs = map[string]string{}
	if l.Date != "" {
		d, err := time.Parse("2006-01-02", l.Date)
		if err != nil {
			errs["date"] = "training.error.visit_date"
		} else {
			visited = &d
		}
	} else if submit {
		errs["date"] = "training.error.visit_date"
	}
	if l.Mode != "" && l.Mode != "kunjungan" && l.Mode != "daring" {
		errs["mode"] = "training.error.visit_mode"
	} else if l.Mode == "" && submit {
		errs["mode"] = "training.error.visit_mode"
	}
	if len([]rune(l.Notes)) > 5000 {
		errs["notes"] = "training.error.notes_long"
	} else if submit && strings.TrimSpace(l.Notes) == "" {
		errs["notes"] = "training.error.notes_required"
	}
	if len([]rune(l.FollowUp)) > 2000 {
		errs["follow_up"] = "training.error.follow_up_long"
	}
	return visited, errs
}

// ErrVisitSent: the log was sent and can no longer change.
var ErrVisitSent = fmt.Errorf("%w: visit log already sent", database.ErrConflict)

const visitCols = `v.id, v.participant_id, p.name AS mentee, v.number, v.planned_on, v.visited_on, v.mode, v.notes, v.follow_up,
	v.draft_saved_at, v.submitted_at, v.acknowledged_at, v.cgp_comment,
	(v.submitted_at IS NOT NULL AND v.acknowledged_at IS NULL AND v.submitted_at < $2::timestamptz - make_interval(days => st.ack_days)) AS overdue, pr.timezone`

const visitFrom = ` FROM training_visits v JOIN training_participants p ON p.id = v.participant_id
	JOIN training_settings st ON st.cohort_id = p.cohort_id JOIN provinces pr ON pr.code = p.province_code`

// ppOwns is the predicate (over p, parameter $3) that the user leads the CGP's confirmed group.
const ppOwns = `EXISTS (SELECT 1 FROM training_group_members m JOIN training_groups g ON g.id = m.group_id
	JOIN training_mentors t ON t.id = g.pp_id WHERE m.participant_id = p.id AND g.status = 'aktif' AND t.user_id = $3)`

// MenteeVisits lists the visits of one of the PP's mentees (empty for anyone else's).
func (s *Store) MenteeVisits(ctx context.Context, ppUserID, participantID int64, now time.Time) ([]Visit, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+visitCols+visitFrom+` WHERE v.participant_id = $1 AND `+ppOwns+` ORDER BY v.number`,
		participantID, now, ppUserID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Visit])
}

// PPVisit returns a visit of one of the PP's mentees; ErrNotFound otherwise.
func (s *Store) PPVisit(ctx context.Context, ppUserID, visitID int64, now time.Time) (Visit, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+visitCols+visitFrom+` WHERE v.id = $1 AND `+ppOwns, visitID, now, ppUserID)
	return database.One[Visit](rows, "visit %d", visitID)
}

// MyVisits lists the sent visit logs of the CGP.
func (s *Store) MyVisits(ctx context.Context, userID int64, now time.Time) ([]Visit, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+visitCols+visitFrom+` WHERE p.user_id = $3 AND p.status = 'aktif' AND (v.submitted_at IS NOT NULL OR v.planned_on IS NOT NULL)
		AND $1::bigint IS NULL ORDER BY p.cohort_id, v.number`, nil, now, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Visit])
}

// PlanVisit plans (or re-plans) visit number of a PP's mentee on a date; number is within the
// cohort's planned visits. Returns the visit id.
func (s *Store) PlanVisit(ctx context.Context, ppUserID, participantID int64, number string, date string) (int64, map[string]string, error) {
	errs := map[string]string{}
	n, nerr := strconv.Atoi(number)
	d, derr := time.Parse("2006-01-02", date)
	if derr != nil {
		errs["plan_date"] = "training.error.visit_date"
	}
	var id int64
	err2 := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var planned int
		err := tx.QueryRow(ctx, `SELECT st.visits_planned FROM training_participants p JOIN training_settings st ON st.cohort_id = p.cohort_id
			WHERE p.id = $1 AND $2::timestamptz IS NOT NULL AND `+ppOwns, participantID, time.Now(), ppUserID).Scan(&planned)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("mentee %d: %w", participantID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if nerr != nil || n < 1 || n > planned {
			errs["plan_number"] = "training.error.visit_number"
		}
		if len(errs) > 0 {
			return nil
		}
		return tx.QueryRow(ctx, `INSERT INTO training_visits (participant_id, number, planned_on) VALUES ($1, $2, $3)
			ON CONFLICT (participant_id, number) DO UPDATE SET planned_on = EXCLUDED.planned_on RETURNING id`, participantID, n, d).Scan(&id)
	})
	if err2 != nil {
		return 0, nil, err2
	}
	return id, errs, nil
}

// SaveVisit stores the log of a PP's visit: as a draft (any state of typing; the autosave), or
// sent (submit) — then the CGP is mailed to acknowledge, and the log is audited and locked.
func (s *Store) SaveVisit(ctx context.Context, actor audit.Actor, ppUserID, visitID int64, l VisitLog, submit bool, now time.Time, compose func(name, lang string) mail.Message) (map[string]string, error) {
	visited, errs := CheckVisitLog(l, submit)
	if len(errs) > 0 {
		return errs, nil
	}
	var mode *string
	if l.Mode != "" {
		mode = &l.Mode
	}
	return nil, database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var sent *time.Time
		var email, name, lang string
		err := tx.QueryRow(ctx, `SELECT v.submitted_at, u.email, u.name, u.language FROM training_visits v
			JOIN training_participants p ON p.id = v.participant_id JOIN users u ON u.id = p.user_id
			WHERE v.id = $1 AND $2::timestamptz IS NOT NULL AND `+ppOwns+` FOR UPDATE OF v`, visitID, now, ppUserID).Scan(&sent, &email, &name, &lang)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("visit %d: %w", visitID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if sent != nil {
			return ErrVisitSent
		}
		var submittedAt *time.Time
		if submit {
			submittedAt = &now
		}
		if _, err := tx.Exec(ctx, `UPDATE training_visits SET visited_on = $2, mode = $3, notes = $4, follow_up = $5, logged_by = $6,
			draft_saved_at = $7, submitted_at = $8 WHERE id = $1`, visitID, visited, mode, l.Notes, l.FollowUp, ppUserID, now, submittedAt); err != nil {
			return err
		}
		if !submit {
			return nil
		}
		m := compose(name, lang)
		m.To = email
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "training.visit.submit", ObjectType: "training_visit", ObjectID: itoa(visitID)})
	})
}

// AcknowledgeVisit records the CGP's acknowledgement and/or comment on a sent log of their own.
func (s *Store) AcknowledgeVisit(ctx context.Context, userID, visitID int64, ack bool, comment string, now time.Time) error {
	comment = strings.TrimSpace(comment)
	tag, err := s.db.Exec(ctx, `UPDATE training_visits v SET
			acknowledged_at = CASE WHEN $3 THEN coalesce(v.acknowledged_at, $5) ELSE v.acknowledged_at END,
			cgp_comment = CASE WHEN $4 <> '' THEN $4 ELSE v.cgp_comment END,
			commented_at = CASE WHEN $4 <> '' THEN $5 ELSE v.commented_at END
		FROM training_participants p WHERE p.id = v.participant_id AND v.id = $1 AND p.user_id = $2 AND v.submitted_at IS NOT NULL`,
		visitID, userID, ack, comment, now)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("visit %d: %w", visitID, database.ErrNotFound)
	}
	return nil
}
