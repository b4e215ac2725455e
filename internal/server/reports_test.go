package server_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/report/reporttest"

	"github.com/xuri/excelize/v2"
)

// Matrix rows for the report routes: admin, BGP and Dinas only; an unknown or draft cohort
// gives 404 to all of them.
func reportSeed(f *fixture) reporttest.Seeded {
	if s, ok := f.Data["report.seed"].(reporttest.Seeded); ok {
		return s
	}
	s := reporttest.Seed(f.App.T, f.App.DB, reporttest.Options{N: 40, Regencies: []string{"16.01", "36.73"}, Quota: 3, Prefix: "matrix"})
	f.Data["report.seed"] = s
	return s
}

func reportCohort(f *fixture) int64 { return reportSeed(f).Cohort }

func init() {
	staffOK := only(200, "admin", "bgp", "dinas")
	addRoutes(
		routeCase{Method: "GET", Pattern: "/laporan", Want: staffOK},
		routeCase{Method: "GET", Pattern: "/laporan/angkatan/{cohort}", Path: func(f *fixture) string {
			return fmt.Sprintf("/laporan/angkatan/%d", reportCohort(f))
		}, Want: staffOK},
		routeCase{Method: "GET", Pattern: "/laporan/klinik", Want: staffOK},
		routeCase{Method: "GET", Pattern: "/ekspor/lamaran", Path: func(*fixture) string { return "/ekspor/lamaran?format=csv&status=submitted" }, Want: staffOK},
		routeCase{Method: "GET", Pattern: "/ekspor/verval", Path: func(f *fixture) string {
			return fmt.Sprintf("/ekspor/verval?format=xlsx&angkatan=%d", reportCohort(f))
		}, Want: staffOK},
		// The matrix run is unpublished: a Dinas (published results only) gets 404, as for
		// a run that does not exist.
		routeCase{Method: "GET", Pattern: "/ekspor/hasil/{run}", Path: func(f *fixture) string {
			return fmt.Sprintf("/ekspor/hasil/%d?format=xlsx", reportSeed(f).Run)
		}, Want: with(staffOK, "dinas", 404)},
		routeCase{Method: "GET", Pattern: "/laporan/asesor", Path: func(f *fixture) string {
			return fmt.Sprintf("/laporan/asesor?angkatan=%d", reportCohort(f))
		}, Want: only(200, "admin", "bgp")},
		routeCase{Method: "GET", Pattern: "/ekspor/asesor", Path: func(f *fixture) string {
			return fmt.Sprintf("/ekspor/asesor?format=csv&angkatan=%d", reportCohort(f))
		}, Want: only(200, "admin", "bgp")},
		routeCase{Method: "GET", Pattern: "/ekspor/pengguna", Path: func(*fixture) string { return "/ekspor/pengguna?format=xlsx" },
			Want: only(200, "admin", "bgp")},
	)
}

func TestReportDashboardNotFound(t *testing.T) {
	a := apptest.Start(t)
	a.User("admin-r@x.test", account.RoleAdmin, account.Scope{})
	c := a.SignIn("admin-r@x.test")
	now := time.Now()
	draft := applicationtest.NewCohort(t, a.DB, applicationtest.CohortRow{Number: 991, Name: "Angkatan Draf", Opens: now, Closes: now.Add(24 * time.Hour)})
	for _, path := range []string{"/laporan/angkatan/999999", "/laporan/angkatan/x", fmt.Sprintf("/laporan/angkatan/%d", draft)} {
		if res := c.Get(path); res.Status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, res.Status)
		}
	}
}

