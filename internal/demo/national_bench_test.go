package demo_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"penggerak/internal/demo"
	"penggerak/internal/testdb"
)

// BenchmarkSeedNationalVsRawCopy loads the national data set (20,000 teachers by default, with
// every school of every kecamatan; BENCH_SEED_TEACHERS=250000 for the full set) with the seed's
// CopyFrom, and every table's same rows again with a raw text COPY into a scratch copy of the
// table, in the same run. Reports both rows per second and seed ÷ raw throughput.
func BenchmarkSeedNationalVsRawCopy(b *testing.B) {
	teachers := 20_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_SEED_TEACHERS")); err == nil && v > 0 {
		teachers = v
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, _ := testdb.New(b)
		b.StartTimer()
		rep, err := demo.SeedNational(context.Background(), db, demo.NationalOptions{Seed: 1, Teachers: teachers, Baseline: true})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(rep.Rows()), "rows")
		b.ReportMetric(float64(rep.Rows())/rep.LoadTime().Seconds(), "seed-rows/s")
		b.ReportMetric(float64(rep.Rows())/rep.RawTime().Seconds(), "raw-rows/s")
		b.ReportMetric(rep.RawTime().Seconds()/rep.LoadTime().Seconds(), "ratio")
	}
}
