package report_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"penggerak/internal/application"
	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/testdb"
)

// raw is one seeded application as the test reads it back, row by row.
type raw struct {
	id                 int64
	regency, province  string
	jenjang, status    string
	created            time.Time
	submitted          *time.Time
	gender, employment *string
	outcome            *string
	tahap1             *float64
	seat               *string
}

// inScope is the jurisdiction rule written out again for the test (DOMAIN.md): a kab/kota
// Dinas sees its kab/kota except SMA/SMK/SLB, a provincial Dinas SMA/SMK/SLB of its province, a
// BGP its whole province.
func inScope(sc application.Scope, a raw) bool {
	if sc.National {
		return true
	}
	prov := a.jenjang == "SMA" || a.jenjang == "SMK" || a.jenjang == "SLB"
	return (slices.Contains(sc.Regencies, a.regency) && !prov) || (slices.Contains(sc.Provinces, a.province) && prov) ||
		slices.Contains(sc.BGPProvinces, a.province)
}

func TestDashboardCountsPerScope(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	regs := []string{"16.01", "16.71", "36.73", "36.01"}
	seed := reporttest.Seed(t, db, reporttest.Options{N: 600, Regencies: regs, Quota: 6})
	// A second cohort in the same regions must never leak into the first one's figures.
	reporttest.Seed(t, db, reporttest.Options{N: 50, Regencies: regs, Quota: 2, Prefix: "other"})

	rows, err := db.Query(ctx, `SELECT a.id, a.regency_code, a.province_code, a.jenjang, a.status, a.created_at, a.submitted_at,
			tp.gender, tp.employment_status, rr.outcome, rr.stage_scores[1]::float8, ps.status
		FROM applications a LEFT JOIN teacher_profiles tp ON tp.user_id = a.user_id
		LEFT JOIN run_results rr ON rr.application_id = a.id AND rr.run_id = $2
		LEFT JOIN pembekalan_seats ps ON ps.application_id = a.id AND ps.run_id = $2
		WHERE a.cohort_id = $1`, seed.Cohort, seed.Run)
	if err != nil {
		t.Fatal(err)
	}
	var apps []raw
	for rows.Next() {
		var a raw
		if err := rows.Scan(&a.id, &a.regency, &a.province, &a.jenjang, &a.status, &a.created, &a.submitted, &a.gender, &a.employment,
			&a.outcome, &a.tahap1, &a.seat); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	if len(apps) != 600 {
		t.Fatalf("%d applications seeded", len(apps))
	}
	type sheet struct {
		app           int64
		done, overdue bool
	}
	var sheets []sheet
	srows, _ := db.Query(ctx, `SELECT application_id, submitted_at IS NOT NULL, submitted_at IS NULL AND due_at < now() FROM score_sheets`)
	for srows.Next() {
		var s sheet
		_ = srows.Scan(&s.app, &s.done, &s.overdue)
		sheets = append(sheets, s)
	}
	byID := map[int64]raw{}
	for _, a := range apps {
		byID[a.id] = a
	}

	scopes := map[string]application.Scope{
		"national":       {National: true},
		"bgp 16":         {BGPProvinces: []string{"16"}},
		"dinas 36.73":    {Regencies: []string{"36.73"}},
		"dinas prov 36":  {Provinces: []string{"36"}},
		"dinas 16.01+71": {Regencies: []string{"16.01", "16.71"}},
	}
	st := report.NewStore(db)
	for name, sc := range scopes {
		t.Run(name, func(t *testing.T) {
			d, err := st.Dashboard(ctx, sc, seed.Cohort, false)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]int64{}
			days := make([]report.Day, 20)
			rates := map[string]map[string][2]int64{}
			lulusBy := map[string]int64{}
			rate := func(dim, key string, lulus bool) {
				if rates[dim] == nil {
					rates[dim] = map[string][2]int64{}
				}
				r := rates[dim][key]
				r[0]++
				if lulus {
					r[1]++
				}
				rates[dim][key] = r
			}
			for _, a := range apps {
				if !inScope(sc, a) {
					continue
				}
				want[report.StageRegistered]++
				sent := a.status == "submitted" || a.status == "verval_passed" || a.status == "verval_failed"
				if sent {
					want[report.StageSubmitted]++
				}
				if a.status == "verval_passed" {
					want[report.StageVervalPassed]++
				}
				days[int(a.created.Sub(seed.Opens).Hours()/24)].Registered++
				if sent {
					if i := int(a.submitted.Sub(seed.Opens).Hours() / 24); i < 20 {
						days[i].Submitted++
					}
				}
				if a.outcome != nil {
					lulus := *a.outcome == "lulus"
					if *a.tahap1 >= 60 {
						want[report.StageLulusTahap1]++
					}
					if lulus {
						want[report.StageLulusTahap2]++
						lulusBy[a.regency]++
					}
					rate(report.ByJenjang, a.jenjang, lulus)
					g, e := "", ""
					if a.gender != nil {
						g, e = *a.gender, *a.employment
					}
					rate(report.ByGender, g, lulus)
					rate(report.ByEmployment, e, lulus)
					region := a.regency
					if sc.National {
						region = a.province
					}
					rate(report.ByRegion, region, lulus)
				}
				if a.seat != nil && (*a.seat == "confirmed" || *a.seat == "attended") {
					want[report.StageConfirmed]++
				}
				if a.seat != nil && *a.seat == "attended" {
					want[report.StageCGP]++
				}
			}
			for _, k := range report.FunnelStages {
				if d.Funnel[k] != want[k] {
					t.Errorf("funnel %s = %d, want %d", k, d.Funnel[k], want[k])
				}
			}
			if want[report.StageRegistered] == 0 || want[report.StageCGP] == 0 {
				t.Errorf("scope has too little data to prove anything: %v", want)
			}
			if len(d.Days) != 20 || d.DeadlineDay != 19 {
				t.Fatalf("%d days, deadline %d", len(d.Days), d.DeadlineDay)
			}
			for i := range days {
				if d.Days[i].Registered != days[i].Registered || d.Days[i].Submitted != days[i].Submitted {
					t.Errorf("day %d: %+v, want %+v", i, d.Days[i], days[i])
				}
			}
			for dim, m := range rates {
				got := map[string][2]int64{}
				for _, r := range d.Rates[dim] {
					got[r.Key] = [2]int64{r.Ranked, r.Lulus}
				}
				if fmt.Sprint(got) != fmt.Sprint(m) {
					t.Errorf("rates by %s: %v, want %v", dim, got, m)
				}
			}
			var regsWant []string
			for _, r := range regs {
				if sc.National || slices.Contains(sc.Regencies, r) || slices.Contains(sc.Provinces, r[:2]) || slices.Contains(sc.BGPProvinces, r[:2]) {
					regsWant = append(regsWant, r)
				}
			}
			var regsGot []string
			for _, q := range d.Quotas {
				regsGot = append(regsGot, q.Code)
				if q.Quota != 6 || q.Lulus != lulusBy[q.Code] {
					t.Errorf("quota row %+v, want quota 6 lulus %d", q, lulusBy[q.Code])
				}
			}
			slices.Sort(regsGot)
			slices.Sort(regsWant)
			if !slices.Equal(regsGot, regsWant) {
				t.Errorf("quota rows %v, want %v", regsGot, regsWant)
			}
			var assigned, done, overdue int64
			for _, s := range sheets {
				if a, ok := byID[s.app]; ok && inScope(sc, a) {
					assigned++
					if s.done {
						done++
					}
					if s.overdue {
						overdue++
					}
				}
			}
			if len(d.Progress) != 1 || d.Progress[0] != (report.Progress{Stage: "tahap1", Assigned: assigned, Done: done, Overdue: overdue}) {
				t.Errorf("progress %+v, want %d/%d/%d", d.Progress, assigned, done, overdue)
			}
		})
	}

	// Published only (a Dinas): the run is not published, so nothing past verval shows.
	d, err := st.Dashboard(ctx, application.Scope{Regencies: []string{"36.73"}}, seed.Cohort, true)
	if err != nil {
		t.Fatal(err)
	}
	if d.Run != nil || d.Funnel[report.StageLulusTahap1] != 0 || len(d.Rates) != 0 {
		t.Errorf("unpublished run shown to a published-only viewer: %+v", d.Funnel)
	}
}

func TestSortQuotas(t *testing.T) {
	rows := []report.QuotaRow{{Name: "B", Quota: 5, Lulus: 5}, {Name: "A", Quota: 9, Lulus: 1}, {Name: "C", Quota: 9, Lulus: 7}}
	names := func() string {
		s := ""
		for _, r := range rows {
			s += r.Name
		}
		return s
	}
	for by, want := range map[string]string{"kuota": "ACB", "lulus": "CBA", "selisih": "ACB", "nama": "ABC", "x": "ABC"} {
		report.SortQuotas(rows, by)
		if got := names(); got != want {
			t.Errorf("sort %s: %s, want %s", by, got, want)
		}
	}
}
