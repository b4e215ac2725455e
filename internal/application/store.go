package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/audit"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/storage"
)

// Store reads and writes applications. Uploaded files live in files, under
// "applications/<random name>".
type Store struct {
	db      database.DB
	cohorts *cohort.Store
	files   storage.Store
	letter  mail.Letter // mails from the catalogues (WithLetter)
}

// NewStore returns a Store on db, keeping uploaded files in files.
func NewStore(db database.DB, files storage.Store) *Store {
	return &Store{db: db, cohorts: cohort.NewStore(db), files: files}
}

// fileKey is the storage key of a stored document.
func fileKey(storageName string) string { return "applications/" + path.Base(storageName) }

// WithTx returns the store bound to tx (its cohort store too): every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db, c.cohorts = tx, s.cohorts.WithTx(tx)
	return &c
}

// Mine returns the teacher's applications keyed by cohort id.
func (s *Store) Mine(ctx context.Context, userID int64) (map[int64]Application, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+appCols+` FROM applications WHERE user_id = $1`, userID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Application])
	m := map[int64]Application{}
	for _, a := range list {
		m[a.CohortID] = a
	}
	return m, err
}

// Start creates the teacher's draft application to the cohort, or returns the one they have
// (reopening it when they had withdrawn). Eligibility is checked again here.
func (s *Store) Start(ctx context.Context, actor audit.Actor, userID int64, roles []account.Role, cohortID int64, now time.Time) (int64, error) {
	cfg, err := s.cohorts.Config(ctx, cohortID)
	if err != nil {
		return 0, err
	}
	var id int64
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var st Status
		err := tx.QueryRow(ctx, `SELECT id, status FROM applications WHERE cohort_id = $1 AND user_id = $2 FOR UPDATE`, cohortID, userID).Scan(&id, &st)
		if err == nil && st != StatusWithdrawn {
			return nil
		}
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		p, err := profileQ(ctx, tx, userID)
		if err != nil {
			return err
		}
		if f := cohort.Eligibility(cfg, p.Applicant(roles), now); len(f) > 0 {
			return ErrNotEligible
		}
		if id != 0 {
			_, err = tx.Exec(ctx, `UPDATE applications SET status = 'draft', submitted_at = NULL, withdrawn_at = NULL, updated_at = now() WHERE id = $1`, id)
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (cohort_id, user_id) DO NOTHING RETURNING id`,
			cohortID, userID, p.Name, p.NPSN, p.RegencyCode, p.ProvinceCode, p.Jenjang).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) { // a concurrent start won
			return tx.QueryRow(ctx, `SELECT id FROM applications WHERE cohort_id = $1 AND user_id = $2`, cohortID, userID).Scan(&id)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.start", ObjectType: "application", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"cohort": cohortID}})
	})
	return id, err
}

// Own returns the application when it belongs to userID (ErrNotFound otherwise).
func (s *Store) Own(ctx context.Context, userID, id int64) (Application, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+appCols+` FROM applications WHERE id = $1 AND user_id = $2`, id, userID)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application])
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	return a, err
}

// Details returns the teacher's own application with everything in it, as the teacher may see
// it: the application with where it stands in one statement (a verval outcome whose mail is
// still held in the review outbox is not shown, heldVerval), its cohort's configuration, its
// parts in one statement.
func (s *Store) Details(ctx context.Context, userID, id int64) (Details, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+prefixed("a.", appCols)+`, `+myProgressFacts+`
		FROM applications a `+ProgressJoin+` WHERE a.id = $1 AND a.user_id = $2`, id, userID)
	type row struct {
		Application
		MyStatus Status `db:"my_status"`
		progressFacts
	}
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[row])
	if errors.Is(err, pgx.ErrNoRows) {
		return Details{}, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return Details{}, err
	}
	d, err := s.detailsWith(ctx, x.Application, x.progress(x.Status))
	d.heldVerval(x.progress(x.MyStatus))
	return d, err
}

// details loads everything in a: its progress, then what detailsWith reads; on a store bound
// with WithTx it reads through the transaction.
func (s *Store) details(ctx context.Context, a Application) (Details, error) {
	ps, err := progressesQ(ctx, s.db, []int64{a.ID})
	if err != nil {
		return Details{Application: a}, err
	}
	return s.detailsWith(ctx, a, ps[a.ID])
}

// detailsWith loads the cohort's configuration (kept in memory during registration, see
// cohort.Store.ConfigKept; read through the transaction on a store bound with WithTx) and the
// parts (one statement) of a, whose progress is p.
func (s *Store) detailsWith(ctx context.Context, a Application, p Progress) (Details, error) {
	d := Details{Application: a, Progress: p}
	var err error
	if d.Cohort, err = s.cohorts.ConfigKept(ctx, a.CohortID); err != nil {
		return d, err
	}
	if err := partsQ(ctx, s.db, &d); err != nil {
		return d, err
	}
	return d, nil
}

// jsonTime renders a timestamptz expression for a JSON aggregate in the form
// encoding/json reads (RFC 3339 in UTC, to the microsecond as stored).
func jsonTime(expr string) string {
	return `to_char(` + expr + ` AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}

// partsSQL reads the parts of application $1 of cohort $2 by teacher $3 in one row: the
// profile, CV entries, essays with their questions, documents with their uploads, and the
// consent, each as JSON with the Go field names as keys (what was five statements).
var partsSQL = `SELECT
	(SELECT json_build_object('UserID', u.id, 'Name', u.name, 'Email', u.email, 'NIK', p.nik, 'NUPTK', p.nuptk,
			'BirthDate', to_char(p.birth_date, 'YYYY-MM-DD"T00:00:00Z"'), 'Gender', p.gender, 'NPSN', p.npsn, 'SchoolName', sc.name,
			'RegencyCode', sc.regency_code, 'RegencyName', r.name, 'ProvinceCode', r.province_code, 'Jenjang', p.jenjang,
			'Subject', p.subject, 'EmploymentStatus', p.employment_status, 'YearsTeaching', p.years_teaching, 'Education', p.education)
		FROM teacher_profiles p JOIN users u ON u.id = p.user_id JOIN schools sc ON sc.npsn = p.npsn
		JOIN regencies r ON r.code = sc.regency_code WHERE p.user_id = $3) AS profile,
	(SELECT coalesce(json_agg(json_build_object('ID', id, 'Section', section, 'Title', title, 'Organisation', organisation,
			'YearFrom', year_from, 'YearTo', year_to, 'Description', description) ORDER BY id), '[]')
		FROM application_cv_entries WHERE application_id = $1) AS cv,
	(SELECT coalesce(json_agg(json_build_object('ID', q.id, 'GroupName', q.group_name, 'Position', q.position, 'Prompt', q.prompt,
			'MinChars', q.min_chars, 'MaxChars', q.max_chars, 'Body', coalesce(e.body, ''), 'UpdatedAt', ` + jsonTime("e.updated_at") + `)
			ORDER BY q.position, q.id), '[]')
		FROM essay_questions q LEFT JOIN application_essays e ON e.question_id = q.id AND e.application_id = $1
		WHERE q.cohort_id = $2) AS essays,
	(SELECT coalesce(json_agg(json_build_object('ID', r.id, 'Position', r.position, 'Name', r.name, 'Guidance', r.guidance,
			'Required', r.required, 'MaxBytes', r.max_bytes, 'UploadID', d.id, 'OriginalName', d.original_name, 'SizeBytes', d.size_bytes,
			'SHA256', d.sha256, 'UploadedAt', ` + jsonTime("d.uploaded_at") + `, 'VervalStatus', d.verval_status,
			'VervalReason', d.verval_reason, 'VervalNote', d.verval_note, 'CorrectedAt', ` + jsonTime("d.corrected_at") + `)
			ORDER BY r.position, r.id), '[]')
		FROM required_documents r LEFT JOIN application_documents d ON d.required_document_id = r.id AND d.application_id = $1
		WHERE r.cohort_id = $2) AS documents,
	(SELECT json_build_object('TextVersion', text_version, 'ConsentedAt', ` + jsonTime("consented_at") + `)
		FROM application_consents WHERE application_id = $1) AS consent`

// partsQ reads the profile, CV, essays, documents and consent of d's application through q
// (partsSQL). Times come back in the local zone, as pgx returns a timestamptz.
func partsQ(ctx context.Context, q database.DB, d *Details) error {
	var profile, cv, essays, docs, consent []byte
	if err := q.QueryRow(ctx, partsSQL, d.ID, d.CohortID, d.UserID).Scan(&profile, &cv, &essays, &docs, &consent); err != nil {
		return err
	}
	d.Profile, d.Consent = nil, nil
	for _, part := range []struct {
		raw []byte
		dst any
	}{{profile, &d.Profile}, {cv, &d.CV}, {essays, &d.Essays}, {docs, &d.Documents}, {consent, &d.Consent}} {
		if part.raw == nil {
			continue
		}
		if err := json.Unmarshal(part.raw, part.dst); err != nil {
			return fmt.Errorf("application %d parts: %w", d.ID, err)
		}
	}
	local := func(t *time.Time) {
		if t != nil {
			*t = t.Local()
		}
	}
	for i := range d.Essays {
		local(d.Essays[i].UpdatedAt)
	}
	for i := range d.Documents {
		local(d.Documents[i].UploadedAt)
		local(d.Documents[i].CorrectedAt)
	}
	if d.Consent != nil {
		local(&d.Consent.ConsentedAt)
	}
	return nil
}

func documentsQ(ctx context.Context, q database.DB, a Application) ([]Document, error) {
	rows, _ := q.Query(ctx, `SELECT r.id, r.position, r.name, r.guidance, r.required, r.max_bytes,
		d.id AS upload_id, d.original_name, d.size_bytes, d.sha256, d.uploaded_at, d.verval_status, d.verval_reason, d.verval_note, d.corrected_at
		FROM required_documents r LEFT JOIN application_documents d ON d.required_document_id = r.id AND d.application_id = $2
		WHERE r.cohort_id = $1 ORDER BY r.position, r.id`, a.CohortID, a.ID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Document])
}

// locked is an application row locked for a write, with what the writers need besides: its
// cohort's stage and registration window (EditError, WithdrawError), the cohort's name,
// number and program kind (the receipt), and the applicant's language (mails).
type locked struct {
	Application
	CohortStatus cohort.Status `db:"cohort_status"`
	OpensAt      time.Time     `db:"registration_opens_at"`
	ClosesAt     time.Time     `db:"registration_closes_at"`
	CohortName   string        `db:"cohort_name"`
	CohortNumber int           `db:"cohort_number"`
	ProgramKind  string        `db:"program_kind"`
	Language     string        `db:"language"`
}

// cohortWindow is the part of the cohort the edit and withdrawal rules read.
func (l locked) cohortWindow() cohort.Cohort {
	return cohort.Cohort{ID: l.CohortID, Name: l.CohortName, Number: l.CohortNumber, ProgramKind: l.ProgramKind,
		Status: l.CohortStatus, RegistrationOpensAt: l.OpensAt, RegistrationClosesAt: l.ClosesAt}
}

// lockSQL locks application $1 of teacher $2 and reads it with its cohort and the
// applicant's language (the columns of locked), as a statement or a CTE of one.
var lockSQL = `SELECT ` + prefixed("a.", appCols) + `, c.status AS cohort_status, c.registration_opens_at, c.registration_closes_at,
		c.name AS cohort_name, c.number AS cohort_number, c.program_kind, u.language
	FROM applications a JOIN cohorts c ON c.id = a.cohort_id JOIN users u ON u.id = a.user_id
	WHERE a.id = $1 AND a.user_id = $2 FOR UPDATE OF a`

// lock locks the teacher's application inside tx and reads it with its cohort and the
// applicant's language, in one statement (ErrNotFound for another's).
func lock(ctx context.Context, tx pgx.Tx, userID, id int64) (locked, error) {
	rows, _ := tx.Query(ctx, lockSQL, id, userID)
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[locked])
	if errors.Is(err, pgx.ErrNoRows) {
		return x, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	return x, err
}

// editable locks the teacher's draft application inside tx and checks the registration window
// (EditError), in one statement: the application row locked, with its cohort's stage and window.
func (s *Store) editable(ctx context.Context, tx pgx.Tx, userID, id int64, now time.Time) (locked, error) {
	x, err := lock(ctx, tx, userID, id)
	if err != nil {
		return x, err
	}
	return x, EditError(x.Application, x.cohortWindow(), now)
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = p + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
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
