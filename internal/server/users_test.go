package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
)

// usersSchool adds a school in a kabupaten/kota.
func usersSchool(t testing.TB, db *pgxpool.Pool, npsn, name, regency string) {
	t.Helper()
	applicationtest.School(t, db, npsn, name, "SD", regency)
}

// usersProfile gives a user a teacher profile at a school.
func usersProfile(t testing.TB, db *pgxpool.Pool, userID int64, nik, nuptk, npsn string) {
	t.Helper()
	applicationtest.SeedProfile(t, db, userID, npsn, applicationtest.Profile{NIK: nik, NUPTK: nuptk, Subject: "Guru Kelas", Years: 10,
		Birth: time.Date(1985, 4, 12, 0, 0, 0, 0, time.UTC)})
}

// usersTeacher creates a teacher with a profile at a new school in regency.
func usersTeacher(t testing.TB, a *apptest.App, email, npsn, regency, nik string) account.User {
	t.Helper()
	u := a.User(email, account.RoleGuru, account.Scope{})
	usersSchool(t, a.DB, npsn, "SD Negeri "+npsn, regency)
	usersProfile(t, a.DB, u.ID, nik, "", npsn)
	return u
}

func usersCount(t testing.TB, db *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func userPath(id int64) string { return "/admin/pengguna/" + strconv.FormatInt(id, 10) }

// matrixOKUUser is a teacher whose school is in Kabupaten OKU (16.01), inside the matrix BGP's
// province and outside the matrix dinas's region.
func matrixOKUUser(f *fixture) account.User {
	if u, ok := f.Data["users.oku"].(account.User); ok {
		return u
	}
	u := usersTeacher(f.App.T, f.App, "oku.teacher@matrix.test", "10600001", "16.01", "1601014504850003")
	f.Data["users.oku"] = u
	return u
}

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/pengguna", Want: only(200, "bgp", "admin")},
		routeCase{Method: "GET", Pattern: "/admin/pengguna/{id}", Path: func(f *fixture) string {
			return userPath(matrixOKUUser(f).ID)
		}, Want: only(200, "bgp", "admin")},
		routeCase{Method: "POST", Pattern: "/admin/pengguna/{id}/peran", Path: func(f *fixture) string {
			return userPath(matrixOKUUser(f).ID) + "/peran"
		}, Form: func(*fixture) url.Values {
			return url.Values{"role": {"asesor"}, "scope": {"16.01"}}
		}, Want: only(303, "bgp", "admin")},
		// Each request revokes a fresh fasilitator grant, so bgp and admin both find one.
		routeCase{Method: "POST", Pattern: "/admin/pengguna/{id}/peran/{grant}/cabut", Path: func(f *fixture) string {
			u := matrixOKUUser(f)
			ctx := context.Background()
			scope := account.Scope{ProvinceCode: "16", RegencyCode: "16.01"}
			if err := f.App.Accounts.GrantRole(ctx, audit.Actor{IP: "test"}, apptest.Admin, u.ID, account.RoleFasilitator, scope); err != nil {
				panic(err)
			}
			var id int64
			if err := f.App.DB.QueryRow(ctx, `SELECT id FROM role_grants WHERE user_id = $1 AND role = 'fasilitator'
				AND revoked_at IS NULL`, u.ID).Scan(&id); err != nil {
				panic(err)
			}
			return fmt.Sprintf("%s/peran/%d/cabut", userPath(u.ID), id)
		}, Form: func(*fixture) url.Values { return confirmYes }, Want: only(303, "bgp", "admin")},
	)
}

