package selection

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// SignOffRun records a BGP admin's sign-off of their province in an unpublished run.
func (s *Store) SignOffRun(ctx context.Context, actor audit.Actor, runID int64, province, comment string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var inRun bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM run_results WHERE run_id = $1 AND province_code = $2)`, runID, province).Scan(&inRun); err != nil {
			return err
		}
		if !inRun {
			return fmt.Errorf("province %s not in run %d: %w", province, runID, database.ErrNotFound)
		}
		_, err := tx.Exec(ctx, `INSERT INTO run_signoffs (run_id, province_code, signed_by, comment) VALUES ($1, $2, $3, $4)
			ON CONFLICT (run_id, province_code) DO UPDATE SET signed_by = EXCLUDED.signed_by, signed_at = now(), comment = EXCLUDED.comment`,
			runID, province, actor.UserID, comment)
		if err != nil {
			return locked(err)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.run.signoff", ObjectType: "result_run", ObjectID: strconv.FormatInt(runID, 10),
			Detail: map[string]any{"province": province, "comment": comment}})
	})
}

// Publish publishes a run once every province in it has signed off, or with an override reason.
// Applicants are emailed, and those lulus get a pembekalan seat to confirm by confirmBy.
// Once a run of the cohort is published, only a correction run may be published after it
// (ErrLocked otherwise): a second draft made by pressing "Hitung hasil" twice cannot be
// published as a second, uncorrected result. Publications of one cohort are serialised.
func (s *Store) Publish(ctx context.Context, actor audit.Actor, runID int64, override string, confirmBy time.Time, baseURL string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var cohortID int64
		err := tx.QueryRow(ctx, `SELECT cohort_id FROM result_runs WHERE id = $1`, runID).Scan(&cohortID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("run %d: %w", runID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := database.LockRuns.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		var published, superseded bool
		err = tx.QueryRow(ctx, `SELECT r.published_at IS NOT NULL, r.corrects_run_id IS NULL AND EXISTS (
				SELECT 1 FROM result_runs o WHERE o.cohort_id = r.cohort_id AND o.id <> r.id AND o.published_at IS NOT NULL)
			FROM result_runs r WHERE r.id = $1 FOR UPDATE`, runID).Scan(&published, &superseded)
		if err != nil {
			return err
		}
		if published {
			return fmt.Errorf("run %d: %w", runID, ErrLocked)
		}
		if superseded {
			return fmt.Errorf("run %d is not a correction of the published run: %w", runID, ErrLocked)
		}
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '300s'`); err != nil {
			return err
		}
		var missing []string
		rows, _ := tx.Query(ctx, `SELECT DISTINCT province_code FROM run_results rr WHERE run_id = $1
			AND NOT EXISTS (SELECT 1 FROM run_signoffs so WHERE so.run_id = rr.run_id AND so.province_code = rr.province_code) ORDER BY 1`, runID)
		if missing, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
			return err
		}
		if len(missing) > 0 && len(override) < 5 {
			return ErrNeedsSignOff
		}
		if len(missing) == 0 {
			override = ""
		}
		if _, err := tx.Exec(ctx, `UPDATE result_runs SET published_at = now(), published_by = $2, override_reason = $3 WHERE id = $1`,
			runID, database.NullID(actor.UserID), override); err != nil {
			return locked(err)
		}
		// Mail every applicant of the run.
		rows, _ = tx.Query(ctx, `SELECT u.email, u.name, rr.outcome, u.language FROM run_results rr JOIN applications a ON a.id = rr.application_id
			JOIN users u ON u.id = a.user_id WHERE rr.run_id = $1 ORDER BY rr.application_id`, runID)
		type msg struct{ to, name, outcome, lang string }
		var msgs []msg
		var m msg
		if _, err := pgx.ForEachRow(rows, []any{&m.to, &m.name, &m.outcome, &m.lang}, func() error { msgs = append(msgs, m); return nil }); err != nil {
			return err
		}
		out := make([]mail.Message, len(msgs))
		for i, m := range msgs {
			out[i] = s.compose(m.lang, "selection.mail.published", map[string]any{"Name": m.name, "Outcome": m.outcome})
			out[i].To, out[i].Ref = m.to, mail.DecisionRef("run", runID)
		}
		if err := mail.EnqueueMany(ctx, tx, out); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, confirm_by)
			SELECT rr.run_id, rr.application_id, rr.regency_code, $2 FROM run_results rr
			WHERE rr.run_id = $1 AND rr.outcome = 'lulus' AND NOT EXISTS (
				SELECT 1 FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
				WHERE ps.application_id = rr.application_id AND r.cohort_id = $3)`, runID, confirmBy, cohortID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.run.publish", ObjectType: "result_run", ObjectID: strconv.FormatInt(runID, 10),
			Detail: map[string]any{"override_reason": override, "unsigned_provinces": missing, "mails": len(msgs)}})
	})
}
