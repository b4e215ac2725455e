package selection

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/filecheck"
	"penggerak/internal/mail"
	"penggerak/internal/token"
)

// AppealStatus is where an appeal stands.
type AppealStatus string

// Appeal statuses: filed, rejected (with a reason), upheld (re-scoring by a new assessor), and
// done (a correction run was made from the re-score).
const (
	AppealFiled    AppealStatus = "diajukan"
	AppealRejected AppealStatus = "ditolak"
	AppealUpheld   AppealStatus = "diterima"
	AppealDone     AppealStatus = "selesai"
)

// MaxAppealPDF bounds the optional PDF of an appeal.
const MaxAppealPDF = 5 << 20

// Errors of the appeal flow (each also wraps database.ErrConflict).
var (
	// ErrAppealClosed: the window of the latest publication has closed, or the run is not the
	// latest published one of its cohort.
	ErrAppealClosed = errors.New("selection: the appeal window is closed")
	// ErrAppealExists: the application already has an appeal for that stage.
	ErrAppealExists = errors.New("selection: an appeal for this stage exists")
	// ErrNotAppealable: the outcome is lulus, or the stage is not part of the run.
	ErrNotAppealable = errors.New("selection: this result cannot be appealed")
	// ErrAppealDecided: the appeal is not in the status the action needs.
	ErrAppealDecided = errors.New("selection: the appeal is already decided")
	// ErrRescorePending: the re-score of an upheld appeal is not submitted yet.
	ErrRescorePending = errors.New("selection: the re-score is not submitted yet")
)

// Letter writes a mail in the recipient's language from the message catalogue: key names the
// message (its subject and body), data fills it in.
type Letter = mail.Letter

// Appeal is an appeal with what the queue shows of it.
type Appeal struct {
	ID                 int64        `db:"id"`
	RunID              int64        `db:"run_id"`
	ApplicationID      int64        `db:"application_id"`
	CohortID           int64        `db:"cohort_id"`
	CohortName         string       `db:"cohort_name"`
	RegistrationNumber string       `db:"registration_number"`
	ApplicantName      string       `db:"applicant_name"`
	RegencyCode        string       `db:"regency_code"`
	RegencyName        string       `db:"regency_name"`
	ProvinceCode       string       `db:"province_code"`
	Stage              Stage        `db:"stage"`
	Outcome            Outcome      `db:"outcome"`
	Reason             string       `db:"reason"`
	HasPDF             bool         `db:"has_pdf"`
	FiledAt            time.Time    `db:"filed_at"`
	Status             AppealStatus `db:"status"`
	DecisionReason     string       `db:"decision_reason"`
	DecidedAt          *time.Time   `db:"decided_at"`
	CorrectionRunID    *int64       `db:"correction_run_id"`
	Score              float64      `db:"score"`
	Rank               int          `db:"rank"`
	StageScores        []float64    `db:"stage_scores"`
	RescoreSheetID     *int64       `db:"rescore_sheet_id"`
	RescoreSubmitted   bool         `db:"rescore_submitted"`
	RescoreScore       *float64     `db:"rescore_score"`
	RescoreAssessor    string       `db:"rescore_assessor"`
}

const appealCols = `SELECT ap.id, ap.run_id, ap.application_id, a.cohort_id, c.name AS cohort_name,
		coalesce(a.registration_number, '') AS registration_number, a.applicant_name, a.regency_code, g.name AS regency_name,
		a.province_code, ap.stage, ap.outcome, ap.reason, ap.pdf_storage IS NOT NULL AS has_pdf, ap.filed_at, ap.status,
		coalesce(ap.decision_reason, '') AS decision_reason, ap.decided_at, ap.correction_run_id,
		rr.score::float8 AS score, rr.rank, rr.stage_scores::float8[] AS stage_scores,
		rs.id AS rescore_sheet_id, coalesce(rs.submitted_at IS NOT NULL, false) AS rescore_submitted,
		rs.stage_score::float8 AS rescore_score, coalesce(ru.name, '') AS rescore_assessor
	FROM selection_appeals ap JOIN applications a ON a.id = ap.application_id JOIN cohorts c ON c.id = a.cohort_id
	JOIN regencies g ON g.code = a.regency_code
	JOIN run_results rr ON rr.run_id = ap.run_id AND rr.application_id = ap.application_id
	LEFT JOIN score_sheets rs ON rs.appeal_id = ap.id LEFT JOIN users ru ON ru.id = rs.assessor_id `