func TestUserSearch(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	budi := a.User("budi.santoso@x.test", account.RoleGuru, account.Scope{})
	ani := a.User("ani@sekolah.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	citra := a.User("citra@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	c := a.SignIn("admin@x.test")

	cases := []struct {
		query     string
		want, not []account.User
	}{
		{"q=budi", []account.User{budi}, []account.User{ani, citra}},
		{"q=PENGGUNA+BUDI", []account.User{budi}, []account.User{ani, citra}}, // name, any case
		{"q=sekolah.test", []account.User{ani}, []account.User{budi, citra}},  // email
		{"peran=dinas", []account.User{citra}, []account.User{budi, ani}},
		{"q=%25", nil, []account.User{budi, ani, citra}}, // a LIKE wildcard matches nothing
		{"", []account.User{budi, ani, citra}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			res := c.Get("/admin/pengguna?" + tc.query)
			if res.Status != 200 {
				t.Fatalf("status %d", res.Status)
			}
			for _, u := range tc.want {
				if !strings.Contains(res.Body, `href="`+userPath(u.ID)+`"`) {
					t.Errorf("%s missing", u.Email)
				}
			}
			for _, u := range tc.not {
				if strings.Contains(res.Body, `href="`+userPath(u.ID)+`"`) {
					t.Errorf("%s listed", u.Email)
				}
			}
		})
	}
	if res := c.Get("/admin/pengguna?peran=dinas"); !strings.Contains(res.Body, "Dinas Pendidikan") {
		t.Errorf("roles not shown in the list")
	}

	// Keyset pagination: 60 more users make two pages of 50.
	if _, err := a.DB.Exec(t.Context(), `INSERT INTO users (email, name, password_hash)
		SELECT 'massal' || i || '@x.test', 'Massal ' || i, 'x' FROM generate_series(1, 60) i`); err != nil {
		t.Fatal(err)
	}
	res := c.Get("/admin/pengguna?q=massal")
	if n := strings.Count(res.Body, `href="/admin/pengguna/`); n != 50 {
		t.Errorf("first page has %d users, want 50", n)
	}
	var lastID int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM users WHERE name LIKE 'Massal%' ORDER BY id OFFSET 49 LIMIT 1`).Scan(&lastID); err != nil {
		t.Fatal(err)
	}
	next := fmt.Sprintf("/admin/pengguna?q=massal&amp;setelah=%d", lastID)
	if !strings.Contains(res.Body, next) {
		t.Fatalf("no next-page link %s", next)
	}
	res = c.Get(fmt.Sprintf("/admin/pengguna?q=massal&setelah=%d", lastID))
	if n := strings.Count(res.Body, `href="/admin/pengguna/`); n != 10 {
		t.Errorf("second page has %d users, want 10", n)
	}
	if strings.Contains(res.Body, `rel="next"`) || !strings.Contains(res.Body, "Halaman pertama") {
		t.Errorf("second page: want a first-page link and no next link")
	}
}

func TestBGPSeesOnlyItsProvince(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("bgp@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	oku := usersTeacher(t, a, "oku@x.test", "10600001", "16.01", "1601014504850003")
	serang := usersTeacher(t, a, "serang@x.test", "20600001", "36.73", "3673014504850004")
	asesor := a.User("asesor@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	outsider := a.User("lain@x.test", account.RoleGuru, account.Scope{})
	dinasBanten := a.User("dinas@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36"})
	c := a.SignIn("bgp@x.test")

	res := c.Get("/admin/pengguna")
	if res.Status != 200 || !strings.Contains(res.Body, "relevan dengan provinsi Anda") {
		t.Fatalf("list: %d", res.Status)
	}
	for _, u := range []account.User{oku, asesor} {
		if !strings.Contains(res.Body, userPath(u.ID)+`"`) {
			t.Errorf("%s not listed for BGP Sumatera Selatan", u.Email)
		}
	}
	for _, u := range []account.User{serang, outsider, dinasBanten} {
		if strings.Contains(res.Body, userPath(u.ID)+`"`) {
			t.Errorf("%s listed for BGP Sumatera Selatan", u.Email)
		}
	}
	// The search is scoped too: searching for the Serang teacher by email finds nothing.
	if res := c.Get("/admin/pengguna?q=serang%40x.test"); strings.Contains(res.Body, userPath(serang.ID)+`"`) {
		t.Errorf("search found a user outside the province")
	}
	// By id: outside the province is 404, inside shows the masked NIK only.
	for _, u := range []account.User{serang, outsider, dinasBanten} {
		if res := c.Get(userPath(u.ID)); res.Status != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", u.Email, res.Status)
		}
	}
	res = c.Get(userPath(oku.ID))
	if res.Status != 200 || !strings.Contains(res.Body, "1601••••••••0003") || strings.Contains(res.Body, "1601014504850003") {
		t.Errorf("detail: status %d, NIK not masked as expected", res.Status)
	}
	if !strings.Contains(res.Body, "SD Negeri 10600001") || !strings.Contains(res.Body, "Kabupaten Ogan Komering Ulu") {
		t.Errorf("detail: school not shown")
	}
	// A BGP is offered only its three roles and the regions of its province.
	if !strings.Contains(res.Body, `value="16.01"`) || strings.Contains(res.Body, `value="36.73"`) ||
		strings.Contains(res.Body, `value="dinas"`) || !strings.Contains(res.Body, `value="fasilitator"`) {
		t.Errorf("grant form offers the wrong roles or regions")
	}
	// The admin sees everyone, including the Serang teacher.
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	if res := a.SignIn("admin@x.test").Get(userPath(serang.ID)); res.Status != 200 || !strings.Contains(res.Body, "3673••••••••0004") {
		t.Errorf("admin detail of Serang teacher: %d", res.Status)
	}
}

