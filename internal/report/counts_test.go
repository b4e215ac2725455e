package report_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/application"
	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/testdb"
)

// keptVsRecounted pairs each sum table of migration 000650 with the same sums counted from
// the rows; rows whose kept sum fell to zero are left out of the comparison.
var keptVsRecounted = map[string][2]string{
	"application_days": {
		`SELECT cohort_id, regency_code, province_code, jenjang, day, registered, submitted FROM application_days WHERE registered <> 0 OR submitted <> 0`,
		`SELECT cohort_id, regency_code, province_code, jenjang, day, sum(r), sum(s) FROM (
			SELECT cohort_id, regency_code, province_code, jenjang, (created_at AT TIME ZONE 'Asia/Jakarta')::date AS day, 1 AS r, 0 AS s FROM applications
			UNION ALL
			SELECT cohort_id, regency_code, province_code, jenjang, (submitted_at AT TIME ZONE 'Asia/Jakarta')::date, 0, 1 FROM applications
			WHERE submitted_at IS NOT NULL AND status IN ('submitted', 'verval_passed', 'verval_failed')) x
		GROUP BY 1, 2, 3, 4, 5`,
	},
	"score_sheet_counts": {
		`SELECT cohort_id, regency_code, province_code, jenjang, stage, due_hour, n FROM score_sheet_counts WHERE n <> 0`,
		`SELECT a.cohort_id, a.regency_code, a.province_code, a.jenjang, sh.stage,
			CASE WHEN sh.submitted_at IS NOT NULL THEN '-infinity'::timestamptz WHEN sh.due_at IS NULL THEN 'infinity'
				ELSE date_trunc('hour', sh.due_at, 'UTC') END, count(*)
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id GROUP BY 1, 2, 3, 4, 5, 6`,
	},
	"seat_counts": {
		`SELECT run_id, regency_code, province_code, jenjang, status, n FROM seat_counts WHERE n <> 0`,
		`SELECT ps.run_id, a.regency_code, a.province_code, a.jenjang, ps.status, count(*)
		FROM pembekalan_seats ps JOIN applications a ON a.id = ps.application_id GROUP BY 1, 2, 3, 4, 5`,
	},
}

