package application_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"penggerak/internal/application"
	"penggerak/internal/testdb"
)

// Where a page of the regional list stands (Store.Progresses, one statement for 50 rows)
// reads each application's latest published result, seat and training row through an index,
// never a scan of the seats or results of a whole cohort. Plans are taken with enable_seqscan
// off (on the small test tables the planner rightly prefers a scan otherwise).
func TestProgressPlanUsesIndexes(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	// A run's results are in its own table (a partition of run_results, 000680): one run, so
	// that the plan reads a run's table.
	if _, err := db.Exec(ctx, `WITH c AS (INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, training_months, status)
			VALUES (1, 'Angkatan 1', 'cgp', now() - interval '60 days', now() - interval '30 days', 6, 'pembekalan') RETURNING id)
		INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash) SELECT id, '{}', repeat('a', 64), repeat('b', 64) FROM c`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, 50)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	rows, err := tx.Query(ctx, "EXPLAIN "+application.ProgressSQL, ids)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	p := strings.Join(plan, "\n")
	// A run's results are read by application through its table's primary key
	// (application_id, run_id).
	for _, want := range []string{`pembekalan_seats_application_idx`, `run_results_\d+_pkey`} {
		if !regexp.MustCompile(want).MatchString(p) {
			t.Errorf("plan does not use %s:\n%s", want, p)
		}
	}
	for _, table := range []string{"pembekalan_seats", "run_results", "training_participants", "applications"} {
		if strings.Contains(p, "Seq Scan on "+table) {
			t.Errorf("sequential scan of %s:\n%s", table, p)
		}
	}
}