func TestBGPGrantLimits(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	bgp := a.User("bgp@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	oku := usersTeacher(t, a, "oku@x.test", "10600001", "16.01", "1601014504850003")
	serang := usersTeacher(t, a, "serang@x.test", "20600001", "36.73", "3673014504850004")
	c := a.SignIn("bgp@x.test")
	grants := func() int { return usersCount(t, a.DB, `SELECT count(*) FROM role_grants`) }
	entries := func() int { return usersCount(t, a.DB, `SELECT count(*) FROM audit_log`) }
	g0, e0 := grants(), entries()

	forbidden := []url.Values{
		{"role": {"dinas"}, "scope": {"16.01"}},
		{"role": {"dinas"}, "scope": {"16"}},
		{"role": {"admin"}, "scope": {""}},
		{"role": {"bgp"}, "scope": {"16"}},
		{"role": {"guru"}, "scope": {""}},
		{"role": {"asesor"}, "scope": {"36.73"}}, // outside its province
		{"role": {"asesor"}, "scope": {"36"}},
		{"role": {"pengajar_praktik"}, "scope": {""}}, // national
	}
	for _, form := range forbidden {
		if res := c.PostForm(userPath(oku.ID)+"/peran", form); res.Status != http.StatusForbidden {
			t.Errorf("BGP grant %v: status %d, want 403", form, res.Status)
		}
	}
	// A user outside the province cannot be reached at all.
	if res := c.PostForm(userPath(serang.ID)+"/peran", url.Values{"role": {"asesor"}, "scope": {"16.01"}}); res.Status != http.StatusNotFound {
		t.Errorf("grant to a user outside the province: %d, want 404", res.Status)
	}
	if g, e := grants(), entries(); g != g0 || e != e0 {
		t.Fatalf("refused grants changed the database: grants %d→%d, audit %d→%d", g0, g, e0, e)
	}

	// Allowed: asesor in OKU, stored with who granted it and audited with who and from where.
	res := c.PostForm(userPath(oku.ID)+"/peran", url.Values{"role": {"asesor"}, "scope": {"16.01"}})
	if res.Status != http.StatusSeeOther || res.Location != userPath(oku.ID) {
		t.Fatalf("grant: %d %q", res.Status, res.Location)
	}
	if n := usersCount(t, a.DB, `SELECT count(*) FROM role_grants WHERE user_id = $1 AND role = 'asesor'
		AND regency_code = '16.01' AND province_code = '16' AND granted_by = $2 AND revoked_at IS NULL`, oku.ID, bgp.ID); n != 1 {
		t.Errorf("asesor grant stored %d times", n)
	}
	var action, ip, detail string
	var actorID int64
	if err := a.DB.QueryRow(t.Context(), `SELECT action, actor_id, actor_ip, detail::text FROM audit_log ORDER BY id DESC LIMIT 1`).
		Scan(&action, &actorID, &ip, &detail); err != nil {
		t.Fatal(err)
	}
	if action != "role.grant" || actorID != bgp.ID || ip != "127.0.0.1" || !strings.Contains(detail, `"role": "asesor"`) {
		t.Errorf("audit entry = %s by %d from %q: %s", action, actorID, ip, detail)
	}
	if res := c.Get(userPath(oku.ID)); !strings.Contains(res.Body, "Peran sudah diberikan.") || !strings.Contains(res.Body, "Asesor") {
		t.Errorf("detail after grant does not show the new role")
	}
}

func TestGrantFormValidation(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	u := a.User("budi@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("admin@x.test")
	g0 := usersCount(t, a.DB, `SELECT count(*) FROM role_grants`)
	cases := []struct {
		form url.Values
		msg  string
		kept string
	}{
		{url.Values{"role": {"dinas"}, "scope": {""}}, "Dinas Pendidikan harus diberi satu kabupaten/kota", `<option value="dinas" selected>`},
		{url.Values{"role": {"bgp"}, "scope": {"16.01"}}, "Admin BGP harus diberi satu provinsi", `<option value="16.01" selected>`},
		{url.Values{"role": {"admin"}, "scope": {"36"}}, "Peran ini berlaku nasional", `<option value="36" selected>`},
		{url.Values{"role": {""}, "scope": {"16"}}, "Wajib diisi.", `<option value="16" selected>`},
		{url.Values{"role": {"raja"}, "scope": {""}}, "Peran tidak dikenal", ""},
		{url.Values{"role": {"asesor"}, "scope": {"16;drop"}}, "Wilayah tidak dikenal", `<option value="asesor" selected>`},
		{url.Values{"role": {"dinas"}, "scope": {"99.99"}}, "Wilayah tidak dikenal", `<option value="dinas" selected>`}, // no such kab/kota
	}
	for _, tc := range cases {
		res := c.PostForm(userPath(u.ID)+"/peran", tc.form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tc.msg) {
			t.Errorf("%v: status %d, message %q missing", tc.form, res.Status, tc.msg)
		}
		if tc.kept != "" && !strings.Contains(res.Body, tc.kept) {
			t.Errorf("%v: value not kept (%s)", tc.form, tc.kept)
		}
	}
	if g := usersCount(t, a.DB, `SELECT count(*) FROM role_grants`); g != g0 {
		t.Errorf("invalid grants stored: %d → %d", g0, g)
	}
}

func TestAdminGrantsDinasThenRevokes(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	admin := a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	u := a.User("staf@x.test", account.RoleGuru, account.Scope{})
	usersSchool(t, a.DB, "20600001", "SD Negeri 1 Serang", "36.73")
	usersSchool(t, a.DB, "20600002", "SMP Negeri 2 Serang", "36.73")
	usersSchool(t, a.DB, "10600001", "SD Negeri 1 Baturaja", "16.01")
	other := a.User("guru.serang@x.test", account.RoleGuru, account.Scope{})
	usersProfile(t, a.DB, other.ID, "3673014504850004", "", "20600001")
	staff := a.SignIn("staf@x.test") // signed in before the grant
	c := a.SignIn("admin@x.test")

	res := c.PostForm(userPath(u.ID)+"/peran", url.Values{"role": {"dinas"}, "scope": {"36.73"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("grant dinas: %d\n%s", res.Status, res.Body)
	}
	var grantID int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM role_grants WHERE user_id = $1 AND role = 'dinas'
		AND regency_code = '36.73' AND revoked_at IS NULL`, u.ID).Scan(&grantID); err != nil {
		t.Fatalf("dinas grant not stored: %v", err)
	}
	// The same session now sees the dinas dashboard for Kota Serang: 2 schools, 1 teacher.
	dash := staff.Get("/dasbor")
	if !strings.Contains(dash.Body, "Dinas Pendidikan") || !strings.Contains(dash.Body, "Kota Serang") ||
		!strings.Contains(dash.Body, "<dt>Sekolah</dt><dd>2</dd>") || !strings.Contains(dash.Body, "<dt>Guru terdaftar (dengan profil)</dt><dd>1</dd>") {
		t.Fatalf("dinas dashboard after the grant:\n%s", dash.Body)
	}

	// One click revokes nothing: a confirmation page asks first (without JavaScript too).
	res = c.PostForm(fmt.Sprintf("%s/peran/%d/cabut", userPath(u.ID), grantID), nil)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Cabut peran ini?") || !strings.Contains(res.Body, `name="confirm"`) {
		t.Fatalf("revoke without confirmation: %d\n%.1500s", res.Status, res.Body)
	}
	if n := usersCount(t, a.DB, `SELECT count(*) FROM role_grants WHERE id = $1 AND revoked_at IS NULL`, grantID); n != 1 {
		t.Fatal("an unconfirmed revoke revoked the grant")
	}
	res = c.PostForm(fmt.Sprintf("%s/peran/%d/cabut", userPath(u.ID), grantID), confirmYes)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Status)
	}
	if n := usersCount(t, a.DB, `SELECT count(*) FROM role_grants WHERE id = $1 AND revoked_at IS NOT NULL AND revoked_by = $2`, grantID, admin.ID); n != 1 {
		t.Errorf("grant not revoked by the admin")
	}
	// The revoked grant stays on the user's page with its status, when and by whom.
	page := c.Get(userPath(u.ID))
	if i := strings.Index(page.Body, "Peran yang sudah dicabut"); i < 0 || !strings.Contains(page.Body[i:], "Kota Serang") ||
		!strings.Contains(page.Body[i:], "Dicabut ") || !strings.Contains(page.Body[i:], "oleh ") {
		t.Errorf("the revoked grant is not listed with its status:\n%.3000s", page.Body)
	}
	// The revoke takes effect on the user's next request, without signing in again.
	if dash := staff.Get("/dasbor"); strings.Contains(dash.Body, "Kota Serang") || strings.Contains(dash.Body, `id="role-dinas"`) {
		t.Errorf("dinas section still shown after the revoke")
	}
	// Both changes are in the audit log: who, what and from where.
	rows, err := a.DB.Query(t.Context(), `SELECT action, actor_id, actor_ip FROM audit_log WHERE object_id = $1 ORDER BY id`, strconv.FormatInt(u.ID, 10))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var action, ip string
		var actorID int64
		if err := rows.Scan(&action, &actorID, &ip); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%d/%s", action, actorID, ip))
	}
	want := []string{fmt.Sprintf("role.grant/%d/127.0.0.1", admin.ID), fmt.Sprintf("role.revoke/%d/127.0.0.1", admin.ID)}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit entries = %v, want %v", got, want)
	}
	// Revoking again, or a grant of another user, is 404.
	if res := c.PostForm(fmt.Sprintf("%s/peran/%d/cabut", userPath(u.ID), grantID), confirmYes); res.Status != http.StatusNotFound {
		t.Errorf("second revoke: %d, want 404", res.Status)
	}
}

func TestRevokedRoleTakesEffectOnNextRequest(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	bgp := a.User("bgp@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	b := a.SignIn("bgp@x.test")
	if res := b.Get("/admin/pengguna"); res.Status != 200 {
		t.Fatalf("BGP list before revoke: %d", res.Status)
	}
	var grantID int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM role_grants WHERE user_id = $1 AND role = 'bgp'`, bgp.ID).Scan(&grantID); err != nil {
		t.Fatal(err)
	}
	c := a.SignIn("admin@x.test")
	if res := c.PostForm(fmt.Sprintf("%s/peran/%d/cabut", userPath(bgp.ID), grantID), confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Status)
	}
	if res := b.Get("/admin/pengguna"); res.Status != http.StatusForbidden {
		t.Errorf("BGP list after revoke: %d, want 403", res.Status)
	}
}

func TestBGPCannotRevokeOtherRoles(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("bgp@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	dinas := a.User("dinas@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	c := a.SignIn("bgp@x.test")
	var grantID int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM role_grants WHERE user_id = $1 AND role = 'dinas'`, dinas.ID).Scan(&grantID); err != nil {
		t.Fatal(err)
	}
	page := c.Get(userPath(dinas.ID))
	if page.Status != 200 || strings.Contains(page.Body, fmt.Sprintf("/peran/%d/cabut", grantID)) {
		t.Errorf("BGP is offered to revoke a dinas grant (status %d)", page.Status)
	}
	if res := c.PostForm(fmt.Sprintf("%s/peran/%d/cabut", userPath(dinas.ID), grantID), nil); res.Status != http.StatusForbidden {
		t.Errorf("BGP revoke of dinas: %d, want 403", res.Status)
	}
	if n := usersCount(t, a.DB, `SELECT count(*) FROM role_grants WHERE id = $1 AND revoked_at IS NULL`, grantID); n != 1 {
		t.Errorf("dinas grant was revoked by a BGP")
	}
	if n := usersCount(t, a.DB, `SELECT count(*) FROM audit_log WHERE action = 'role.revoke'`); n != 0 {
		t.Errorf("a refused revoke was audited")
	}
}

func TestAdminCannotRevokeOwnAdminRole(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	admin := a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	c := a.SignIn("admin@x.test")
	var grantID int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM role_grants WHERE user_id = $1 AND role = 'admin'`, admin.ID).Scan(&grantID); err != nil {
		t.Fatal(err)
	}
	revoke := fmt.Sprintf("%s/peran/%d/cabut", userPath(admin.ID), grantID)
	if page := c.Get(userPath(admin.ID)); page.Status != 200 || strings.Contains(page.Body, revoke) {
		t.Errorf("own admin grant offered for revoking (status %d)", page.Status)
	}
	if res := c.PostForm(revoke, nil); res.Status != http.StatusForbidden {
		t.Errorf("revoke own admin role: %d, want 403", res.Status)
	}
	if res := c.Get("/admin/pengguna"); res.Status != 200 {
		t.Errorf("admin locked out: %d", res.Status)
	}
}

func TestUserPagesInEnglish(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	u := a.User("budi@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("admin@x.test")
	c.PostForm("/bahasa", url.Values{"lang": {"en"}})
	for path, want := range map[string]string{
		"/admin/pengguna":         "Users and roles",
		userPath(u.ID):            "Grant a role",
		"/admin/audit":            "Audit log",
		"/admin/audit/verifikasi": "Intact:",
		"/dasbor":                 "National admin",
	} {
		if res := c.Get(path); res.Status != 200 || !strings.Contains(res.Body, want) {
			t.Errorf("%s in English: %d, %q missing", path, res.Status, want)
		}
	}
	res := c.PostForm(userPath(u.ID)+"/peran", url.Values{"role": {"bgp"}, "scope": {""}})
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "A BGP admin must be given one province") {
		t.Errorf("English validation message: %d", res.Status)
	}
}
