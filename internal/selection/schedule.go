package selection

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/region"
)

// SlotWindow is when tahap 2 sessions may take place: from FirstDay on, each day between
// DayStart and DayEnd (clock times in Zone), sessions of Minutes with Break between two sessions
// of the same assessor.
type SlotWindow struct {
	FirstDay time.Time // a date; only year, month and day count
	Zone     *time.Location
	DayStart time.Duration // e.g. 8h
	DayEnd   time.Duration // e.g. 16h
	Minutes  int
	Break    int
}

// Valid reports whether at least one session fits in a day.
func (w SlotWindow) Valid() bool {
	return w.Zone != nil && w.Minutes >= 10 && w.Minutes <= 240 && w.Break >= 0 && w.DayStart >= 0 && w.DayEnd <= 24*time.Hour &&
		w.DayEnd-w.DayStart >= time.Duration(w.Minutes)*time.Minute
}

// SlotPlan is one planned tahap 2 session.
type SlotPlan struct {
	ApplicationID int64
	Assessors     [2]int64
	Start         time.Time
}

// PlanSlots gives each application (with its two assessors) the earliest start at which both
// assessors are free, inside the daily window, in application id order. Deterministic.
func PlanSlots(pairs map[int64][2]int64, w SlotWindow) []SlotPlan {
	ids := make([]int64, 0, len(pairs))
	for id := range pairs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	y, m, d := w.FirstDay.Date()
	day0 := time.Date(y, m, d, 0, 0, 0, 0, w.Zone)
	free := map[int64]time.Time{}
	length := time.Duration(w.Minutes) * time.Minute
	gap := time.Duration(w.Break) * time.Minute
	out := make([]SlotPlan, 0, len(ids))
	for _, id := range ids {
		p := pairs[id]
		t := day0.Add(w.DayStart)
		for _, a := range p {
			if f, ok := free[a]; ok && f.After(t) {
				t = f
			}
		}
		for {
			y, m, d := t.In(w.Zone).Date()
			dayStart := time.Date(y, m, d, 0, 0, 0, 0, w.Zone)
			if t.Before(dayStart.Add(w.DayStart)) {
				t = dayStart.Add(w.DayStart)
			}
			if !t.Add(length).After(dayStart.Add(w.DayEnd)) {
				break
			}
			t = dayStart.AddDate(0, 0, 1).Add(w.DayStart)
		}
		out = append(out, SlotPlan{ApplicationID: id, Assessors: p, Start: t})
		for _, a := range p {
			free[a] = t.Add(length + gap)
		}
	}
	return out
}

// ScheduleForm is the admin's tahap 2 scheduling form (times in WIB).
type ScheduleForm struct {
	FirstDay string `form:"first_day"` // YYYY-MM-DD
	DayStart string `form:"day_start"` // HH:MM
	DayEnd   string `form:"day_end"`
	Minutes  string `form:"minutes"`
	Break    string `form:"break"`
	Mode     string `form:"mode"`
	Location string `form:"location"`
}

