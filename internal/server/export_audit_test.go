package server_test

import (
	"net/http"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// SECURITY.md 21: downloading one's personal data is an export and is audited (who, what,
// when, from where); the clinic attendance export is covered by TestClinicFlow.
func TestPersonalDataDownloadIsAudited(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	u := a.User("unduh@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("unduh@x.test")
	for range 2 {
		if res := c.Get("/profil/data-saya/unduh"); res.Status != http.StatusOK {
			t.Fatalf("download: %d", res.Status)
		}
	}
	var n int
	var ip string
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*), max(actor_ip) FROM audit_log
		WHERE action = 'pdp.export' AND object_type = 'user' AND object_id = $1::bigint::text AND actor_id = $1`, u.ID).Scan(&n, &ip); err != nil {
		t.Fatal(err)
	}
	if n != 2 || ip == "" {
		t.Errorf("%d audit entries for two downloads (address %q), want 2 with the address", n, ip)
	}
}
