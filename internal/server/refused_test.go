package server_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/server"
)

// Post/Redirect/Get for refused forms (issue 11): a form posted to an address that is not a
// page, and refused, answers 303 to the page it was sent from; that page shows the refusal
// (what was typed, the messages, the status) once, and afterwards is the page itself.

// browserPost sends a POST as a browser submits a form from the page at from: a navigation
// with from as its Referer. apptest's Do follows a refused form's redirect.
func browserPost(c *apptest.Client, from, path, contentType string, body io.Reader) apptest.Response {
	c.T.Helper()
	return c.Do(browserRequest(c, from, path, contentType, body))
}

func browserRequest(c *apptest.Client, from, path, contentType string, body io.Reader) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Sec-Fetch-Mode", "navigate")
	if from != "" {
		req.Header.Set("Referer", c.Base+from)
	}
	return req
}

func browserForm(c *apptest.Client, from, path string, form url.Values) apptest.Response {
	c.T.Helper()
	return browserPost(c, from, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

func fileForm(t *testing.T, name string, data []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return w.FormDataContentType(), &buf
}

// wantRefusedAt checks that res is the refusal shown on page with status and every text of
// shown, and that the next GET of page is the page afresh (200, none of gone).
func wantRefusedAt(t *testing.T, c *apptest.Client, res apptest.Response, page string, status int, shown, gone []string) {
	t.Helper()
	if res.Refused != page {
		t.Errorf("refused form redirected to %q, want %q (the form's page)", res.Refused, page)
	}
	recWant(t, res, status, shown...)
	again := c.Get(page)
	if again.Status != http.StatusOK {
		t.Errorf("GET %s again: %d, want the page itself\n%.1500s", page, again.Status, again.Body)
	}
	for _, s := range gone {
		if strings.Contains(again.Body, s) {
			t.Errorf("GET %s again still shows %q: the refusal was not shown only once", page, s)
		}
	}
}

// The example and a teacher's form: a refused document upload (multipart) and a refused
// CV entry come back on their step's page, with the address of that page.
func TestRefusedTeacherFormsComeBackOnTheirPage(t *testing.T) {
	t.Parallel()
	a, tc, _, c, base := recBegin(t, "prg@guru.test")
	docs := base + "/dokumen"
	upload := fmt.Sprintf("%s/%d", docs, tc.Docs[0])
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	ct, body := fileForm(t, "ktp.pdf", png)
	res := browserPost(c, docs, upload, ct, body)
	wantRefusedAt(t, c, res, docs, http.StatusUnprocessableEntity, []string{"Berkas bukan PDF", `action="` + upload + `"`}, []string{"Berkas bukan PDF"})
	if n := recCount(t, a, `SELECT count(*) FROM application_documents`); n != 0 {
		t.Errorf("%d documents stored by a refused upload", n)
	}

	cv := base + "/cv"
	bad := url.Values{"section": {"organisasi"}, "title": {"Ketua KKG Gugus Tujuh"}, "organisation": {"KKG Baturaja Timur"},
		"year_from": {"2024"}, "year_to": {"2019"}, "description": {"Memimpin pertemuan bulanan gugus"}}
	res = browserForm(c, cv, cv, bad)
	wantRefusedAt(t, c, res, cv, http.StatusUnprocessableEntity,
		[]string{`value="Ketua KKG Gugus Tujuh"`, `value="KKG Baturaja Timur"`, "Memimpin pertemuan bulanan gugus",
			"Tahun selesai tidak boleh sebelum tahun mulai.", `aria-invalid="true"`},
		[]string{"Ketua KKG Gugus Tujuh", "Tahun selesai tidak boleh sebelum tahun mulai."})

	// A client sending no Referer lands on the nearest page above the address.
	ct, body = fileForm(t, "ktp.pdf", png)
	res = browserPost(c, "", upload, ct, body)
	wantRefusedAt(t, c, res, docs, http.StatusUnprocessableEntity, []string{"Berkas bukan PDF"}, []string{"Berkas bukan PDF"})
	// A Referer of another site is not followed.
	req := browserRequest(c, "", cv, "application/x-www-form-urlencoded", strings.NewReader(bad.Encode()))
	req.Header.Set("Referer", "http://elsewhere.example/lamaran/1/cv")
	if res := c.Do(req); res.Refused == "" || strings.Contains(res.Refused, "elsewhere") {
		t.Errorf("foreign Referer: refused to %q", res.Refused)
	}
}

// A staff form and a confirmation, refused: the admin's grant form with a bad scope, and a
// revoke sent without its confirmation, come back on the user's page with what was chosen.
func TestRefusedStaffFormAndConfirmationComeBackOnTheirPage(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	u := a.User("budi@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("admin@x.test")
	page := userPath(u.ID)
	res := browserForm(c, page, page+"/peran", url.Values{"role": {"dinas"}, "scope": {""}})
	wantRefusedAt(t, c, res, page, http.StatusUnprocessableEntity,
		[]string{"Dinas Pendidikan harus diberi satu kabupaten/kota", `<option value="dinas" selected>`},
		[]string{"Dinas Pendidikan harus diberi satu kabupaten/kota", `<option value="dinas" selected>`})

	if res := browserForm(c, page, page+"/peran", url.Values{"role": {"asesor"}, "scope": {""}}); res.Status != http.StatusSeeOther || res.Refused != "" {
		t.Fatalf("grant: %d (refused %q)", res.Status, res.Refused)
	}
	var grant int64
	if err := a.DB.QueryRow(t.Context(), `SELECT id FROM role_grants WHERE user_id = $1 AND role = 'asesor'`, u.ID).Scan(&grant); err != nil {
		t.Fatal(err)
	}
	revoke := fmt.Sprintf("%s/peran/%d/cabut", page, grant)
	res = browserForm(c, page, revoke, nil)
	wantRefusedAt(t, c, res, page, http.StatusUnprocessableEntity, []string{"Cabut peran ini?", `name="confirm"`, `action="` + revoke + `"`},
		[]string{"Cabut peran ini?"})
	if n := usersCount(t, a.DB, `SELECT count(*) FROM role_grants WHERE id = $1 AND revoked_at IS NULL`, grant); n != 1 {
		t.Error("an unconfirmed revoke revoked the grant")
	}
}

// The kept page belongs to one session, one address and one view: another page viewed in
// between drops it, another browser never sees it, a prefetch does not take it; htmx
// requests, scripts' fetches and routes that are their own page are answered as before.
func TestRefusedPageIsShownOnceToItsSessionOnly(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	u := a.User("budi@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("admin@x.test")
	other := a.SignIn("admin@x.test") // the same person in another browser
	page := userPath(u.ID)
	form := url.Values{"role": {"dinas"}, "scope": {""}}
	const msg = "Dinas Pendidikan harus diberi satu kabupaten/kota"
	send := func(mode string, hx bool) *http.Response {
		t.Helper()
		req := browserRequest(c, page, page+"/peran", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
		req.Header.Set("Sec-Fetch-Mode", mode)
		if hx {
			req.Header.Set("HX-Request", "true")
		}
		res, err := c.HTTP.Do(req) // not followed
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res
	}
	res := send("navigate", false)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != page || res.Header.Get(server.RefusedHeader) != "422" {
		t.Fatalf("refused POST: %d to %q (%s %q)", res.StatusCode, res.Header.Get("Location"), server.RefusedHeader, res.Header.Get(server.RefusedHeader))
	}
	if got := other.Get(page); got.Status != http.StatusOK || strings.Contains(got.Body, msg) {
		t.Errorf("another session's GET of the page: %d, refusal shown: %v", got.Status, strings.Contains(got.Body, msg))
	}
	prefetch, _ := http.NewRequest(http.MethodGet, c.Base+page, nil)
	prefetch.Header.Set("Sec-Purpose", "prefetch")
	if got := c.Do(prefetch); got.Status != http.StatusOK || strings.Contains(got.Body, msg) {
		t.Errorf("a prefetch of the page: %d, refusal shown: %v", got.Status, strings.Contains(got.Body, msg))
	}
	recWant(t, c.Get(page), http.StatusUnprocessableEntity, msg)

	send("navigate", false)
	recWant(t, c.Get("/dasbor"), http.StatusOK) // went elsewhere
	if got := c.Get(page); got.Status != http.StatusOK || strings.Contains(got.Body, msg) {
		t.Errorf("a refusal left behind is shown later: %d", got.Status)
	}

	for _, tt := range []struct {
		mode string
		hx   bool
	}{{"cors", true}, {"same-origin", false}} {
		if res := send(tt.mode, tt.hx); res.StatusCode != http.StatusUnprocessableEntity || res.Header.Get(server.RefusedHeader) != "" {
			t.Errorf("Sec-Fetch-Mode %s, htmx %v: %d, want the refusal itself", tt.mode, tt.hx, res.StatusCode)
		}
	}
	// A POST route that shares its address with a page (GET /admin/angkatan) is not redirected.
	res2 := browserForm(c, "/admin/angkatan/baru", "/admin/angkatan", url.Values{"number": {"x"}})
	if res2.Refused != "" || res2.Status != http.StatusUnprocessableEntity {
		t.Errorf("POST to a page's own address: %d, refused to %q", res2.Status, res2.Refused)
	}
}

// A signed-out visitor's refusal is kept in a session of its own: the cancel of an unknown
// ticket is a 404 shown on the ticket's address, then the address is its own 404 page.
func TestRefusedFormOfASignedOutVisitor(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := a.Anonymous()
	res := browserForm(c, "/tiket/tidak-ada", "/tiket/tidak-ada/batal", url.Values{"confirm": {"yes"}})
	if res.Refused != "/tiket/tidak-ada" || res.Status != http.StatusNotFound {
		t.Errorf("unknown ticket's cancel: %d on %q", res.Status, res.Refused)
	}
	if u, _ := url.Parse(a.URL); len(c.HTTP.Jar.Cookies(u)) == 0 {
		t.Error("no session cookie for the visitor")
	}
}
