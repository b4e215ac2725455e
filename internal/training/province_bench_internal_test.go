package training

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/testdb"
	"penggerak/internal/training/trainingtest"
)

// provinceStatements are the province page's three aggregate statements, as they count the
// rows (counted) and as they read the kept counts (kept), with their arguments for the BGP of
// province 16 at now. The CGPs at risk are compared on their facts, by id (riskSQL returns
// them in no order and without names: riskRowsSQL reads those).
func provinceStatements(cohortID int64, now time.Time) map[string][2]string {
	lkWhere := `
		WHERE l.cohort_id = $1 AND l.province_code = $2 AND ` + scopeSQL("l", 3) + ` ORDER BY l.regency_code, l.number`
	return map[string][2]string{
		"summary":   {countedSummarySQL, regencySummarySQL},
		"risk":      {`SELECT participant_id, lokakarya_held, attended, visits_acknowledged, modules_done, pp_score, fas_score, visits_due, ended FROM (` + countedRiskSQL + `) r ORDER BY participant_id`, `SELECT * FROM (` + riskSQL + `) r ORDER BY participant_id`},
		"lokakarya": {countedLokakaryaSelect + `, NULL::text AS mine` + countedLokakaryaFrom + lkWhere, provinceLokakaryaSQL},
	}
}

func provinceArgs(name string, sc Scope, cohortID int64, prov string, now time.Time) []any {
	args := append([]any{cohortID, prov}, sc.args()...)
	switch name {
	case "summary":
		return append(args, now)
	case "risk":
		return append(args, now, "")
	}
	return args
}

// BenchmarkProvinceStatements3k runs each aggregate statement of the BGP's province page at
// 3,000 CGPs (trainingtest.LoadProvince: 17 kab/kota, 500 groups, 9,000 attendance rows, 18,000
// visits, 12,000 module rows) as it counted the rows before migration 000711 (the baseline, same
// run) and as it reads the kept counts now, each in the page's transaction settings (noJIT).
func BenchmarkProvinceStatements3k(b *testing.B) {
	db, _ := testdb.New(b)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: b, DB: db}
	rows, _ := db.Query(ctx, `SELECT code FROM regencies WHERE province_code = '16' ORDER BY code`)
	regs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	c := fx.NewCohort(regs...)
	fx.LoadProvince(c, "16", 3000)
	sc := Scope{Provinces: []string{"16"}}
	st := NewStore(db)
	for _, name := range []string{"summary", "risk", "lokakarya"} {
		for i, kind := range []string{"counted", "kept"} {
			b.Run(name+"/"+kind, func(b *testing.B) {
				var best time.Duration
				for b.Loop() {
					now := time.Now()
					sql := provinceStatements(c.ID, now)[name][i]
					if err := st.noJIT(ctx, func(tx pgx.Tx) error {
						rows, err := tx.Query(ctx, sql, provinceArgs(name, sc, c.ID, "16", now)...)
						if err != nil {
							return err
						}
						rows.Close()
						return rows.Err()
					}); err != nil {
						b.Fatal(err)
					}
					if d := time.Since(now); best == 0 || d < best {
						best = d
					}
				}
				b.ReportMetric(float64(best.Microseconds())/1000, "ms-best")
			})
		}
	}
}
