package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/imports"
)

// matrixPreview stores an empty school preview of the matrix admin (once).
func matrixPreview(f *fixture) string {
	if tok, ok := f.Data["import.token"].(string); ok {
		return tok
	}
	tok, err := imports.NewStore(f.App.DB).Save(context.Background(), imports.KindSchools, f.Users["admin"].ID, "kosong.csv", 0, 0,
		map[string]any{"Schools": []any{}, "Problems": []any{}})
	if err != nil {
		f.App.T.Fatal(err)
	}
	f.Data["import.token"] = tok
	return tok
}

func matrixAssessorPreview(f *fixture) string {
	if tok, ok := f.Data["import.assessors"].(string); ok {
		return tok
	}
	tok, err := imports.NewStore(f.App.DB).Save(context.Background(), imports.KindAssessors, f.Users["admin"].ID, "kosong.csv", 0, 0,
		map[string]any{"Rows": []any{}, "Problems": []any{}})
	if err != nil {
		f.App.T.Fatal(err)
	}
	f.Data["import.assessors"] = tok
	return tok
}

func init() {
	addRoutes(
		// No file: the form's message (422) for the admin.
		routeCase{Method: "POST", Pattern: "/admin/sekolah/impor/pratinjau", Want: only(422, "admin")},
		routeCase{Method: "GET", Pattern: "/admin/sekolah/impor/{token}", Path: func(f *fixture) string {
			return "/admin/sekolah/impor/" + matrixPreview(f)
		}, Want: only(200, "admin")},
		routeCase{Method: "POST", Pattern: "/admin/sekolah/impor/{token}", Path: func(f *fixture) string {
			return "/admin/sekolah/impor/" + matrixPreview(f)
		}, Want: only(200, "admin")},
		routeCase{Method: "GET", Pattern: "/admin/impor/asesor", Want: only(200, "admin", "bgp")},
		routeCase{Method: "POST", Pattern: "/admin/impor/asesor", Want: only(422, "admin", "bgp")},
		// A preview belongs to its uploader: the matrix admin's is 404 for the BGP (IDOR).
		routeCase{Method: "GET", Pattern: "/admin/impor/asesor/{token}", Path: func(f *fixture) string {
			return "/admin/impor/asesor/" + matrixAssessorPreview(f)
		}, Want: with(only(200, "admin"), "bgp", 404)},
		routeCase{Method: "POST", Pattern: "/admin/impor/asesor/{token}", Path: func(f *fixture) string {
			return "/admin/impor/asesor/" + matrixAssessorPreview(f)
		}, Want: with(only(200, "admin"), "bgp", 404)},
	)
}

func uploadPreview(t *testing.T, c *apptest.Client, name, data string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(data))
	_ = w.Close()
	return c.PostBody("/admin/sekolah/impor/pratinjau", w.FormDataContentType(), &body)
}

