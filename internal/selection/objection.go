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

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// Regency is a kab/kota by code and name.
type Regency struct {
	Code string `db:"code"`
	Name string `db:"name"`
}

// ObjectionComment is the BGP's comment on one kab/kota of a returned run.
type ObjectionComment struct {
	RegencyCode string `db:"regency_code"`
	RegencyName string `db:"regency_name"`
	Comment     string `db:"comment"`
}

// Answer kinds of an objection.
const (
	AnswerReply      = "reply"
	AnswerCorrection = "correction"
)

// Objection is a BGP's return of its province's part of a run, with the admin's answer.
type Objection struct {
	ID              int64              `db:"id"`
	RunID           int64              `db:"run_id"`
	ProvinceCode    string             `db:"province_code"`
	Province        string             `db:"province"`
	RaisedBy        string             `db:"raised_by"`
	RaisedAt        time.Time          `db:"raised_at"`
	AnswerKind      *string            `db:"answer_kind"`
	Answer          string             `db:"answer"`
	CorrectionRunID *int64             `db:"correction_run_id"`
	AnsweredBy      *string            `db:"answered_by"`
	AnsweredAt      *time.Time         `db:"answered_at"`
	Comments        []ObjectionComment `db:"-"`
}

// Open reports whether the admin has not answered yet.
func (o Objection) Open() bool { return o.AnsweredAt == nil }

// ErrObjectionOpen: the province already has an unanswered objection on the run, or has signed
// it off (then there is nothing to return).
var ErrObjectionOpen = fmt.Errorf("selection: an objection is open or the province signed off: %w", database.ErrConflict)

// ErrInvalidAnswer: an answer of an unknown kind, or too short or long.
var ErrInvalidAnswer = errors.New("selection: invalid answer")

// AnswerForm is the national admin's answer to an objection.
type AnswerForm struct {
	Kind   string `form:"kind"`
	Answer string `form:"answer"`
}

// Parse validates the answer; errs maps field → message key.
func (f AnswerForm) Parse() map[string]string {
	errs := map[string]string{}
	if f.Kind != AnswerReply && f.Kind != AnswerCorrection {
		errs["kind"] = "selection.objection.error.kind"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(f.Answer)); n < 5 || n > 4000 {
		errs["answer"] = "selection.objection.error.answer"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// ObjectionForm is the BGP's return form: one comment per kab/kota of the province in the run
// (parallel lists, the kab/kota codes in hidden fields).
type ObjectionForm struct {
	Province  string   `form:"province"`
	Regencies []string `form:"regency"`
	Comments  []string `form:"comment"`
}

// Parse validates the form against the kab/kota of the province in the run: each comment is
// empty or 5 to 2,000 characters, at least one is given. errs maps "comment-<code>" (or
// "comments" for none at all) to a message key.
func (f ObjectionForm) Parse(regencies []Regency) (map[string]string, map[string]string) {
	known := map[string]bool{}
	for _, r := range regencies {
		known[r.Code] = true
	}
	out, errs := map[string]string{}, map[string]string{}
	for i, code := range f.Regencies {
		if !known[code] || i >= len(f.Comments) {
			continue
		}
		c := strings.TrimSpace(f.Comments[i])
		switch n := utf8.RuneCountInString(c); {
		case n == 0:
		case n < 5 || n > 2000:
			errs["comment-"+code] = "selection.objection.error.comment"
		default:
			out[code] = c
		}
	}
	if len(out) == 0 && len(errs) == 0 {
		errs["comments"] = "selection.objection.error.none"
	}
	if len(errs) == 0 {
		errs = nil
	}
	return out, errs
}

// Typed returns what was typed for a kab/kota (to show a refused form again).
func (f ObjectionForm) Typed(code string) string {
	for i, c := range f.Regencies {
		if c == code && i < len(f.Comments) {
			return f.Comments[i]
		}
	}
	return ""
}

// RunRegencies lists the kab/kota of a province that have results in a run, or ErrNotFound
// when the province has none (another province's run).
func (s *Store) RunRegencies(ctx context.Context, runID int64, province string) ([]Regency, error) {
	rows, _ := s.db.Query(ctx, `SELECT g.code, g.name FROM regencies g
		WHERE g.province_code = $2 AND EXISTS (SELECT 1 FROM run_results rr WHERE rr.run_id = $1 AND rr.regency_code = g.code)
		ORDER BY g.code`, runID, province)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Regency])
	if err == nil && len(rs) == 0 {
		return nil, fmt.Errorf("run %d province %s: %w", runID, province, database.ErrNotFound)
	}
	return rs, err
}

