package cohort_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/cohort"
	"penggerak/internal/confver"
	"penggerak/internal/database"
	"penggerak/internal/testdb"
)

// The cohort configuration version moves once per committed transaction that writes cohort
// configuration (however many rows or tables), not for a rolled-back one nor for writes
// elsewhere; OpenForRegistration with a version in the context reads nothing while it stays,
// and reads again once it moved.
func TestCohortConfigVersion(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	version := func() int64 {
		t.Helper()
		var v int64
		if err := db.QueryRow(ctx, `SELECT version FROM config_versions WHERE name = 'cohort'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	var id int64
	if err := database.Tx(ctx, db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
			VALUES (31, 'Angkatan 31', 'cgp', now() - interval '1 day', now() + interval '9 day', 'pendaftaran') RETURNING id`).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '16.01', 10), ($1, '36.73', 5)`, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO essay_questions (cohort_id, position, prompt, min_chars, max_chars) VALUES ($1, 1, 'Ceritakan praktik baik Anda.', 10, 500)`, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	v1 := version()
	if v1 != v0+1 {
		t.Fatalf("one transaction of 4 rows in 3 tables moved the version %d → %d, want +1", v0, v1)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE cohorts SET name = 'dibatalkan' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	_ = tx.Rollback(ctx)
	if _, err := db.Exec(ctx, `UPDATE users SET name = name`); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v1 {
		t.Fatalf("a rolled-back write or a write elsewhere moved the version %d → %d", v1, v)
	}

	s := cohort.NewStore(db)
	at := confver.With(ctx, map[string]int64{confver.Cohort: v1})
	open, err := s.OpenForRegistration(at, time.Now())
	if err != nil || len(open) != 1 || len(open[0].Targets) != 2 || len(open[0].Questions) != 1 {
		t.Fatalf("open: %v %+v", err, open)
	}
	// Changed behind the store's back, but the request's version says nothing changed: the
	// kept configuration is used (what a request that started before the change may see).
	if _, err := db.Exec(ctx, `DELETE FROM cohort_regencies WHERE cohort_id = $1 AND regency_code = '36.73'`, id); err != nil {
		t.Fatal(err)
	}
	if open, _ := s.OpenForRegistration(at, time.Now()); len(open[0].Targets) != 2 {
		t.Fatalf("the kept configuration was not used for the same version")
	}
	// A request that read the new version sees the change.
	now := confver.With(ctx, map[string]int64{confver.Cohort: version()})
	if open, _ := s.OpenForRegistration(now, time.Now()); len(open) != 1 || len(open[0].Targets) != 1 {
		t.Fatalf("after the change: %+v", open)
	}
	// The window is checked against the time asked for, not the time the configuration was read.
	if open, _ := s.OpenForRegistration(now, time.Now().Add(10*24*time.Hour)); len(open) != 0 {
		t.Errorf("a cohort whose window has ended is open: %+v", open)
	}
}

// ConfigKept gives a pendaftaran cohort's configuration from memory for a request that read a
// configuration version no newer than what is kept, what Config reads otherwise: for a newer
// version, without a version, bound to a transaction, and for a cohort in another stage.
func TestConfigKeptFollowsTheVersion(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	version := func() int64 {
		t.Helper()
		var v int64
		if err := db.QueryRow(ctx, `SELECT version FROM config_versions WHERE name = 'cohort'`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	open := testdb.ID(t, db, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
		VALUES (41, 'Angkatan 41', 'cgp', now() - interval '1 day', now() + interval '9 day', 'pendaftaran') RETURNING id`)
	draft := testdb.ID(t, db, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
		VALUES (42, 'Angkatan 42', 'cgp', now() + interval '30 day', now() + interval '60 day', 'draft') RETURNING id`)
	for _, id := range []int64{open, draft} {
		testdb.Exec(t, db, `INSERT INTO essay_questions (cohort_id, position, prompt, min_chars, max_chars) VALUES ($1, 1, 'Ceritakan praktik baik Anda.', 10, 500)`, id)
	}
	s := cohort.NewStore(db)
	v1 := version()
	at := confver.With(ctx, map[string]int64{confver.Cohort: v1})
	c, err := s.ConfigKept(at, open)
	if err != nil || c.ID != open || len(c.Questions) != 1 {
		t.Fatalf("kept: %v %+v", err, c)
	}
	// Changed behind the store's back (as by a write whose version the request did not read).
	testdb.Exec(t, db, `UPDATE essay_questions SET prompt = 'Pertanyaan baru' WHERE cohort_id = ANY($1)`, []int64{open, draft})
	if c, _ := s.ConfigKept(at, open); c.Questions[0].Prompt != "Ceritakan praktik baik Anda." {
		t.Errorf("the same version read the database: %q", c.Questions[0].Prompt)
	}
	if c, _ := s.ConfigKept(ctx, open); c.Questions[0].Prompt != "Pertanyaan baru" {
		t.Errorf("without a version: %q", c.Questions[0].Prompt)
	}
	if c, _ := s.ConfigKept(at, draft); c.ID != draft || c.Questions[0].Prompt != "Pertanyaan baru" {
		t.Errorf("a cohort in draft: %+v", c)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if c, _ := s.WithTx(tx).ConfigKept(at, open); c.Questions[0].Prompt != "Pertanyaan baru" {
		t.Errorf("bound to a transaction: %q", c.Questions[0].Prompt)
	}
	newer := confver.With(ctx, map[string]int64{confver.Cohort: version()})
	if v := version(); v == v1 {
		t.Fatalf("the update did not move the version")
	}
	if c, _ := s.ConfigKept(newer, open); c.Questions[0].Prompt != "Pertanyaan baru" {
		t.Errorf("a newer version: %q", c.Questions[0].Prompt)
	}
	if _, err := s.ConfigKept(at, 999999); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("no such cohort: %v", err)
	}
}
