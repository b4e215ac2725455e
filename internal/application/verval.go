package application

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// Assessor is an assessor who can take verval work, with the region they serve and their load.
type Assessor struct {
	UserID        int64    `db:"user_id"`
	Name          string   `db:"name"`
	Email         string   `db:"email"`
	NPSN          string   `db:"npsn"`
	ProvinceCodes []string `db:"province_codes"`
	RegencyCodes  []string `db:"regency_codes"`
	National      bool     `db:"national"`
	Load          int      `db:"load"`
}

// Covers reports whether the assessor's scope includes the kabupaten/kota.
func (a Assessor) Covers(regencyCode string) bool {
	return a.National || slices.Contains(a.RegencyCodes, regencyCode) || slices.Contains(a.ProvinceCodes, regencyCode[:2])
}

// Pending is an application waiting for a verval assessor.
type Pending struct {
	ID          int64  `db:"id"`
	RegencyCode string `db:"regency_code"`
	NPSN        string `db:"npsn"`
}

// Reasons an application is left without a verval assessor.
const (
	NoAssessorInScope = "no_scope"   // no assessor's scope covers its kabupaten/kota
	OnlyOwnSchool     = "own_school" // the only assessors covering it teach at its school
)

// Unassigned is an application a plan leaves without an assessor, and why.
type Unassigned struct {
	ID     int64
	Reason string
}

// VervalPlan is what an automatic verval assignment would do: the assessor of each
// application, how many each assessor gets, how many times an assessor was passed over because
// they teach at the applicant's school, and who is left and why.
type VervalPlan struct {
	Assign           map[int64]int64
	PerAssessor      map[int64]int
	ConflictsAvoided int
	Unassigned       []Unassigned
}

// PlanEvenly gives each application the assessor with the least work among those whose scope
// covers its kabupaten/kota and who do not teach at the applicant's school (ties: lowest id).
// It does not change the inputs.
func PlanEvenly(apps []Pending, assessors []Assessor) VervalPlan {
	load := map[int64]int{}
	as := slices.Clone(assessors)
	sort.Slice(as, func(i, j int) bool { return as[i].UserID < as[j].UserID })
	for _, a := range as {
		load[a.UserID] = a.Load
	}
	p := VervalPlan{Assign: map[int64]int64{}, PerAssessor: map[int64]int{}}
	for _, app := range apps {
		best := int64(0)
		conflict := false
		for _, a := range as {
			if !a.Covers(app.RegencyCode) {
				continue
			}
			if a.NPSN != "" && a.NPSN == app.NPSN {
				conflict = true
				continue
			}
			if best == 0 || load[a.UserID] < load[best] {
				best = a.UserID
			}
		}
		if conflict {
			p.ConflictsAvoided++
		}
		switch {
		case best != 0:
			p.Assign[app.ID] = best
			p.PerAssessor[best]++
			load[best]++
		case conflict:
			p.Unassigned = append(p.Unassigned, Unassigned{ID: app.ID, Reason: OnlyOwnSchool})
		default:
			p.Unassigned = append(p.Unassigned, Unassigned{ID: app.ID, Reason: NoAssessorInScope})
		}
	}
	return p
}

// AssignEvenly is PlanEvenly's assignment: application → assessor; applications no assessor
// may take are left out.
func AssignEvenly(apps []Pending, assessors []Assessor) map[int64]int64 {
	return PlanEvenly(apps, assessors).Assign
}

