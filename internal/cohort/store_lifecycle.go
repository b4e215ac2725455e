package cohort

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// ErrTransition is returned by Transition with the problems that block it.
type ErrTransition struct{ Problems []string }

func (e *ErrTransition) Error() string { return fmt.Sprintf("transition blocked: %v", e.Problems) }

// Transition moves the cohort to the next stage when the guards allow it at now, audited.
func (s *Store) Transition(ctx context.Context, actor audit.Actor, id int64, next Status, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockCohort(ctx, tx, id); err != nil {
			return err
		}
		cfg, err := s.configTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if p := TransitionProblems(cfg, next, now); len(p) > 0 {
			return &ErrTransition{Problems: p}
		}
		if _, err := tx.Exec(ctx, `UPDATE cohorts SET status = $2, updated_at = now() WHERE id = $1`, id, next); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.transition", ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"from": cfg.Status, "to": next}})
	})
}

// configTx counts what the guards need inside tx.
func (s *Store) configTx(ctx context.Context, tx pgx.Tx, id int64) (Config, error) {
	var cfg Config
	var nt, nq, nd int
	err := tx.QueryRow(ctx, `SELECT status, registration_closes_at,
		(SELECT count(*) FROM cohort_regencies WHERE cohort_id = $1),
		(SELECT count(*) FROM essay_questions WHERE cohort_id = $1),
		(SELECT count(*) FROM required_documents WHERE cohort_id = $1),
		(SELECT count(*) FROM result_runs WHERE cohort_id = $1 AND published_at IS NOT NULL), `+seatCounts+`
		FROM cohorts WHERE id = $1`, id).Scan(&cfg.Status, &cfg.RegistrationClosesAt, &nt, &nq, &nd, &cfg.PublishedRuns,
		&cfg.OfferedUntil, &cfg.UnattendedSeats, &cfg.UndecidedCGPs)
	cfg.Targets, cfg.Questions, cfg.Documents = make([]Target, nt), make([]Question, nq), make([]Document, nd)
	return cfg, err
}

// Copy creates a new draft cohort with the configuration of cohort id (rules, stage plan,
// targets, questions, documents, training settings), numbered number and named name.
func (s *Store) Copy(ctx context.Context, actor audit.Actor, id int64, number int, name string) (int64, error) {
	var newID int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at,
			administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on,
			training_months, min_years_teaching, eligible_education, eligible_jenjang, max_age, excluded_roles, correction_days,
			confirm_days, sheet_due_days, tahap2_due_hours, appeal_days, copied_from, created_by)
			SELECT $2, $3, program_kind, registration_opens_at, registration_closes_at,
			administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on,
			training_months, min_years_teaching, eligible_education, eligible_jenjang, max_age, excluded_roles, correction_days,
			confirm_days, sheet_due_days, tahap2_due_hours, appeal_days, id, $4
			FROM cohorts WHERE id = $1 RETURNING id`, id, number, name, database.NullID(actor.UserID)).Scan(&newID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cohort %d: %w", id, database.ErrNotFound)
		}
		if database.IsUnique(err) {
			return fmt.Errorf("cohort number: %w", database.ErrConflict)
		}
		if err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) SELECT $2, regency_code, quota FROM cohort_regencies WHERE cohort_id = $1`,
			`INSERT INTO essay_questions (cohort_id, group_name, position, prompt, min_chars, max_chars)
				SELECT $2, group_name, position, prompt, min_chars, max_chars FROM essay_questions WHERE cohort_id = $1 ORDER BY position, id`,
			`INSERT INTO required_documents (cohort_id, position, name, guidance, required, max_bytes)
				SELECT $2, position, name, guidance, required, max_bytes FROM required_documents WHERE cohort_id = $1 ORDER BY position, id`,
			// the training settings (issue 10), when the cohort has its own
			`INSERT INTO training_settings (cohort_id, group_min, group_max, pp_cap, fasilitator_cap, visits_planned, ack_days,
				attendance_min_pct, module_packages, modules, lokakarya_count, assessment_pass_score, reminder_days)
				SELECT $2, group_min, group_max, pp_cap, fasilitator_cap, visits_planned, ack_days,
				attendance_min_pct, module_packages, modules, lokakarya_count, assessment_pass_score, reminder_days
				FROM training_settings WHERE cohort_id = $1`,
		} {
			if _, err := tx.Exec(ctx, q, id, newID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.copy", ObjectType: "cohort", ObjectID: strconv.FormatInt(newID, 10),
			Detail: map[string]any{"from": id, "number": number}})
	})
	return newID, err
}
