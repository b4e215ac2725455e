package selection

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// ParseDecision checks the admin's reason for a decision (10–2000 characters).
func ParseDecision(reason string) (string, map[string]string) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 10 || n > 2000 {
		return reason, map[string]string{"decision": "selection.appeal.error.decision"}
	}
	return reason, nil
}

// lockAppeal locks a filed appeal and returns its application, cohort, stage and applicant.
func lockAppeal(ctx context.Context, tx pgx.Tx, id int64) (app, cohort int64, stage Stage, status AppealStatus, email, name, lang string, err error) {
	err = tx.QueryRow(ctx, `SELECT ap.application_id, a.cohort_id, ap.stage, ap.status, u.email, u.name, u.language
		FROM selection_appeals ap JOIN applications a ON a.id = ap.application_id JOIN users u ON u.id = a.user_id
		WHERE ap.id = $1 FOR UPDATE OF ap`, id).Scan(&app, &cohort, &stage, &status, &email, &name, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("appeal %d: %w", id, database.ErrNotFound)
	}
	return
}

// RejectAppeal rejects a filed appeal with a reason the applicant sees; mailed and audited.
func (s *Store) RejectAppeal(ctx context.Context, actor audit.Actor, id int64, reason string, now time.Time, letter Letter) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		_, _, stage, status, email, name, lang, err := lockAppeal(ctx, tx, id)
		if err != nil {
			return err
		}
		if status != AppealFiled {
			return fmt.Errorf("appeal %d is %s: %w: %w", id, status, ErrAppealDecided, database.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE selection_appeals SET status = 'ditolak', decision_reason = $2, decided_by = $3, decided_at = $4 WHERE id = $1`,
			id, reason, database.NullID(actor.UserID), now); err != nil {
			return err
		}
		m := letter(lang, "selection.mail.appeal_rejected", map[string]any{"Name": name, "Number": id, "Stage": string(stage), "Reason": reason})
		m.To = email
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.appeal.reject", ObjectType: "selection_appeal",
			ObjectID: strconv.FormatInt(id, 10), Detail: map[string]any{"reason": reason}})
	})
}

// UpholdAppeal upholds a filed appeal: the stage is re-scored by a new assessor — one who has
// no sheet of the application in that stage, not from the applicant's school (nor kab/kota when
// the rubric says so), the least loaded — on a sheet due the cohort's sheet days after now. The
// re-score replaces the stage's final score in the next run. Mailed and audited.
// ErrTooFewAssessors when nobody eligible is left (nothing changes).
func (s *Store) UpholdAppeal(ctx context.Context, actor audit.Actor, id int64, reason string, now time.Time, letter Letter) (int64, error) {
	var sheet int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		appID, cohortID, stage, status, email, name, lang, err := lockAppeal(ctx, tx, id)
		if err != nil {
			return err
		}
		if status != AppealFiled {
			return fmt.Errorf("appeal %d is %s: %w: %w", id, status, ErrAppealDecided, database.ErrConflict)
		}
		// Serialised with automatic assignment and scheduling of the cohort (same lock).
		if err := database.LockSheetAssign.Hold(ctx, tx, cohortID); err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		sr, err := loadRubric(ctx, tx, cohortID, stage)
		if err != nil {
			return err
		}
		var npsn, reg string
		var exclude []int64
		if err := tx.QueryRow(ctx, `SELECT a.npsn, a.regency_code,
				coalesce((SELECT array_agg(assessor_id) FROM score_sheets WHERE application_id = a.id AND stage = $2), '{}')
			FROM applications a WHERE a.id = $1`, appID, stage).Scan(&npsn, &reg, &exclude); err != nil {
			return err
		}
		assessors, err := loadAssessors(ctx, tx, cohortID, stage)
		if err != nil {
			return err
		}
		as, err := Assign([]AssignTarget{{ApplicationID: appID, SchoolNPSN: npsn, RegencyCode: reg, Need: 1, Exclude: exclude}},
			assessors, AssignOptions{AvoidSameRegency: sr.AvoidSameRegency})
		if err != nil {
			return fmt.Errorf("appeal %d: %w: %w", id, err, database.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE selection_appeals SET status = 'diterima', decision_reason = $2, decided_by = $3, decided_at = $4 WHERE id = $1`,
			id, reason, database.NullID(actor.UserID), now); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id, assigned_by, due_at, appeal_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, appID, stage, as[0].AssessorID, database.NullID(actor.UserID), prog.SheetDue(now), id).Scan(&sheet)
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "23505" {
			return fmt.Errorf("appeal %d re-score: %w", id, database.ErrConflict)
		}
		if err != nil {
			return err
		}
		m := letter(lang, "selection.mail.appeal_upheld", map[string]any{"Name": name, "Number": id, "Stage": string(stage), "Reason": reason})
		m.To = email
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.appeal.uphold", ObjectType: "selection_appeal",
			ObjectID: strconv.FormatInt(id, 10), Detail: map[string]any{"reason": reason, "sheet_id": sheet, "assessor_id": as[0].AssessorID}})
	})
	return sheet, err
}