// Assessors returns the active assessors with their scope and current verval load in the cohort.
func (s *Store) Assessors(ctx context.Context, cohortID int64) ([]Assessor, error) {
	rows, _ := s.db.Query(ctx, `SELECT u.id AS user_id, u.name, u.email, coalesce(tp.npsn, '') AS npsn,
		coalesce(array_agg(DISTINCT g.province_code) FILTER (WHERE g.province_code IS NOT NULL AND g.regency_code IS NULL), '{}') AS province_codes,
		coalesce(array_agg(DISTINCT g.regency_code) FILTER (WHERE g.regency_code IS NOT NULL), '{}') AS regency_codes,
		bool_or(g.province_code IS NULL) AS national,
		(SELECT count(*) FROM verval_assignments va JOIN applications a ON a.id = va.application_id
			WHERE va.assessor_id = u.id AND a.cohort_id = $1)::int AS load
		FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN teacher_profiles tp ON tp.user_id = u.id
		WHERE g.role = 'asesor' AND g.revoked_at IS NULL AND u.disabled_at IS NULL
		GROUP BY u.id, u.name, u.email, tp.npsn ORDER BY u.id`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Assessor])
}

// vervalInput is what an automatic assignment of a cohort works on: the assessors with their
// load and the submitted applications without an assessor.
func (s *Store) vervalInput(ctx context.Context, cohortID int64) ([]Assessor, []Pending, error) {
	as, err := s.Assessors(ctx, cohortID)
	if err != nil {
		return nil, nil, err
	}
	rows, _ := s.db.Query(ctx, `SELECT a.id, a.regency_code, a.npsn FROM applications a
		WHERE a.cohort_id = $1 AND a.status = 'submitted'
		AND NOT EXISTS (SELECT 1 FROM verval_assignments va WHERE va.application_id = a.id) ORDER BY a.id`, cohortID)
	pending, err := pgx.CollectRows(rows, pgx.RowToStructByName[Pending])
	return as, pending, err
}

// AutoAssign assigns every submitted, unassigned application of the cohort evenly, as one
// batch (undone whole with UndoVervalBatch while unstarted), and returns how many were
// assigned and how many are left without an assessor.
func (s *Store) AutoAssign(ctx context.Context, actor audit.Actor, cohortID int64) (assigned, left int, err error) {
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200100, $1::int)`, cohortID); err != nil {
			return err
		}
		as, pending, err := s.WithTx(tx).vervalInput(ctx, cohortID)
		if err != nil {
			return err
		}
		m := AssignEvenly(pending, as)
		assigned, left = len(m), len(pending)-len(m)
		if assigned == 0 {
			return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.auto_assign", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
				Detail: map[string]any{"assigned": 0, "left": left}})
		}
		var batch int64
		if err := tx.QueryRow(ctx, `INSERT INTO verval_batches (cohort_id, assignments, created_by) VALUES ($1, $2, $3) RETURNING id`,
			cohortID, assigned, database.NullID(actor.UserID)).Scan(&batch); err != nil {
			return err
		}
		ids := make([]int64, 0, len(m))
		who := make([]int64, 0, len(m))
		for app, asr := range m {
			ids, who = append(ids, app), append(who, asr)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verval_assignments (application_id, assessor_id, assigned_by, batch_id)
			SELECT a, w, $3::bigint, $4::bigint FROM unnest($1::bigint[], $2::bigint[]) AS t(a, w) ON CONFLICT DO NOTHING`,
			ids, who, database.NullID(actor.UserID), batch); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.auto_assign", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"assigned": assigned, "left": left, "batch_id": batch}})
	})
	return assigned, left, err
}

// VervalPreview is a dry run of the automatic verval assignment, with names.
type VervalPreview struct {
	Plan VervalPlan
	// Assessors are every active assessor with their current load and planned new work.
	Assessors []Assessor
	// Numbers are the registration numbers of the unassigned applications.
	Numbers map[int64]string
}

