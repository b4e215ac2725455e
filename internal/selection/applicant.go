package selection

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/filecheck"
	"penggerak/internal/mail"
	"penggerak/internal/storage"
	"penggerak/internal/token"
)

// CriterionBreakdown is one criterion's mean over the counted assessors, with its weight.
type CriterionBreakdown struct {
	Name   string
	Mean   float64
	Min    int
	Max    int
	Weight float64
}

// Normalised is the mean on 0-100: (mean − min) / (max − min) × 100.
func (c CriterionBreakdown) Normalised() float64 {
	return Round2((c.Mean - float64(c.Min)) * 100 / float64(c.Max-c.Min))
}

// TieRule names the rule that decided between the applicant and someone with the same overall
// score in their kab/kota whose outcome differs.
type TieRule struct {
	// Rule is "first_criterion" or "submission".
	Rule string
	// Mine and Theirs are the first-criterion means (first_criterion) of the applicant and the
	// other; MyTime and TheirTime their submission times (submission).
	Mine, Theirs      float64
	MyTime, TheirTime time.Time
	// Won: the applicant came out ahead.
	Won bool
}

// StageBreakdown is one stage's part of an applicant's result.
type StageBreakdown struct {
	Stage        Stage
	Score        float64
	Scored       bool
	PassingGrade float64
	Weight       float64 // the stage's weight in the overall score
	Criteria     []CriterionBreakdown
}

// Seat is a pembekalan seat.
type Seat struct {
	ID          int64
	Status      string
	ConfirmBy   time.Time
	ConfirmedAt *time.Time
	AttendedAt  *time.Time
	Promoted    bool
}

// Breakdown is an applicant's published result with everything that made it.
type Breakdown struct {
	RunID       int64
	CohortName  string
	RegencyName string
	Outcome     Outcome
	Score       float64
	Rank        int
	Competitors int // applicants ranked in the same kab/kota
	Quota       int
	PublishedAt time.Time
	Stages      []StageBreakdown
	Seat        *Seat
	// Tie, when set, is the tie rule that decided the applicant's outcome against someone with
	// the same overall score.
	Tie          *TieRule
	CorrectionOf *int64
	Reason       string
	Timezone     string // WIB, WITA or WIT of the applicant's province
	// ApplicationID is the application the result is of.
	ApplicationID int64
	// AppealCloses is when the appeal window of this publication closes (server clock).
	AppealCloses time.Time
	// Appeals are the applicant's appeals in this cohort (every run), oldest first.
	Appeals []Appeal
}

// CanAppeal reports whether the applicant may still file an appeal against this result at now
// for stage: tidak lulus or cadangan, the window open, no appeal of that stage yet.
func (b Breakdown) CanAppeal(st Stage, now time.Time) bool {
	if b.Outcome == OutcomeLulus || !now.Before(b.AppealCloses) {
		return false
	}
	for _, a := range b.Appeals {
		if a.Stage == st {
			return false
		}
	}
	return true
}

// AppealStages are the stages the applicant may still appeal at now.
func (b Breakdown) AppealStages(now time.Time) []Stage {
	var out []Stage
	for _, sb := range b.Stages {
		if b.CanAppeal(sb.Stage, now) {
			out = append(out, sb.Stage)
		}
	}
	return out
}

// myResultsSQL selects the published and released results of user $1, one per cohort (for
// MyResults, which orders them, and HasApplicantPage).
var myResultsSQL = `SELECT DISTINCT ON (a.cohort_id) r.id, a.id, a.cohort_id, c.name, g.name, rr.outcome, rr.score::float8, rr.rank,
			(SELECT count(*) FROM run_results x WHERE x.run_id = r.id AND x.regency_code = rr.regency_code)::int,
			coalesce(cr.quota, 0), r.published_at, rr.stage_scores::float8[], r.corrects_run_id, r.reason, pr.timezone,
			coalesce(rl.released_at, r.published_at) + make_interval(days => c.appeal_days)
		FROM applications a JOIN run_results rr ON rr.application_id = a.id JOIN result_runs r ON r.id = rr.run_id
		JOIN cohorts c ON c.id = a.cohort_id JOIN regencies g ON g.code = rr.regency_code JOIN provinces pr ON pr.code = rr.province_code
		LEFT JOIN cohort_regencies cr ON cr.cohort_id = a.cohort_id AND cr.regency_code = rr.regency_code
		LEFT JOIN run_releases rl ON rl.run_id = r.id
		WHERE a.user_id = $1 AND r.published_at IS NOT NULL AND ` + RunReleased