// appealsOf lists an application's appeals, oldest first.
func (s *Store) appealsOf(ctx context.Context, appID int64) ([]Appeal, error) {
	rows, _ := s.db.Query(ctx, appealCols+`WHERE ap.application_id = $1 ORDER BY ap.id`, appID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Appeal])
}

// AppealForm is an appeal as the applicant typed it.
type AppealForm struct {
	Stage  string `form:"stage"`
	Reason string `form:"reason"`
}

// Parse checks the stage and the reason (20–4000 characters); errors are message keys per field.
func (f AppealForm) Parse() (Stage, string, map[string]string) {
	errs := map[string]string{}
	st := Stage(f.Stage)
	if !st.Valid() {
		errs["stage"] = "selection.appeal.error.stage"
	}
	reason := strings.TrimSpace(f.Reason)
	if n := utf8.RuneCountInString(reason); n < 20 || n > 4000 {
		errs["reason"] = "selection.appeal.error.reason"
	}
	return st, reason, errs
}

// CheckAppealPDF applies the shared upload check to an appeal's optional PDF (nil is fine).
func CheckAppealPDF(pdf []byte) error {
	if pdf == nil {
		return nil
	}
	return filecheck.PDF(pdf, MaxAppealPDF)
}

// FileAppeal files the applicant's appeal against their result in run for stage, before the
// window of the cohort's latest publication closes (now is the server clock). Only tidak lulus
// and cadangan may appeal, once per stage. The optional PDF is stored under dir/appeals with a
// random name. The applicant is mailed a receipt in their language; the filing is audited.
func (s *Store) FileAppeal(ctx context.Context, actor audit.Actor, userID, runID int64, stage Stage, reason string, pdf []byte,
	dir string, now time.Time, letter Letter) (int64, error) {
	if err := CheckAppealPDF(pdf); err != nil {
		return 0, err
	}
	var name, sum *string
	var size *int
	if pdf != nil {
		n, h := token.Hex(16)+".pdf", sha256.Sum256(pdf)
		hs, l := hex.EncodeToString(h[:]), len(pdf)
		name, sum, size = &n, &hs, &l
	}
	var id int64
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var appID, cohortID, latest int64
		var outcome, email, uname, lang string
		var closes time.Time
		var raw []byte
		err := tx.QueryRow(ctx, `SELECT a.id, a.cohort_id, rr.outcome, u.email, u.name, u.language, r.inputs,
				coalesce(rl.released_at, r.published_at) + make_interval(days => c.appeal_days),
				(SELECT max(id) FROM result_runs x WHERE x.cohort_id = a.cohort_id AND x.published_at IS NOT NULL)
			FROM run_results rr JOIN result_runs r ON r.id = rr.run_id JOIN applications a ON a.id = rr.application_id
			JOIN cohorts c ON c.id = a.cohort_id JOIN users u ON u.id = a.user_id LEFT JOIN run_releases rl ON rl.run_id = r.id
			WHERE rr.run_id = $1 AND a.user_id = $2 AND r.published_at IS NOT NULL AND `+RunReleased, runID, userID).
			Scan(&appID, &cohortID, &outcome, &email, &uname, &lang, &raw, &closes, &latest)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("run %d for user %d: %w", runID, userID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if latest != runID || !now.Before(closes) {
			return fmt.Errorf("run %d: %w: %w", runID, ErrAppealClosed, database.ErrConflict)
		}
		stages, err := storedStages(raw)
		if err != nil {
			return err
		}
		if Outcome(outcome) == OutcomeLulus || !slices.ContainsFunc(stages, func(sg StageGrade) bool { return sg.Stage == stage }) {
			return fmt.Errorf("run %d stage %s: %w: %w", runID, stage, ErrNotAppealable, database.ErrConflict)
		}
		err = tx.QueryRow(ctx, `INSERT INTO selection_appeals (run_id, application_id, stage, outcome, reason, pdf_storage, pdf_sha256, pdf_size, filed_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (application_id, stage) DO NOTHING RETURNING id`,
			runID, appID, stage, outcome, reason, name, sum, size, now).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("application %d stage %s: %w: %w", appID, stage, ErrAppealExists, database.ErrConflict)
		}
		if err != nil {
			return err
		}
		if pdf != nil {
			if err := os.MkdirAll(filepath.Join(dir, "appeals"), 0o750); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, "appeals", *name), pdf, 0o640); err != nil {
				return err
			}
		}
		m := letter(lang, "selection.mail.appeal_filed", map[string]any{"Name": uname, "Number": id, "Stage": string(stage)})
		m.To = email
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		detail := map[string]any{"run_id": runID, "application_id": appID, "stage": string(stage), "outcome": outcome, "has_pdf": pdf != nil}
		if sum != nil {
			detail["pdf_sha256"] = *sum
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.appeal.file", ObjectType: "selection_appeal",
			ObjectID: strconv.FormatInt(id, 10), Detail: detail})
	})
	if err != nil && name != nil {
		_ = os.Remove(filepath.Join(dir, "appeals", *name)) // nothing refers to it
	}
	return id, err
}

