package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
)

// dashboardData adds schools in Kota Serang (2), Kabupaten OKU (2) and Kota Palembang (1) and
// teacher profiles at three of them.
func dashboardData(t *testing.T, a *apptest.App) {
	usersSchool(t, a.DB, "20600001", "SD Negeri 1 Serang", "36.73")
	usersSchool(t, a.DB, "20600002", "SMP Negeri 2 Serang", "36.73")
	usersSchool(t, a.DB, "10600001", "SD Negeri 1 Baturaja", "16.01")
	usersSchool(t, a.DB, "10600002", "SMP Negeri 1 Baturaja", "16.01")
	usersSchool(t, a.DB, "10700001", "SD Negeri 1 Palembang", "16.71")
	for _, s := range []struct{ email, nik, npsn string }{
		{"g1@x.test", "3673014504850001", "20600001"},
		{"g2@x.test", "1601014504850002", "10600001"},
		{"g3@x.test", "1671014504850003", "10700001"},
	} {
		u := a.User(s.email, account.RoleGuru, account.Scope{})
		usersProfile(t, a.DB, u.ID, s.nik, "", s.npsn)
	}
}

func figure(label, n string) string { return "<dt>" + label + "</dt><dd>" + n + "</dd>" }

func TestDashboardPerRole(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	dashboardData(t, a)
	a.User("guru@x.test", account.RoleGuru, account.Scope{})
	a.User("asesor@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	a.User("pp@x.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("fas@x.test", account.RoleFasilitator, account.Scope{})
	a.User("dinas@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	a.User("dinasprov@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16"})
	a.User("bgp@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	users := usersCount(t, a.DB, `SELECT count(*) FROM users`)

	const schools, teachers = "Sekolah", "Guru terdaftar (dengan profil)"
	cases := []struct {
		email string
		want  []string
		not   []string
	}{
		{"guru@x.test", []string{"Profil guru", "Belum lengkap", `href="/profil"`, "Lengkapi profil"}, []string{"Kelola pengguna", figure(schools, "5")}},
		{"g1@x.test", []string{"Lengkap", "daftar ke angkatan", `href="/profil"`}, []string{"Belum lengkap"}},
		{"asesor@x.test", []string{"Asesor", "Wilayah tugas", "Sumatera Selatan", "menilai CV, esai"}, []string{"Kelola pengguna"}},
		{"pp@x.test", []string{"Pengajar praktik", "Kabupaten Ogan Komering Ulu", "mendampingi kelompok"}, nil},
		{"fas@x.test", []string{"Fasilitator", "Nasional", "modul daring"}, nil},
		{"dinas@x.test", []string{"Dinas Pendidikan", "Kota Serang", figure(schools, "2"), figure(teachers, "1")}, []string{"Kelola pengguna", "Profil guru", "Belum lengkap"}},
		{"dinasprov@x.test", []string{"Sumatera Selatan", figure(schools, "3"), figure(teachers, "2")}, nil},
		{"bgp@x.test", []string{"Admin BGP", "Sumatera Selatan", figure(schools, "3"), figure(teachers, "2"), `href="/admin/pengguna"`}, []string{`href="/admin/audit"`, "Profil guru", "Belum lengkap"}},
		{"admin@x.test", []string{"Admin nasional", figure("Akun pengguna", strconv.Itoa(users)), figure(teachers, "3"), figure(schools, "5"),
			`href="/admin/pengguna"`, `href="/admin/sekolah"`, `href="/admin/audit"`}, []string{"Profil guru", "Belum lengkap", `<span class="badge">Nasional</span>`}},
	}
	for _, tc := range cases {
		t.Run(tc.email, func(t *testing.T) {
			res := a.SignIn(tc.email).Get("/dasbor")
			if res.Status != 200 {
				t.Fatalf("status %d", res.Status)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Body, w) {
					t.Errorf("missing %q", w)
				}
			}
			// Staff accounts without a teacher profile have no teacher section at all.
			if admin, guru := strings.Index(res.Body, `id="role-admin"`), strings.Index(res.Body, `id="role-guru"`); guru >= 0 && admin > guru {
				t.Errorf("sections out of order: admin at %d, guru at %d (guru must come last)", admin, guru)
			}
			for _, w := range tc.not {
				if strings.Contains(res.Body, w) {
					t.Errorf("unexpected %q", w)
				}
			}
		})
	}
}

// An account with several region grants gets one card per grant, each with its own region's
// figures (read together in one statement, matched back to the grants in order): the admin's
// national figures, the BGP's province, then each Dinas kab/kota.
func TestDashboardRegionGrantsEachTheirFigures(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	dashboardData(t, a)
	u := a.User("multi@x.test", account.RoleAdmin, account.Scope{})
	for _, g := range []struct {
		role  account.Role
		scope account.Scope
	}{
		{account.RoleBGP, account.Scope{ProvinceCode: "16"}},
		{account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"}},
		{account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.71"}},
	} {
		if err := a.Accounts.GrantRole(context.Background(), audit.Actor{IP: "test"}, apptest.Admin, u.ID, g.role, g.scope); err != nil {
			t.Fatal(err)
		}
	}
	res := a.SignIn("multi@x.test").Get("/dasbor")
	if res.Status != 200 {
		t.Fatalf("status %d", res.Status)
	}
	const schools, teachers = "Sekolah", "Guru terdaftar (dengan profil)"
	users := strconv.Itoa(usersCount(t, a.DB, `SELECT count(*) FROM users`))
	// Each card's heading directly followed by its figures, the cards in the page's order
	// (a role's grants by region name).
	body, at := res.Body, 0
	for _, card := range []string{
		"<h3>Nasional</h3><dl class=\"facts\">" + figure("Akun pengguna", users) + figure(teachers, "3") + figure(schools, "5"),
		"<h3>Sumatera Selatan</h3><dl class=\"facts\">" + figure(schools, "3") + figure(teachers, "2"),
		"<h3>Kota Palembang</h3><dl class=\"facts\">" + figure(schools, "1") + figure(teachers, "1"),
		"<h3>Kota Serang</h3><dl class=\"facts\">" + figure(schools, "2") + figure(teachers, "1"),
	} {
		i := strings.Index(body[at:], card)
		if i < 0 {
			t.Errorf("no card %q after offset %d", card, at)
			continue
		}
		at += i
	}
}
