// The funnel's first stages and the registrations and submissions per day, from the kept
// status and day counts.

package report

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/application"
)

// Funnel stages, in order.
const (
	StageRegistered   = "registered"
	StageSubmitted    = "submitted"
	StageVervalPassed = string(application.StatusVervalPassed)
	StageLulusTahap1  = "lulus_tahap1"
	StageLulusTahap2  = "lulus_tahap2"
	StageConfirmed    = "confirmed"
	StageCGP          = "cgp"
)

// FunnelStages lists the funnel's stages in order.
var FunnelStages = []string{StageRegistered, StageSubmitted, StageVervalPassed, StageLulusTahap1, StageLulusTahap2, StageConfirmed, StageCGP}

// Day is one day of the registration window.
type Day struct {
	Date       time.Time
	Registered int64 // applications started that day
	Submitted  int64 // applications submitted that day (and not withdrawn)
}

// MaxDays bounds the per-day series (a registration window longer than this shows its first
// MaxDays days).
const MaxDays = 120

// applicationFigures reads the first three funnel stages from the status counts kept per
// (cohort, kab/kota, jenjang, status) (application_counts, 000521) and the registrations and
// submissions per day from the sums kept per day (application_days, 000650), in one statement;
// the scope predicate applies to both (they carry the scope columns).
func (s *Store) applicationFigures(ctx context.Context, sc application.Scope, d *Dashboard) error {
	q := scoped(sc)
	cohort := q.arg(d.Cohort.ID)
	where := q.cond + ` AND a.cohort_id = ` + cohort + regencyFilter(sc, q)
	rows, _ := s.db.Query(ctx, `SELECT a.status, NULL::date, sum(a.n)::bigint, 0::bigint FROM application_counts a WHERE `+where+` GROUP BY a.status
		UNION ALL
		SELECT NULL, a.day, sum(a.registered)::bigint, sum(a.submitted)::bigint FROM application_days a WHERE `+where+` GROUP BY a.day`, q.args...)
	first := d.Cohort.OpensAt.In(TZ)
	first = time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, time.UTC)
	last := d.Cohort.ClosesAt.In(TZ)
	last = time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
	n := min(int(last.Sub(first).Hours()/24)+1, MaxDays)
	d.Days = make([]Day, max(n, 0))
	for i := range d.Days {
		d.Days[i].Date = first.AddDate(0, 0, i)
	}
	if idx := int(last.Sub(first).Hours() / 24); idx < len(d.Days) {
		d.DeadlineDay = idx
	}
	var status *string
	var day *time.Time
	var count, submitted int64
	_, err := pgx.ForEachRow(rows, []any{&status, &day, &count, &submitted}, func() error {
		if status != nil {
			d.Funnel[StageRegistered] += count
			if st := application.Status(*status); st.Sent() {
				d.Funnel[StageSubmitted] += count
			}
			if application.Status(*status) == application.StatusVervalPassed {
				d.Funnel[StageVervalPassed] += count
			}
			return nil
		}
		if day == nil {
			return nil
		}
		if i := int(day.Sub(first).Hours() / 24); i >= 0 && i < len(d.Days) {
			d.Days[i].Registered += count
			d.Days[i].Submitted += submitted
		}
		return nil
	})
	return err
}
