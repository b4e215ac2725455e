package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/storage"
	"penggerak/internal/testdb"
)

// partsFixture is a teacher's draft application with every part filled (two CV entries, one
// answered and one unanswered essay, one uploaded and one missing document, consent), and a
// store on its database.
type partsFixture struct {
	db     database.DB
	url    string
	store  *Store
	cohort applicationtest.Cohort
	userID int64
	appID  int64
}

func newPartsFixture(t *testing.T, now time.Time) partsFixture {
	t.Helper()
	ctx := context.Background()
	db, url := testdb.New(t)
	f := partsFixture{db: db, url: url, store: NewStore(db, storage.NewLocal(t.TempDir()))}
	applicationtest.School(t, db, "10600001", "SD Negeri 1 Baturaja", "SD", "16.01")
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ('bagian@guru.test', 'Guru Bagian', 'x', now()) RETURNING id`).Scan(&f.userID); err != nil {
		t.Fatal(err)
	}
	applicationtest.SeedProfile(t, db, f.userID, "10600001", applicationtest.Profile{})
	f.cohort = applicationtest.OpenCohort(t, db, now, 7, "pendaftaran", 0)
	if err := db.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang, profile_confirmed_at)
		VALUES ($1, $2, 'Guru Bagian', '10600001', '16.01', '16', 'SD', now()) RETURNING id`, f.cohort.ID, f.userID).Scan(&f.appID); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO application_cv_entries (application_id, section, title, organisation, year_from, year_to, description)
			VALUES ($1 + 0 * $2::bigint * $3::bigint, 'pelatihan', 'Pelatihan "Kurikulum" Merdeka', 'BGP Sumsel', 2023, NULL, 'Baris satu' || chr(10) || 'baris dua'),
			($1, 'organisasi', 'Ketua KKG', '', 2019, 2022, '')`,
		`INSERT INTO application_essays (application_id, question_id, body, updated_at)
			SELECT $1, $2::bigint + 0 * $3::bigint, 'Murid belajar bersama — dengan ragam cara, ✓ 100%.', timestamptz '2026-11-30 08:15:30.123456+00'`,
		`INSERT INTO application_documents (application_id, required_document_id, storage_name, original_name, size_bytes, sha256, uploaded_at)
			SELECT $1, $3::bigint + 0 * $2::bigint, md5('x') || '.pdf', 'ktp saya.pdf', 1234, repeat('ab', 32), timestamptz '2026-11-30 09:00:00.000001+00'`,
		`INSERT INTO application_consents (application_id, text_version, consented_at, ip) SELECT $1 + 0 * $2::bigint * $3::bigint, 'pdp-2026-01', timestamptz '2026-11-30 10:00:00.5+00', '127.0.0.1'`,
	} {
		if _, err := db.Exec(ctx, q, f.appID, f.cohort.Questions[0], f.cohort.Docs[0]); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestPartsAsStatementByStatement: the one statement that reads an application's parts
// (partsQ) gives exactly what one statement per part gives, and so the same submitted content
// and checksum.
func TestPartsAsStatementByStatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newPartsFixture(t, time.Now())
	a, err := f.store.Own(ctx, f.userID, f.appID)
	if err != nil {
		t.Fatal(err)
	}
	got := Details{Application: a}
	if err := partsQ(ctx, f.db, &got); err != nil {
		t.Fatal(err)
	}

	want := Details{Application: a}
	if want.Profile, err = profileQ(ctx, f.db, a.UserID); err != nil {
		t.Fatal(err)
	}
	rows, _ := f.db.Query(ctx, `SELECT id, section, title, organisation, year_from, year_to, description FROM application_cv_entries
		WHERE application_id = $1 ORDER BY id`, a.ID)
	if want.CV, err = pgx.CollectRows(rows, pgx.RowToStructByName[CVEntry]); err != nil {
		t.Fatal(err)
	}
	rows, _ = f.db.Query(ctx, `SELECT q.id, q.group_name, q.position, q.prompt, q.min_chars, q.max_chars, coalesce(e.body, '') AS body, e.updated_at
		FROM essay_questions q LEFT JOIN application_essays e ON e.question_id = q.id AND e.application_id = $2
		WHERE q.cohort_id = $1 ORDER BY q.position, q.id`, a.CohortID, a.ID)
	if want.Essays, err = pgx.CollectRows(rows, pgx.RowToStructByName[Essay]); err != nil {
		t.Fatal(err)
	}
	if want.Documents, err = documentsQ(ctx, f.db, a); err != nil {
		t.Fatal(err)
	}
	rows, _ = f.db.Query(ctx, `SELECT text_version, consented_at FROM application_consents WHERE application_id = $1`, a.ID)
	if want.Consent, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Consent]); err != nil {
		t.Fatal(err)
	}

	if len(got.CV) != 2 || len(got.Essays) != 2 || len(got.Documents) != 2 || got.Consent == nil || got.Profile == nil {
		t.Fatalf("parts missing: %+v", got)
	}
	for name, pair := range map[string][2]any{
		"profile": {got.Profile, want.Profile}, "cv": {got.CV, want.CV}, "essays": {got.Essays, want.Essays},
		"documents": {got.Documents, want.Documents}, "consent": {got.Consent, want.Consent},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, pair[0], pair[1])
		}
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	gotJSON, gotSum := Canonical(got, "CGP7-1601-0000001", at).Checksum()
	wantJSON, wantSum := Canonical(want, "CGP7-1601-0000001", at).Checksum()
	if gotSum != wantSum {
		t.Errorf("checksum %s, want %s\n got %s\nwant %s", gotSum, wantSum, gotJSON, wantJSON)
	}

	// A teacher without a profile yet and an application with no parts: nil and empty, as before.
	var bare Details
	bare.ID, bare.CohortID, bare.UserID = -1, -1, -1
	if err := partsQ(ctx, f.db, &bare); err != nil {
		t.Fatal(err)
	}
	if bare.Profile != nil || bare.Consent != nil || bare.CV == nil || len(bare.CV) != 0 || bare.Essays == nil || bare.Documents == nil {
		t.Errorf("empty parts: %+v", bare)
	}
}

// TestEditableSQLFollowsEditError: SaveEssays writes through editableSQL and explains a
// refusal with EditError; for every application status, cohort stage and moment around the
// registration window the two agree (stored exactly when EditError allows it).
func TestEditableSQLFollowsEditError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	f := newPartsFixture(t, now)
	var opens, closes time.Time
	if err := f.db.QueryRow(ctx, `SELECT registration_opens_at, registration_closes_at FROM cohorts WHERE id = $1`, f.cohort.ID).Scan(&opens, &closes); err != nil {
		t.Fatal(err)
	}
	moments := map[string]time.Time{
		"before opening": opens.Add(-time.Microsecond), "at opening": opens, "open": opens.Add(time.Hour),
		"just before closing": closes.Add(-time.Microsecond), "at closing": closes, "after closing": closes.Add(time.Hour),
	}
	n := 0
	for _, st := range Statuses {
		for _, cst := range []string{"draft", "pendaftaran", "seleksi"} {
			for name, at := range moments {
				n++
				if _, err := f.db.Exec(ctx, `UPDATE applications SET status = $2, submitted_at = now(), registration_number = 'X-' || id, receipt_checksum = 'x'
					WHERE id = $1`, f.appID, st); err != nil {
					t.Fatal(err)
				}
				if _, err := f.db.Exec(ctx, `UPDATE cohorts SET status = $2 WHERE id = $1`, f.cohort.ID, cst); err != nil {
					t.Fatal(err)
				}
				a, err := f.store.Own(ctx, f.userID, f.appID)
				if err != nil {
					t.Fatal(err)
				}
				c, err := f.store.cohorts.Get(ctx, f.cohort.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := EditError(a, c, at)
				body := "jawaban " + string(rune('A'+n%26)) + time.Duration(n).String()
				_, err = f.store.SaveEssays(ctx, f.userID, f.appID, map[int64]string{f.cohort.Questions[1]: body}, at)
				if !errors.Is(err, want) || (want == nil && err != nil) {
					t.Errorf("%s, cohort %s, %s: SaveEssays gave %v, EditError %v", st, cst, name, err, want)
				}
				var stored int
				if err := f.db.QueryRow(ctx, `SELECT count(*) FROM application_essays WHERE application_id = $1 AND body = $2`, f.appID, body).Scan(&stored); err != nil {
					t.Fatal(err)
				}
				if (stored == 1) != (want == nil) {
					t.Errorf("%s, cohort %s, %s: stored %d, EditError %v", st, cst, name, stored, want)
				}
			}
		}
	}
	// A question of another cohort stores nothing, not even the answers that were of this one.
	if _, err := f.db.Exec(ctx, `UPDATE applications SET status = 'draft' WHERE id = $1; `, f.appID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(ctx, `UPDATE cohorts SET status = 'pendaftaran' WHERE id = $1`, f.cohort.ID); err != nil {
		t.Fatal(err)
	}
	other := applicationtest.OpenCohort(t, f.db, now, 8, "pendaftaran", 0)
	_, err := f.store.SaveEssays(ctx, f.userID, f.appID, map[int64]string{f.cohort.Questions[1]: "tidak tersimpan", other.Questions[0]: "lain"}, now)
	if !errors.Is(err, database.ErrNotFound) {
		t.Errorf("question of another cohort: %v, want ErrNotFound", err)
	}
	var stray int
	_ = f.db.QueryRow(ctx, `SELECT count(*) FROM application_essays WHERE body IN ('tidak tersimpan', 'lain')`).Scan(&stray)
	if stray != 0 {
		t.Errorf("%d answers stored from a refused save", stray)
	}
}

// TestAutosaveRacingSubmitKeepsContent: 40 autosaves of the same application race its submit
// on a pool of 4 connections. Each save is one statement that locks the row, so a save either
// lands before the submit (and is in the submitted content) or waits for it and is refused as
// locked: afterwards every stored answer is exactly the submitted one, and nothing hung.
func TestAutosaveRacingSubmitKeepsContent(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	now := time.Now()
	f := newPartsFixture(t, now)
	small, err := database.OpenWith(ctx, f.url, database.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(small.Close)
	s := NewStore(small, storage.NewLocal(t.TempDir()))
	q1, q2 := f.cohort.Questions[0], f.cohort.Questions[1]
	if _, err := s.SaveEssays(ctx, f.userID, f.appID, map[int64]string{q2: "Rekan guru belajar bersama di komunitas."}, now); err != nil {
		t.Fatal(err)
	}
	const savers = 40
	errs := make(chan error, savers+1)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range savers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := s.SaveEssays(ctx, f.userID, f.appID, map[int64]string{
				q1: fmt.Sprintf("Jawaban pertama versi %02d, murid belajar bersama.", i),
				q2: fmt.Sprintf("Jawaban kedua versi %02d, rekan guru belajar.", i)}, now)
			if err != nil && !errors.Is(err, ErrLocked) {
				errs <- fmt.Errorf("save %d: %w", i, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-start
		time.Sleep(5 * time.Millisecond)
		if _, err := s.Submit(ctx, audit.Actor{UserID: f.userID}, f.userID, f.appID, now); err != nil {
			errs <- fmt.Errorf("submit: %w", err)
		}
	}()
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var raw []byte
	var status string
	if err := f.db.QueryRow(ctx, `SELECT status, submitted_content FROM applications WHERE id = $1`, f.appID).Scan(&status, &raw); err != nil {
		t.Fatal(err)
	}
	if status != string(StatusSubmitted) {
		t.Fatalf("status %s, want submitted", status)
	}
	var c Content
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	for _, e := range c.Essays {
		var stored string
		if err := f.db.QueryRow(ctx, `SELECT body FROM application_essays WHERE application_id = $1 AND question_id = $2`, f.appID, e.QuestionID).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != e.Body {
			t.Errorf("question %d: stored %q, submitted %q", e.QuestionID, stored, e.Body)
		}
	}
}
