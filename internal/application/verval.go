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

// AssignEvenly gives each application the assessor with the least work among those whose scope
// covers its kabupaten/kota and who do not teach at the applicant's school (ties: lowest id).
// Applications no assessor may take are left out. It does not change the inputs.
func AssignEvenly(apps []Pending, assessors []Assessor) map[int64]int64 {
	load := map[int64]int{}
	as := slices.Clone(assessors)
	sort.Slice(as, func(i, j int) bool { return as[i].UserID < as[j].UserID })
	for _, a := range as {
		load[a.UserID] = a.Load
	}
	out := map[int64]int64{}
	for _, app := range apps {
		best := int64(0)
		for _, a := range as {
			if !a.Covers(app.RegencyCode) || (a.NPSN != "" && a.NPSN == app.NPSN) {
				continue
			}
			if best == 0 || load[a.UserID] < load[best] {
				best = a.UserID
			}
		}
		if best != 0 {
			out[app.ID] = best
			load[best]++
		}
	}
	return out
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

// AutoAssign assigns every submitted, unassigned application of the cohort evenly and returns
// how many were assigned and how many are left without an assessor.
func (s *Store) AutoAssign(ctx context.Context, actor audit.Actor, cohortID int64) (assigned, left int, err error) {
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200100, $1::int)`, cohortID); err != nil {
			return err
		}
		as, err := s.WithTx(tx).Assessors(ctx, cohortID)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT a.id, a.regency_code, a.npsn FROM applications a
			WHERE a.cohort_id = $1 AND a.status = 'submitted'
			AND NOT EXISTS (SELECT 1 FROM verval_assignments va WHERE va.application_id = a.id) ORDER BY a.id`, cohortID)
		pending, err := pgx.CollectRows(rows, pgx.RowToStructByName[Pending])
		if err != nil {
			return err
		}
		m := AssignEvenly(pending, as)
		ids := make([]int64, 0, len(m))
		who := make([]int64, 0, len(m))
		for app, asr := range m {
			ids, who = append(ids, app), append(who, asr)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO verval_assignments (application_id, assessor_id, assigned_by)
			SELECT * , $3::bigint FROM unnest($1::bigint[], $2::bigint[]) ON CONFLICT DO NOTHING`, ids, who, database.NullID(actor.UserID)); err != nil {
			return err
		}
		assigned, left = len(m), len(pending)-len(m)
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.auto_assign", ObjectType: "cohort", ObjectID: strconv.FormatInt(cohortID, 10),
			Detail: map[string]any{"assigned": assigned, "left": left}})
	})
	return assigned, left, err
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
			ON CONFLICT (application_id) DO UPDATE SET assessor_id = EXCLUDED.assessor_id, assigned_by = EXCLUDED.assigned_by, assigned_at = now()`,
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
		m.To, m.Held, m.Outcome = email, true, string(outcome)
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "verval.finish", ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10),
			Detail: map[string]any{"outcome": outcome, "invalid": invalid}})
	})
	return outcome, err
}
