package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/demo"
)

// A signed-in teacher's dashboard with an open cohort: the session, the principal and the
// configuration version come in one statement, the open cohorts' configuration from memory
// while it is unchanged, and every figure of the page in one more (overview.Dashboard): 2
// statements in all (11 before issue 8's dashboard work, then 6 with a statement per card).
func TestDashboardStatements(t *testing.T) {
	t.Parallel()
	var stmts roundTripCounter
	a := countedApp(t, &stmts)
	if err := demo.SeedRecruitment(context.Background(), a.DB); err != nil {
		t.Fatal(err)
	}
	a.User("guru.stmts@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru.stmts@x.test")
	c.Get("/dasbor") // the first view after sign-in
	stmts.mu.Lock()
	stmts.record, stmts.sql = true, nil
	stmts.mu.Unlock()
	res := c.Get("/dasbor")
	stmts.mu.Lock()
	stmts.record = false
	got := stmts.sql
	stmts.mu.Unlock()
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Angkatan 12") {
		t.Fatalf("status %d, or no open cohort on the page", res.Status)
	}
	for i, q := range got {
		t.Logf("%d: %.160s", i+1, q)
		if strings.Contains(q, "FROM cohorts c") || strings.Contains(q, "config_versions WHERE") {
			t.Errorf("statement %d reads the cohort configuration again although it did not change", i+1)
		}
		if strings.Contains(q, "FROM role_grants") || strings.Contains(q, "JOIN role_grants") && !strings.Contains(q, "FROM sessions") {
			t.Errorf("statement %d reads the principal apart from the session", i+1)
		}
	}
	if len(got) > 2 {
		t.Errorf("%d statements for one view, want at most 2", len(got))
	}
}

// The open cohorts' configuration kept in memory follows every change at once, whoever makes
// it: here plain SQL, as another instance or psql would (no code path of this instance is
// told), changes a name, closes one cohort's registration and opens another.
func TestDashboardCohortConfigFollowsChanges(t *testing.T) {
	t.Parallel()
	a := countedApp(t, &roundTripCounter{})
	ctx := context.Background()
	if err := demo.SeedRecruitment(ctx, a.DB); err != nil {
		t.Fatal(err)
	}
	a.User("guru.cache@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru.cache@x.test")
	recWant(t, c.Get("/dasbor"), 200, "Angkatan 12")
	exec := func(sql string) {
		t.Helper()
		if _, err := a.DB.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE cohorts SET name = 'Angkatan 12 Gelombang Dua' WHERE number = 12`)
	recWant(t, c.Get("/dasbor"), 200, "Angkatan 12 Gelombang Dua")

	exec(`UPDATE cohorts SET registration_closes_at = now() - interval '1 minute' WHERE number = 12`)
	if res := c.Get("/dasbor"); strings.Contains(res.Body, "Angkatan 12 Gelombang Dua") {
		t.Errorf("a closed registration is still shown as open")
	}
	exec(`INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
		VALUES (13, 'Angkatan 13 Uji', 'cgp', now() - interval '1 hour', now() + interval '10 day', 'pendaftaran')`)
	recWant(t, c.Get("/dasbor"), 200, "Angkatan 13 Uji")
}

// Statements per staff dashboard view (admin, BGP, Dinas, and a Dinas with two grants), logged,
// each bounded by what it is now so that a page that starts reading more shows here: the
// session with the principal, then the region figures of every grant, the clinic events and
// the teacher's facts (only the profile, as these accounts have none) in one statement (8
// before).
func TestStaffDashboardStatements(t *testing.T) {
	t.Parallel()
	var stmts roundTripCounter
	a := countedApp(t, &stmts)
	if err := demo.SeedRecruitment(context.Background(), a.DB); err != nil {
		t.Fatal(err)
	}
	a.User("admin.stmts@x.test", account.RoleAdmin, account.Scope{})
	a.User("bgp.stmts@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("dinas.stmts@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	if err := a.Accounts.GrantRole(context.Background(), audit.Actor{IP: "test"}, apptest.Admin, a.User("dinas2.stmts@x.test", account.RoleDinas,
		account.Scope{ProvinceCode: "16", RegencyCode: "16.01"}).ID, account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		email string
		max   int64
	}{{"admin.stmts@x.test", 2}, {"bgp.stmts@x.test", 2}, {"dinas.stmts@x.test", 2}, {"dinas2.stmts@x.test", 2}} {
		c := a.SignIn(tc.email)
		c.Get("/dasbor")
		before := stmts.n.Load()
		if res := c.Get("/dasbor"); res.Status != http.StatusOK {
			t.Fatalf("%s: %d", tc.email, res.Status)
		}
		n := stmts.n.Load() - before
		t.Logf("%s: %d statements", tc.email, n)
		if n > tc.max {
			t.Errorf("%s: %d statements for one view, want at most %d", tc.email, n, tc.max)
		}
	}
}
