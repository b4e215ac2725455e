package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/database"
)

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/audit", Want: only(200, "admin")},
		routeCase{Method: "GET", Pattern: "/admin/audit/verifikasi", Want: only(200, "admin")},
	)
}

func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	admin := a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	u := a.User("budi@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("admin@x.test")
	if res := c.PostForm(userPath(u.ID)+"/peran", map[string][]string{"role": {"asesor"}, "scope": {"16.01"}}); res.Status != 303 {
		t.Fatalf("grant: %d", res.Status)
	}
	res := c.Get("/admin/audit")
	if res.Status != 200 {
		t.Fatalf("audit page: %d", res.Status)
	}
	// Newest first: the admin's grant is the top entry, with who, from where and the detail.
	first := strings.Index(res.Body, "<tbody>")
	row := res.Body[first:]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{"role.grant", "Pengguna admin", "dari 127.0.0.1", "16.01", "asesor", " WIB",
		fmt.Sprintf(`href="/admin/pengguna/%d"`, admin.ID)} {
		if !strings.Contains(row, want) {
			t.Errorf("newest entry lacks %q:\n%s", want, row)
		}
	}

	// Keyset pagination over 60 more entries.
	err := database.Tx(t.Context(), a.DB, func(tx pgx.Tx) error {
		for i := range 60 {
			if err := audit.Record(t.Context(), tx, audit.Actor{IP: "10.0.0.1"}, audit.Entry{Action: "test.entry",
				ObjectType: "test", ObjectID: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res = c.Get("/admin/audit")
	if n := strings.Count(res.Body, `<tr id="entri-`); n != 50 {
		t.Errorf("first page has %d entries, want 50", n)
	}
	var cut int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM audit_log ORDER BY id DESC OFFSET 49 LIMIT 1`).Scan(&cut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Body, fmt.Sprintf(`href="/admin/audit?sebelum=%d"`, cut)) {
		t.Fatalf("no link to older entries before #%d", cut)
	}
	total := usersCount(t, a.DB, `SELECT count(*) FROM audit_log`)
	res = c.Get(fmt.Sprintf("/admin/audit?sebelum=%d", cut))
	if n := strings.Count(res.Body, `<tr id="entri-`); n != total-50 {
		t.Errorf("second page has %d entries, want %d", n, total-50)
	}
	if !strings.Contains(res.Body, "role.grant") || strings.Contains(res.Body, `rel="next"`) {
		t.Errorf("second page should end with the oldest entries and have no older link")
	}
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	a.User("asesor@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	a.User("dinas@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	c := a.SignIn("admin@x.test")
	n := usersCount(t, a.DB, `SELECT count(*) FROM audit_log`)
	if n < 3 {
		t.Fatalf("only %d audit entries", n)
	}
	res := c.Get("/admin/audit/verifikasi")
	if want := fmt.Sprintf("Utuh: %d entri diperiksa", n); res.Status != 200 || !strings.Contains(res.Body, want) {
		t.Fatalf("verify on an intact log: %d, want %q", res.Status, want)
	}

	// As the superuser, bypass the append-only trigger and change one entry's detail.
	var id int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM audit_log WHERE detail->>'role' = 'asesor'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	tamper(t, a, fmt.Sprintf(`UPDATE audit_log SET detail = jsonb_set(detail, '{role}', '"admin"') WHERE id = %d`, id))
	res = c.Get("/admin/audit/verifikasi")
	if want := fmt.Sprintf("Rantai rusak pada entri #%d.", id); !strings.Contains(res.Body, want) {
		t.Errorf("tampered log: want %q in the page", want)
	}
}

// tamper runs sql with the append-only trigger disabled, as an attacker with superuser rights.
func tamper(t *testing.T, a *apptest.App, sql string) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`, sql,
		`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`} {
		if _, err := a.DB.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("asesor@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	n := usersCount(t, a.DB, `SELECT count(*) FROM audit_log`)
	for _, sql := range []string{
		`UPDATE audit_log SET detail = '{}'`,
		`UPDATE audit_log SET actor_ip = '1.2.3.4'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		_, err := a.DB.Exec(t.Context(), sql)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", sql, err)
		}
	}
	if m := usersCount(t, a.DB, `SELECT count(*) FROM audit_log WHERE detail <> '{}' AND actor_ip = 'test'`); m != n {
		t.Errorf("audit log changed: %d of %d entries intact", m, n)
	}
}