// MyResults returns the applicant's results from the latest published run of each cohort they
// applied to whose mails were released (RunReleased), newest first, with the seat offered to
// them once its offer was released; the appeal window counts from the release.
func (s *Store) MyResults(ctx context.Context, userID int64) ([]Breakdown, error) {
	rows, _ := s.db.Query(ctx, myResultsSQL+`
		ORDER BY a.cohort_id DESC, r.published_at DESC, r.id DESC`, userID)
	type head struct {
		b       Breakdown
		appID   int64
		cohort  int64
		stScore []float64
		runAt   time.Time
	}
	var heads []head
	var h head
	var outcome string
	_, err := pgx.ForEachRow(rows, []any{&h.b.RunID, &h.appID, &h.cohort, &h.b.CohortName, &h.b.RegencyName, &outcome, &h.b.Score, &h.b.Rank,
		&h.b.Competitors, &h.b.Quota, &h.b.PublishedAt, &h.stScore, &h.b.CorrectionOf, &h.b.Reason, &h.b.Timezone, &h.b.AppealCloses}, func() error {
		h.b.Outcome = Outcome(outcome)
		h.b.ApplicationID = h.appID
		c := h
		c.stScore = append([]float64(nil), h.stScore...)
		heads = append(heads, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Breakdown, 0, len(heads))
	for _, h := range heads {
		var inputs []byte
		if err := s.db.QueryRow(ctx, `SELECT inputs, created_at FROM result_runs WHERE id = $1`, h.b.RunID).Scan(&inputs, &h.runAt); err != nil {
			return nil, err
		}
		stages, err := storedStages(inputs)
		if err != nil {
			return nil, err
		}
		for k, sg := range stages {
			sb := StageBreakdown{Stage: sg.Stage, PassingGrade: sg.PassingGrade, Weight: sg.Weight}
			if k < len(h.stScore) && h.stScore[k] >= 0 {
				sb.Score, sb.Scored = h.stScore[k], true
			}
			sr, err := loadRubric(ctx, s.db, h.cohort, sg.Stage)
			if err != nil {
				return nil, err
			}
			finals, err := stageFinalsOf(ctx, s, h.appID, sg.Stage, sr.Rubric, h.runAt)
			if err != nil {
				return nil, err
			}
			for i, c := range sr.Rubric.Criteria {
				cb := CriterionBreakdown{Name: c.Name, Min: c.Min, Max: c.Max, Weight: c.Weight}
				if i < len(finals.CriterionMeans) {
					cb.Mean = finals.CriterionMeans[i]
				}
				sb.Criteria = append(sb.Criteria, cb)
			}
			h.b.Stages = append(h.b.Stages, sb)
		}
		var seat Seat
		var promoted *int64
		err = s.db.QueryRow(ctx, `SELECT ps.id, ps.status, ps.confirm_by, ps.confirmed_at, ps.attended_at, ps.promoted_from
			FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
			WHERE ps.application_id = $1 AND r.cohort_id = $2 AND `+SeatReleased+` ORDER BY ps.id DESC LIMIT 1`, h.appID, h.cohort).
			Scan(&seat.ID, &seat.Status, &seat.ConfirmBy, &seat.ConfirmedAt, &seat.AttendedAt, &promoted)
		if err == nil {
			seat.Promoted = promoted != nil
			h.b.Seat = &seat
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		if h.b.Appeals, err = s.appealsOf(ctx, h.appID); err != nil {
			return nil, err
		}
		if h.b.Tie, err = s.tieOf(ctx, h.b.RunID, h.appID); err != nil {
			return nil, err
		}
		out = append(out, h.b)
	}
	return out, nil
}

// stageFinalsOf is the final of one application in one stage as the run made at runAt saw it:
// sheets submitted later (an appeal's re-score) belong to the correction run, not to this one.
func stageFinalsOf(ctx context.Context, s *Store, appID int64, stage Stage, r Rubric, runAt time.Time) (StageFinal, error) {
	rows, _ := s.db.Query(ctx, `SELECT sh.scores, sh.appeal_id IS NOT NULL FROM score_sheets sh
		WHERE sh.application_id = $1 AND sh.stage = $2 AND sh.submitted_at IS NOT NULL AND sh.submitted_at <= $3
		ORDER BY sh.adjudicator, sh.id`, appID, stage, runAt)
	var sheets [][]int
	var appealSheet []int
	var sc []int32
	var appeal bool
	if _, err := pgx.ForEachRow(rows, []any{&sc, &appeal}, func() error {
		s := make([]int, len(sc))
		for i, v := range sc {
			s[i] = int(v)
		}
		if appeal {
			appealSheet = s
		} else {
			sheets = append(sheets, s)
		}
		return nil
	}); err != nil {
		return StageFinal{}, err
	}
	f, _ := finalOf(r, sheets, appealSheet)
	return f, nil
}

func storedStages(raw []byte) ([]StageGrade, error) {
	var stored struct {
		Stages []struct {
			Stage        string  `json:"stage"`
			PassingGrade float64 `json:"passing_grade"`
			Weight       float64 `json:"weight"`
		} `json:"stages"`
	}
	if err := jsonUnmarshal(raw, &stored); err != nil {
		return nil, err
	}
	out := make([]StageGrade, len(stored.Stages))
	for i, sg := range stored.Stages {
		out[i] = StageGrade{Stage: Stage(sg.Stage), PassingGrade: sg.PassingGrade, Weight: sg.Weight}
	}
	return out, nil
}

// ErrNotPDF is returned when an upload is not a PDF by its content (or is empty).
var ErrNotPDF = errors.New("selection: not a PDF")

// ErrPaktaTooBig is returned when a Pakta Integritas is over MaxPakta bytes.
var ErrPaktaTooBig = errors.New("selection: Pakta Integritas too big")

// MaxPakta bounds the signed Pakta Integritas (a scanned page or two).
const MaxPakta = 5 << 20

// checkPakta applies the shared upload check (filecheck.PDF) to a Pakta Integritas.
func checkPakta(pdf []byte) error {
	switch err := filecheck.PDF(pdf, MaxPakta); {
	case errors.Is(err, filecheck.ErrTooBig):
		return ErrPaktaTooBig
	case err != nil:
		return fmt.Errorf("%w: %w", ErrNotPDF, err)
	}
	return nil
}

// ownSeat locks the applicant's own seat (another's, or one whose offer is not released yet,
// is ErrNotFound).
func ownSeat(ctx context.Context, tx pgx.Tx, userID, seatID int64) (status string, confirmBy time.Time, err error) {
	err = tx.QueryRow(ctx, `SELECT ps.status, ps.confirm_by FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id
		WHERE ps.id = $1 AND a.user_id = $2 AND `+SeatReleased+` FOR UPDATE OF ps`, seatID, userID).Scan(&status, &confirmBy)
	if errors.Is(err, pgx.ErrNoRows) {
		err = fmt.Errorf("seat %d: %w", seatID, database.ErrNotFound)
	}
	return
}

// Confirm confirms participation with the signed Pakta Integritas (a PDF, checked by its magic
// bytes, at most MaxPakta), before the seat's deadline. The file is stored in files under
// "pakta/<random name>" before the transaction, and removed again when it fails.
func (s *Store) Confirm(ctx context.Context, actor audit.Actor, userID, seatID int64, pdf []byte, files storage.Store, now time.Time) error {
	if err := checkPakta(pdf); err != nil {
		return err
	}
	name := token.Hex(16) + ".pdf"
	sum := sha256.Sum256(pdf)
	if err := files.Put(ctx, "pakta/"+name, bytes.NewReader(pdf), int64(len(pdf))); err != nil {
		return fmt.Errorf("store pakta: %w", err)
	}
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, by, err := ownSeat(ctx, tx, userID, seatID)
		if err != nil {
			return err
		}
		if status != "offered" || now.After(by) {
			return fmt.Errorf("seat %d is %s: %w", seatID, status, database.ErrConflict)
		}
		if _, err := tx.Exec(ctx, `UPDATE pembekalan_seats SET status = 'confirmed', confirmed_at = $2, pakta_storage = $3, pakta_sha256 = $4
			WHERE id = $1`, seatID, now, name, hex.EncodeToString(sum[:])); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.seat.confirm", ObjectType: "pembekalan_seat", ObjectID: strconv.FormatInt(seatID, 10),
			Detail: map[string]any{"pakta_sha256": hex.EncodeToString(sum[:])}})
	})
	if err != nil {
		_ = files.Delete(context.WithoutCancel(ctx), "pakta/"+name)
	}
	return err
}