// PreviewAutoAssign computes what AutoAssign would do now, storing nothing.
func (s *Store) PreviewAutoAssign(ctx context.Context, cohortID int64) (VervalPreview, error) {
	p := VervalPreview{Numbers: map[int64]string{}}
	as, pending, err := s.vervalInput(ctx, cohortID)
	if err != nil {
		return p, err
	}
	p.Plan, p.Assessors = PlanEvenly(pending, as), as
	un := make([]int64, len(p.Plan.Unassigned))
	for i, u := range p.Plan.Unassigned {
		un[i] = u.ID
	}
	rows, _ := s.db.Query(ctx, `SELECT id, coalesce(registration_number, '') FROM applications WHERE id = ANY($1)`, un)
	var id int64
	var number string
	_, err = pgx.ForEachRow(rows, []any{&id, &number}, func() error { p.Numbers[id] = number; return nil })
	return p, err
}

// VervalBatch is one committed automatic verval assignment.
type VervalBatch struct {
	ID          int64      `db:"id"`
	Assignments int        `db:"assignments"`
	CreatedAt   time.Time  `db:"created_at"`
	UndoneAt    *time.Time `db:"undone_at"`
	// Started counts the batch's applications with a document decided or verval finished.
	Started int `db:"started"`
}

// startedSQL is true for an assignment va whose verval has begun: a document decided by its
// assessor, or the application no longer waiting for verval.
const startedSQL = `(a.status <> 'submitted' OR EXISTS (SELECT 1 FROM application_documents d JOIN verval_decisions vd ON vd.document_id = d.id
	WHERE d.application_id = va.application_id AND vd.assessor_id = va.assessor_id))`

// VervalBatches lists a cohort's verval batches, newest first.
func (s *Store) VervalBatches(ctx context.Context, cohortID int64) ([]VervalBatch, error) {
	rows, _ := s.db.Query(ctx, `SELECT b.id, b.assignments, b.created_at, b.undone_at,
			(SELECT count(*) FROM verval_assignments va JOIN applications a ON a.id = va.application_id
				WHERE va.batch_id = b.id AND `+startedSQL+`)::int AS started
		FROM verval_batches b WHERE b.cohort_id = $1 ORDER BY b.id DESC LIMIT 50`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[VervalBatch])
}

// ErrBatchStarted is returned (with database.ErrConflict) when a verval batch cannot be undone:
// one of its applications has been started, or the batch is undone already.
var ErrBatchStarted = fmt.Errorf("verval batch started or undone: %w", database.ErrConflict)

