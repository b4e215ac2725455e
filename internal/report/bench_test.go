package report_test

import (
	"context"
	"testing"
	"time"

	"penggerak/internal/application"
	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/testdb"
)

// BenchmarkDashboard250k computes the recruitment dashboard over 250,000 applications in every
// kab/kota (with 250,000 teacher profiles, ~300,000 score sheets, a run of ~150,000 results and
// its seats), for the national admin, a BGP (one province) and a kab/kota Dinas. The data is
// generated in SQL before the timer starts (about a minute). The figures come from sums kept
// by triggers (000521, 000650): a view reads no table row by row. `make bench` runs it.
func BenchmarkDashboard250k(b *testing.B) {
	db, _ := testdb.New(b)
	seed := reporttest.Seed(b, db, reporttest.Options{N: 250_000, Quota: 100})
	st := report.NewStore(db)
	// The first view of a run computes its groups once (report_run_groups); every view after
	// reads them. It is timed on its own, before the scopes.
	t0 := time.Now()
	if _, err := st.Dashboard(context.Background(), application.Scope{National: true}, seed.Cohort, false); err != nil {
		b.Fatal(err)
	}
	b.Logf("first view (computes the run's groups): %v", time.Since(t0))
	for _, c := range []struct {
		name string
		sc   application.Scope
	}{
		{"national", application.Scope{National: true}},
		{"bgp-16", application.Scope{BGPProvinces: []string{"16"}}},
		{"dinas-36.73", application.Scope{Regencies: []string{"36.73"}}},
	} {
		sc := c.sc
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				d, err := st.Dashboard(context.Background(), sc, seed.Cohort, false)
				if err != nil {
					b.Fatal(err)
				}
				if d.Funnel[report.StageRegistered] == 0 {
					b.Fatal("no data")
				}
			}
		})
	}
}
