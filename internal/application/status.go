package application

import (
	"context"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
)

// Progress is everything that decides where an application stands for the people reading it:
// its own status, the outcome of the cohort's latest published result run, the pembekalan
// seat, and the training that follows. The application's status alone stops at verval, so a
// teacher announced lulus would still read "Lolos verval".
type Progress struct {
	Status Status
	// Outcome is the application's outcome in the latest published run of its cohort
	// ("lulus", "cadangan", "tidak_lulus"), "" before any publication.
	Outcome string
	// Seat is the status of its latest pembekalan seat ("offered", "confirmed", "declined",
	// "expired", "attended"), "" when it has none.
	Seat string
	// Training is the participant's status once a CGP ("aktif", "mundur"), "" before.
	Training string
	// TrainingOutcome is the graduation decision ("lulus", "tidak_lulus"), "" before it.
	TrainingOutcome string
}

// StatusKey is the message key of where the application stands, the one place every page
// (the teacher's steps, receipt and dashboard, the regional list and view) takes its status
// text from. The latest fact wins: training over the seat, the seat over the published
// result, the result over verval.
func StatusKey(p Progress) string {
	switch {
	case p.Status == StatusDraft || p.Status == StatusWithdrawn:
		return "application.status." + string(p.Status)
	case p.TrainingOutcome != "":
		return "application.state.training_" + p.TrainingOutcome
	case p.Training != "":
		return "application.state.training_" + p.Training
	case p.Seat != "":
		return "application.state.seat_" + p.Seat
	case p.Outcome != "":
		return "application.state.result_" + p.Outcome
	}
	return "application.status." + string(p.Status)
}

// StatusKey is the message key of where the application stands (see the function StatusKey).
func (d Details) StatusKey() string { return StatusKey(d.Progress) }

// ProgressSQL is the statement of Progresses (exported for its plan test).
const ProgressSQL = progressSQL

// ProgressFacts are the select expressions of Progress's facts after the status, for a query
// over applications aliased a joined with ProgressJoin: the latest published outcome, the
// latest seat, the training status and outcome (scanned in that order). The exports select
// them beside their own columns, so the status text of a row is StatusKey's there too.
const ProgressFacts = `coalesce((SELECT rr.outcome FROM run_results rr JOIN result_runs r ON r.id = rr.run_id
			WHERE rr.application_id = a.id AND r.published_at IS NOT NULL ORDER BY r.published_at DESC, r.id DESC LIMIT 1), '') AS outcome,
		coalesce((SELECT ps.status FROM pembekalan_seats ps WHERE ps.application_id = a.id ORDER BY ps.id DESC LIMIT 1), '') AS seat,
		coalesce(trp.status, '') AS training, coalesce(trp.outcome, '') AS training_outcome`

// progressFacts are the columns of ProgressFacts, for a row that selects them beside the
// application's.
type progressFacts struct {
	Outcome         string `db:"outcome"`
	Seat            string `db:"seat"`
	Training        string `db:"training"`
	TrainingOutcome string `db:"training_outcome"`
}

// progress is the Progress of an application in status with these facts.
func (f progressFacts) progress(status Status) Progress {
	return Progress{Status: status, Outcome: f.Outcome, Seat: f.Seat, Training: f.Training, TrainingOutcome: f.TrainingOutcome}
}

// ProgressJoin is the join ProgressFacts reads the training facts through.
const ProgressJoin = `LEFT JOIN training_participants trp ON trp.application_id = a.id`

// progressSQL reads the facts of Progress for the applications with ids $1 (a bigint array).
const progressSQL = `SELECT a.id, a.status, ` + ProgressFacts + `
	FROM applications a ` + ProgressJoin + `
	WHERE a.id = ANY($1)`

// Progresses returns the Progress of each application of ids (one statement for a whole page
// of a list). Callers have already checked that the reader may see these applications.
func (s *Store) Progresses(ctx context.Context, ids []int64) (map[int64]Progress, error) {
	return progressesQ(ctx, s.db, ids)
}

func progressesQ(ctx context.Context, q database.DB, ids []int64) (map[int64]Progress, error) {
	out := make(map[int64]Progress, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, _ := q.Query(ctx, progressSQL, ids)
	var id int64
	var p Progress
	_, err := pgx.ForEachRow(rows, []any{&id, &p.Status, &p.Outcome, &p.Seat, &p.Training, &p.TrainingOutcome}, func() error {
		out[id] = p
		return nil
	})
	return out, err
}
