package application

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/region"
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

// SaveEssays stores answers (question id → text) of the teacher's draft, and returns the
// teacher's time zone (their school's, as Profile.Timezone) for showing when it was saved, also
// when the save is refused. Limits are not enforced here (a draft may be too short);
// EssayProblems and submit enforce them.
//
// It is one statement, no transaction around it: the application row is locked (so a save
// waits for a submit or withdrawal in progress and then sees its outcome), the answers are
// written only while editableSQL holds and only when every question is of the application's
// cohort (nothing is written otherwise), and the row comes back for EditError to say why not.
func (s *Store) SaveEssays(ctx context.Context, userID, id int64, answers map[int64]string, now time.Time) (string, error) {
	qids, bodies := make([]int64, 0, len(answers)), make([]string, 0, len(answers))
	for qid, body := range answers {
		if utf8.RuneCountInString(body) > MaxEssayStored {
			body = string([]rune(body)[:MaxEssayStored])
		}
		qids, bodies = append(qids, qid), append(bodies, body)
	}
	rows, _ := s.db.Query(ctx, `WITH a AS (`+lockSQL+`),
		ok AS (SELECT id FROM a WHERE `+editableSQL("$5::timestamptz")+`
			AND (SELECT count(*) FROM essay_questions q WHERE q.id = ANY($3) AND q.cohort_id = a.cohort_id) = cardinality($3::bigint[])),
		saved AS (INSERT INTO application_essays (application_id, question_id, body, updated_at)
			SELECT ok.id, x.qid, x.body, $5 FROM ok, unnest($3::bigint[], $4::text[]) AS x (qid, body)
			ON CONFLICT (application_id, question_id) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at
			RETURNING 1)
		SELECT a.*, (SELECT count(*) FROM saved) AS saved,
			(SELECT r.province_code FROM teacher_profiles p JOIN schools sc ON sc.npsn = p.npsn JOIN regencies r ON r.code = sc.regency_code
				WHERE p.user_id = a.user_id) AS school_province
		FROM a`, id, userID, qids, bodies, now)
	type row struct {
		locked
		Saved          int     `db:"saved"`
		SchoolProvince *string `db:"school_province"`
	}
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[row])
	if errors.Is(err, pgx.ErrNoRows) {
		return "WIB", fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return "WIB", err
	}
	tz := "WIB" // no profile (Profile.Timezone of nil)
	if x.SchoolProvince != nil {
		tz = region.Timezone(*x.SchoolProvince)
	}
	if err := EditError(x.Application, x.cohortWindow(), now); err != nil {
		return tz, err
	}
	if x.Saved != len(qids) {
		return tz, fmt.Errorf("question of another cohort: %w", database.ErrNotFound)
	}
	return tz, nil
}