// UndoVervalBatch removes every assignment of a batch of the cohort (those still in it: an
// application moved by hand since has left the batch), restoring the assignment as it was
// before the batch, while none of them has been started; audited. Serialised with AutoAssign.
func (s *Store) UndoVervalBatch(ctx context.Context, actor audit.Actor, cohortID, batchID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200100, $1::int)`, cohortID); err != nil {
			return err
		}
		var undone bool
		err := tx.QueryRow(ctx, `SELECT undone_at IS NOT NULL FROM verval_batches WHERE id = $1 AND cohort_id = $2 FOR UPDATE`, batchID, cohortID).Scan(&undone)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("verval batch %d: %w", batchID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var started int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM verval_assignments va JOIN applications a ON a.id = va.application_id
			WHERE va.batch_id = $1 AND `+startedSQL, batchID).Scan(&started); err != nil {
			return err
		}
		if undone || started > 0 {
			return fmt.Errorf("verval batch %d (undone %v, started %d): %w", batchID, undone, started, ErrBatchStarted)
		}
		tag, err := tx.Exec(ctx, `DELETE FROM verval_assignments WHERE batch_id = $1`, batchID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE verval_batches SET undone_at = now(), undone_by = $2 WHERE id = $1`, batchID, database.NullID(actor.UserID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.assign.undo", ObjectType: "verval_batch", ObjectID: strconv.FormatInt(batchID, 10),
			Detail: map[string]any{"cohort_id": cohortID, "assignments": tag.RowsAffected()}})
	})
}

// MoveFilter chooses the verval assignments of a cohort to move at once: those of one assessor,
// optionally only in one kabupaten/kota. Only unstarted ones move.
type MoveFilter struct {
	From        int64
	RegencyCode string // "" for every kabupaten/kota
}

// MoveResult is what a bulk reassignment did.
type MoveResult struct {
	Moved int
	// Skipped are matching assignments not moved: started, or the new assessor teaches at the
	// applicant's school or does not cover its kabupaten/kota.
	Skipped int
}

// ReassignMany moves every unstarted verval assignment of the cohort matching the filter to
// another active assessor in one transaction (audited), skipping those the new assessor may not
// take (own school, outside their scope). Moved assignments leave their batch.
func (s *Store) ReassignMany(ctx context.Context, actor audit.Actor, cohortID int64, f MoveFilter, to int64) (MoveResult, error) {
	var res MoveResult
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200100, $1::int)`, cohortID); err != nil {
			return err
		}
		as, err := s.WithTx(tx).Assessors(ctx, cohortID)
		if err != nil {
			return err
		}
		var target *Assessor
		for i := range as {
			if as[i].UserID == to {
				target = &as[i]
			}
		}
		if target == nil || to == f.From {
			return ErrNoAssessor
		}
		rows, _ := tx.Query(ctx, `SELECT va.application_id, a.regency_code, a.npsn, `+startedSQL+` FROM verval_assignments va
			JOIN applications a ON a.id = va.application_id
			WHERE a.cohort_id = $1 AND va.assessor_id = $2 AND ($3 = '' OR a.regency_code = $3) ORDER BY va.application_id FOR UPDATE OF va`,
			cohortID, f.From, f.RegencyCode)
		var ids []int64
		var app int64
		var regency, npsn string
		var started bool
		if _, err := pgx.ForEachRow(rows, []any{&app, &regency, &npsn, &started}, func() error {
			if started || !target.Covers(regency) || (target.NPSN != "" && target.NPSN == npsn) {
				res.Skipped++
				return nil
			}
			ids = append(ids, app)
			return nil
		}); err != nil {
			return err
		}
		if len(ids) > 0 {
			if _, err := tx.Exec(ctx, `UPDATE verval_assignments SET assessor_id = $2, assigned_by = $3, assigned_at = now(), batch_id = NULL
				WHERE application_id = ANY($1)`, ids, to, database.NullID(actor.UserID)); err != nil {
				return err
			}
		}
		res.Moved = len(ids)
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.reassign_many", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"from": f.From, "to": to, "regency": f.RegencyCode, "moved": res.Moved, "skipped": res.Skipped}})
	})
	return res, err
}

// ErrNoAssessor: the chosen user is not an active assessor, or teaches at the applicant's school.
var ErrNoAssessor = errors.New("not an assessor for this application")

// Assign gives (or moves) one application, by registration number, to an assessor.
func (s *Store) Assign(ctx context.Context, actor audit.Actor, cohortID int64, number string, assessorID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var appID int64
		var npsn string
		err := tx.QueryRow(ctx, `SELECT id, npsn FROM applications WHERE cohort_id = $1 AND registration_number = $2
			AND status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')`, cohortID, strings.TrimSpace(number)).Scan(&appID, &npsn)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("application %q: %w", number, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = $1 AND g.role = 'asesor' AND g.revoked_at IS NULL)
			AND NOT EXISTS (SELECT 1 FROM teacher_profiles tp WHERE tp.user_id = $1 AND tp.npsn = $2)`, assessorID, npsn).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return ErrNoAssessor
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verval_assignments (application_id, assessor_id, assigned_by) VALUES ($1, $2, $3)
			ON CONFLICT (application_id) DO UPDATE SET assessor_id = EXCLUDED.assessor_id, assigned_by = EXCLUDED.assigned_by, assigned_at = now(),
				batch_id = NULL`,
			appID, assessorID, database.NullID(actor.UserID)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.assign", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
			Detail: map[string]any{"assessor": assessorID}})
	})
}

