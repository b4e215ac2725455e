package application

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/filecheck"
	"penggerak/internal/mail"
	"penggerak/internal/region"
	"penggerak/internal/storage"
)

// Store reads and writes applications. Uploaded files live in files, under
// "applications/<random name>".
type Store struct {
	db      database.DB
	cohorts *cohort.Store
	files   storage.Store
	letter  mail.Letter // mails from the catalogues (WithLetter, in verval.go)
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

// Profile returns the teacher's profile with their school, or nil when they have none yet.
func (s *Store) Profile(ctx context.Context, userID int64) (*Profile, error) {
	return profileQ(ctx, s.db, userID)
}

func profileQ(ctx context.Context, q database.DB, userID int64) (*Profile, error) {
	rows, _ := q.Query(ctx, `SELECT u.id AS user_id, u.name, u.email, p.nik, p.nuptk, p.birth_date, p.gender, p.npsn,
		sc.name AS school_name, sc.regency_code, r.name AS regency_name, r.province_code, p.jenjang, p.subject,
		p.employment_status, p.years_teaching, p.education
		FROM teacher_profiles p JOIN users u ON u.id = p.user_id JOIN schools sc ON sc.npsn = p.npsn
		JOIN regencies r ON r.code = sc.regency_code WHERE p.user_id = $1`, userID)
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Profile])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// Timezone is the teacher's time zone (WIB, WITA, WIT) from their school's province.
func (p *Profile) Timezone() string {
	if p == nil {
		return "WIB"
	}
	return region.Timezone(p.ProvinceCode)
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
func (s *Store) Start(ctx context.Context, actor audit.Actor, userID int64, roles []string, cohortID int64, now time.Time) (int64, error) {
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
// it: a verval outcome whose mail is still held in the review outbox is not shown (heldVerval).
func (s *Store) Details(ctx context.Context, userID, id int64) (Details, error) {
	a, err := s.Own(ctx, userID, id)
	if err != nil {
		return Details{}, err
	}
	d, err := s.details(ctx, a)
	if err != nil {
		return d, err
	}
	ps, err := myProgressesQ(ctx, s.db, userID, []int64{id})
	d.heldVerval(ps[id])
	return d, err
}

// details loads everything in a; on a store bound with WithTx it reads through the transaction.
func (s *Store) details(ctx context.Context, a Application) (Details, error) {
	d := Details{Application: a}
	q := s.db
	var err error
	if d.Cohort, err = s.cohorts.Config(ctx, a.CohortID); err != nil {
		return d, err
	}
	if d.Profile, err = profileQ(ctx, q, a.UserID); err != nil {
		return d, err
	}
	rows, _ := q.Query(ctx, `SELECT id, section, title, organisation, year_from, year_to, description FROM application_cv_entries
		WHERE application_id = $1 ORDER BY id`, a.ID)
	if d.CV, err = pgx.CollectRows(rows, pgx.RowToStructByName[CVEntry]); err != nil {
		return d, err
	}
	rows, _ = q.Query(ctx, `SELECT q.id, q.group_name, q.position, q.prompt, q.min_chars, q.max_chars, coalesce(e.body, '') AS body, e.updated_at
		FROM essay_questions q LEFT JOIN application_essays e ON e.question_id = q.id AND e.application_id = $2
		WHERE q.cohort_id = $1 ORDER BY q.position, q.id`, a.CohortID, a.ID)
	if d.Essays, err = pgx.CollectRows(rows, pgx.RowToStructByName[Essay]); err != nil {
		return d, err
	}
	if d.Documents, err = documentsQ(ctx, q, a); err != nil {
		return d, err
	}
	rows, _ = q.Query(ctx, `SELECT text_version, consented_at FROM application_consents WHERE application_id = $1`, a.ID)
	c, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Consent])
	if err == nil {
		d.Consent = c
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return d, err
	}
	ps, err := progressesQ(ctx, q, []int64{a.ID})
	if err != nil {
		return d, err
	}
	d.Progress = ps[a.ID]
	return d, nil
}

func documentsQ(ctx context.Context, q database.DB, a Application) ([]Document, error) {
	rows, _ := q.Query(ctx, `SELECT r.id, r.position, r.name, r.guidance, r.required, r.max_bytes,
		d.id AS upload_id, d.original_name, d.size_bytes, d.sha256, d.uploaded_at, d.verval_status, d.verval_reason, d.verval_note, d.corrected_at
		FROM required_documents r LEFT JOIN application_documents d ON d.required_document_id = r.id AND d.application_id = $2
		WHERE r.cohort_id = $1 ORDER BY r.position, r.id`, a.CohortID, a.ID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Document])
}