// Decline gives up the applicant's seat; the best cadangan of the same kab/kota moves up.
func (s *Store) Decline(ctx context.Context, actor audit.Actor, userID, seatID int64, now time.Time, baseURL string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, _, err := ownSeat(ctx, tx, userID, seatID)
		if err != nil {
			return err
		}
		if status != "offered" && status != "confirmed" {
			return fmt.Errorf("seat %d is %s: %w", seatID, status, database.ErrConflict)
		}
		return s.free(ctx, tx, actor, seatID, "declined", now, baseURL)
	})
}

// ExpireOverdue frees every released offered seat past its deadline and moves up cadangan (an
// offer still held has no deadline yet). It returns how many seats were freed.
func (s *Store) ExpireOverdue(ctx context.Context, actor audit.Actor, now time.Time, baseURL string) (int, error) {
	var n int
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT id FROM pembekalan_seats ps WHERE status = 'offered' AND confirm_by < $1 AND `+SeatReleased+` ORDER BY id FOR UPDATE`, now)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.free(ctx, tx, actor, id, "expired", now, baseURL); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

// free marks a seat declined or expired and offers a seat to the best cadangan of the same
// kab/kota (in the seat's run) who has no seat yet, by email, to confirm within the cohort's
// confirmation days from now.
func (s *Store) free(ctx context.Context, tx pgx.Tx, actor audit.Actor, seatID int64, status string, now time.Time, baseURL string) error {
	var runID, cohortID int64
	var reg string
	if err := tx.QueryRow(ctx, `UPDATE pembekalan_seats SET status = $2, freed_at = $3 WHERE id = $1
		RETURNING run_id, regency_code, (SELECT cohort_id FROM result_runs WHERE id = run_id)`,
		seatID, status, now).Scan(&runID, &reg, &cohortID); err != nil {
		return err
	}
	prog, err := loadProgram(ctx, tx, cohortID)
	if err != nil {
		return err
	}
	nextConfirmBy := prog.ConfirmBy(now)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200202, hashtext($1))`, reg); err != nil {
		return err
	}
	detail := map[string]any{"status": status}
	var next int64
	var to, name, lang string
	err = tx.QueryRow(ctx, `SELECT rr.application_id, u.email, u.name, u.language FROM run_results rr
		JOIN applications a ON a.id = rr.application_id JOIN users u ON u.id = a.user_id
		WHERE rr.run_id = $1 AND rr.regency_code = $2 AND rr.outcome = 'cadangan'
		AND NOT EXISTS (SELECT 1 FROM pembekalan_seats ps WHERE ps.run_id = rr.run_id AND ps.application_id = rr.application_id)
		ORDER BY rr.rank LIMIT 1`, runID, reg).Scan(&next, &to, &name, &lang)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	default:
		// The offer is held with its mail: its window starts at release (ReleaseMail), so
		// nextConfirmBy is only a placeholder until then and the mail names the days, not a date.
		var seat int64
		if err := tx.QueryRow(ctx, `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, confirm_by, promoted_from)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, runID, next, reg, nextConfirmBy, seatID).Scan(&seat); err != nil {
			return err
		}
		m := s.compose(lang, "selection.mail.promoted", map[string]any{"Name": name, "Days": prog.ConfirmDays})
		m.Ref = mail.DecisionRef("seat", seat)
		m.To = to
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		detail["promoted_application_id"] = next
	}
	return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.seat." + status, ObjectType: "pembekalan_seat", ObjectID: strconv.FormatInt(seatID, 10), Detail: detail})
}

// RecordAttendance records that a confirmed participant attended the briefing: they are now a
// CGP of the cohort.
func (s *Store) RecordAttendance(ctx context.Context, actor audit.Actor, runID, seatID int64, now time.Time) error {
	return s.recordBriefing(ctx, actor, runID, seatID, now, "attended")
}

// RecordAbsence records that a confirmed participant did not come to the briefing: they do
// not become a CGP of the cohort.
func (s *Store) RecordAbsence(ctx context.Context, actor audit.Actor, runID, seatID int64, now time.Time) error {
	return s.recordBriefing(ctx, actor, runID, seatID, now, "absent")
}

// recordBriefing moves a confirmed seat of the run to attended or absent, audited.
// Briefing attendance is recorded only within the cohort's pembekalan dates (*DateError).
func (s *Store) recordBriefing(ctx context.Context, actor audit.Actor, runID, seatID int64, now time.Time, status string) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var cohortID int64
		err := tx.QueryRow(ctx, `SELECT r.cohort_id FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
			WHERE ps.id = $1 AND ps.run_id = $2`, seatID, runID).Scan(&cohortID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("seat %d of run %d: %w", seatID, runID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		prog, err := loadProgram(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if err := checkDates(prog.Pembekalan, "pembekalan", now); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE pembekalan_seats SET status = $4,
				attended_at = CASE WHEN $4 = 'attended' THEN $3::timestamptz ELSE attended_at END
			WHERE id = $1 AND run_id = $2 AND status = 'confirmed'`, seatID, runID, now, status)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("seat %d not confirmed: %w", seatID, database.ErrConflict)
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "selection.seat." + status, ObjectType: "pembekalan_seat", ObjectID: strconv.FormatInt(seatID, 10)})
	})
}

