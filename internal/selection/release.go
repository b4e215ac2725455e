package selection

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// seatRef is the DecisionRef of the mail offering a seat (an SQL expression over
// pembekalan_seats ps): the run's publication mail for a seat given at publication, the
// promotion mail for a cadangan moved up.
const seatRef = `CASE WHEN ps.promoted_from IS NULL THEN 'run:' || ps.run_id ELSE 'seat:' || ps.id END`

// RunReleased is the SQL condition that the publication of run r (result_runs r) has reached
// its applicants: mail.ReleasedSQL over the run's DecisionRef. Pages showing an applicant a
// result filter by it.
var RunReleased = mail.ReleasedSQL(`'run:' || r.id`)

// SeatReleased is the SQL condition that the offer of seat ps (pembekalan_seats ps) has reached
// its applicant: mail.ReleasedSQL over the offer mail's DecisionRef. Until then the offer is not
// shown, confirmed, declined, reminded of nor expired; the release starts its window.
var SeatReleased = mail.ReleasedSQL(seatRef)

// VervalReleased is the SQL condition that the verval outcome of application a (applications a)
// has reached its applicant: mail.ReleasedSQL over the outcome mail's DecisionRef.
var VervalReleased = mail.ReleasedSQL(`'verval:' || a.id`)

// ReleaseMail releases the reviewed held mails (mail.Release, every held mail up to upTo) and,
// in the same transaction, stamps what they announced at now: the runs whose publication mails
// all left (their appeal window starts), the verval outcomes whose mail left (a tidak lolos
// verval's correction window starts: correction_until = now + the cohort's correction days) and
// the seat offers whose mail left, whose
// confirmation window starts now (confirm_by = now + the cohort's confirmation days). It returns
// how many mails were released.
func (s *Store) ReleaseMail(ctx context.Context, actor audit.Actor, upTo int64, now time.Time) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var err error
		if n, err = mail.Release(ctx, tx, actor, upTo); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO run_releases (run_id, released_at)
			SELECT r.id, $1::timestamptz FROM result_runs r WHERE r.published_at IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM run_releases x WHERE x.run_id = r.id) AND `+RunReleased+`
			ON CONFLICT (run_id) DO NOTHING`, now); err != nil {
			return err
		}
		// Verval outcomes whose mail left in this release (mail.Release holds its lock to the end
		// of the transaction, so the newest release is this one): a tidak lolos verval's
		// correction window (the cohort's correction days, once per application) starts now.
		// verval_released_at IS NULL makes a concurrent or later release skip them.
		if _, err := tx.Exec(ctx, `UPDATE applications a SET verval_released_at = $1::timestamptz,
				correction_until = CASE WHEN a.status = 'verval_failed' AND a.correction_used_at IS NULL AND c.correction_days > 0
					THEN $1::timestamptz + make_interval(hours => 24 * c.correction_days) END
			FROM cohorts c, mail_outbox m WHERE c.id = a.cohort_id AND m.release_id = (SELECT max(id) FROM mail_releases)
			AND m.ref LIKE 'verval:%' AND a.id = substr(m.ref, 8)::bigint
			AND a.verval_decided_at IS NOT NULL AND a.verval_released_at IS NULL AND `+VervalReleased+``, now); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `UPDATE pembekalan_seats ps SET released_at = $1::timestamptz,
				confirm_by = $1::timestamptz + make_interval(hours => 24 * c.confirm_days)
			FROM result_runs r JOIN cohorts c ON c.id = r.cohort_id
			WHERE r.id = ps.run_id AND ps.released_at IS NULL AND `+SeatReleased+` RETURNING ps.id`, now)
		seats, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil || len(seats) == 0 {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.seats.release", ObjectType: "pembekalan_seat",
			Detail: map[string]any{"seats": len(seats), "first_seat": seats[0], "released_at": now}})
	})
	return n, err
}
