package training

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/testdb"
	"penggerak/internal/training/trainingtest"
)

// statements records the statements a pool runs (a pgx tracer).
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

func (s *statements) take() []pgx.TraceQueryStartData {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.list
	s.list = nil
	return l
}

// cgpTables are the tables with a row (or more) per CGP: a view of the province page reads
// them through an index, never from end to end.
var cgpTables = regexp.MustCompile(`Seq Scan on (training_participants|training_participant_facts|training_group_members|training_visits|training_attendance|training_module_progress|training_assessments|training_unplaced)\b`)

// TestProvincePagePlans records every statement the province page runs (ProvincePage) at 3,000
// CGPs (trainingtest.LoadProvince, the benchmark's data) for the BGP of the province, the BGP
// looking at one kab/kota and the Dinas of one kab/kota, and EXPLAINs each with sequential
// scans made expensive (enable_seqscan off: the planner still picks one when no index fits):
// none reads a per-CGP table from end to end; and when more CGPs are at risk than are shown,
// their names are read in the page's order for the shown ones only (riskRowsSQL through
// training_participants_risk_order_idx, without sorting every CGP at risk by name).
func TestProvincePagePlans(t *testing.T) {
	db, url := testdb.New(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: db}
	rows, _ := db.Query(ctx, `SELECT code FROM regencies WHERE province_code = '16' ORDER BY code`)
	regs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	c := fx.NewCohort(regs...)
	fx.LoadProvince(c, "16", 3000)
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
	st := NewStore(traced)
	conn, err := db.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off; SET jit = off`); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tc := range []struct {
		name    string
		sc      Scope
		regency string
	}{
		{"bgp 16", Scope{Provinces: []string{"16"}}, ""},
		{"bgp 16, kab 16.01", Scope{Provinces: []string{"16"}}, "16.01"},
		{"dinas 16.01", Scope{Regencies: []string{"16.01"}}, ""},
	} {
		rec.take()
		v, risk, ls, err := st.ProvincePage(ctx, tc.sc, c.ID, "16", tc.regency, now, 200)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(v.Regencies) == 0 || len(ls) == 0 || v.AtRisk == 0 || len(risk) != min(200, v.AtRisk) {
			t.Fatalf("%s: %d kab/kota, %d lokakarya, %d shown of %d at risk", tc.name, len(v.Regencies), len(ls), len(risk), v.AtRisk)
		}
		var selects, riskRows int
		for _, q := range rec.take() {
			sql := strings.TrimSpace(q.SQL)
			if !strings.HasPrefix(sql, "SELECT") && !strings.HasPrefix(sql, "WITH") {
				continue
			}
			selects++
			rows, _ := conn.Query(ctx, "EXPLAIN "+sql, q.Args...)
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatalf("%s: %v\n%s", tc.name, err, sql)
			}
			plan := strings.Join(lines, "\n")
			if cgpTables.MatchString(plan) {
				t.Errorf("%s: sequential scan of a per-CGP table:\n%s\n%s", tc.name, sql, plan)
			}
			if sql == riskRowsSQL {
				riskRows++
				// Beyond the shown ones, the names are read in order; up to them, the few are sorted.
				if v.AtRisk > len(risk) && (strings.Contains(plan, "Sort") || !strings.Contains(plan, "training_participants_risk_order_idx")) {
					t.Errorf("%s: the names of the CGPs at risk are sorted, not read in the index's order:\n%s", tc.name, plan)
				}
			}
		}
		if selects < 6 || riskRows != 1 {
			t.Fatalf("%s: %d statements recorded, the names of the CGPs at risk read %d times", tc.name, selects, riskRows)
		}
	}
}