// cell returns the number in the funnel table's row for a stage label.
func funnelCell(body, label string) string {
	m := regexp.MustCompile(`<th scope="row">` + regexp.QuoteMeta(label) + `</th><td class="num">(\d+)</td>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestReportDashboardScopes: the page shows the counts of the viewer's scope, counted here
// independently; a Dinas of Kota Serang never sees Kabupaten OKU (names or numbers).
func TestReportDashboardScopes(t *testing.T) {
	a := apptest.Start(t)
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 200, Regencies: []string{"16.01", "36.73"}, Quota: 4, Published: true})
	a.User("admin-d@x.test", account.RoleAdmin, account.Scope{})
	a.User("bgp-d@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("dinas-d@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	count := func(where string) string {
		var n int
		if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM applications WHERE cohort_id = $1 AND `+where, seed.Cohort).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(n)
	}
	path := fmt.Sprintf("/laporan/angkatan/%d", seed.Cohort)
	for _, tc := range []struct {
		email, where string
		sees, hidden []string
	}{
		{"admin-d@x.test", "true", []string{"Kabupaten Ogan Komering Ulu", "Kota Serang"}, nil},
		{"bgp-d@x.test", "province_code = '16'", []string{"Kabupaten Ogan Komering Ulu"}, []string{"Kota Serang"}},
		{"dinas-d@x.test", "regency_code = '36.73' AND jenjang NOT IN ('SMA', 'SMK', 'SLB')", []string{"Kota Serang"}, []string{"Ogan Komering Ulu"}},
	} {
		res := a.SignIn(tc.email).Get(path)
		if res.Status != 200 {
			t.Fatalf("%s: %d", tc.email, res.Status)
		}
		if got, want := funnelCell(res.Body, "Mendaftar"), count(tc.where); got != want {
			t.Errorf("%s: registered %s, want %s", tc.email, got, want)
		}
		if got, want := funnelCell(res.Body, "Lolos verval"), count(tc.where+" AND status = 'verval_passed'"); got != want {
			t.Errorf("%s: lolos verval %s, want %s", tc.email, got, want)
		}
		for _, s := range tc.sees {
			if !strings.Contains(res.Body, s) {
				t.Errorf("%s: %q missing", tc.email, s)
			}
		}
		for _, s := range tc.hidden {
			if strings.Contains(res.Body, s) {
				t.Errorf("%s sees %q", tc.email, s)
			}
		}
		if strings.Contains(res.Body, "<script>") {
			t.Errorf("%s: an inline script on the dashboard", tc.email)
		}
		t.Logf("%s: dashboard %d bytes of HTML", tc.email, len(res.Body))
		if n := len(res.Body); n > 80_000 {
			t.Errorf("%s: dashboard weighs %d bytes", tc.email, n)
		}
	}
	// Sorting without JavaScript: ?urut=kuota is marked as the current order.
	res := a.SignIn("admin-d@x.test").Get(path + "?urut=lulus")
	if !strings.Contains(res.Body, `<strong aria-current="true">lulus terbanyak</strong>`) {
		t.Error("sort order not marked")
	}
}

