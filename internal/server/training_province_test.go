package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/training/trainingtest"
)

func init() {
	addRoutes(
		// The kab/kota view of the province page: the Dinas of Kota Serang still gets 404 for
		// Sumatera Selatan, whatever kab/kota it names.
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/{prov}", Variant: "kab/kota view",
			Path: trPath("/pelatihan/%d/16?kab=16.01", func(d trMatrixData) []any { return []any{d.cohortA} }),
			Want: with(only(200, "admin", "bgp"), "dinas", 404)},
	)
}

// TestTrainingProvinceFiguresPerKabKota: the BGP's province page shows per kab/kota the
// attendance rate, missed visits and module progress and lists the CGP at risk with the rule
// unmet; choosing a kab/kota lists only its groups and keeps it across a form; the Dinas of one
// kab/kota sees its own figures read-only and nothing of the other kab/kota.
func TestTrainingProvinceFiguresPerKabKota(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: a.DB}
	c := fx.NewCohort("16.01", "16.02")
	for i := range 5 {
		fx.CGP(c, 0, fmt.Sprintf("Oku %d", i), "10697700", "16.01", "SD")
		fx.CGP(c, 0, fmt.Sprintf("Oki %d", i), "10697701", "16.02", "SD")
	}
	fx.Start(c)
	a.User("bgp@prov.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("dinas@prov.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	q := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := a.DB.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return id
	}
	groups := map[string]int64{}
	for _, reg := range []string{"16.01", "16.02"} {
		u := fx.User("pp-"+reg+"@prov.test", "PP "+reg, "")
		m := q(`INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
			VALUES ($1, $2, 'pengajar_praktik', $3, '16', 6, $2) RETURNING id`, c.ID, u, reg)
		groups[reg] = q(`INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, status, confirmed_at)
			VALUES ($1, '16', $2, 1, $3, 'aktif', now()) RETURNING id`, c.ID, reg, m)
		q(`WITH x AS (INSERT INTO training_group_members (participant_id, group_id) SELECT id, $3 FROM training_participants WHERE cohort_id = $1 AND regency_code = $2
			RETURNING 1) SELECT count(*) FROM x`, c.ID, reg, groups[reg])
	}
	lk := q(`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '16', '16.01', 0, now() - interval '3 days', 'Aula OKU') RETURNING id`, c.ID)
	q(`WITH x AS (INSERT INTO training_attendance (lokakarya_id, participant_id, status)
		SELECT $1, id, CASE WHEN name = 'Oku 0' THEN 'tidak_hadir' ELSE 'hadir' END FROM training_participants WHERE cohort_id = $2 AND regency_code = '16.01'
		RETURNING 1) SELECT count(*) FROM x`, lk, c.ID)
	q(`WITH x AS (INSERT INTO training_visits (participant_id, number, planned_on)
		SELECT id, 1, current_date - 20 FROM training_participants WHERE cohort_id = $1 AND name = 'Oku 1' RETURNING 1) SELECT count(*) FROM x`, c.ID)
	q(`WITH x AS (INSERT INTO training_module_progress (participant_id, module)
		SELECT id, m FROM training_participants, generate_series(1, 5) m WHERE cohort_id = $1 AND regency_code = '16.01' RETURNING 1) SELECT count(*) FROM x`, c.ID)

	base := fmt.Sprintf("/pelatihan/%d/16", c.ID)
	bgp := a.SignIn("bgp@prov.test")
	res := bgp.Get(base)
	for _, want := range []string{"80% (4 dari 5, 1 lokakarya)", "CGP berisiko tidak lulus", "Oku 0", "Oku 1",
		"Kehadiran lokakarya belum mencapai batas angkatan.", "Belum semua kunjungan pendampingan yang direncanakan dicatat dan disetujui.",
		`aria-label="Modul selesai di Kabupaten Ogan Komering Ulu: 50%"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("province page lacks %q:\n%s", want, res.Body)
		}
	}
	if !strings.Contains(res.Body, "PP 16.01") || !strings.Contains(res.Body, "PP 16.02") {
		t.Fatalf("the whole province lists both kab/kota's groups")
	}
	res = bgp.Get(base + "?kab=16.02")
	if !strings.Contains(res.Body, `name="kab" value="16.02"`) || strings.Contains(res.Body, "PP 16.01") || !strings.Contains(res.Body, "PP 16.02") ||
		strings.Contains(res.Body, "Oku 0") {
		t.Fatalf("kab/kota view:\n%s", res.Body)
	}
	res = bgp.PostForm(base+"/lokakarya", url.Values{"kab": {"16.02"}, "lk-regency": {"16.02"}, "lk-number": {"1"}, "lk-date": {"2027-03-01"},
		"lk-time": {"08:00"}, "lk-place": {"Aula OKI"}, "lk-group": {fmt.Sprint(groups["16.02"])}})
	if res.Status != 303 || res.Location != base+"?kab=16.02#lokakarya" {
		t.Fatalf("schedule from the kab/kota view: %d %q", res.Status, res.Location)
	}

	dinas := a.SignIn("dinas@prov.test")
	res = dinas.Get(base)
	if res.Status != 200 || !strings.Contains(res.Body, "80% (4 dari 5, 1 lokakarya)") || !strings.Contains(res.Body, "Oku 0") ||
		strings.Contains(res.Body, "Oki 0") || strings.Contains(res.Body, "PP 16.02") || strings.Contains(res.Body, `id="penunjukan"`) ||
		strings.Contains(res.Body, `id="jadwal-lokakarya"`) {
		t.Fatalf("Dinas OKU view: %d\n%s", res.Status, res.Body)
	}
	if res := dinas.PostForm(base+"/lokakarya", url.Values{"lk-regency": {"16.01"}}); res.Status != 403 {
		t.Fatalf("the Dinas may not schedule: %d", res.Status)
	}
}