// TestSchoolImportPreview: an upload writes nothing until its preview is committed; the
// preview shows counts, first rows and the problems per line; a commit saves every row once
// and a second commit changes nothing; a preview with problems cannot be committed; another
// admin's preview is not found.
func TestSchoolImportPreview(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("imp-admin@x.test", account.RoleAdmin, account.Scope{})
	a.User("imp-other@x.test", account.RoleAdmin, account.Scope{})
	admin, other := a.SignIn("imp-admin@x.test"), a.SignIn("imp-other@x.test")
	count := func() int {
		var n int
		_ = a.DB.QueryRow(t.Context(), `SELECT count(*) FROM schools WHERE npsn LIKE '2069%'`).Scan(&n)
		return n
	}
	csv := "npsn;nama;jenjang;status;kode_kabkota\n20690001;SD Negeri Uji 1;SD;negeri;36.73\n20690002;SMP Negeri Uji 2;SMP;negeri;36.73\n20690003;SMA Uji 3;SMA;swasta;36.73\n"
	res := uploadPreview(t, admin, "sekolah.csv", csv)
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/admin/sekolah/impor/") {
		t.Fatalf("upload: %d %q", res.Status, res.Location)
	}
	preview := res.Location
	if count() != 0 {
		t.Fatal("the upload wrote schools before the commit")
	}
	res = admin.Get(preview)
	for _, want := range []string{"3 baris data, 0 masalah", "<td>20690002</td><td>SMP Negeri Uji 2</td>", "Simpan impor ini"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if res := other.Get(preview); res.Status != http.StatusNotFound {
		t.Errorf("another admin's preview: %d, want 404", res.Status)
	}
	if res := other.PostForm(preview, nil); res.Status != http.StatusNotFound || count() != 0 {
		t.Errorf("another admin committed the preview: %d", res.Status)
	}
	res = admin.PostForm(preview, nil)
	if res.Status != 200 || !strings.Contains(res.Body, "3 sekolah baru") || count() != 3 {
		t.Fatalf("commit: %d, %d schools", res.Status, count())
	}
	// Again (a double tap, or the back button): nothing twice.
	if _, err := a.DB.Exec(t.Context(), `UPDATE schools SET name = 'Diubah Setelah Impor' WHERE npsn = '20690001'`); err != nil {
		t.Fatal(err)
	}
	res = admin.PostForm(preview, nil)
	var name string
	_ = a.DB.QueryRow(t.Context(), `SELECT name FROM schools WHERE npsn = '20690001'`).Scan(&name)
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "sudah disimpan sebelumnya") || name != "Diubah Setelah Impor" {
		t.Errorf("second commit: %d, name %q", res.Status, name)
	}
	var audits int
	_ = a.DB.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'school.import'`).Scan(&audits)
	if audits != 1 {
		t.Errorf("%d import audit entries, want 1", audits)
	}

	// Problems: the line and the reason, and no commit.
	bad := "npsn;nama;jenjang;status;kode_kabkota\n20690011;SD Baik;SD;negeri;36.73\n123;SD Buruk;SD;negeri;36.73\n20690013;SD Lain;XX;negeri;99.99\n"
	res = uploadPreview(t, admin, "buruk.csv", bad)
	page := admin.Get(res.Location)
	if !strings.Contains(page.Body, "3 baris data, 3 masalah") || !strings.Contains(page.Body, `<td class="num">3</td>`) || strings.Contains(page.Body, "Simpan impor ini") {
		t.Errorf("preview with problems:\n%s", page.Body)
	}
	if res := admin.PostForm(res.Location, nil); res.Status != http.StatusConflict || count() != 3 {
		t.Errorf("committing a preview with problems: %d, %d schools", res.Status, count())
	}

}

func uploadTo(t *testing.T, c *apptest.Client, path, data string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", "asesor.csv")
	_, _ = fw.Write([]byte(data))
	_ = w.Close()
	return c.PostBody(path, w.FormDataContentType(), &body)
}

// TestAssessorImport: a BGP uploads an assessor list; problems are shown per line (unknown
// account, outside its province, bad e-mail) and block the commit; a clean list grants the
// asesor role once, audited, and a second commit grants nothing.
func TestAssessorImport(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("bgp-i@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("calon-a@x.test", account.RoleGuru, account.Scope{})
	b := a.User("calon-b@x.test", account.RoleGuru, account.Scope{})
	bgp := a.SignIn("bgp-i@x.test")
	grants := func() int {
		var n int
		_ = a.DB.QueryRow(t.Context(), `SELECT count(*) FROM role_grants WHERE role = 'asesor' AND revoked_at IS NULL`).Scan(&n)
		return n
	}
	res := uploadTo(t, bgp, "/admin/impor/asesor", "email;wilayah\ncalon-a@x.test;16\ntidak-ada@x.test;16\ncalon-b@x.test;36\nbukan surel;16\n")
	if res.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d", res.Status)
	}
	page := bgp.Get(res.Location)
	for _, want := range []string{"4 baris data, 3 masalah", "Belum ada akun dengan surel tidak-ada@x.test", "tidak berwenang memberi peran asesor di wilayah 36",
		"Surel &#34;bukan surel&#34; tidak valid", `<td class="num">5</td>`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if res := bgp.PostForm(res.Location, nil); res.Status != http.StatusConflict || grants() != 0 {
		t.Errorf("a preview with problems was committed: %d, %d grants", res.Status, grants())
	}
	res = uploadTo(t, bgp, "/admin/impor/asesor", "email,wilayah\ncalon-a@x.test,16\ncalon-b@x.test,16.01\n")
	preview := res.Location
	if page := bgp.Get(preview); !strings.Contains(page.Body, "2 baris data, 0 masalah") || grants() != 0 {
		t.Fatalf("clean preview: %s", page.Body)
	}
	if res := bgp.PostForm(preview, nil); res.Status != 200 || grants() != 2 {
		t.Fatalf("commit: %d, %d grants", res.Status, grants())
	}
	if _, err := a.DB.Exec(t.Context(), `UPDATE role_grants SET revoked_at = now() WHERE user_id = $1 AND role = 'asesor'`, b.ID); err != nil {
		t.Fatal(err)
	}
	if res := bgp.PostForm(preview, nil); res.Status != http.StatusConflict || grants() != 1 {
		t.Errorf("second commit: %d, %d grants (the revoked one must stay revoked)", res.Status, grants())
	}
	var audits int
	_ = a.DB.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'role.grant' AND detail->>'role' = 'asesor'`).Scan(&audits)
	if audits != 2 {
		t.Errorf("%d grant audit entries, want 2", audits)
	}
}
