package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

var titleRe = regexp.MustCompile(`<title>([^<]*)</title>`)

func title(res apptest.Response) string {
	m := titleRe.FindStringSubmatch(res.Body)
	if m == nil {
		return ""
	}
	return m[1]
}

// PageProblems finds what breaks assistive technology in a page (every page a test client
// receives goes through it).
func TestPageProblems(t *testing.T) {
	page := func(body string) string { return "<!doctype html><html><body>" + body + "</body></html>" }
	for _, tt := range []struct {
		body string
		want string
	}{
		{`<label for="reason">A</label><select id="reason"></select><label for="reason">B</label><select id="reason"></select>`, `id "reason" used 2 times`},
		{`<label for="note">Catatan</label>`, `label for "note"`},
		{`<table><tr><th></th></tr></table>`, `empty <th>`},
		{`<div class="table-wrap"><table></table></div>`, `.table-wrap without`},
		{`<input hx-get="/x">`, `attribute hx-get`},
	} {
		got := strings.Join(apptest.PageProblems(page(tt.body)), "; ")
		if !strings.Contains(got, tt.want) {
			t.Errorf("%s: problems %q, want %q", tt.body, got, tt.want)
		}
	}
	if p := apptest.PageProblems(page(`<div class="table-wrap" tabindex="0" role="region" aria-label="Tabel"><table><tr><th>Nama</th></tr></table></div><label for="a">A</label><input id="a" data-hx-get="/x">`)); len(p) != 0 {
		t.Errorf("a good page: %v", p)
	}
}

// The verval page has one reason and one note field per document, each with its own id (they
// used to share "reason" and "note", so every label pointed at the first document's field).
func TestVervalFieldsHaveTheirOwnIDs(t *testing.T) {
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 3)
	_, c := recTeacher(t, a, "dua.dok@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	if res := recUpload(c, fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[1]), "ijazah.pdf", recPDF); res.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.Status)
	}
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.Status)
	}
	as := a.User("asesor.id@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	adm := recAdminClient(t, a)
	if res := adm.PostForm(fmt.Sprintf("/admin/angkatan/%d/verval/bagi", tc.ID), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.Status)
	}
	_ = as
	var id int64
	fmt.Sscanf(strings.TrimPrefix(base, "/lamaran/"), "%d", &id)
	res := a.SignIn("asesor.id@x.test").Get(fmt.Sprintf("/verval/%d", id))
	if res.Status != 200 || strings.Count(res.Body, `name="reason"`) != 2 {
		t.Fatalf("verval page: %d, %d reason fields", res.Status, strings.Count(res.Body, `name="reason"`))
	}
	// Duplicate ids would already have failed the test (apptest checks every page).
}

// htmx is loaded only by the pages that use it; every other page is lighter.
func TestHTMXOnlyWhereUsed(t *testing.T) {
	a := apptest.Start(t)
	a.User("guru.htmx@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru.htmx@x.test")
	for path, want := range map[string]bool{"/profil": true, "/dasbor": false, "/klinik": false} {
		res := c.Get(path)
		if got := strings.Contains(res.Body, "/static/htmx-"); got != want {
			t.Errorf("%s: htmx loaded %v, want %v", path, got, want)
		}
	}
	if res := a.Anonymous().Get("/"); strings.Contains(res.Body, "htmx") {
		t.Error("the home page loads htmx")
	}
}

// The consent form lets the server give its Indonesian message (novalidate), tied to the box.
func TestConsentErrorTiedToTheBox(t *testing.T) {
	_, tc, _, c, base := recBegin(t, "setuju@guru.test")
	recWant(t, c.Get(base+"/persetujuan"), 200, `novalidate`, `id="agree"`)
	res := c.PostForm(base+"/persetujuan", url.Values{})
	recWant(t, res, http.StatusUnprocessableEntity, `aria-invalid="true"`, `aria-describedby="agree-error"`, `id="agree-error"`)
	// Essays outside their limits: the message is tied to its textarea and listed in a summary
	// that can take focus.
	q := fmt.Sprintf("essay_%d", tc.Questions[0])
	res = c.PostForm(base+"/esai", url.Values{q: {"pendek"}})
	recWant(t, res, http.StatusUnprocessableEntity, `aria-describedby="`+q+`-error `, `id="`+q+`-error"`, `aria-invalid="true"`, `class="error-summary" role="alert" tabindex="-1"`, `href="#`+q+`"`)
	if strings.Contains(res.Body, `class="count" id="`+q+`-count" aria-live`) {
		t.Error("the counter announces every keystroke")
	}
}

// Page titles tell pages apart: 403 and 404, a region and the region list.
func TestTitlesAreDistinct(t *testing.T) {
	a := apptest.Start(t)
	a.User("guru.judul@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru.judul@x.test")
	t403, t404 := title(c.Get("/admin/audit")), title(c.Get("/tidak-ada"))
	if t403 == t404 || t403 == "" {
		t.Errorf("403 %q and 404 %q", t403, t404)
	}
	a.User("admin.judul@x.test", account.RoleAdmin, account.Scope{})
	adm := a.SignIn("admin.judul@x.test")
	list, one := title(adm.Get("/wilayah")), title(adm.Get("/wilayah/16.01"))
	if list == one || !strings.Contains(one, "Ogan Komering Ulu") {
		t.Errorf("region list %q, region %q", list, one)
	}
}

// Every page names its icon, and the icon is served (no favicon 404 on every page).
func TestFavicon(t *testing.T) {
	a := apptest.Start(t)
	res := a.Anonymous().Get("/")
	m := regexp.MustCompile(`<link rel="icon" type="image/svg\+xml" href="([^"]+)"`).FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("no icon link")
	}
	if icon := a.Anonymous().Get(m[1]); icon.Status != 200 || !strings.Contains(icon.Body, "<svg") {
		t.Errorf("icon %s: %d", m[1], icon.Status)
	}
}

// The profile step shows the labels of coded answers, not the codes ("S-1", not "S1").
func TestProfileStepShowsLabels(t *testing.T) {
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "label@guru.test", "10600001", "16.01", recProfileOpts{Education: "S1"})
	base := recStart(t, c, tc.ID)
	recWant(t, c.Get(base+"/profil"), 200, "<dd>S-1</dd>", "<dd>PNS</dd>")
}