// appealScope limits appeal queries: national, or the applicants of the given provinces.
const appealScope = ` ($1 OR a.province_code = ANY($2)) `

// Appeals lists the appeals within the filter's provinces (national: all), open ones first.
func (s *Store) Appeals(ctx context.Context, f RegionFilter) ([]Appeal, error) {
	rows, _ := s.db.Query(ctx, appealCols+`WHERE`+appealScope+`ORDER BY ap.status = 'diajukan' DESC, ap.status = 'diterima' DESC, ap.id LIMIT 1000`,
		f.National, database.NonNil(f.Provinces))
	return pgx.CollectRows(rows, pgx.RowToStructByName[Appeal])
}

// AppealSheet is one submitted or open sheet of the appealed stage, without the assessor's name.
type AppealSheet struct {
	Adjudicator bool
	Appeal      bool
	Submitted   bool
	Score       *float64
	Scores      []int
}

// AppealView is an appeal with the stage's sheets and rubric criteria.
type AppealView struct {
	Appeal   Appeal
	Criteria []Criterion
	Sheets   []AppealSheet
	// PassingGrade of the stage in the appealed run.
	PassingGrade float64
}

// LoadAppeal returns an appeal within the filter's provinces (another province's: ErrNotFound).
func (s *Store) LoadAppeal(ctx context.Context, id int64, f RegionFilter) (AppealView, error) {
	var v AppealView
	rows, _ := s.db.Query(ctx, appealCols+`WHERE`+appealScope+`AND ap.id = $3`, f.National, database.NonNil(f.Provinces), id)
	ap, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Appeal])
	if errors.Is(err, pgx.ErrNoRows) {
		return v, fmt.Errorf("appeal %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	v.Appeal = ap
	sr, err := loadRubric(ctx, s.db, ap.CohortID, ap.Stage)
	if err != nil {
		return v, err
	}
	v.Criteria = sr.Rubric.Criteria
	v.PassingGrade = sr.Rubric.PassingGrade
	rows, _ = s.db.Query(ctx, `SELECT adjudicator, appeal_id IS NOT NULL, submitted_at IS NOT NULL, stage_score::float8, coalesce(scores, '{}')
		FROM score_sheets WHERE application_id = $1 AND stage = $2 ORDER BY appeal_id IS NOT NULL, adjudicator, id`, ap.ApplicationID, ap.Stage)
	v.Sheets, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (AppealSheet, error) {
		var sh AppealSheet
		var sc []int32
		err := r.Scan(&sh.Adjudicator, &sh.Appeal, &sh.Submitted, &sh.Score, &sc)
		for _, x := range sc {
			sh.Scores = append(sh.Scores, int(x))
		}
		return sh, err
	})
	return v, err
}

// AppealPDF returns the stored name of an appeal's PDF within the filter's provinces.
func (s *Store) AppealPDF(ctx context.Context, id int64, f RegionFilter) (name string, size int, err error) {
	var n *string
	var sz *int
	err = s.db.QueryRow(ctx, `SELECT ap.pdf_storage, ap.pdf_size FROM selection_appeals ap JOIN applications a ON a.id = ap.application_id
		WHERE`+appealScope+`AND ap.id = $3`, f.National, database.NonNil(f.Provinces), id).Scan(&n, &sz)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && n == nil) {
		return "", 0, fmt.Errorf("appeal %d pdf: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return "", 0, err
	}
	return *n, *sz, nil
}

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
				parts = append(parts, fmt.Sprintf("sanggah #%d (%s): %s", u.id, u.stage, u.reason))
			}
		}
		reason := "Koreksi setelah sanggah diterima — " + strings.Join(parts, "; ")
		if r := []rune(reason); len(r) > 2000 {
			reason = string(r[:1997]) + "…"
		}
		if run, err = createRun(ctx, tx, actor, cohortID, published, reason); err != nil {
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
