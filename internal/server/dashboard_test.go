package server_test

import (
	"strconv"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
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