// ReturnRun records a BGP's objection to its province's part of an unpublished run, with a
// comment per kab/kota (codes of that province in the run only), and audits it. A run without
// results in the province is ErrNotFound; a published run ErrLocked; an open objection or a
// sign-off of the province ErrObjectionOpen.
func (s *Store) ReturnRun(ctx context.Context, actor audit.Actor, runID int64, province string, comments map[string]string) (int64, error) {
	var id int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var published, signed bool
		err := tx.QueryRow(ctx, `SELECT r.published_at IS NOT NULL, EXISTS (SELECT 1 FROM run_signoffs so WHERE so.run_id = r.id AND so.province_code = $2)
			FROM result_runs r WHERE r.id = $1 AND EXISTS (SELECT 1 FROM run_results rr WHERE rr.run_id = r.id AND rr.province_code = $2)
			FOR UPDATE`, runID, province).Scan(&published, &signed)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("run %d province %s: %w", runID, province, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if published {
			return fmt.Errorf("run %d: %w", runID, ErrLocked)
		}
		if signed {
			return ErrObjectionOpen
		}
		err = tx.QueryRow(ctx, `INSERT INTO run_objections (run_id, province_code, raised_by) VALUES ($1, $2, $3)
			ON CONFLICT (run_id, province_code) WHERE answered_at IS NULL DO NOTHING RETURNING id`, runID, province, actor.UserID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrObjectionOpen
		}
		if err != nil {
			return err
		}
		for code, c := range comments {
			tag, err := tx.Exec(ctx, `INSERT INTO run_objection_comments (objection_id, regency_code, comment)
				SELECT $1, g.code, $3 FROM regencies g WHERE g.code = $2 AND g.province_code = $4`, id, code, c, province)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("regency %s not in province %s: %w", code, province, database.ErrNotFound)
			}
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.run.return", ObjectType: "result_run", ObjectID: strconv.FormatInt(runID, 10),
			Detail: map[string]any{"objection_id": id, "province": province, "comments": comments}})
	})
	return id, err
}

// ErrAnswered: the objection has been answered already.
var ErrAnswered = fmt.Errorf("selection: objection already answered: %w", database.ErrConflict)

// AnswerObjection records the national admin's answer to an open objection of the run: a reply
// (text, 5 to 4,000 characters) or a correction run made from the current scores (the
// existing correction mechanism, the answer as its reason), in one transaction, audited. It
// returns the correction run's id (0 for a reply). An objection of another run is ErrNotFound.
func (s *Store) AnswerObjection(ctx context.Context, actor audit.Actor, runID, objectionID int64, kind, answer string) (int64, error) {
	if (AnswerForm{Kind: kind, Answer: answer}).Parse() != nil {
		return 0, ErrInvalidAnswer
	}
	answer = strings.TrimSpace(answer)
	var correction int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var cohortID int64
		var answered bool
		err := tx.QueryRow(ctx, `SELECT r.cohort_id, o.answered_at IS NOT NULL FROM run_objections o JOIN result_runs r ON r.id = o.run_id
			WHERE o.id = $1 AND o.run_id = $2 FOR UPDATE OF o`, objectionID, runID).Scan(&cohortID, &answered)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("objection %d of run %d: %w", objectionID, runID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if answered {
			return ErrAnswered
		}
		var run *int64
		if kind == AnswerCorrection {
			if correction, err = createRun(ctx, tx, actor, cohortID, runID, answer); err != nil {
				return err
			}
			run = &correction
		}
		if _, err := tx.Exec(ctx, `UPDATE run_objections SET answer_kind = $2, answer = $3, correction_run_id = $4, answered_by = $5, answered_at = now()
			WHERE id = $1`, objectionID, kind, answer, run, database.NullID(actor.UserID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.run.objection." + kind, ObjectType: "result_run", ObjectID: strconv.FormatInt(runID, 10),
			Detail: map[string]any{"objection_id": objectionID, "answer": answer, "correction_run_id": run}})
	})
	return correction, err
}

// RunObjections lists a run's objections within the filter (national: all; otherwise those of
// the filter's provinces), oldest first, each with its comments.
func (s *Store) RunObjections(ctx context.Context, runID int64, f RegionFilter) ([]Objection, error) {
	provinces := f.Provinces
	if provinces == nil {
		provinces = []string{}
	}
	rows, _ := s.db.Query(ctx, `SELECT o.id, o.run_id, o.province_code, p.name AS province, ru.name AS raised_by, o.raised_at,
			o.answer_kind, o.answer, o.correction_run_id, au.name AS answered_by, o.answered_at
		FROM run_objections o JOIN provinces p ON p.code = o.province_code JOIN users ru ON ru.id = o.raised_by
		LEFT JOIN users au ON au.id = o.answered_by
		WHERE o.run_id = $1 AND ($2 OR o.province_code = ANY($3)) ORDER BY o.id`, runID, f.National, provinces)
	obs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Objection])
	if err != nil || len(obs) == 0 {
		return obs, err
	}
	ids := make([]int64, len(obs))
	at := map[int64]int{}
	for i, o := range obs {
		ids[i], at[o.ID] = o.ID, i
	}
	rows, _ = s.db.Query(ctx, `SELECT c.objection_id, c.regency_code, g.name, c.comment FROM run_objection_comments c
		JOIN regencies g ON g.code = c.regency_code WHERE c.objection_id = ANY($1) ORDER BY c.objection_id, c.regency_code`, ids)
	var oid int64
	var c ObjectionComment
	_, err = pgx.ForEachRow(rows, []any{&oid, &c.RegencyCode, &c.RegencyName, &c.Comment}, func() error {
		obs[at[oid]].Comments = append(obs[at[oid]].Comments, c)
		return nil
	})
	return obs, err
}
