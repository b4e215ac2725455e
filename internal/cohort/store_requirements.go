package cohort

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// AddQuestion adds an essay question at the end.
func (s *Store) AddQuestion(ctx context.Context, actor audit.Actor, id int64, q Question) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockCohort(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO essay_questions (cohort_id, group_name, position, prompt, min_chars, max_chars)
			VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM essay_questions WHERE cohort_id = $1), $3, $4, $5)`,
			id, q.GroupName, q.Prompt, q.MinChars, q.MaxChars); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.question_add", ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"min": q.MinChars, "max": q.MaxChars}})
	})
}

// RemoveQuestion deletes an essay question while the cohort is a draft.
func (s *Store) RemoveQuestion(ctx context.Context, actor audit.Actor, id, questionID int64) error {
	return s.removeChild(ctx, actor, id, questionID, `DELETE FROM essay_questions WHERE cohort_id = $1 AND id = $2`, "cohort.question_remove")
}

// AddDocument adds a required document at the end.
func (s *Store) AddDocument(ctx context.Context, actor audit.Actor, id int64, d Document) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := lockCohort(ctx, tx, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO required_documents (cohort_id, position, name, guidance, required, max_bytes)
			VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM required_documents WHERE cohort_id = $1), $2, $3, $4, $5)`,
			id, d.Name, d.Guidance, d.Required, d.MaxBytes); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "cohort.document_add", ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"name": d.Name, "required": d.Required, "max_bytes": d.MaxBytes}})
	})
}

// RemoveDocument deletes a required document while the cohort is a draft.
func (s *Store) RemoveDocument(ctx context.Context, actor audit.Actor, id, docID int64) error {
	return s.removeChild(ctx, actor, id, docID, `DELETE FROM required_documents WHERE cohort_id = $1 AND id = $2`, "cohort.document_remove")
}

func (s *Store) removeChild(ctx context.Context, actor audit.Actor, id, childID int64, sql, action string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var st string
		err := tx.QueryRow(ctx, `SELECT status FROM cohorts WHERE id = $1 FOR UPDATE`, id).Scan(&st)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("cohort %d: %w", id, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if st != string(StatusDraft) {
			return fmt.Errorf("cohort %d is %s: %w", id, st, database.ErrConflict)
		}
		tag, err := tx.Exec(ctx, sql, id, childID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("cohort child %d: %w", childID, database.ErrNotFound)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: action, ObjectType: "cohort", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"id": childID}})
	})
}
