package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
	trainingpage "penggerak/web/pages/training"
)

// BenchmarkTrainingProvince3k measures the BGP's province page of a cohort with 3,000 CGPs over
// the 17 kab/kota of Sumatera Selatan in 500 confirmed groups, with 4 lokakarya per kab/kota (3
// held, attendance recorded), 6 planned visits per CGP (3 sent, 2 acknowledged) and module
// progress: the whole page through HTTP for the BGP and for a kab/kota Dinas, beside the
// baseline of the same run — the page's SQL alone (the store call the handler makes,
// ProvincePage: the figures per kab/kota, the CGPs at risk, the lokakarya list). The data is
// trainingtest.LoadProvince's. Besides wall times it reports ms-db-cpu, the CPU time PostgreSQL
// spent per view (the baseline's one backend from /proc/<pid>/schedstat; for the pages every
// backend of the test database, in 10 ms ticks over all iterations).
func BenchmarkTrainingProvince3k(b *testing.B) {
	const cgps = 3000
	a := apptest.Start(b)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: b, DB: a.DB}
	rows, _ := a.DB.Query(ctx, `SELECT code FROM regencies WHERE province_code = '16' ORDER BY code`)
	regs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	c := fx.NewCohort(regs...)
	start := time.Now()
	fx.LoadProvince(c, "16", cgps)
	b.Logf("loaded %d CGPs in %v", cgps, time.Since(start).Round(time.Millisecond))

	a.User("bgp@bench.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("dinas@bench.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	path := fmt.Sprintf("/pelatihan/%d/16", c.ID)
	// The baseline runs on a pool of one connection, so that the CPU time its PostgreSQL
	// backend spends is known (/proc/<pid>/schedstat, when the server runs on this machine):
	// on the shared machine that figure moves much less with the load than the wall time.
	one := testdb.SmallPool(b, a.DBURL, 1)
	store := training.NewStore(one)
	var pid int
	if err := one.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		b.Fatal(err)
	}
	bgpScope := training.Scope{Provinces: []string{"16"}}
	b.Run("baseline/sql", func(b *testing.B) {
		var best time.Duration
		cpu0, cpuOK := schedCPU(pid)
		for b.Loop() {
			t0 := time.Now()
			if _, _, _, err := store.ProvincePage(ctx, bgpScope, c.ID, "16", "", time.Now(), trainingpage.MaxRiskShown); err != nil {
				b.Fatal(err)
			}
			best = fastest(best, time.Since(t0))
		}
		b.ReportMetric(float64(best.Microseconds())/1000, "ms-best")
		var again int
		if cpu1, ok := schedCPU(pid); ok && cpuOK && one.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&again) == nil && again == pid {
			b.ReportMetric(float64((cpu1-cpu0).Microseconds())/1000/float64(b.N), "ms-db-cpu")
		}
	})
	for _, who := range []string{"bgp", "dinas"} {
		cl := a.SignIn(who + "@bench.test")
		b.Run("page/"+who, func(b *testing.B) {
			var size int
			var best time.Duration
			cpu0 := backendsCPU(b, a)
			for b.Loop() {
				t0 := time.Now()
				res := cl.Get(path)
				if res.Status != http.StatusOK || !strings.Contains(res.Body, "CGP berisiko") {
					b.Fatalf("%d", res.Status)
				}
				size = len(res.Body)
				best = fastest(best, time.Since(t0))
			}
			b.ReportMetric(float64(backendsCPU(b, a).since(cpu0).Microseconds())/1000/float64(b.N), "ms-db-cpu")
			b.ReportMetric(float64(size)/1024, "KiB")
			b.ReportMetric(float64(best.Microseconds())/1000, "ms-best")
		})
	}
}

// fastest keeps the fastest time: on the shared machine the mean carries other engineers'
// load, the best run is closer to the work itself.
func fastest(best, d time.Duration) time.Duration {
	if best == 0 || d < best {
		return d
	}
	return best
}

// schedCPU is the CPU time the process pid (a PostgreSQL backend on this machine) has run,
// from /proc/pid/schedstat; false when it cannot be read.
func schedCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
	if err != nil {
		return 0, false
	}
	var ns int64
	if _, err := fmt.Sscan(string(b), &ns); err != nil {
		return 0, false
	}
	return time.Duration(ns), true
}
