package account_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/testdb"
)

func principalWith(grants ...account.Grant) *account.Principal {
	return &account.Principal{User: account.User{ID: 1}, Grants: grants}
}

var (
	adminP  = principalWith(account.Grant{Role: account.RoleAdmin})
	bgpSS   = principalWith(account.Grant{Role: account.RoleBGP, Scope: account.Scope{ProvinceCode: "16"}})
	dinasSR = principalWith(account.Grant{Role: account.RoleDinas, Scope: account.Scope{ProvinceCode: "36", RegencyCode: "36.73"}})
	guruP   = principalWith(account.Grant{Role: account.RoleGuru})
	oku     = account.Scope{ProvinceCode: "16", RegencyCode: "16.01"}
	serang  = account.Scope{ProvinceCode: "36", RegencyCode: "36.73"}
)

func TestParseScope(t *testing.T) {
	cases := []struct {
		in   string
		want account.Scope
		ok   bool
	}{
		{"", account.Scope{}, true},
		{" 16 ", account.Scope{ProvinceCode: "16"}, true},
		{"16.01", oku, true},
		{"1", account.Scope{}, false},
		{"16.1", account.Scope{}, false},
		{"16.01.02", account.Scope{}, false},
		{"ab", account.Scope{}, false},
		{"16;drop", account.Scope{}, false},
	}
	for _, tc := range cases {
		got, ok := account.ParseScope(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseScope(%q) = %+v, %v; want %+v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && got.Value() != tc.want.Value() {
			t.Errorf("Value round trip of %q = %q", tc.in, got.Value())
		}
	}
}

func TestValidateGrant(t *testing.T) {
	prov := account.Scope{ProvinceCode: "16"}
	nat := account.Scope{}
	cases := []struct {
		role  account.Role
		scope account.Scope
		field string // "" when valid
		key   string
	}{
		{"", nat, "role", "form.required"},
		{"raja", nat, "role", "users.grant.role_invalid"},
		{account.RoleAdmin, nat, "", ""},
		{account.RoleAdmin, prov, "scope", "users.grant.scope_national"},
		{account.RoleGuru, oku, "scope", "users.grant.scope_national"},
		{account.RoleGuru, nat, "", ""},
		{account.RoleBGP, prov, "", ""},
		{account.RoleBGP, nat, "scope", "users.grant.scope_bgp"},
		{account.RoleBGP, oku, "scope", "users.grant.scope_bgp"},
		{account.RoleDinas, oku, "", ""},
		{account.RoleDinas, prov, "", ""},
		{account.RoleDinas, nat, "scope", "users.grant.scope_dinas"},
		{account.RoleAsesor, nat, "", ""},
		{account.RolePengajarPraktik, oku, "", ""},
		{account.RoleFasilitator, prov, "", ""},
	}
	for _, tc := range cases {
		errs := account.ValidateGrant(tc.role, tc.scope)
		if tc.field == "" {
			if len(errs) != 0 {
				t.Errorf("%s in %+v: unexpected %v", tc.role, tc.scope, errs)
			}
			continue
		}
		if errs[tc.field] != tc.key || len(errs) != 1 {
			t.Errorf("%s in %+v: %v, want %s=%s", tc.role, tc.scope, errs, tc.field, tc.key)
		}
	}
}

func TestCanGrant(t *testing.T) {
	cases := []struct {
		name  string
		by    *account.Principal
		role  account.Role
		scope account.Scope
		want  bool
	}{
		{"admin grants dinas Serang", adminP, account.RoleDinas, serang, true},
		{"admin grants admin", adminP, account.RoleAdmin, account.Scope{}, true},
		{"bgp grants asesor in OKU", bgpSS, account.RoleAsesor, oku, true},
		{"bgp grants PP in its province", bgpSS, account.RolePengajarPraktik, account.Scope{ProvinceCode: "16"}, true},
		{"bgp grants fasilitator in OKU", bgpSS, account.RoleFasilitator, oku, true},
		{"bgp grants asesor nationally", bgpSS, account.RoleAsesor, account.Scope{}, false},
		{"bgp grants asesor in Serang", bgpSS, account.RoleAsesor, serang, false},
		{"bgp grants dinas in OKU", bgpSS, account.RoleDinas, oku, false},
		{"bgp grants bgp", bgpSS, account.RoleBGP, account.Scope{ProvinceCode: "16"}, false},
		{"bgp grants admin", bgpSS, account.RoleAdmin, account.Scope{}, false},
		{"dinas grants asesor in its city", dinasSR, account.RoleAsesor, serang, false},
		{"guru grants guru", guruP, account.RoleGuru, account.Scope{}, false},
	}
	for _, tc := range cases {
		if got := tc.by.CanGrant(tc.role, tc.scope); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestUserAdminScope(t *testing.T) {
	twoBGP := principalWith(account.Grant{Role: account.RoleBGP, Scope: account.Scope{ProvinceCode: "16"}},
		account.Grant{Role: account.RoleBGP, Scope: account.Scope{ProvinceCode: "62"}})
	cases := []struct {
		name  string
		p     *account.Principal
		ok    bool
		nat   bool
		provs []string
		roles int
	}{
		{"admin", adminP, true, true, nil, len(account.AllRoles)},
		{"bgp", bgpSS, true, false, []string{"16"}, 3},
		{"bgp of two provinces", twoBGP, true, false, []string{"16", "62"}, 3},
		{"dinas", dinasSR, false, false, nil, 0},
		{"guru", guruP, false, false, nil, 0},
		{"nobody", nil, false, false, nil, 0},
	}
	for _, tc := range cases {
		s, ok := account.UserAdminScope(tc.p)
		if ok != tc.ok || s.National != tc.nat || len(s.Provinces) != len(tc.provs) {
			t.Errorf("%s: %+v %v", tc.name, s, ok)
		}
		for i := range tc.provs {
			if s.Provinces[i] != tc.provs[i] {
				t.Errorf("%s: provinces %v", tc.name, s.Provinces)
			}
		}
		if n := len(account.GrantableRoles(tc.p)); n != tc.roles {
			t.Errorf("%s: %d grantable roles, want %d", tc.name, n, tc.roles)
		}
	}
}

// The BGP's scope is applied in the SQL: searching and reading users outside its province gives
// nothing, and refused grants leave the database unchanged.
func TestStoreScopesUserAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := testdb.New(t)
	s := account.NewStore(db, account.TestParams)
	mk := func(email string) account.User {
		u, err := s.CreateUser(ctx, account.NewUser{Email: email, Name: "Pengguna " + email, Password: "rahasia-uji-123"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	applicationtest.School(t, db, "10600001", "SD Negeri 1 Baturaja", "SD", "16.01")
	applicationtest.School(t, db, "20600001", "SD Negeri 1 Serang", "SD", "36.73")
	teacher := func(u account.User, nik, npsn string) {
		applicationtest.SeedProfile(t, db, u.ID, npsn, applicationtest.Profile{NIK: nik, NUPTK: "1601010101010101", Gender: "L",
			Subject: "IPA", Years: 12, Birth: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	okuT, serangT, granted, plain := mk("oku@x.test"), mk("serang@x.test"), mk("asesor@x.test"), mk("plain@x.test")
	teacher(okuT, "1601011201800001", "10600001")
	teacher(serangT, "3673011201800002", "20600001")
	sys := audit.Actor{IP: "test"}
	if err := s.GrantRole(ctx, sys, adminP, granted.ID, account.RoleAsesor, account.Scope{ProvinceCode: "16"}); err != nil {
		t.Fatal(err)
	}

	page, err := s.SearchUsers(ctx, bgpSS, account.UserQuery{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, u := range page.Users {
		got[u.ID] = true
	}
	if !got[okuT.ID] || !got[granted.ID] || got[serangT.ID] || got[plain.ID] || len(got) != 2 {
		t.Errorf("BGP sees %v", got)
	}
	if page, _ := s.SearchUsers(ctx, adminP, account.UserQuery{}); len(page.Users) != 4 {
		t.Errorf("admin sees %d users, want 4", len(page.Users))
	}
	if page, _ := s.SearchUsers(ctx, adminP, account.UserQuery{Role: account.RoleAsesor}); len(page.Users) != 1 || page.Users[0].ID != granted.ID {
		t.Errorf("role filter: %+v", page.Users)
	}
	if page, _ := s.SearchUsers(ctx, adminP, account.UserQuery{Limit: 3}); len(page.Users) != 3 || page.Next != page.Users[2].ID {
		t.Errorf("page of 3: %d users, next %d", len(page.Users), page.Next)
	} else if rest, _ := s.SearchUsers(ctx, adminP, account.UserQuery{Limit: 3, After: page.Next}); len(rest.Users) != 1 || rest.Next != 0 {
		t.Errorf("second page: %d users, next %d", len(rest.Users), rest.Next)
	}
	if _, err := s.SearchUsers(ctx, dinasSR, account.UserQuery{}); !errors.Is(err, account.ErrForbidden) {
		t.Errorf("dinas search: %v, want ErrForbidden", err)
	}

	if _, err := s.AdministeredUser(ctx, bgpSS, serangT.ID); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("BGP reads Serang teacher: %v, want ErrNotFound", err)
	}
	d, err := s.AdministeredUser(ctx, bgpSS, okuT.ID)
	if err != nil || d.Profile == nil || d.Profile.NIKMasked != "1601••••••••0001" || d.Profile.NUPTKMasked != "1601••••••••0101" {
		t.Errorf("BGP reads OKU teacher: %+v, %v", d.Profile, err)
	}

	var before int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM role_grants`).Scan(&before)
	for _, g := range []struct {
		role  account.Role
		scope account.Scope
	}{{account.RoleDinas, oku}, {account.RoleAsesor, serang}, {account.RoleAdmin, account.Scope{}}} {
		if err := s.GrantRole(ctx, sys, bgpSS, okuT.ID, g.role, g.scope); !errors.Is(err, account.ErrForbidden) {
			t.Errorf("BGP grants %s in %+v: %v", g.role, g.scope, err)
		}
	}
	var after, audits int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM role_grants`).Scan(&after)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&audits)
	if after != before || audits != 1 {
		t.Errorf("refused grants changed the database: grants %d→%d, audit entries %d", before, after, audits)
	}
}

func TestCanRevoke(t *testing.T) {
	own := func(role account.Role, scope account.Scope) account.Grant {
		return account.Grant{UserID: 1, Role: role, Scope: scope}
	}
	other := func(role account.Role, scope account.Scope) account.Grant {
		return account.Grant{UserID: 2, Role: role, Scope: scope}
	}
	cases := []struct {
		name string
		by   *account.Principal
		g    account.Grant
		want bool
	}{
		{"admin revokes another admin", adminP, other(account.RoleAdmin, account.Scope{}), true},
		{"admin revokes its own admin role", adminP, own(account.RoleAdmin, account.Scope{}), false},
		{"admin revokes its own asesor role", adminP, own(account.RoleAsesor, oku), true},
		{"bgp revokes its own bgp role", bgpSS, own(account.RoleBGP, account.Scope{ProvinceCode: "16"}), false},
		{"bgp revokes asesor in OKU", bgpSS, other(account.RoleAsesor, oku), true},
		{"bgp revokes dinas in OKU", bgpSS, other(account.RoleDinas, oku), false},
		{"bgp revokes asesor in Serang", bgpSS, other(account.RoleAsesor, serang), false},
		{"nobody", nil, other(account.RoleGuru, account.Scope{}), false},
	}
	for _, tc := range cases {
		if got := tc.by.CanRevoke(tc.g); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
