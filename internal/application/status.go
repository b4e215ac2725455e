package application

import (
	"context"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
)

// Progress is everything that decides where an application stands for the people reading it:
// its own status, the outcome of the cohort's latest published result run, the pembekalan
// seat, and the training that follows. The application's status alone stops at verval, so a
// teacher announced lulus would still read "Lolos verval".
type Progress struct {
	Status Status
	// Outcome is the application's outcome in the latest published run of its cohort
	// (selection.OutcomeLulus, ...), "" before any publication.
	Outcome selection.Outcome
	// Seat is the status of its latest pembekalan seat (selection.SeatOffered, ...), "" when
	// it has none.
	Seat selection.SeatStatus
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
		return "application.state.seat_" + string(p.Seat)
	case p.Outcome != "":
		return "application.state.result_" + string(p.Outcome)
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
	Outcome         selection.Outcome    `db:"outcome"`
	Seat            selection.SeatStatus `db:"seat"`
	Training        string               `db:"training"`
	TrainingOutcome string               `db:"training_outcome"`
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

// myProgressSQL reads the applicant's own Progress of the applications with ids $1 of user $2.
// A decision reaches the applicant only once the mail reporting it has left the review outbox
// (mail.ReleasedSQL, the one rule): a verval outcome still held reads as submitted, and only
// released results and seat offers (selection.RunReleased, selection.SeatReleased) count.
var myProgressSQL = `SELECT a.id, ` + myProgressFacts + `
	FROM applications a ` + ProgressJoin + `
	WHERE a.id = ANY($1) AND a.user_id = $2`

// myProgressFacts are the select expressions of the applicant's own Progress (status, outcome,
// seat, training, training outcome, in that order) over applications aliased a joined with
// ProgressJoin, under the release rule of myProgressSQL.
var myProgressFacts = `CASE WHEN a.status IN (` + sqlList(VervalOutcomes...) + `) AND NOT ` + mail.ReleasedSQL(`'verval:' || a.id`) + `
			THEN ` + sqlList(StatusSubmitted) + ` ELSE a.status END AS my_status,
		coalesce((SELECT rr.outcome FROM run_results rr JOIN result_runs r ON r.id = rr.run_id
			WHERE rr.application_id = a.id AND r.published_at IS NOT NULL AND ` + selection.RunReleased + `
			ORDER BY r.published_at DESC, r.id DESC LIMIT 1), '') AS outcome,
		coalesce((SELECT ps.status FROM pembekalan_seats ps WHERE ps.application_id = a.id AND ` + selection.SeatReleased + `
			ORDER BY ps.id DESC LIMIT 1), '') AS seat,
		coalesce(trp.status, '') AS training, coalesce(trp.outcome, '') AS training_outcome`

// MyProgresses returns the Progress of each of the applicant's own applications of ids as the
// applicant may see it: only decisions whose mail was released (see myProgressSQL).
func (s *Store) MyProgresses(ctx context.Context, userID int64, ids []int64) (map[int64]Progress, error) {
	return myProgressesQ(ctx, s.db, userID, ids)
}

func myProgressesQ(ctx context.Context, q database.DB, userID int64, ids []int64) (map[int64]Progress, error) {
	out := make(map[int64]Progress, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, _ := q.Query(ctx, myProgressSQL, ids, userID)
	var id int64
	var p Progress
	_, err := pgx.ForEachRow(rows, []any{&id, &p.Status, &p.Outcome, &p.Seat, &p.Training, &p.TrainingOutcome}, func() error {
		out[id] = p
		return nil
	})
	return out, err
}

// heldVerval hides from the applicant's own Details a verval outcome whose mail is still held
// (p is the applicant's Progress): the application reads as submitted, with no verdict on any
// document and no correction window.
func (d *Details) heldVerval(p Progress) {
	d.Progress = p
	if p.Status == d.Status {
		return
	}
	d.Status, d.VervalDecidedAt, d.CorrectionUntil = p.Status, nil, nil
	pending := VerdictPending
	for i := range d.Documents {
		if d.Documents[i].VervalStatus != nil {
			d.Documents[i].VervalStatus, d.Documents[i].VervalReason, d.Documents[i].VervalNote = &pending, nil, nil
		}
	}
}
