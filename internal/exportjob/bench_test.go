package exportjob_test

import (
	"context"
	"testing"
	"time"

	"penggerak/internal/application"
	"penggerak/internal/apptest"
	"penggerak/internal/export"
	"penggerak/internal/exportjob"
	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/selection"
	"penggerak/internal/storage"
	"penggerak/internal/testdb"
)

// BenchmarkExportJob250k measures, over 250,000 applications in every kab/kota (the data of
// BenchmarkDashboard250k, generated before the timer starts), what deciding and running a
// queued export costs: the scoped counts that decide whether an export is queued (national,
// one BGP province, one kab/kota Dinas, a name search that must count rows, a result run), and
// one whole queued export of the national application list as XLSX into the local store,
// progress saved every 2,000 rows. `make bench` runs it; run it alone with
// -bench ExportJob250k -benchtime 1x for the export's time.
func BenchmarkExportJob250k(b *testing.B) {
	db, _ := testdb.New(b)
	seed := reporttest.Seed(b, db, reporttest.Options{N: 250_000, Quota: 100})
	ctx := context.Background()
	national := application.Scope{National: true}
	for name, spec := range map[string]exportjob.Spec{
		"count/lamaran-national": {Kind: report.ExportApplications, Query: exportjob.Query{Scope: national, Filter: application.Filter{CohortID: seed.Cohort}}},
		"count/lamaran-bgp-16": {Kind: report.ExportApplications,
			Query: exportjob.Query{Scope: application.Scope{BGPProvinces: []string{"16"}}, Filter: application.Filter{CohortID: seed.Cohort}}},
		"count/lamaran-dinas-36.73": {Kind: report.ExportApplications,
			Query: exportjob.Query{Scope: application.Scope{Regencies: []string{"36.73"}}, Filter: application.Filter{CohortID: seed.Cohort}}},
		"count/lamaran-national-name": {Kind: report.ExportApplications,
			Query: exportjob.Query{Scope: national, Filter: application.Filter{CohortID: seed.Cohort, Query: "calon 12"}}},
		"count/hasil-national":  {Kind: report.ExportRun, Query: exportjob.Query{Run: seed.Run, Region: selection.RegionFilter{National: true}}},
		"count/verval-national": {Kind: report.ExportVerval, Query: exportjob.Query{Scope: national, Cohort: seed.Cohort}},
	} {
		b.Run(name, func(b *testing.B) {
			// 20 counts per iteration, so that one iteration (-benchtime 1x, for the export
			// below) still gives a steady figure per count.
			for b.Loop() {
				start := time.Now()
				for range 20 {
					if _, err := exportjob.Count(ctx, db, spec); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(time.Since(start).Microseconds())/20/1000, "ms/count")
			}
		})
	}
	var owner int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('bench@uji.test', 'Bangku Uji', 'x') RETURNING id`).Scan(&owner); err != nil {
		b.Fatal(err)
	}
	b.Run("run/lamaran-national-xlsx", func(b *testing.B) {
		st := exportjob.NewStore(db)
		r := &exportjob.Runner{DB: db, Files: storage.NewLocal(b.TempDir())}
		spec := exportjob.Spec{Kind: report.ExportApplications, Format: export.XLSX,
			Query: exportjob.Query{Scope: national, Filter: application.Filter{CohortID: seed.Cohort}}}
		for b.Loop() {
			b.StopTimer()
			if _, err := db.Exec(ctx, `DELETE FROM export_jobs`); err != nil {
				b.Fatal(err)
			}
			n, _ := exportjob.Count(ctx, db, spec)
			id, _, err := st.Create(ctx, exportjob.Request{OwnerID: owner, Spec: spec, Expected: n})
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			var err2 error
			peak := apptest.PeakHeap(func() { err2 = r.Run(ctx, id, true) })
			if err2 != nil {
				b.Fatal(err2)
			}
			b.StopTimer()
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			var rows, size int64
			_ = db.QueryRow(ctx, `SELECT rows_done, size_bytes FROM export_jobs WHERE id = $1`, id).Scan(&rows, &size)
			if rows != 250_000 {
				b.Fatalf("%d rows written", rows)
			}
			b.ReportMetric(float64(size)/(1<<20), "MiB-file")
			b.StartTimer()
		}
	})
}
