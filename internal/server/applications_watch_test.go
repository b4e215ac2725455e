package server_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
)

// Regional watching: scope in SQL, masked NIK, filters, counts, 404 outside the region.
func TestRegionalWatch(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, oku := recTeacher(t, a, "oku@guru.test", "10600001", "16.01", recProfileOpts{})
	okuBase := recStart(t, oku, tc.ID)
	_, srg := recTeacher(t, a, "serang@guru.test", "20600001", "36.73", recProfileOpts{Jenjang: "SMP"})
	srgBase := recStart(t, srg, tc.ID)
	recFill(t, srg, srgBase, tc)
	srg.PostForm(srgBase+"/kirim", confirmYes)
	a.User("dinas.serang@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	a.User("bgp.sumsel@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	dinas, bgp := a.SignIn("dinas.serang@x.test"), a.SignIn("bgp.sumsel@x.test")

	res := dinas.Get("/pantau/lamaran")
	recWant(t, res, 200, "Pengguna serang", "Terkirim: <strong>1</strong>")
	if strings.Contains(res.Body, "Pengguna oku") {
		t.Error("dinas Kota Serang sees an OKU applicant")
	}
	if regexp.MustCompile(`\b1601\d{12}\b|\b\d{16}\b`).MatchString(res.Body) {
		t.Error("a whole NIK is shown")
	}
	if !strings.Contains(res.Body, "••••") {
		t.Error("no masked NIK")
	}
	okuID := strings.TrimPrefix(okuBase, "/lamaran/")
	srgID := strings.TrimPrefix(srgBase, "/lamaran/")
	if res := dinas.Get("/pantau/lamaran/" + okuID); res.Status != 404 {
		t.Errorf("dinas Kota Serang opening an OKU application: %d", res.Status)
	}
	recWant(t, dinas.Get("/pantau/lamaran/"+srgID), 200, "Pengguna serang", "1601••••••••")
	recWant(t, bgp.Get("/pantau/lamaran/"+okuID), 200, "Pengguna oku")
	if res := bgp.Get("/pantau/lamaran/" + srgID); res.Status != 404 {
		t.Errorf("BGP Sumsel opening a Kota Serang application: %d", res.Status)
	}
	// Filters.
	a.User("admin2@x.test", account.RoleAdmin, account.Scope{})
	adm := a.SignIn("admin2@x.test")
	recWant(t, adm.Get("/pantau/lamaran?status=submitted"), 200, "Pengguna serang")
	// A filter the page never sends is refused on the error page, not a 500.
	recWant(t, adm.Get("/pantau/lamaran?angkatan=satu"), 400, "Permintaan tidak dapat diproses.")
	if res := adm.Get("/pantau/lamaran?status=submitted"); strings.Contains(res.Body, "Pengguna oku") {
		t.Error("status filter ignored")
	}
	if res := adm.Get("/pantau/lamaran?jenjang=SMP&q=SERANG"); !strings.Contains(res.Body, "Pengguna serang") || strings.Contains(res.Body, "Pengguna oku") {
		t.Error("jenjang/name filter")
	}
	if res := adm.Get("/pantau/lamaran?kab=16.01&npsn=10600001"); !strings.Contains(res.Body, "Pengguna oku") || strings.Contains(res.Body, "Pengguna serang") {
		t.Error("kab/npsn filter")
	}
}

var recActorTest = audit.Actor{IP: "test"}

// The regional list and view follow the jurisdiction rule (DOMAIN.md): the kab/kota Dinas sees
// PAUD/TK, SD, SMP applicants of its kab/kota, the provincial Dinas the SMA, SMK, SLB applicants
// of its province, and the BGP every applicant of its province — in the SQL, so opening another
// jurisdiction's application by id is a 404.
func TestWatchListFollowsJurisdiction(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	if _, err := a.DB.Exec(context.Background(), `UPDATE cohorts SET eligible_jenjang = '{SD,SMP,SMA,SMK,SLB}' WHERE id = $1`, tc.ID); err != nil {
		t.Fatal(err)
	}
	_, sd := recTeacher(t, a, "sd@guru.test", "10600001", "16.01", recProfileOpts{Jenjang: "SD"})
	sdID := strings.TrimPrefix(recStart(t, sd, tc.ID), "/lamaran/")
	_, sma := recTeacher(t, a, "sma@guru.test", "10600002", "16.01", recProfileOpts{Jenjang: "SMA"})
	smaID := strings.TrimPrefix(recStart(t, sma, tc.ID), "/lamaran/")
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE jenjang IN ('SD', 'SMA') AND regency_code = '16.01'`); n != 2 {
		t.Fatalf("%d applications, want an SD and an SMA one in OKU", n)
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("dinas.sumsel@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16"})
	a.User("bgp.sumsel@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	for _, tt := range []struct {
		who          string
		sees, hidden []string // applicant names, application ids
		drafts       string
	}{
		{"dinas.oku@x.test", []string{"Pengguna sd", sdID}, []string{"Pengguna sma", smaID}, "1"},
		{"dinas.sumsel@x.test", []string{"Pengguna sma", smaID}, []string{"Pengguna sd", sdID}, "1"},
		{"bgp.sumsel@x.test", []string{"Pengguna sd", sdID}, nil, "2"},
		{"bgp.sumsel@x.test", []string{"Pengguna sma", smaID}, nil, "2"},
	} {
		c := a.SignIn(tt.who)
		res := c.Get("/pantau/lamaran")
		recWant(t, res, 200, tt.sees[0], "Draf: <strong>"+tt.drafts+"</strong>")
		if tt.hidden != nil && strings.Contains(res.Body, tt.hidden[0]) {
			t.Errorf("%s sees %s outside its jurisdiction", tt.who, tt.hidden[0])
		}
		recWant(t, c.Get("/pantau/lamaran/"+tt.sees[1]), 200, tt.sees[0])
		if tt.hidden != nil {
			if res := c.Get("/pantau/lamaran/" + tt.hidden[1]); res.Status != 404 {
				t.Errorf("%s opening %s: %d, want 404", tt.who, tt.hidden[0], res.Status)
			}
		}
	}
}
