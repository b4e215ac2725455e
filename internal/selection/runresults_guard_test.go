package selection_test

import (
	"context"
	"strings"
	"testing"

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
}
