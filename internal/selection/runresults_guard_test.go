package selection_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/report/reporttest"
	"penggerak/internal/testdb"
)

// The guards of run_results checked once per statement (migration 000651) still refuse what
// the per-row trigger and the foreign keys refused: results written into a published run, a
// kab/kota that does not exist, a province that is not the kab/kota's; and results never change.
func TestRunResultsGuardsPerStatement(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	regs := []string{"16.01", "36.73"}
	pub := reporttest.Seed(t, db, reporttest.Options{N: 60, Regencies: regs, Quota: 2, Published: true})
	draft := reporttest.Seed(t, db, reporttest.Options{N: 60, Regencies: regs, Quota: 2, Prefix: "draft"})
	insert := `INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at)
		SELECT $1, a.id, $2, $3, 50, false, 'tidak_lulus', 1000 + row_number() OVER (ORDER BY a.id), ARRAY[50]::numeric[], 1, now()
		FROM applications a WHERE a.cohort_id = $4 AND NOT EXISTS (SELECT 1 FROM run_results r WHERE r.run_id = $1 AND r.application_id = a.id)`
	var before int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM run_results`).Scan(&before)
	for _, c := range []struct {
		name          string
		run, cohort   int64
		regency, prov string
		want          string
	}{
		{"into a published run", pub.Run, pub.Cohort, "16.01", "16", "is published and immutable"},
		{"unknown kab/kota", draft.Run, draft.Cohort, "16.99", "16", "does not exist"},
		{"province not the kab/kota's", draft.Run, draft.Cohort, "16.01", "36", "run_results_province_of_regency"},
	} {
		_, err := db.Exec(ctx, insert, c.run, c.regency, c.prov, c.cohort)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	// A valid statement into the unpublished run goes through.
	if _, err := db.Exec(ctx, insert, draft.Run, "16.01", "16", draft.Cohort); err != nil {
		t.Fatalf("valid results into an unpublished run: %v", err)
	}
	for _, sql := range []string{`UPDATE run_results SET score = 99 WHERE run_id = $1`, `DELETE FROM run_results WHERE run_id = $1`} {
		if _, err := db.Exec(ctx, sql, draft.Run); err == nil || !strings.Contains(err.Error(), "never change") {
			t.Errorf("%s: %v", sql, err)
		}
	}
	var after, added int
	_ = db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE rank > 1000) FROM run_results`).Scan(&after, &added)
	if after-before != added || added == 0 {
		t.Errorf("%d rows added in all, %d by the valid statement", after-before, added)
	}

	// What the foreign keys refused before 000680, now refused by the statement and load checks
	// and by the guards on the referenced tables.
	var pubApp, draftApp int64
	_ = db.QueryRow(ctx, `SELECT min(application_id) FROM run_results WHERE run_id = $1`, pub.Run).Scan(&pubApp)
	_ = db.QueryRow(ctx, `SELECT min(application_id) FROM run_results WHERE run_id = $1`, draft.Run).Scan(&draftApp)
	one := `INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at)
		VALUES ($1, $2, '16.01', '16', 50, false, 'tidak_lulus', 5000, ARRAY[50]::numeric[], 1, now())`
	for _, c := range []struct {
		name string
		sql  string
		args []any
		want string
	}{
		{"an application of another cohort", one, []any{draft.Run, pubApp}, "not an application of the run's cohort"},
		{"an application that does not exist", one, []any{draft.Run, int64(1 << 40)}, "not an application of the run's cohort"},
		{"a run that does not exist", one, []any{int64(1 << 40), draftApp}, "no partition"},
		{"straight into the run's table", fmt.Sprintf(`INSERT INTO run_results_%d SELECT * FROM run_results WHERE run_id = $1 LIMIT 0`, draft.Run),
			[]any{draft.Run}, "written through run_results"},
		{"deleting an application with results", `DELETE FROM applications WHERE id = $1`, []any{draftApp}, "has results in a run"},
		{"deleting a draft run with results", `DELETE FROM result_runs WHERE id = $1`, []any{draft.Run}, "has results"},
		{"truncating applications", `TRUNCATE applications CASCADE`, nil, "cannot be truncated"},
		{"truncating a published run's table", fmt.Sprintf(`TRUNCATE run_results_%d`, pub.Run), nil, "cannot be truncated"},
	} {
		_, err := db.Exec(ctx, c.sql, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	var n int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM run_results`).Scan(&n)
	if n != after {
		t.Errorf("%d results after the refused writes, want %d", n, after)
	}
}

// A run loaded into its own table (as CreateRun does) is checked as a whole when it is
// attached: rows of another cohort, more lulus than a kab/kota's quota and rows into a run
// that is published by then are refused; another run's rows never get into its table.
func TestRunResultsAttachChecks(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	regs := []string{"16.01", "36.73"}
	other := reporttest.Seed(t, db, reporttest.Options{N: 40, Regencies: regs, Quota: 2, Prefix: "other"})
	base := reporttest.Seed(t, db, reporttest.Options{N: 40, Regencies: regs, Quota: 2})
	load := func(tx pgx.Tx, run int64, from int64, change string) {
		t.Helper()
		if _, err := tx.Exec(ctx, fmt.Sprintf(`INSERT INTO run_results_%d SELECT $1, application_id, regency_code, province_code, score, passed, outcome,
			rank, stage_scores, first_criterion, submitted_at FROM run_results WHERE run_id = $2`, run), run, from); err != nil {
			t.Fatal(err)
		}
		if change != "" {
			if _, err := tx.Exec(ctx, change, run); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct {
		name   string
		from   int64
		change string
		want   string
	}{
		{"the same rows", base.Run, "", ""},
		{"another cohort's applications", other.Run, "", "not an application of the run's cohort"},
		{"more lulus than the quota", base.Run, `UPDATE run_results_%[1]d SET outcome = 'lulus' WHERE run_id = $1`, "more lulus than the quota"},
		{"published meanwhile", base.Run, `UPDATE result_runs SET published_at = now() WHERE id = $1`, "published and immutable"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tx, err := db.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback(ctx) }()
			var run int64
			if err := tx.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash)
				SELECT cohort_id, inputs, input_hash, output_hash FROM result_runs WHERE id = $1 RETURNING id`, base.Run).Scan(&run); err != nil {
				t.Fatal(err)
			}
			change := c.change
			if change != "" && strings.Contains(change, "%[1]d") {
				change = fmt.Sprintf(change, run)
			}
			load(tx, run, c.from, change)
			_, err = tx.Exec(ctx, `SELECT run_results_attach($1)`, run)
			if c.want == "" {
				if err != nil {
					t.Fatalf("attach: %v", err)
				}
				var n, want int
				_ = tx.QueryRow(ctx, `SELECT count(*) FROM run_results WHERE run_id = $1`, run).Scan(&n)
				_ = tx.QueryRow(ctx, `SELECT count(*) FROM run_results WHERE run_id = $1`, base.Run).Scan(&want)
				if n != want || n == 0 {
					t.Fatalf("%d results attached, want %d", n, want)
				}
				if err := tx.Commit(ctx); err != nil {
					t.Fatalf("commit: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("attach: %v, want an error with %q", err, c.want)
			}
		})
	}
	// A run deleted in the transaction that made it takes its table with it.
	tx0, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var gone int64
	if err := tx0.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash) SELECT cohort_id, inputs, input_hash, output_hash
		FROM result_runs WHERE id = $1 RETURNING id`, base.Run).Scan(&gone); err != nil {
		t.Fatal(err)
	}
	if _, err := tx0.Exec(ctx, `DELETE FROM result_runs WHERE id = $1`, gone); err != nil {
		t.Fatal(err)
	}
	if err := tx0.Commit(ctx); err != nil {
		t.Fatalf("commit of a run deleted in its own transaction: %v", err)
	}
	var table *string
	_ = db.QueryRow(ctx, `SELECT to_regclass($1)::text`, fmt.Sprintf("run_results_%d", gone)).Scan(&table)
	if table != nil {
		t.Errorf("the table of deleted run %d is left: %s", gone, *table)
	}
	// A run's table holds only its own rows (its CHECK), whatever is loaded into it.
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var run int64
	_ = tx.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash) SELECT cohort_id, inputs, input_hash, output_hash
		FROM result_runs WHERE id = $1 RETURNING id`, base.Run).Scan(&run)
	_, err = tx.Exec(ctx, fmt.Sprintf(`INSERT INTO run_results_%d SELECT * FROM run_results WHERE run_id = $1`, run), base.Run)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("run_results_%d_run", run)) {
		t.Fatalf("another run's rows in run %d's table: %v", run, err)
	}
}