func checkKept(t *testing.T, db *pgxpool.Pool, when string) {
	t.Helper()
	ctx := context.Background()
	for table, q := range keptVsRecounted {
		var extra, missing int
		if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM (`+q[0]+` EXCEPT `+q[1]+`) x), (SELECT count(*) FROM (`+q[1]+` EXCEPT `+q[0]+`) y)`).
			Scan(&extra, &missing); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		var rows int
		_ = db.QueryRow(ctx, `SELECT count(*) FROM (`+q[1]+`) z`).Scan(&rows)
		if extra != 0 || missing != 0 || rows == 0 {
			t.Errorf("%s %s: %d kept groups differ from the rows, %d groups of the rows not kept (%d groups)", when, table, extra, missing, rows)
		}
	}
}

// TestKeptCountsFollowWrites checks that the dashboard's kept sums (000650) equal the rows'
// counts after the seed and after every kind of write the application makes: status changes,
// submissions and their withdrawal, an application moved to another kab/kota and jenjang with
// its sheets and seats, sheets submitted, re-dated and unassigned, seats declined, and
// applications deleted with their open sheets; and that the dashboard's assessor progress,
// read from them, equals the sheets counted row by row, overdue ones included.
func TestKeptCountsFollowWrites(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	regs := []string{"16.01", "16.71", "36.73", "36.01"}
	seed := reporttest.Seed(t, db, reporttest.Options{N: 500, Regencies: regs, Quota: 5})
	checkKept(t, db, "after the seed")
	var assessor int64
	_ = db.QueryRow(ctx, `SELECT min(assessor_id) FROM score_sheets`).Scan(&assessor)
	for _, sql := range []string{
		`UPDATE applications SET status = 'withdrawn' WHERE status = 'submitted' AND id % 2 = 0`,
		`UPDATE applications SET status = 'submitted', submitted_at = now(), registration_number = 'X' || id, receipt_checksum = 'x' WHERE status = 'draft' AND id % 3 = 0`,
		`UPDATE applications SET regency_code = '36.73', province_code = '36', jenjang = 'SMA' WHERE regency_code = '16.01' AND status = 'verval_passed' AND id % 4 = 0`,
		`UPDATE score_sheets SET submitted_at = now(), stage_score = 70, scores = ARRAY[3, 3] WHERE submitted_at IS NULL AND id % 3 = 0`,
		`UPDATE score_sheets SET due_at = greatest(date_trunc('hour', now()), now() - interval '1 second') WHERE submitted_at IS NULL AND id % 3 = 1`,
		`UPDATE score_sheets SET due_at = NULL WHERE submitted_at IS NULL AND id % 7 = 2`,
		`DELETE FROM score_sheets WHERE submitted_at IS NULL AND id % 5 = 1`,
		`UPDATE pembekalan_seats SET status = 'declined', freed_at = now() WHERE status = 'offered' AND id % 2 = 0`,
		`INSERT INTO score_sheets (application_id, stage, assessor_id, due_at)
			SELECT id, 'tahap1', ` + "$1" + `, now() - interval '2 hours' FROM applications WHERE status = 'draft' AND id % 2 = 0`,
		`DELETE FROM applications WHERE status = 'draft'`,
	} {
		args := []any{}
		if strings.Contains(sql, "$1") {
			args = append(args, assessor)
		}
		tag, err := db.Exec(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("no row written by\n%s", sql)
		}
		checkKept(t, db, "after "+strings.Fields(sql)[0]+" "+strings.Fields(sql)[1])
	}

	d, err := report.NewStore(db).Dashboard(ctx, application.Scope{National: true}, seed.Cohort, false)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := db.Query(ctx, `SELECT sh.stage, count(*), count(*) FILTER (WHERE sh.submitted_at IS NOT NULL),
			count(*) FILTER (WHERE sh.submitted_at IS NULL AND sh.due_at < now())
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id WHERE a.cohort_id = $1 GROUP BY 1 ORDER BY 1`, seed.Cohort)
	want, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (report.Progress, error) {
		var p report.Progress
		return p, r.Scan(&p.Stage, &p.Assigned, &p.Done, &p.Overdue)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 1 || want[0].Overdue == 0 || want[0].Done == 0 {
		t.Fatalf("the writes left no overdue or done sheets: %+v", want)
	}
	if len(d.Progress) != 1 || d.Progress[0] != want[0] {
		t.Errorf("progress %+v, counted %+v", d.Progress, want)
	}
}

// statements records the statements a pool runs.
type statements struct {
	mu   sync.Mutex
	list []pgx.TraceQueryStartData
}

func (s *statements) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	s.mu.Lock()
	s.list = append(s.list, d)
	s.mu.Unlock()
	return ctx
}

func (s *statements) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// bigTables are the tables that hold a row per application or more at national scale (a
// run's results are in its own table run_results_<id>, a partition of run_results: 000680).
var bigTables = regexp.MustCompile(`Seq Scan on (applications|score_sheets|pembekalan_seats|run_results(?:_\d+)?|teacher_profiles|users|schools)\b`)

// TestDashboardPlans records every statement a dashboard runs, for the nation, a province and
// a kab/kota, and EXPLAINs each with sequential scans made expensive (enable_seqscan off: the
// planner still picks one when no index fits): none reads a table with a row per application
// (or more) from end to end, and, run, all of them together read at most a few dozen rows of
// those tables (3,000 applications are seeded: the counts come from the kept sums). The one-off computation of a run's groups (an INSERT) is not on
// the hot path.
func TestDashboardPlans(t *testing.T) {
	db, url := testdb.New(t)
	ctx := context.Background()
	seed := reporttest.Seed(t, db, reporttest.Options{N: 3000, Quota: 2})
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	rec := &statements{}
	cfg.ConnConfig.Tracer = rec
	traced, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer traced.Close()
	st := report.NewStore(traced)
	conn, err := db.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	// The first view computes the run's groups; plans are checked on the views after it.
	if _, err := st.Dashboard(ctx, application.Scope{National: true}, seed.Cohort, false); err != nil {
		t.Fatal(err)
	}
	for name, sc := range map[string]application.Scope{
		"national":    {National: true},
		"bgp 16":      {BGPProvinces: []string{"16"}},
		"dinas 36.73": {Regencies: []string{"36.73"}},
		"dinas 36":    {Provinces: []string{"36"}},
	} {
		rec.mu.Lock()
		rec.list = nil
		rec.mu.Unlock()
		if _, err := st.Dashboard(ctx, sc, seed.Cohort, false); err != nil {
			t.Fatal(err)
		}
		if len(rec.list) < 5 {
			t.Fatalf("%s: %d statements recorded", name, len(rec.list))
		}
		for _, q := range rec.list {
			if !strings.HasPrefix(strings.TrimSpace(q.SQL), "SELECT") {
				continue
			}
			rows, _ := conn.Query(ctx, "EXPLAIN "+q.SQL, q.Args...)
			plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, q.SQL)
			}
			if p := strings.Join(plan, "\n"); bigTables.MatchString(p) {
				t.Errorf("%s: sequential scan of a national-size table:\n%s\n%s", name, q.SQL, p)
			}
			// An index scan of every entry is no better: count the rows actually read from the
			// national-size tables.
			var js []map[string]any
			if err := conn.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+q.SQL, q.Args...).Scan(&js); err != nil {
				t.Fatalf("%s: %v\n%s", name, err, q.SQL)
			}
			if n := bigRowsRead(js[0]["Plan"].(map[string]any)); n > 50 {
				t.Errorf("%s: %.0f rows read from national-size tables (of 3,000 applications) by\n%s", name, n, q.SQL)
			}
		}
	}
}

// bigRowsRead sums the rows the scans of a plan read from the national-size tables.
func bigRowsRead(node map[string]any) float64 {
	var n float64
	if rel, _ := node["Relation Name"].(string); bigTables.MatchString("Seq Scan on " + rel) {
		rows, _ := node["Actual Rows"].(float64)
		loops, _ := node["Actual Loops"].(float64)
		n += rows * loops
	}
	children, _ := node["Plans"].([]any)
	for _, c := range children {
		n += bigRowsRead(c.(map[string]any))
	}
	return n
}