// editable locks the teacher's draft application inside tx and checks the registration window,
// in one statement: the application row locked, with its cohort's stage and window.
func (s *Store) editable(ctx context.Context, tx pgx.Tx, userID, id int64, now time.Time) (Application, error) {
	rows, _ := tx.Query(ctx, `SELECT `+prefixed("a.", appCols)+`, c.status AS cohort_status, c.registration_opens_at, c.registration_closes_at
		FROM applications a JOIN cohorts c ON c.id = a.cohort_id WHERE a.id = $1 AND a.user_id = $2 FOR UPDATE OF a`, id, userID)
	type row struct {
		Application
		CohortStatus cohort.Status `db:"cohort_status"`
		OpensAt      time.Time     `db:"registration_opens_at"`
		ClosesAt     time.Time     `db:"registration_closes_at"`
	}
	x, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[row])
	a := x.Application
	if errors.Is(err, pgx.ErrNoRows) {
		return a, fmt.Errorf("application %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return a, err
	}
	c := cohort.Cohort{Status: x.CohortStatus, RegistrationOpensAt: x.OpensAt, RegistrationClosesAt: x.ClosesAt}
	return a, EditError(a, c, now)
}

// ConfirmProfile records that the teacher checked their profile, refreshing the school and
// region copied onto the application.
func (s *Store) ConfirmProfile(ctx context.Context, userID, id int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		p, err := profileQ(ctx, tx, userID)
		if err != nil {
			return err
		}
		if p == nil {
			return ErrIncomplete
		}
		_, err = tx.Exec(ctx, `UPDATE applications SET profile_confirmed_at = $2, applicant_name = $3, npsn = $4, regency_code = $5,
			province_code = $6, jenjang = $7, updated_at = now() WHERE id = $1`, id, now, p.Name, p.NPSN, p.RegencyCode, p.ProvinceCode, p.Jenjang)
		return err
	})
}

// CVForm is one new CV entry as typed.
type CVForm struct {
	Section      string `form:"section"`
	Title        string `form:"title"`
	Organisation string `form:"organisation"`
	YearFrom     string `form:"year_from"`
	YearTo       string `form:"year_to"`
	Description  string `form:"description"`
}

// Parse validates a CV entry.
func (f CVForm) Parse() (CVEntry, map[string]string) {
	errs := map[string]string{}
	e := CVEntry{Section: f.Section, Title: strings.TrimSpace(f.Title), Organisation: strings.TrimSpace(f.Organisation), Description: strings.TrimSpace(f.Description)}
	valid := false
	for _, s := range CVSections {
		valid = valid || s == f.Section
	}
	if !valid {
		errs["section"] = "form.invalid"
	}
	if n := utf8.RuneCountInString(e.Title); n < 2 || n > 200 {
		errs["title"] = "form.required"
	}
	if utf8.RuneCountInString(e.Organisation) > 200 {
		errs["organisation"] = "form.too_long"
	}
	if utf8.RuneCountInString(e.Description) > 2000 {
		errs["description"] = "form.too_long"
	}
	year := func(field, v string) *int {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1950 || n > 2100 {
			errs[field] = "application.cv.year"
			return nil
		}
		return &n
	}
	e.YearFrom, e.YearTo = year("year_from", f.YearFrom), year("year_to", f.YearTo)
	if e.YearFrom != nil && e.YearTo != nil && *e.YearTo < *e.YearFrom {
		errs["year_to"] = "application.cv.year_order"
	}
	return e, errs
}

// AddCV adds a CV entry.
func (s *Store) AddCV(ctx context.Context, userID, id int64, e CVEntry, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM application_cv_entries WHERE application_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n >= 100 {
			return fmt.Errorf("too many cv entries: %w", database.ErrConflict)
		}
		_, err := tx.Exec(ctx, `INSERT INTO application_cv_entries (application_id, section, title, organisation, year_from, year_to, description)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, e.Section, e.Title, e.Organisation, e.YearFrom, e.YearTo, e.Description)
		return err
	})
}

// UpdateCV replaces a CV entry of the teacher's draft (ErrNotFound for an entry of another
// application).
func (s *Store) UpdateCV(ctx context.Context, userID, id, entryID int64, e CVEntry, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE application_cv_entries SET section = $3, title = $4, organisation = $5, year_from = $6, year_to = $7,
			description = $8 WHERE application_id = $1 AND id = $2`, id, entryID, e.Section, e.Title, e.Organisation, e.YearFrom, e.YearTo, e.Description)
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("cv entry %d: %w", entryID, database.ErrNotFound)
		}
		return err
	})
}

// FormOf is the form of an existing entry, for its edit form.
func FormOf(e CVEntry) CVForm {
	f := CVForm{Section: e.Section, Title: e.Title, Organisation: e.Organisation, Description: e.Description}
	if e.YearFrom != nil {
		f.YearFrom = strconv.Itoa(*e.YearFrom)
	}
	if e.YearTo != nil {
		f.YearTo = strconv.Itoa(*e.YearTo)
	}
	return f
}