// QueueItem is one application in an assessor's verval queue.
type QueueItem struct {
	ID                 int64      `db:"id"`
	CohortName         string     `db:"cohort_name"`
	RegistrationNumber string     `db:"registration_number"`
	ApplicantName      string     `db:"applicant_name"`
	RegencyName        string     `db:"regency_name"`
	Status             Status     `db:"status"`
	SubmittedAt        time.Time  `db:"submitted_at"`
	Pending            int        `db:"pending"`
	CorrectionUsedAt   *time.Time `db:"correction_used_at"`
}

// Queue returns the assessor's assigned applications, those waiting for verval first.
func (s *Store) Queue(ctx context.Context, assessorID int64) ([]QueueItem, error) {
	rows, _ := s.db.Query(ctx, `SELECT a.id, c.name AS cohort_name, a.registration_number, a.applicant_name, r.name AS regency_name, a.status,
		a.submitted_at, (SELECT count(*) FROM application_documents d WHERE d.application_id = a.id AND d.verval_status = 'pending')::int AS pending,
		a.correction_used_at
		FROM verval_assignments va JOIN applications a ON a.id = va.application_id JOIN cohorts c ON c.id = a.cohort_id
		JOIN regencies r ON r.code = a.regency_code
		WHERE va.assessor_id = $1 AND a.status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')
		ORDER BY (a.status = 'submitted') DESC, a.submitted_at, a.id LIMIT 500`, assessorID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[QueueItem])
}

// ForAssessor returns an application assigned to the assessor, with its documents.
func (s *Store) ForAssessor(ctx context.Context, assessorID, id int64) (Details, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+prefixed("a.", appCols)+` FROM applications a JOIN verval_assignments va ON va.application_id = a.id
		WHERE a.id = $1 AND va.assessor_id = $2 AND a.status IN ('submitted', 'lolos_verval', 'tidak_lolos_verval')`, id, assessorID)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application])
	if errors.Is(err, pgx.ErrNoRows) {
		return Details{}, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return Details{}, err
	}
	return s.details(ctx, a)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// DecisionForm is an assessor's verdict on one document.
type DecisionForm struct {
	Verdict string `form:"verdict"`
	Reason  string `form:"reason"`
	Note    string `form:"note"`
}

// Validate returns the errors of a decision (message keys per field).
func (f DecisionForm) Validate() map[string]string {
	errs := map[string]string{}
	switch f.Verdict {
	case "valid":
	case "invalid":
		if !slices.Contains(VervalReasons, f.Reason) {
			errs["reason"] = "verval.error.reason"
		}
		if f.Reason == "lainnya" && strings.TrimSpace(f.Note) == "" {
			errs["note"] = "verval.error.note"
		}
	default:
		errs["verdict"] = "verval.error.verdict"
	}
	if utf8.RuneCountInString(f.Note) > 1000 {
		errs["note"] = "form.too_long"
	}
	return errs
}

