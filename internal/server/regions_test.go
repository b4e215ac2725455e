package server_test

import (
	"net/http"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
)

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/wilayah", Want: only(200, "dinas", "bgp", "admin")},
		// Kabupaten OKU (16.01): inside bgp Sumatera Selatan's scope, outside dinas Kota Serang's.
		routeCase{Method: "GET", Pattern: "/wilayah/{kode}", Path: func(*fixture) string { return "/wilayah/16.01" },
			Want: only(200, "bgp", "admin")},
	)
}

func TestRegionPagesAreScoped(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas@serang.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	a.User("bgp@sumsel.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	applicationtest.School(t, a.DB, "20601234", "SD Negeri Serang 7", "SD", "36.73")
	applicationtest.School(t, a.DB, "20601235", "SMP Negeri 3 Serang", "SMP", "36.73")
	applicationtest.School(t, a.DB, "10645124", "SMP Negeri 1 OKU", "SMP", "16.01")
	dinas := a.SignIn("dinas@serang.test")
	res := dinas.Get("/wilayah")
	if res.Status != 200 || !strings.Contains(res.Body, `href="/wilayah/36.73"`) || strings.Contains(res.Body, "16.01") {
		t.Fatalf("dinas index: %d", res.Status)
	}
	res = dinas.Get("/wilayah/36.73?jenjang=SMP")
	if res.Status != 200 || !strings.Contains(res.Body, "SMP Negeri 3 Serang") || strings.Contains(res.Body, "SD Negeri Serang 7") {
		t.Fatalf("dinas own regency filtered by jenjang: %d", res.Status)
	}
	res = dinas.Get("/wilayah/16.01")
	if res.Status != http.StatusForbidden || strings.Contains(res.Body, "SMP Negeri 1 OKU") || !strings.Contains(res.Body, "di luar wilayah tugas Anda") {
		t.Fatalf("dinas Serang on OKU: %d", res.Status)
	}
	if res := dinas.Get("/wilayah/99.99"); res.Status != http.StatusNotFound {
		t.Fatalf("unknown regency: %d", res.Status)
	}
	bgp := a.SignIn("bgp@sumsel.test")
	res = bgp.Get("/wilayah")
	if !strings.Contains(res.Body, `href="/wilayah/16.01"`) || !strings.Contains(res.Body, `href="/wilayah/16.71"`) || strings.Contains(res.Body, "36.73") {
		t.Fatalf("bgp index does not list exactly its province's regencies")
	}
	if res := bgp.Get("/wilayah/36.73"); res.Status != http.StatusForbidden {
		t.Fatalf("bgp Sumsel on Kota Serang: %d", res.Status)
	}
}