// DeleteCV removes a CV entry.
func (s *Store) DeleteCV(ctx context.Context, userID, id, entryID int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM application_cv_entries WHERE application_id = $1 AND id = $2`, id, entryID)
		if err == nil && tag.RowsAffected() == 0 {
			return fmt.Errorf("cv entry %d: %w", entryID, database.ErrNotFound)
		}
		return err
	})
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

func randomName() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b) + ".pdf"
}

// Upload stores a checked PDF (size bytes read from body, with SHA-256 sum) for a required
// document, replacing the earlier one. It is allowed on a draft before the deadline, and during
// a correction window for a rejected document (once). The content must have passed
// CheckUpload. The file is stored before the transaction (no connection is held while it is
// sent to the store) and removed again when the transaction fails.
func (s *Store) Upload(ctx context.Context, actor audit.Actor, userID, id, requiredDocID int64, originalName string, body io.Reader, size int64, sum string, now time.Time) error {
	originalName = filecheck.CleanFileName(originalName, "berkas.pdf")
	name := randomName()
	if err := s.files.Put(ctx, fileKey(name), body, size); err != nil {
		return fmt.Errorf("store document: %w", err)
	}
	var old string
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := s.editable(ctx, tx, userID, id, now)
		correcting := false
		if errors.Is(err, ErrLocked) && a.InCorrection(now) {
			correcting, err = true, nil
		}
		if err != nil {
			return err
		}
		var okDoc bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM required_documents WHERE id = $1 AND cohort_id = $2)`, requiredDocID, a.CohortID).Scan(&okDoc); err != nil {
			return err
		}
		if !okDoc {
			return fmt.Errorf("required document %d: %w", requiredDocID, database.ErrNotFound)
		}
		if utf8.RuneCountInString(originalName) > 255 {
			originalName = string([]rune(originalName)[:255])
		}
		if correcting {
			err := tx.QueryRow(ctx, `SELECT storage_name FROM application_documents WHERE application_id = $1 AND required_document_id = $2
				AND verval_status = 'invalid' AND corrected_at IS NULL FOR UPDATE`, id, requiredDocID).Scan(&old)
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrLocked
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE application_documents SET storage_name = $3, original_name = $4, size_bytes = $5, sha256 = $6,
				uploaded_at = $7, verval_status = 'pending', verval_reason = '', verval_note = '', verval_by = NULL, verval_at = NULL, corrected_at = $7
				WHERE application_id = $1 AND required_document_id = $2`, id, requiredDocID, name, originalName, size, sum, now); err != nil {
				return err
			}
			var left int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM application_documents WHERE application_id = $1 AND verval_status = 'invalid'`, id).Scan(&left); err != nil {
				return err
			}
			if left == 0 {
				if _, err := tx.Exec(ctx, `UPDATE applications SET status = 'submitted', correction_used_at = $2, verval_decided_at = NULL, updated_at = now() WHERE id = $1`, id, now); err != nil {
					return err
				}
			}
			return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.correction", ObjectType: "application", ObjectID: strconv.FormatInt(id, 10),
				Detail: map[string]any{"document": requiredDocID, "sha256": sum}})
		}
		err = tx.QueryRow(ctx, `SELECT storage_name FROM application_documents WHERE application_id = $1 AND required_document_id = $2`, id, requiredDocID).Scan(&old)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO application_documents (application_id, required_document_id, storage_name, original_name, size_bytes, sha256, uploaded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (application_id, required_document_id) DO UPDATE SET storage_name = EXCLUDED.storage_name,
			original_name = EXCLUDED.original_name, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, uploaded_at = EXCLUDED.uploaded_at`,
			id, requiredDocID, name, originalName, size, sum, now)
		return err
	})
	if err != nil {
		_ = s.files.Delete(context.WithoutCancel(ctx), fileKey(name))
		return err
	}
	if old != "" {
		_ = s.files.Delete(context.WithoutCancel(ctx), fileKey(old))
	}
	return nil
}

// File is a stored document to send.
type File struct {
	// Key is the document's key in the file store.
	Key          string
	OriginalName string
	Size         int
}

// Viewer is who asks for a file: the owner, an admin, or the assessor assigned to it.
type Viewer struct {
	UserID int64
	Admin  bool
	// IP is the viewer's address, for the audit entry of a download by someone other than
	// the applicant.
	IP string
}

// DocumentFile returns the stored file of an upload when v may see it (ErrNotFound otherwise).
// A download by anyone but the applicant (the admin, an assessor) is personal-data access and
// is recorded in the audit log.
func (s *Store) DocumentFile(ctx context.Context, v Viewer, uploadID int64) (File, error) {
	var f File
	var name string
	var owner, appID int64
	err := s.db.QueryRow(ctx, `SELECT d.storage_name, d.original_name, d.size_bytes, a.user_id, a.id FROM application_documents d
		JOIN applications a ON a.id = d.application_id
		WHERE d.id = $1 AND (a.user_id = $2 OR $3
			OR EXISTS (SELECT 1 FROM verval_assignments va WHERE va.application_id = a.id AND va.assessor_id = $2))`,
		uploadID, v.UserID, v.Admin).Scan(&name, &f.OriginalName, &f.Size, &owner, &appID)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("document %d: %w", uploadID, database.ErrNotFound)
	}
	if err != nil {
		return f, err
	}
	if owner != v.UserID {
		err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Actor{UserID: v.UserID, IP: v.IP}, audit.Entry{Action: "application.document.download",
				ObjectType: "application", ObjectID: strconv.FormatInt(appID, 10), Detail: map[string]any{"document_id": uploadID}})
		})
	}
	f.Key = fileKey(name)
	return f, err
}

// Consent records the teacher's consent to the processing of personal data.
func (s *Store) Consent(ctx context.Context, userID, id int64, ip string, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := s.editable(ctx, tx, userID, id, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO application_consents (application_id, text_version, consented_at, ip) VALUES ($1, $2, $3, $4)
			ON CONFLICT (application_id) DO UPDATE SET text_version = EXCLUDED.text_version, consented_at = EXCLUDED.consented_at, ip = EXCLUDED.ip`,
			id, ConsentVersion, now, ip)
		return err
	})
}

