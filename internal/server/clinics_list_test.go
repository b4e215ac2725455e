package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
)

// TestClinicListOwnRegionAndSearch (issue 11): a signed-in teacher opening the clinic list sees
// the kabupaten/kota of their school preselected (and said so), "Semua wilayah" shows every
// region, and the search box (a plain GET form, no JavaScript) finds events by name or place.
func TestClinicListOwnRegionAndSearch(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	okuEvent(t, a, 10, true) // Kabupaten OKU 16.01, venue SMPN 1 OKU
	st := clinicStore(a)
	for _, e := range []struct{ title, province, regency, venue string }{
		{"Coaching Clinic Kabupaten OKI", "16", "16.02", "Aula Kayuagung"},
		{"Sosialisasi PGP Kotawaringin Barat", "62", "62.01", "Gedung 50% Pangkalan Bun"},
	} {
		start := a.Now().Add(72 * time.Hour)
		id, err := st.Create(ctx, audit.Actor{IP: "test"}, clinic.Input{Kind: clinic.KindSosialisasi, Title: e.title,
			Organiser: "Dinas Pendidikan", ProvinceCode: e.province, RegencyCode: e.regency, Mode: clinic.ModeOffline, Venue: e.venue,
			Capacity: 100, Jenjang: []string{"SD"}, Opens: a.Now().Add(-time.Hour), Closes: a.Now().Add(48 * time.Hour),
			Sessions: []clinic.Session{{Title: "Sesi", StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Publish(ctx, audit.Actor{IP: "test"}, clinic.Scope{National: true}, id); err != nil {
			t.Fatal(err)
		}
	}
	guru := a.User("guru.oku@x.test", account.RoleGuru, account.Scope{})
	clinicTeacherProfile(t, a, guru.ID)
	c := a.SignIn("guru.oku@x.test")
	titles := []string{"Coaching Clinic CGP Angkatan 10 OKU", "Coaching Clinic Kabupaten OKI", "Sosialisasi PGP Kotawaringin Barat"}
	shows := func(what, body string, want ...bool) {
		t.Helper()
		for i, title := range titles {
			if strings.Contains(body, title) != want[i] {
				t.Errorf("%s: shows %q = %v, want %v", what, title, !want[i], want[i])
			}
		}
	}

	res := c.Get("/klinik")
	if res.Status != 200 {
		t.Fatalf("list: %d", res.Status)
	}
	mustContain(t, "own region preselected", res.Body, `<option value="16.01" selected>`, "Dipilihkan kabupaten/kota sekolah Anda",
		`<form method="get" action="/klinik" class="filters" role="search">`, `name="q"`, `type="search"`)
	shows("own region", res.Body, true, false, false)

	res = c.Get("/klinik?wilayah=") // "Semua wilayah" chosen
	shows("all regions", res.Body, true, true, true)
	if strings.Contains(res.Body, `<option value="16.01" selected>`) || strings.Contains(res.Body, "Dipilihkan kabupaten/kota") {
		t.Error("an explicit 'all regions' is overridden by the teacher's own region")
	}

	shows("search by place", c.Get("/klinik?wilayah=&q=kayuagung").Body, false, true, false)
	shows("search by name", c.Get("/klinik?wilayah=&q=Kotawaringin").Body, false, false, true)
	shows("search inside the own region", c.Get("/klinik?wilayah=16.01&q=kayuagung").Body, false, false, false)
	// % and _ are letters in the search, not wildcards.
	shows("literal percent", c.Get("/klinik?wilayah=&q=50%25").Body, false, false, true)
	shows("no wildcard", c.Get("/klinik?wilayah=&q=%25").Body, false, false, true)
	res = c.Get("/klinik?wilayah=&q=tidak+ada+yang+cocok")
	mustContain(t, "nothing found", res.Body, `Tidak ada kegiatan yang cocok dengan &#34;tidak ada yang cocok&#34;`, `value="tidak ada yang cocok"`)

	// Anonymous visitors and staff have no school: nothing is preselected.
	shows("anonymous", a.Anonymous().Get("/klinik").Body, true, true, true)
}
