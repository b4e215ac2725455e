package report

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/clinic"
)

// ClinicRow is one coaching clinic or sosialisasi in the clinic report.
type ClinicRow struct {
	ID         int64      `db:"id"`
	Title      string     `db:"title"`
	Status     string     `db:"status"`
	StartsAt   *time.Time `db:"starts_at"`
	Capacity   int64      `db:"capacity"`
	Registered int64      `db:"registered"`
	Waiting    int64      `db:"waiting"`
	// Present is how many registrants attended at least one session.
	Present int64 `db:"present"`
	// Invited is how many schools were invited; Reached how many of them have a registrant.
	Invited   int64    `db:"invited"`
	Reached   int64    `db:"reached"`
	Feedback  int64    `db:"feedback"`
	MeanScore *float64 `db:"mean_rating"`
}

// AttendanceRate is Present of Registered in percent (one decimal).
func (c ClinicRow) AttendanceRate() float64 { return pct(c.Present, c.Registered) }

// ReachRate is Reached of Invited in percent (one decimal).
func (c ClinicRow) ReachRate() float64 { return pct(c.Reached, c.Invited) }

func pct(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(int64(1000*float64(a)/float64(b)+0.5)) / 10
}

// ClinicTotals sums the report's rows.
type ClinicTotals struct {
	Events, Registered, Present, Invited, Reached, Feedback int64
}

// ClinicReport lists the events in the staff scope (clinic.StaffScope: the same events the
// clinic pages show) with their registrations, attendance, schools reached and feedback, newest
// first, at most 500.
func (s *Store) ClinicReport(ctx context.Context, sc clinic.Scope) ([]ClinicRow, ClinicTotals, error) {
	cond, args := clinic.ScopeCondition(sc, 1)
	rows, _ := s.db.Query(ctx, `SELECT c.id, c.title, c.status, c.capacity::bigint,
			(SELECT min(starts_at) FROM clinic_sessions s WHERE s.clinic_id = c.id) AS starts_at,
			(SELECT count(*) FROM clinic_registrations r WHERE r.clinic_id = c.id AND r.status = 'registered') AS registered,
			(SELECT count(*) FROM clinic_registrations r WHERE r.clinic_id = c.id AND r.status = 'waiting') AS waiting,
			(SELECT count(DISTINCT a.registration_id) FROM clinic_attendance a JOIN clinic_registrations r ON r.id = a.registration_id
				WHERE r.clinic_id = c.id AND r.status = 'registered') AS present,
			(SELECT count(*) FROM clinic_invitations i WHERE i.clinic_id = c.id) AS invited,
			(SELECT count(*) FROM clinic_invitations i WHERE i.clinic_id = c.id AND EXISTS (SELECT 1 FROM clinic_registrations r
				WHERE r.clinic_id = c.id AND r.npsn = i.npsn AND r.status <> 'cancelled')) AS reached,
			(SELECT count(*) FROM clinic_feedback f JOIN clinic_registrations r ON r.id = f.registration_id WHERE r.clinic_id = c.id) AS feedback,
			(SELECT round(avg(f.rating), 2)::float8 FROM clinic_feedback f JOIN clinic_registrations r ON r.id = f.registration_id
				WHERE r.clinic_id = c.id) AS mean_rating
		FROM clinics c WHERE `+cond+` AND c.status <> 'draft' ORDER BY c.created_at DESC, c.id DESC LIMIT 500`, args...)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[ClinicRow])
	var t ClinicTotals
	for _, c := range list {
		t.Events++
		t.Registered += c.Registered
		t.Present += c.Present
		t.Invited += c.Invited
		t.Reached += c.Reached
		t.Feedback += c.Feedback
	}
	return list, t, err
}