// IncompleteError lists what is missing.
type IncompleteError struct{ Problems []string }

func (e *IncompleteError) Error() string { return "incomplete: " + strings.Join(e.Problems, ",") }
func (e *IncompleteError) Unwrap() error { return ErrIncomplete }

// Submit locks the application and issues the receipt. Submitting again (a double click, a
// second tab) returns the same receipt and sends no second email. The row lock serialises
// concurrent submits.
func (s *Store) Submit(ctx context.Context, actor audit.Actor, userID, id int64, now time.Time) (Application, error) {
	var out Application
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		a, err := s.editable(ctx, tx, userID, id, now)
		if errors.Is(err, ErrLocked) && a.Status != StatusWithdrawn {
			out = a // already submitted: same receipt
			return nil
		}
		if err != nil {
			return err
		}
		d, err := s.WithTx(tx).details(ctx, a)
		if err != nil {
			return err
		}
		if p := SubmitProblems(d); len(p) > 0 {
			return &IncompleteError{Problems: p}
		}
		now = now.UTC().Truncate(time.Microsecond)
		number := RegistrationNumber(d.Cohort.ProgramKind, d.Cohort.Number, a.RegencyCode, a.ID)
		content, sum := Canonical(d, number, now).Checksum()
		rows, _ := tx.Query(ctx, `UPDATE applications SET status = 'submitted', submitted_at = $2, registration_number = $3, receipt_checksum = $4,
			submitted_content = $5, applicant_name = $6, updated_at = now() WHERE id = $1 RETURNING `+appCols, a.ID, now, number, sum, content, d.Profile.Name)
		if out, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application]); err != nil {
			return err
		}
		tz := d.Profile.Timezone()
		var lang string
		if err := tx.QueryRow(ctx, `SELECT language FROM users WHERE id = $1`, userID).Scan(&lang); err != nil {
			return err
		}
		m := s.compose(lang, "application.mail.receipt", map[string]any{"Name": d.Profile.Name, "Cohort": d.Cohort.Name, "Number": number,
			"At": region.InZone(now, tz).Format(region.DateTimeLayout), "Zone": tz, "Checksum": sum})
		m.To = d.Profile.Email
		if err := mail.Enqueue(ctx, tx, m); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.submit", ObjectType: "application", ObjectID: strconv.FormatInt(a.ID, 10),
			Detail: map[string]any{"cohort": a.CohortID, "registration_number": number, "checksum": sum}})
	})
	return out, err
}

// Withdraw withdraws a draft or submitted application before the deadline.
func (s *Store) Withdraw(ctx context.Context, actor audit.Actor, userID, id int64, now time.Time) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+appCols+` FROM applications WHERE id = $1 AND user_id = $2 FOR UPDATE`, id, userID)
		a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Application])
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("application %d: %w", id, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if a.Status == StatusWithdrawn {
			return nil
		}
		c, err := s.cohorts.WithTx(tx).Get(ctx, a.CohortID)
		if err != nil {
			return err
		}
		if err := WithdrawError(a, c, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = 'withdrawn', withdrawn_at = $2, updated_at = now() WHERE id = $1`, id, now); err != nil {
			return err
		}
		_, _ = tx.Exec(ctx, `DELETE FROM verval_assignments WHERE application_id = $1`, id)
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "application.withdraw", ObjectType: "application", ObjectID: strconv.FormatInt(id, 10)})
	})
}
