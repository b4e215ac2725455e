package e2e

import (
	"fmt"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// Revoking a role with JavaScript off (issue 11): the button leads to a confirmation page and
// nothing is revoked until the box is ticked (posting it unticked says so and changes nothing);
// the revoked grant then stays on the user's page with its status.
func TestRevokeRoleAsksFirstWithoutJavaScript(t *testing.T) {
	a := apptest.Start(t)
	a.User("admin@pusat.test", account.RoleAdmin, account.Scope{})
	u := a.User("asesor@sumsel.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	active := func() int {
		t.Helper()
		var n int
		if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM role_grants WHERE user_id = $1 AND role = 'asesor' AND revoked_at IS NULL`, u.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	b := browsertest.New(t, browsertest.NoJavaScript())
	signInAs(b, a, "admin@pusat.test")
	b.Visit(a.URL + fmt.Sprintf("/admin/pengguna/%d", u.ID))
	b.Click(`form[action$="/cabut"] button[type=submit]`)
	b.MustSee("Cabut peran ini?", "Saya yakin dan ingin melanjutkan.")
	if active() != 1 {
		t.Fatal("one click revoked the role")
	}
	b.Click(`main form button[type=submit]`) // box left unticked
	b.MustSee("Centang pernyataan di atas untuk melanjutkan. Belum ada yang diubah.")
	if active() != 1 {
		t.Fatal("an unticked confirmation revoked the role")
	}
	b.Click("#confirm-action")
	b.Click(`main form button[type=submit]`)
	b.MustSee("Peran sudah dicabut.", "Peran yang sudah dicabut", "Dicabut ")
	if active() != 0 {
		t.Error("the confirmed revoke did not revoke the role")
	}
	b.Screenshot("revoke-role-nojs")
}

// Carrying out a personal-data deletion with JavaScript off (issue 11): "Hapus data" leads to
// a confirmation page; the account is anonymised only once the box is ticked.
func TestDeletionAsksFirstWithoutJavaScript(t *testing.T) {
	a := apptest.Start(t)
	a.User("admin@pusat.test", account.RoleAdmin, account.Scope{})
	u := a.User("pindah@guru.test", account.RoleGuru, account.Scope{})
	if _, err := a.DB.Exec(t.Context(), `INSERT INTO data_deletion_requests (user_id, reason) VALUES ($1, 'Saya pindah profesi.')`, u.ID); err != nil {
		t.Fatal(err)
	}
	email := func() string {
		t.Helper()
		var e string
		if err := a.DB.QueryRow(t.Context(), `SELECT email FROM users WHERE id = $1`, u.ID).Scan(&e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	b := browsertest.New(t, browsertest.NoJavaScript(), browsertest.Phone())
	signInAs(b, a, "admin@pusat.test")
	b.Visit(a.URL + "/admin/permintaan-hapus")
	b.Click(`form[action^="/admin/permintaan-hapus/"] button[value=dihapus]`)
	b.MustSee("Hapus data pribadi pengguna ini?", "tidak dapat dibatalkan")
	if email() != "pindah@guru.test" {
		t.Fatal("one click deleted the personal data")
	}
	b.Click("#confirm-action")
	b.Click(`main form button[type=submit]`)
	b.MustSee("Data pengguna sudah dihapus")
	if got, want := email(), fmt.Sprintf("deleted-%d@invalid", u.ID); got != want {
		t.Errorf("email after the confirmed deletion %q, want %q", got, want)
	}
}