// Decide records an assessor's verdict on one uploaded document of an application assigned to
// them and waiting for verval.
func (s *Store) Decide(ctx context.Context, actor audit.Actor, assessorID, appID, uploadID int64, f DecisionForm, now time.Time) error {
	reason, note := "", strings.TrimSpace(f.Note)
	if f.Verdict == "invalid" {
		reason = f.Reason
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE application_documents d SET verval_status = $4, verval_reason = $5, verval_note = $6, verval_by = $3, verval_at = $7
			FROM applications a, verval_assignments va
			WHERE d.id = $2 AND d.application_id = $1 AND a.id = d.application_id AND a.status = 'submitted'
			AND va.application_id = a.id AND va.assessor_id = $3`, appID, uploadID, assessorID, f.Verdict, reason, note, now)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("document %d: %w", uploadID, database.ErrNotFound)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verval_decisions (document_id, assessor_id, verdict, reason, note, decided_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			uploadID, assessorID, f.Verdict, reason, note, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.decide", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
			Detail: map[string]any{"document": uploadID, "verdict": f.Verdict, "reason": reason}})
	})
}

// WithLetter returns the store writing its mails (receipt, verval result) with l, from the
// catalogues in the recipient's language.
func (s *Store) WithLetter(l mail.Letter) *Store {
	c := *s
	c.letter = l
	return &c
}

// compose writes a mail with the store's letter (mail.Untranslated without one), tagged with
// its kind, language and, for a result, outcome.
func (s *Store) compose(lang, key string, data map[string]any) mail.Message {
	var m mail.Message
	if s.letter != nil {
		m = s.letter(lang, key, data)
	} else {
		m = mail.Untranslated(lang, key, data)
	}
	m.Kind, m.Lang = key, lang
	if o, ok := data["Outcome"].(string); ok {
		m.Outcome = o
	}
	return m
}

// ErrUndecided: some documents have no verdict yet.
var ErrUndecided = errors.New("documents without a verdict")

// Finish closes verval of an application: lolos verval when every document is valid, otherwise
// tidak lolos verval (with a correction window when the cohort has one and it was not used).
// The applicant is told by email.
func (s *Store) Finish(ctx context.Context, actor audit.Actor, assessorID, appID int64, now time.Time) (Status, error) {
	var outcome Status
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var email, name, lang, cohortName string
		var correctionDays int
		var used *time.Time
		err := tx.QueryRow(ctx, `SELECT u.email, u.name, u.language, c.name, c.correction_days, a.correction_used_at FROM applications a
			JOIN verval_assignments va ON va.application_id = a.id JOIN users u ON u.id = a.user_id JOIN cohorts c ON c.id = a.cohort_id
			WHERE a.id = $1 AND va.assessor_id = $2 AND a.status = 'submitted' FOR UPDATE OF a`, appID, assessorID).Scan(&email, &name, &lang, &cohortName, &correctionDays, &used)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("application %d: %w", appID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var pending, invalid int
		if err := tx.QueryRow(ctx, `SELECT count(*) FILTER (WHERE verval_status = 'pending'), count(*) FILTER (WHERE verval_status = 'invalid')
			FROM application_documents WHERE application_id = $1`, appID).Scan(&pending, &invalid); err != nil {
			return err
		}
		if pending > 0 {
			return ErrUndecided
		}
		outcome = StatusLolosVerval
		var until *time.Time
		if invalid > 0 {
			outcome = StatusTidakLolosVerval
			if correctionDays > 0 && used == nil {
				t := now.Add(time.Duration(correctionDays) * 24 * time.Hour)
				until = &t
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = $2, verval_decided_at = $3, verval_decided_by = $4, correction_until = $5,
			updated_at = now() WHERE id = $1`, appID, outcome, now, assessorID, until); err != nil {
			return err
		}
		// Held in the review outbox: the applicant hears of the outcome once the national admin
		// has released the verval mails.
		m := s.compose(lang, "application.mail.verval", map[string]any{"Name": name, "Cohort": cohortName, "Passed": outcome == StatusLolosVerval})
		m.To, m.Held, m.Outcome, m.Ref = email, true, string(outcome), mail.DecisionRef("verval", appID)
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.finish", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
			Detail: map[string]any{"outcome": outcome, "invalid": invalid}})
	})
	return outcome, err
}

// TargetRegency is a kabupaten/kota of a cohort, for a filter.
type TargetRegency struct {
	Code string `db:"code"`
	Name string `db:"name"`
}

// TargetRegencies lists the cohort's target kabupaten/kota by name.
func (s *Store) TargetRegencies(ctx context.Context, cohortID int64) ([]TargetRegency, error) {
	rows, _ := s.db.Query(ctx, `SELECT r.code, r.name FROM cohort_regencies cr JOIN regencies r ON r.code = cr.regency_code
		WHERE cr.cohort_id = $1 ORDER BY r.name`, cohortID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[TargetRegency])
}