func readXLSX(t *testing.T, body string) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestExports downloads every export and reads it back: the rows of the viewer's scope only,
// with the list's filters, NIK masked, formulas neutralised, the run's breakdown per
// criterion, and one audit entry per download with its filters and row count.
func TestExports(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 80, Regencies: []string{"16.01", "36.73"}, Quota: 4, Published: true})
	// The rubric of the seeded sheets (two criteria on 1-4), stored directly: sheets exist.
	if _, err := a.DB.Exec(ctx, `INSERT INTO selection_rubrics (cohort_id, stage, passing_grade, threshold) VALUES ($1, 'tahap1', 60, 15)`, seed.Cohort); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO selection_criteria (cohort_id, stage, position, name, min_score, max_score, weight) VALUES
			($1, 'tahap1', 1, 'Pengalaman mengembangkan orang lain', 1, 4, 2), ($1, 'tahap1', 2, 'Kualitas esai', 1, 4, 1)`, seed.Cohort); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE applications SET applicant_name = '=HYPERLINK("http://x")' WHERE cohort_id = $1 AND id = (SELECT min(id) FROM applications WHERE cohort_id = $1)`, seed.Cohort); err != nil {
		t.Fatal(err)
	}
	a.User("admin-e@x.test", account.RoleAdmin, account.Scope{})
	a.User("bgp-e@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("dinas-e@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	admin, bgp, dinas := a.SignIn("admin-e@x.test"), a.SignIn("bgp-e@x.test"), a.SignIn("dinas-e@x.test")
	count := func(sql string, args ...any) int {
		var n int
		if err := a.DB.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Applications with the list's filters, as the admin.
	res := admin.Get(fmt.Sprintf("/ekspor/lamaran?format=xlsx&angkatan=%d&status=verval_passed", seed.Cohort))
	if res.Status != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("applications export: %d %v", res.Status, res.Header)
	}
	rows := readXLSX(t, res.Body)
	if want := count(`SELECT count(*) FROM applications WHERE cohort_id = $1 AND status = 'verval_passed'`, seed.Cohort); len(rows) != want+1 {
		t.Errorf("%d rows, want %d and a header", len(rows)-1, want)
	}
	masked := 0
	for _, r := range rows[1:] {
		if regexp.MustCompile(`\d{16}`).MatchString(strings.Join(r, " ")) {
			t.Fatalf("a whole NIK in the export: %q", r)
		}
		if strings.Contains(r[3], "••••") {
			masked++
		}
	}
	if rows[0][3] != "NIK" || masked == 0 {
		t.Errorf("no masked NIK in the export")
	}
	// The status column says where each application stands, as every page does
	// (application.StatusKey): past verval, an announced result wins over "Lolos verval".
	results := 0
	for _, r := range rows[1:] {
		switch r[8] {
		case "Lolos verval":
		case "", "Draf", "Terkirim", "Ditarik", "Tidak lolos verval":
			t.Fatalf("status filter not applied: %q", r)
		default: // a result, a seat or training
			results++
		}
	}
	if want := count(`SELECT count(*) FROM applications a WHERE a.cohort_id = $1 AND a.status = 'verval_passed'
		AND (EXISTS (SELECT 1 FROM run_results rr JOIN result_runs r ON r.id = rr.run_id WHERE rr.application_id = a.id AND r.published_at IS NOT NULL)
			OR EXISTS (SELECT 1 FROM pembekalan_seats ps WHERE ps.application_id = a.id))`, seed.Cohort); results != want || want == 0 {
		t.Errorf("%d rows read a result or a seat, want %d (> 0)", results, want)
	}
	all := readXLSX(t, admin.Get(fmt.Sprintf("/ekspor/lamaran?format=xlsx&angkatan=%d", seed.Cohort)).Body)
	if all[1][2] != `'=HYPERLINK("http://x")` {
		t.Errorf("formula not neutralised: %q", all[1][2])
	}
	// The Dinas of Kota Serang gets its kab/kota only (not SMA: provincial jenjang).
	rows = readXLSX(t, dinas.Get(fmt.Sprintf("/ekspor/lamaran?format=xlsx&angkatan=%d", seed.Cohort)).Body)
	if want := count(`SELECT count(*) FROM applications WHERE cohort_id = $1 AND regency_code = '36.73' AND jenjang <> 'SMA'`, seed.Cohort); len(rows) != want+1 || want == 0 {
		t.Errorf("dinas: %d rows, want %d", len(rows)-1, want)
	}
	for _, r := range rows[1:] {
		if r[6] != "Kota Serang" {
			t.Fatalf("dinas export holds another region: %q", r)
		}
	}
	// CSV: BOM and semicolons.
	res = dinas.Get(fmt.Sprintf("/ekspor/lamaran?format=csv&angkatan=%d", seed.Cohort))
	if !strings.HasPrefix(res.Body, "\xEF\xBB\xBFNomor pendaftaran;Angkatan;Nama;NIK") {
		t.Errorf("csv head %q", res.Body[:min(80, len(res.Body))])
	}

	// Verval outcomes with reasons.
	rows = readXLSX(t, admin.Get(fmt.Sprintf("/ekspor/verval?format=xlsx&angkatan=%d", seed.Cohort)).Body)
	if want := count(`SELECT count(*) FROM applications WHERE cohort_id = $1 AND status IN ('verval_passed', 'verval_failed')`, seed.Cohort); len(rows) != want+1 {
		t.Errorf("verval: %d rows, want %d", len(rows)-1, want)
	}

	// The run with its breakdown, as the BGP of Sumatera Selatan: its province only; both
	// assessors gave [1 + id % 4, 2], so the first criterion's mean is 1 + id % 4.
	rows = readXLSX(t, bgp.Get(fmt.Sprintf("/ekspor/hasil/%d?format=xlsx", seed.Run)).Body)
	if want := count(`SELECT count(*) FROM run_results WHERE run_id = $1 AND province_code = '16'`, seed.Run); len(rows) != want+1 || want == 0 {
		t.Errorf("run: %d rows, want %d", len(rows)-1, want)
	}
	if len(rows[0]) != 10 || rows[0][8] != "tahap1: Pengalaman mengembangkan orang lain" {
		t.Fatalf("run header %q", rows[0])
	}
	checked := 0
	for _, r := range rows[1:] {
		if r[3] != "Kabupaten Ogan Komering Ulu" {
			t.Fatalf("bgp run export holds another province: %q", r)
		}
		var id int64
		if err := a.DB.QueryRow(ctx, `SELECT id FROM applications WHERE registration_number = $1`, r[1]).Scan(&id); err != nil {
			t.Fatal(err)
		}
		var open int
		_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND submitted_at IS NULL`, id).Scan(&open)
		if open == 0 {
			if r[8] != fmt.Sprint(1+id%4) || r[9] != "2" {
				t.Errorf("%s: criteria %q %q, want %d and 2", r[1], r[8], r[9], 1+id%4)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Error("no scored row checked")
	}
	// A Dinas sees published runs: this one is published.
	if res := dinas.Get(fmt.Sprintf("/ekspor/hasil/%d?format=csv", seed.Run)); res.Status != 200 || strings.Contains(res.Body, "Ogan Komering") {
		t.Errorf("dinas run export: %d", res.Status)
	}
	if res := admin.Get("/ekspor/hasil/99999999?format=xlsx"); res.Status != 404 {
		t.Errorf("unknown run: %d", res.Status)
	}
	if res := admin.Get("/ekspor/lamaran?format=pdf"); res.Status != 404 {
		t.Errorf("unknown format: %d", res.Status)
	}

	// Users and grants: the BGP sees its province's grants only.
	rows = readXLSX(t, bgp.Get("/ekspor/pengguna?format=xlsx").Body)
	for _, r := range rows[1:] {
		if r[3] != "Sumatera Selatan" {
			t.Errorf("bgp users export holds %q", r)
		}
	}
	if len(rows) < 3 {
		t.Errorf("users export: %q", rows)
	}
	// A revoked grant stays in the export with its status and when.
	former := a.User("dinas-lama@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	if _, err := a.DB.Exec(ctx, `UPDATE role_grants SET revoked_at = now() WHERE user_id = $1 AND role = 'dinas'`, former.ID); err != nil {
		t.Fatal(err)
	}
	rows = readXLSX(t, admin.Get("/ekspor/pengguna?format=xlsx").Body)
	if want := count(`SELECT count(*) FROM role_grants WHERE role <> 'guru'`); len(rows) != want+1 || count(`SELECT count(*) FROM role_grants WHERE revoked_at IS NOT NULL`) != 1 {
		t.Errorf("admin users export: %d rows, want %d", len(rows)-1, want)
	}
	revoked := 0
	for _, r := range rows[1:] {
		if len(r) > 8 && r[0] == "dinas-lama@x.test" && r[7] == "Dicabut" && r[8] != "" {
			revoked++
		} else if len(r) < 8 || r[7] != "Aktif" {
			t.Errorf("users export row %q: no status", r)
		}
	}
	if revoked != 1 {
		t.Errorf("the revoked grant is not in the export with its status: %q", rows)
	}

	// Every download is audited with its filters and row count.
	var n, rowsLogged int
	if err := a.DB.QueryRow(ctx, `SELECT count(*), coalesce(max((detail->>'rows')::int) FILTER (WHERE object_type = 'export.lamaran' AND detail->'filters'->>'status' = 'verval_passed'), -1)
		FROM audit_log WHERE action = 'report.export'`).Scan(&n, &rowsLogged); err != nil {
		t.Fatal(err)
	}
	if want := count(`SELECT count(*) FROM applications WHERE cohort_id = $1 AND status = 'verval_passed'`, seed.Cohort); n != 9 || rowsLogged != want {
		t.Errorf("%d audit entries (want 9: the 404s are not exports), filtered export logged %d rows (want %d)", n, rowsLogged, want)
	}
}

// TestAssessorPage: the analytics page shows the BGP its province's assessors only, and the
// export carries the same rows.
func TestAssessorPage(t *testing.T) {
	a := apptest.Start(t)
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 60, Regencies: []string{"16.01"}, Quota: 3})
	a.User("admin-a@x.test", account.RoleAdmin, account.Scope{})
	a.User("bgp-a@x.test", account.RoleBGP, account.Scope{ProvinceCode: "36"})
	path := fmt.Sprintf("/laporan/asesor?angkatan=%d", seed.Cohort)
	res := a.SignIn("admin-a@x.test").Get(path)
	if res.Status != 200 || !strings.Contains(res.Body, `<th scope="row">Asesor Satu</th>`) || !strings.Contains(res.Body, "Asesor Satu – Asesor Dua") {
		t.Errorf("admin page: %d", res.Status)
	}
	rows := readXLSX(t, a.SignIn("admin-a@x.test").Get(fmt.Sprintf("/ekspor/asesor?format=xlsx&angkatan=%d", seed.Cohort)).Body)
	if len(rows) != 3 || rows[1][0] != "Asesor Dua" {
		t.Errorf("export %q", rows)
	}
	// The seeded assessors are granted in Sumatera Selatan: Banten's BGP sees none of them.
	res = a.SignIn("bgp-a@x.test").Get(path)
	if res.Status != 200 || strings.Contains(res.Body, "Asesor Satu") {
		t.Errorf("bgp of Banten sees Sumatera Selatan's assessors")
	}
	if res := a.SignIn("admin-a@x.test").Get("/laporan/asesor?angkatan=999999"); res.Status != 404 {
		t.Errorf("unknown cohort: %d", res.Status)
	}
}
