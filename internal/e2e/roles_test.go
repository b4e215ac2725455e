package e2e

import (
	"strconv"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// The national admin grants a dinas role scoped to Kota Serang; that user then opens Kota
// Serang's page but is refused Kabupaten Ogan Komering Ulu's (403). On a phone.
func TestAdminGrantsScopedDinasRole(t *testing.T) {
	a := apptest.Start(t)
	a.User("admin@pusat.test", account.RoleAdmin, account.Scope{})
	staff := a.User("rina@dinas-serang.test", account.RoleGuru, account.Scope{})
	applicationtest.School(t, a.DB, "20601234", "SD Negeri Serang 7", "SD", "36.73")
	applicationtest.School(t, a.DB, "10645124", "SMP Negeri 1 OKU", "SMP", "16.01")

	admin := browsertest.New(t, browsertest.Phone())
	signIn(admin, a, "admin@pusat.test")
	admin.Visit(a.URL + "/admin/pengguna?q=rina")
	admin.MustSee("rina@dinas-serang.test")
	admin.Click(`a[href^="/admin/pengguna/"]`)
	admin.Select("#role", "dinas")
	admin.Select("#scope", "36.73")
	admin.Click(`form[action$="/peran"] button[type=submit]`)
	admin.MustSee("Kota Serang")

	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM role_grants WHERE user_id = $1 AND role = 'dinas'
		AND regency_code = '36.73' AND revoked_at IS NULL`, staff.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("dinas grants stored = %d (%v)", n, err)
	}
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'role.grant' AND object_id = $1`, strconv.FormatInt(staff.ID, 10)).Scan(&n); err != nil || n != 1 {
		t.Fatalf("audit entries for the grant = %d (%v)", n, err)
	}

	dinas := browsertest.New(t, browsertest.Phone())
	signIn(dinas, a, "rina@dinas-serang.test")
	dinas.Click(`header a[href="/wilayah"]`)
	dinas.MustSee("Kota Serang")
	dinas.MustNotSee("Ogan Komering Ulu")
	dinas.Click(`a[href="/wilayah/36.73"]`)
	dinas.MustSee("SD Negeri Serang 7")
	dinas.Visit(a.URL + "/wilayah/16.01")
	dinas.MustSee("di luar wilayah tugas Anda", "403")
	dinas.MustNotSee("SMP Negeri 1 OKU")
	dinas.Screenshot("dinas-403")
}