// ReasonAppealsKey is the reason_key of a correction run made after upheld appeals: its
// catalogue text takes the run's reason (the settled appeals with their decision reasons) as
// {{.Appeals}}.
const ReasonAppealsKey = "selection.run.reason.appeals"

// CorrectAfterAppeals makes the correction run of the appeal's cohort once its re-score is in:
// a new run correcting the cohort's latest published run, whose reason names every upheld
// appeal it settles (each then done, pointing at the run). The original runs are kept. The
// run still has to be reviewed and published like any other. ErrRescorePending while the
// appeal's re-score is open; ErrScoringPending while any sheet of the cohort is.
func (s *Store) CorrectAfterAppeals(ctx context.Context, actor audit.Actor, id int64) (int64, error) {
	var run int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		_, cohortID, _, status, _, _, _, err := lockAppeal(ctx, tx, id)
		if err != nil {
			return err
		}
		if status != AppealUpheld {
			return fmt.Errorf("appeal %d is %s: %w: %w", id, status, ErrAppealDecided, database.ErrConflict)
		}
		var published int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM result_runs WHERE cohort_id = $1 AND published_at IS NOT NULL`, cohortID).Scan(&published); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT ap.id, ap.stage, ap.decision_reason, rs.submitted_at IS NOT NULL
			FROM selection_appeals ap JOIN applications a ON a.id = ap.application_id JOIN score_sheets rs ON rs.appeal_id = ap.id
			WHERE a.cohort_id = $1 AND ap.status = 'diterima' ORDER BY ap.id FOR UPDATE OF ap`, cohortID)
		type up struct {
			id        int64
			stage     string
			reason    string
			submitted bool
		}
		var ups []up
		var u up
		if _, err := pgx.ForEachRow(rows, []any{&u.id, &u.stage, &u.reason, &u.submitted}, func() error { ups = append(ups, u); return nil }); err != nil {
			return err
		}
		var settled []int64
		var parts []string
		for _, u := range ups {
			if u.id == id && !u.submitted {
				return fmt.Errorf("appeal %d: %w: %w", id, ErrRescorePending, database.ErrConflict)
			}
			if u.submitted {
				settled = append(settled, u.id)
				parts = append(parts, fmt.Sprintf("#%d (%s): %s", u.id, u.stage, u.reason))
			}
		}
		// Language-neutral: the text around the appeals comes from the catalogues
		// (ReasonAppealsKey), in the reader's language.
		reason := strings.Join(parts, "; ")
		if r := []rune(reason); len(r) > 2000 {
			reason = string(r[:1997]) + "…"
		}
		if run, err = createRun(ctx, tx, actor, cohortID, published, reason); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE result_runs SET reason_key = $2 WHERE id = $1`, run, ReasonAppealsKey); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE selection_appeals SET status = 'selesai', correction_run_id = $2 WHERE id = ANY($1)`, settled, run); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.appeal.correct", ObjectType: "result_run",
			ObjectID: strconv.FormatInt(run, 10), Detail: map[string]any{"appeals": settled, "corrects": published}})
	})
	return run, err
}