// Parse validates the form; errors map field → message key.
func (f ScheduleForm) Parse() (SlotWindow, map[string]string) {
	errs := map[string]string{}
	wib := time.FixedZone("WIB", 7*3600)
	w := SlotWindow{Zone: wib}
	day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(f.FirstDay), wib)
	if err != nil {
		errs["first_day"] = "selection.error.date"
	}
	w.FirstDay = day
	clock := func(s, field string) time.Duration {
		t, err := time.Parse("15:04", strings.TrimSpace(s))
		if err != nil {
			errs[field] = "selection.error.clock"
			return 0
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	w.DayStart, w.DayEnd = clock(f.DayStart, "day_start"), clock(f.DayEnd, "day_end")
	w.Minutes, err = strconv.Atoi(strings.TrimSpace(f.Minutes))
	if err != nil || w.Minutes < 10 || w.Minutes > 240 {
		errs["minutes"] = "selection.error.minutes"
	}
	w.Break, err = strconv.Atoi(strings.TrimSpace(f.Break))
	if err != nil || w.Break < 0 || w.Break > 120 {
		errs["break"] = "selection.error.break"
	}
	if len(errs) == 0 && !w.Valid() {
		errs["day_end"] = "selection.error.window"
	}
	if f.Mode != "daring" && f.Mode != "luring" {
		errs["mode"] = "selection.error.mode"
	}
	loc := strings.TrimSpace(f.Location)
	if len(loc) < 3 || len(loc) > 500 || (f.Mode == "daring" && !strings.HasPrefix(loc, "https://")) {
		errs["location"] = "selection.error.location"
	}
	return w, errs
}

// ScheduleTahap2 plans a session for every application that passed tahap 1 and has none yet:
// two assessors each (evenly loaded, conflict-free), the earliest time both are free; it creates
// their simulasi and wawancara sheets and emails the applicant the time in their own zone.
func (s *Store) ScheduleTahap2(ctx context.Context, actor audit.Actor, cohortID int64, w SlotWindow, mode, location string) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := database.LockSheetAssign.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		t1, err := loadRubric(ctx, tx, cohortID, StageTahap1)
		if err != nil {
			return err
		}
		sim, err := loadRubric(ctx, tx, cohortID, StageSimulasi)
		if err != nil {
			return err
		}
		if _, err := loadRubric(ctx, tx, cohortID, StageWawancara); err != nil {
			return err
		}
		finals, err := stageFinals(ctx, tx, cohortID, StageTahap1, t1.Rubric)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT a.id, a.npsn, a.regency_code FROM applications a
			WHERE a.cohort_id = $1 AND a.status = 'verval_passed'
			AND NOT EXISTS (SELECT 1 FROM tahap2_slots sl WHERE sl.application_id = a.id) ORDER BY a.id`, cohortID)
		var targets []AssignTarget
		var t AssignTarget
		if _, err := pgx.ForEachRow(rows, []any{&t.ApplicationID, &t.SchoolNPSN, &t.RegencyCode}, func() error {
			if f, ok := finals[t.ApplicationID]; ok && !f.NeedThird && f.Score >= t1.Rubric.PassingGrade {
				t.Need = 2
				targets = append(targets, t)
			}
			return nil
		}); err != nil {
			return err
		}
		assessors, err := loadAssessors(ctx, tx, cohortID, StageSimulasi)
		if err != nil {
			return err
		}
		as, err := Assign(targets, assessors, AssignOptions{AvoidSameRegency: sim.AvoidSameRegency})
		if err != nil {
			return fmt.Errorf("%w: %w", database.ErrConflict, err)
		}
		pairs := map[int64][2]int64{}
		for _, a := range as {
			p := pairs[a.ApplicationID]
			if p[0] == 0 {
				p[0] = a.AssessorID
			} else {
				p[1] = a.AssessorID
			}
			pairs[a.ApplicationID] = p
		}
		plans := PlanSlots(pairs, w)
		// Every session falls within the tahap 2 dates: a plan that runs past them (or starts
		// before them) is refused whole, naming the dates.
		for _, p := range plans {
			if err := checkDates(prog.Simulasi, "simulasi", p.Start); err != nil {
				return err
			}
		}
		for _, p := range plans {
			if _, err := tx.Exec(ctx, `INSERT INTO tahap2_slots (application_id, starts_at, minutes, mode, location, assessor1_id, assessor2_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, p.ApplicationID, p.Start, w.Minutes, mode, location, p.Assessors[0], p.Assessors[1]); err != nil {
				return err
			}
			for _, st := range []Stage{StageSimulasi, StageWawancara} {
				for _, a := range p.Assessors {
					if _, err := tx.Exec(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id, assigned_by, due_at)
						VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, p.ApplicationID, st, a, database.NullID(actor.UserID), prog.Tahap2Due(p.Start)); err != nil {
						return err
					}
				}
			}
			if err := s.slotMail(ctx, tx, p.ApplicationID, "selection.mail.slot"); err != nil {
				return err
			}
		}
		n = len(plans)
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.tahap2.schedule", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"slots": n, "mode": mode}})
	})
	return n, err
}

// slotMail emails the applicant their session in their own time zone and language (key is
// the catalogue entry: a new session or a changed one).
func (s *Store) slotMail(ctx context.Context, tx pgx.Tx, appID int64, key string) error {
	var to, name, lang, tz, mode, location string
	var start time.Time
	var minutes int
	err := tx.QueryRow(ctx, `SELECT u.email, u.name, u.language, p.timezone, sl.starts_at, sl.minutes, sl.mode, sl.location
		FROM tahap2_slots sl JOIN applications a ON a.id = sl.application_id JOIN users u ON u.id = a.user_id
		JOIN provinces p ON p.code = a.province_code WHERE sl.application_id = $1`, appID).Scan(&to, &name, &lang, &tz, &start, &minutes, &mode, &location)
	if err != nil {
		return err
	}
	m := s.compose(lang, key, map[string]any{"Name": name, "Start": region.InZone(start, tz).Format(region.DateTimeLayout), "Zone": tz,
		"Minutes": minutes, "Online": mode == "daring", "Location": location})
	m.To = to
	return mail.Enqueue(ctx, tx, m)
}

// Slot is a tahap 2 session.
type Slot struct {
	ID                 int64      `db:"id"`
	ApplicationID      int64      `db:"application_id"`
	RegistrationNumber string     `db:"registration_number"`
	ApplicantName      string     `db:"applicant_name"`
	Timezone           string     `db:"timezone"`
	StartsAt           time.Time  `db:"starts_at"`
	Minutes            int        `db:"minutes"`
	Mode               string     `db:"mode"`
	Location           string     `db:"location"`
	Assessor1          string     `db:"assessor1"`
	Assessor2          string     `db:"assessor2"`
	Status             SlotStatus `db:"status"`
	RescheduleReason   *string    `db:"reschedule_reason"`
	RescheduleAskedAt  *time.Time `db:"reschedule_asked_at"`
	RescheduledAt      *time.Time `db:"rescheduled_at"`
}

// SlotStatus is where a tahap 2 session stands.
type SlotStatus string

