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
