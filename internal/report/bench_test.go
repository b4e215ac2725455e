package report_test

import (
	"context"
	"testing"

	"penggerak/internal/application"
	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/testdb"
)

// BenchmarkDashboard250k computes the recruitment dashboard over 250,000 applications in every
// kab/kota (with 250,000 teacher profiles, ~300,000 score sheets, a run of ~150,000 results and
// its seats), for the national admin, a BGP (one province) and a kab/kota Dinas. The data is
// generated in SQL before the timer starts (about a minute). `make bench` runs it.
func BenchmarkDashboard250k(b *testing.B) {
	db, _ := testdb.New(b)
	seed := reporttest.Seed(b, db, reporttest.Options{N: 250_000, Quota: 100})
	st := report.NewStore(db)
	for name, sc := range map[string]application.Scope{
		"national":    {National: true},
		"bgp-16":      {BGPProvinces: []string{"16"}},
		"dinas-36.73": {Regencies: []string{"36.73"}},
	} {
		b.Run(name, func(b *testing.B) {
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
