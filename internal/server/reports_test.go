package server_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/report/reporttest"
)

// Matrix rows for the report routes: admin, BGP and Dinas only; an unknown or draft cohort
// gives 404 to all of them.
func reportCohort(f *fixture) int64 {
	if id, ok := f.Data["report.cohort"].(int64); ok {
		return id
	}
	s := reporttest.Seed(f.App.T, f.App.DB, reporttest.Options{N: 40, Regencies: []string{"16.01", "36.73"}, Quota: 3, Prefix: "matrix"})
	f.Data["report.cohort"] = s.Cohort
	return s.Cohort
}

func init() {
	staffOK := only(200, "admin", "bgp", "dinas")
	addRoutes(
		routeCase{Method: "GET", Pattern: "/laporan", Want: staffOK},
		routeCase{Method: "GET", Pattern: "/laporan/angkatan/{cohort}", Path: func(f *fixture) string {
			return fmt.Sprintf("/laporan/angkatan/%d", reportCohort(f))
		}, Want: staffOK},
		routeCase{Method: "GET", Pattern: "/laporan/klinik", Want: staffOK},
	)
}

func TestReportDashboardNotFound(t *testing.T) {
	a := apptest.Start(t)
	a.User("admin-r@x.test", account.RoleAdmin, account.Scope{})
	c := a.SignIn("admin-r@x.test")
	var draft int64
	if err := a.DB.QueryRow(t.Context(), `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at)
		VALUES (991, 'Angkatan Draf', 'cgp', now(), now() + interval '1 day') RETURNING id`).Scan(&draft); err != nil {
		t.Fatal(err)
	}
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
		if got, want := funnelCell(res.Body, "Lolos verval"), count(tc.where+" AND status = 'lolos_verval'"); got != want {
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
