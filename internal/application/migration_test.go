package application_test

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/application"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/testdb"
	"penggerak/migrations"
)

// statusRename is the migration that renamed the verval outcomes (lolos_verval →
// verval_passed, tidak_lolos_verval → verval_failed).
const statusRename = 780

// TestStatusRenameMigration: after migration 000780 no row, function, index, view, constraint,
// trigger or default holds the old verval outcomes (the audit log keeps what it recorded), the
// kept status and day counts still equal the rows' own counts, and the old values are refused.
// Migrating down brings every old value back with the same counts, and up again gives exactly
// the data it started from.
func TestStatusRenameMigration(t *testing.T) {
	ctx := context.Background()
	db, url := testdb.New(t)
	seed := reporttest.Seed(t, db, reporttest.Options{N: 80, Regencies: []string{"16.01", "36.73"}, Quota: 10})
	owner := seed.Assessors[0]
	if _, err := db.Exec(ctx, `
		INSERT INTO mail_outbox (to_addr, subject, body_text, kind, lang, outcome, held, ref) VALUES
			('a@x.test', 'Hasil verval', 'lolos', 'application.mail.verval', 'id', 'verval_passed', true, 'verval:1'),
			('b@x.test', 'Hasil verval', 'tidak', 'application.mail.verval', 'en', 'verval_failed', false, 'verval:2')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO export_jobs (owner_id, kind, format, filters, query, download_token) VALUES
			($1, 'lamaran', 'xlsx', '{"status": "verval_failed", "angkatan": 1}', '{"filter": {"Status": "verval_failed", "CohortID": 1}}', repeat('a', 43)),
			($1, 'lamaran', 'csv', '{"status": "submitted"}', '{"filter": {"Status": "submitted"}}', repeat('b', 43))`, owner); err != nil {
		t.Fatal(err)
	}
	before := statusData(t, db)
	if before.apps[string(application.StatusVervalPassed)] == 0 || before.apps[string(application.StatusVervalFailed)] == 0 {
		t.Fatalf("the seed has no verval outcomes: %v", before.apps)
	}
	assertCountsKept(t, db)

	m := migrator(t, url)
	if err := m.Migrate(versionBefore(t, statusRename)); err != nil {
		t.Fatalf("down past %d: %v", statusRename, err)
	}
	down := statusData(t, db)
	old := map[string]string{"verval_passed": "lolos_verval", "verval_failed": "tidak_lolos_verval"}
	renamed := func(m map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range m {
			if o, ok := old[k]; ok {
				k = o
			}
			out[k] = v
		}
		return out
	}
	for name, pair := range map[string][2]map[string]int{"applications": {down.apps, renamed(before.apps)},
		"application_counts": {down.counts, renamed(before.counts)}, "mail outcomes": {down.mails, renamed(before.mails)},
		"export filters": {down.jobs, renamed(before.jobs)}, "export queries": {down.jobQueries, renamed(before.jobQueries)}} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			t.Errorf("down: %s %v, want %v", name, pair[0], pair[1])
		}
	}
	if down.days != before.days {
		t.Error("down: the day counts changed")
	}
	assertCountsKeptAs(t, db, "'submitted', 'lolos_verval', 'tidak_lolos_verval'")
	assertNowhere(t, db, "verval_passed")
	assertNowhere(t, db, "verval_failed")
	assertRefused(t, db, "verval_passed")

	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		t.Fatalf("up: %v", err)
	}
	after := statusData(t, db)
	if !reflect.DeepEqual(after, before) {
		t.Errorf("down and up again changed the data:\n%+v\nwant\n%+v", after, before)
	}
	assertCountsKept(t, db)
	assertNowhere(t, db, "lolos_verval")
	assertRefused(t, db, "lolos_verval")
	assertRefused(t, db, "tidak_lolos_verval")

	// The triggers still keep the sums with the new names: a decision and a withdrawal.
	if _, err := db.Exec(ctx, `UPDATE applications SET status = $1 WHERE id = (SELECT min(id) FROM applications WHERE status = 'submitted')`,
		application.StatusVervalPassed); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE applications SET status = 'withdrawn', withdrawn_at = now() WHERE id = (SELECT min(id) FROM applications WHERE status = $1)`,
		application.StatusVervalFailed); err != nil {
		t.Fatal(err)
	}
	assertCountsKept(t, db)
}

// statusSnapshot is what the rename touches: applications and kept counts per status, the
// kept day counts (a digest), the mails per outcome and the export jobs per status filter.
type statusSnapshot struct {
	apps, counts, mails, jobs, jobQueries map[string]int
	days                                  string
}

func statusData(t *testing.T, db *pgxpool.Pool) statusSnapshot {
	t.Helper()
	group := func(q string) map[string]int {
		rows, _ := db.Query(context.Background(), q)
		out := map[string]int{}
		var k string
		var n int
		if _, err := pgx.ForEachRow(rows, []any{&k, &n}, func() error { out[k] += n; return nil }); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return out
	}
	s := statusSnapshot{
		apps:       group(`SELECT status, count(*)::int FROM applications GROUP BY 1`),
		counts:     group(`SELECT status, sum(n)::int FROM application_counts WHERE n <> 0 GROUP BY 1`),
		mails:      group(`SELECT outcome, count(*)::int FROM mail_outbox GROUP BY 1`),
		jobs:       group(`SELECT filters->>'status', count(*)::int FROM export_jobs GROUP BY 1`),
		jobQueries: group(`SELECT query->'filter'->>'Status', count(*)::int FROM export_jobs GROUP BY 1`),
	}
	if err := db.QueryRow(context.Background(), `SELECT coalesce(md5(string_agg(d::text, ',' ORDER BY d::text)), '')
		FROM application_days d WHERE registered <> 0 OR submitted <> 0`).Scan(&s.days); err != nil {
		t.Fatal(err)
	}
	return s
}

// assertCountsKept checks the kept status and day counts against the rows, with the current
// names of the sent statuses.
func assertCountsKept(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	var sent []string
	for _, st := range application.SentStatuses {
		sent = append(sent, "'"+string(st)+"'")
	}
	assertCountsKeptAs(t, db, strings.Join(sent, ", "))
}

func assertCountsKeptAs(t *testing.T, db *pgxpool.Pool, sent string) {
	t.Helper()
	for name, q := range map[string]string{
		"application_counts": `(SELECT cohort_id, regency_code, province_code, jenjang, status, n FROM application_counts WHERE n <> 0
			EXCEPT SELECT cohort_id, regency_code, province_code, jenjang, status, count(*) FROM applications GROUP BY 1, 2, 3, 4, 5)
			UNION ALL
			(SELECT cohort_id, regency_code, province_code, jenjang, status, count(*) FROM applications GROUP BY 1, 2, 3, 4, 5
			EXCEPT SELECT cohort_id, regency_code, province_code, jenjang, status, n FROM application_counts WHERE n <> 0)`,
		"application_days": `WITH recount AS (SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r) AS registered, sum(s) AS submitted FROM (
				SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM applications
				UNION ALL
				SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM applications
				WHERE submitted_at IS NOT NULL AND status IN (` + sent + `)) x GROUP BY 1, 2, 3, 4, 5),
			kept AS (SELECT cohort_id, regency_code, province_code, jenjang, day, registered, submitted FROM application_days WHERE registered <> 0 OR submitted <> 0)
			(SELECT * FROM kept EXCEPT SELECT * FROM recount) UNION ALL (SELECT * FROM recount EXCEPT SELECT * FROM kept)`,
	} {
		var n int
		if err := db.QueryRow(context.Background(), `SELECT count(*) FROM (`+q+`) d`).Scan(&n); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d groups differ from the rows' own counts", name, n)
		}
	}
}

// assertNowhere checks that no definition in the catalogue (function, index, view, constraint,
// trigger, default) and no text or JSON value of any table but the audit log holds word.
func assertNowhere(t *testing.T, db *pgxpool.Pool, word string) {
	t.Helper()
	ctx := context.Background()
	like := "%" + word + "%"
	for name, q := range map[string]string{
		"function":   `SELECT p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosrc LIKE $1`,
		"index":      `SELECT indexrelid::regclass::text FROM pg_index WHERE pg_get_indexdef(indexrelid) LIKE $1`,
		"view":       `SELECT oid::regclass::text FROM pg_class WHERE relkind IN ('v', 'm') AND relnamespace = 'public'::regnamespace AND pg_get_viewdef(oid) LIKE $1`,
		"constraint": `SELECT conname::text FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND pg_get_constraintdef(oid) LIKE $1`,
		"trigger":    `SELECT tgname::text FROM pg_trigger WHERE NOT tgisinternal AND pg_get_triggerdef(oid) LIKE $1`,
		"default":    `SELECT adrelid::regclass::text FROM pg_attrdef WHERE pg_get_expr(adbin, adrelid) LIKE $1`,
	} {
		rows, _ := db.Query(ctx, q, like)
		found, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(found) > 0 {
			t.Errorf("%s definitions hold %q: %v", name, word, found)
		}
	}
	rows, _ := db.Query(ctx, `SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c
		JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
		WHERE c.table_schema = 'public' AND c.table_name <> 'audit_log' AND c.data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY')`)
	var cols [][2]string
	var tbl, col string
	if _, err := pgx.ForEachRow(rows, []any{&tbl, &col}, func() error { cols = append(cols, [2]string{tbl, col}); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(cols) < 50 {
		t.Fatalf("only %d text columns found", len(cols))
	}
	for _, c := range cols {
		var n int
		q := `SELECT count(*) FROM ` + pgx.Identifier{c[0]}.Sanitize() + ` WHERE ` + pgx.Identifier{c[1]}.Sanitize() + `::text LIKE $1`
		if err := db.QueryRow(ctx, q, like).Scan(&n); err != nil {
			t.Fatalf("%s.%s: %v", c[0], c[1], err)
		}
		if n > 0 {
			t.Errorf("%d rows of %s.%s hold %q", n, c[0], c[1], word)
		}
	}
}

// assertRefused checks that the applications' CHECK constraint refuses status.
func assertRefused(t *testing.T, db *pgxpool.Pool, status string) {
	t.Helper()
	_, err := db.Exec(context.Background(), `UPDATE applications SET status = $1 WHERE id = (SELECT min(id) FROM applications WHERE status = 'submitted')`, status)
	if err == nil || !strings.Contains(err.Error(), "applications_status_check") {
		t.Errorf("status %q stored (%v)", status, err)
	}
}

func migrator(t *testing.T, url string) *migrate.Migrate {
	t.Helper()
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, "pgx5://"+strings.TrimPrefix(url, "postgres://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// versionBefore is the newest migration older than version.
func versionBefore(t *testing.T, version uint) uint {
	t.Helper()
	var prev uint
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		head, _, ok := strings.Cut(path, "_")
		if n, err := strconv.ParseUint(head, 10, 32); ok && err == nil && uint(n) < version && uint(n) > prev {
			prev = uint(n)
		}
		return nil
	})
	if err != nil || prev == 0 {
		t.Fatalf("no migration before %d: %v", version, err)
	}
	return prev
}