// SeatRow is a seat in the admin's pembekalan list.
type SeatRow struct {
	ID                 int64      `db:"id"`
	RegistrationNumber string     `db:"registration_number"`
	Name               string     `db:"name"`
	RegencyCode        string     `db:"regency_code"`
	RegencyName        string     `db:"regency_name"`
	Status             string     `db:"status"`
	ConfirmBy          time.Time  `db:"confirm_by"`
	Promoted           bool       `db:"promoted"`
	AttendedAt         *time.Time `db:"attended_at"`
}

// Seats lists the pembekalan seats of a run.
func (s *Store) Seats(ctx context.Context, runID int64) ([]SeatRow, error) {
	rows, _ := s.db.Query(ctx, `SELECT ps.id, coalesce(a.registration_number, '') AS registration_number, a.applicant_name AS name,
			ps.regency_code, g.name AS regency_name, ps.status, ps.confirm_by, ps.promoted_from IS NOT NULL AS promoted, ps.attended_at
		FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id JOIN regencies g ON g.code = ps.regency_code
		WHERE ps.run_id = $1 ORDER BY ps.regency_code, ps.id LIMIT 1000`, runID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[SeatRow])
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// CheckSeat returns ErrNotFound unless the seat belongs to the user's application and its offer
// was released.
func (s *Store) CheckSeat(ctx context.Context, userID, seatID int64) error {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id
		WHERE ps.id = $1 AND a.user_id = $2 AND `+SeatReleased+`)`, seatID, userID).Scan(&ok)
	if err == nil && !ok {
		err = fmt.Errorf("seat %d: %w", seatID, database.ErrNotFound)
	}
	return err
}

// Participants lists the applications of a cohort whose applicants attended the briefing: the
// cohort's CGP, for the training feature.
func (s *Store) Participants(ctx context.Context, cohortID int64) ([]int64, error) {
	rows, _ := s.db.Query(ctx, `SELECT ps.application_id FROM pembekalan_seats ps JOIN result_runs r ON r.id = ps.run_id
		WHERE r.cohort_id = $1 AND ps.status = 'attended' ORDER BY ps.application_id`, cohortID)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// tieOf finds the tie rule that decided the applicant's outcome: the best-ranked applicant of the
// same kab/kota in the run with the same overall score and a different outcome, and which rule
// ordered the two (the first criterion, else the earlier submission). nil when no tie decided.
func (s *Store) tieOf(ctx context.Context, runID, appID int64) (*TieRule, error) {
	var t TieRule
	var myRank, theirRank int
	err := s.db.QueryRow(ctx, `SELECT me.first_criterion::float8, me.submitted_at, me.rank, o.first_criterion::float8, o.submitted_at, o.rank
		FROM run_results me JOIN run_results o ON o.run_id = me.run_id AND o.regency_code = me.regency_code
			AND o.score = me.score AND o.outcome <> me.outcome AND o.application_id <> me.application_id
		WHERE me.run_id = $1 AND me.application_id = $2 ORDER BY abs(o.rank - me.rank), o.rank LIMIT 1`, runID, appID).
		Scan(&t.Mine, &t.MyTime, &myRank, &t.Theirs, &t.TheirTime, &theirRank)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t.Won = myRank < theirRank
	t.Rule = "submission"
	if Round2(t.Mine) != Round2(t.Theirs) {
		t.Rule = "first_criterion"
	}
	return &t, nil
}
