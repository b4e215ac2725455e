package application

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/cohort"
	"penggerak/internal/database"
)

// Essay is a question with the applicant's answer.
type Essay struct {
	cohort.Question
	Body      string     `db:"body"`
	UpdatedAt *time.Time `db:"updated_at"`
}

// Length is the answer's length in characters, as the counter in the browser counts it.
func (e Essay) Length() int { return utf8.RuneCountInString(e.Body) }

// EssayProblem is one answer outside its limits.
func EssayProblem(min, max int, body string) string {
	n := utf8.RuneCountInString(body)
	switch {
	case n > max:
		return "application.essay.too_long"
	case n < min || strings.TrimSpace(body) == "":
		return "application.essay.too_short"
	}
	return ""
}

// EssayProblems returns, per question id, the message key of each answer outside its limits.
func EssayProblems(es []Essay) map[int64]string {
	out := map[int64]string{}
	for _, e := range es {
		if p := EssayProblem(e.MinChars, e.MaxChars, e.Body); p != "" {
			out[e.ID] = p
		}
	}
	return out
}

// MaxEssayStored is the most characters kept of one answer (drafts beyond the limit are kept so
// nothing typed is lost, up to this).
const MaxEssayStored = 20000

// SaveEssays stores answers (question id → text) of the teacher's draft. Limits are not
// enforced here (a draft may be too short); EssayProblems and submit enforce them.
func (s *Store) SaveEssays(ctx context.Context, userID, id int64, answers map[int64]string, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := s.editable(ctx, tx, userID, id, now)
		if err != nil {
			return err
		}
		// Every answer in one statement (was one per question): the answers as two arrays,
		// joined to the cohort's questions; a question of another cohort matches nothing.
		qids, bodies := make([]int64, 0, len(answers)), make([]string, 0, len(answers))
		for qid, body := range answers {
			if utf8.RuneCountInString(body) > MaxEssayStored {
				body = string([]rune(body)[:MaxEssayStored])
			}
			qids, bodies = append(qids, qid), append(bodies, body)
		}
		if len(qids) == 0 {
			return nil
		}
		tag, err := tx.Exec(ctx, `INSERT INTO application_essays (application_id, question_id, body, updated_at)
			SELECT $1, q.id, x.body, $4 FROM unnest($2::bigint[], $3::text[]) AS x (qid, body)
			JOIN essay_questions q ON q.id = x.qid AND q.cohort_id = $5
			ON CONFLICT (application_id, question_id) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at`,
			id, qids, bodies, now, a.CohortID)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != len(qids) {
			return fmt.Errorf("question of another cohort: %w", database.ErrNotFound)
		}
		return nil
	})
}
