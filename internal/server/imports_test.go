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