// Slot statuses: scheduled (terjadwal), then attended (hadir) or a no-show (tidak_hadir).
const (
	SlotScheduled SlotStatus = "terjadwal"
	SlotAttended  SlotStatus = "hadir"
	SlotNoShow    SlotStatus = "tidak_hadir"
)

const slotCols = `SELECT sl.id, sl.application_id, coalesce(a.registration_number, '') AS registration_number, a.applicant_name,
	p.timezone, sl.starts_at, sl.minutes, sl.mode, sl.location, u1.name AS assessor1, u2.name AS assessor2, sl.status,
	sl.reschedule_reason, sl.reschedule_asked_at, sl.rescheduled_at
	FROM tahap2_slots sl JOIN applications a ON a.id = sl.application_id JOIN provinces p ON p.code = a.province_code
	JOIN users u1 ON u1.id = sl.assessor1_id JOIN users u2 ON u2.id = sl.assessor2_id `

// CohortSlots lists a cohort's sessions, requests to reschedule first.
func (s *Store) CohortSlots(ctx context.Context, cohortID int64) ([]Slot, error) {
	rows, _ := s.db.Query(ctx, slotCols+`WHERE a.cohort_id = $1
		ORDER BY (sl.reschedule_asked_at IS NOT NULL AND sl.rescheduled_at IS NULL) DESC, sl.starts_at, sl.id LIMIT 1000`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Slot])
}

// MySlots lists the applicant's own sessions.
func (s *Store) MySlots(ctx context.Context, userID int64) ([]Slot, error) {
	rows, _ := s.db.Query(ctx, slotCols+`WHERE a.user_id = $1 ORDER BY sl.starts_at`, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Slot])
}

// RequestReschedule records the applicant's one request to reschedule their session, before it
// starts.
func (s *Store) RequestReschedule(ctx context.Context, actor audit.Actor, userID, slotID int64, reason string, now time.Time) error {
	reason = strings.TrimSpace(reason)
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var asked bool
		var start time.Time
		err := tx.QueryRow(ctx, `SELECT sl.reschedule_asked_at IS NOT NULL, sl.starts_at FROM tahap2_slots sl
			JOIN applications a ON a.id = sl.application_id WHERE sl.id = $1 AND a.user_id = $2 FOR UPDATE OF sl`, slotID, userID).Scan(&asked, &start)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("slot %d: %w", slotID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if asked || !now.Before(start) {
			return fmt.Errorf("slot %d: %w", slotID, database.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE tahap2_slots SET reschedule_reason = $2, reschedule_asked_at = $3 WHERE id = $1`, slotID, reason, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.tahap2.reschedule_request", ObjectType: "tahap2_slot", ObjectID: strconv.FormatInt(slotID, 10)})
	})
}

// ApproveReschedule moves a session whose applicant asked to reschedule to a new start and emails
// the applicant.
func (s *Store) ApproveReschedule(ctx context.Context, actor audit.Actor, slotID int64, start time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var cohortID int64
		err := tx.QueryRow(ctx, `SELECT a.cohort_id FROM tahap2_slots sl JOIN applications a ON a.id = sl.application_id WHERE sl.id = $1`, slotID).Scan(&cohortID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("slot %d: %w", slotID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if err := checkDates(prog.Simulasi, "simulasi", start); err != nil {
			return err
		}
		var appID int64
		err = tx.QueryRow(ctx, `UPDATE tahap2_slots SET starts_at = $2, rescheduled_at = now()
			WHERE id = $1 AND reschedule_asked_at IS NOT NULL AND rescheduled_at IS NULL AND status = $3 RETURNING application_id`, slotID, start, SlotScheduled).Scan(&appID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("slot %d has no open request: %w", slotID, database.ErrConflict)
		}
		if err != nil {
			return err
		}
		if err := s.slotMail(ctx, tx, appID, "selection.mail.slot_changed"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.tahap2.reschedule", ObjectType: "tahap2_slot", ObjectID: strconv.FormatInt(slotID, 10),
			Detail: map[string]any{"starts_at": start.UTC().Format(time.RFC3339)}})
	})
}

// MarkSlot records whether the applicant attended (hadir) or did not show up (tidak_hadir). A
// no-show's tahap 2 sheets are withdrawn (unsubmitted ones deleted), so the stage has no score.
func (s *Store) MarkSlot(ctx context.Context, actor audit.Actor, slotID int64, status SlotStatus) error {
	if status != SlotAttended && status != SlotNoShow {
		return fmt.Errorf("status %q: %w", status, database.ErrConflict)
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var appID int64
		err := tx.QueryRow(ctx, `UPDATE tahap2_slots SET status = $2 WHERE id = $1 AND status = $3 RETURNING application_id`, slotID, status, SlotScheduled).Scan(&appID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("slot %d: %w", slotID, database.ErrConflict)
		}
		if err != nil {
			return err
		}
		if status == SlotNoShow {
			if _, err := tx.Exec(ctx, `DELETE FROM score_sheets WHERE application_id = $1 AND stage IN ('simulasi', 'wawancara') AND submitted_at IS NULL`, appID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.tahap2." + string(status), ObjectType: "tahap2_slot", ObjectID: strconv.FormatInt(slotID, 10)})
	})
}
