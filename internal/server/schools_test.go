package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
)

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/sekolah", Want: only(200, "admin")},
		// An urlencoded POST carries no file: the admin gets the form error, nobody else gets in.
		routeCase{Method: "POST", Pattern: "/admin/sekolah/impor", Want: only(422, "admin")},
	)
}

// addSchool stores a school for a test.
func addSchool(t *testing.T, a *apptest.App, npsn, name, jenjang, regency, district string) {
	t.Helper()
	applicationtest.Schools(t, a.DB, applicationtest.SchoolRow{NPSN: npsn, Name: name, Jenjang: jenjang, Regency: regency, District: district})
}

// upload posts a file to the school import.
func upload(t *testing.T, c *apptest.Client, name string, data []byte) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = w.Close()
	return c.PostBody("/admin/sekolah/impor", w.FormDataContentType(), &body)
}

func countSchools(t *testing.T, a *apptest.App) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM schools`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const importHeader = "npsn,nama,jenjang,status,kode_kabkota,kode_kecamatan,alamat,email,kepala_sekolah\n"

func TestSchoolImport(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@sekolah.test", account.RoleAdmin, account.Scope{})
	admin := a.SignIn("admin@sekolah.test")
	ctx := context.Background()

	good := importHeader +
		"10601001,SD Negeri 1 Baturaja Timur,SD,Negeri,16.01,16.01.14,\"Jl. Merdeka No. 1, Baturaja\",sdn1@demo.sch.id,Budi Santoso\n" +
		"P1601002,PKBM Harapan Bangsa,PKBM,swasta,16.01,,,,\n"
	res := upload(t, admin, "sekolah.csv", []byte(good))
	if res.Status != 200 || !strings.Contains(res.Body, "Impor selesai: 2 baris, 2 sekolah baru, 0 sekolah diperbarui") {
		t.Fatalf("good file: %d\n%s", res.Status, res.Body)
	}
	var name, district, address string
	if err := a.DB.QueryRow(ctx, `SELECT name, district_code, address FROM schools WHERE npsn = '10601001'`).Scan(&name, &district, &address); err != nil {
		t.Fatal(err)
	}
	if name != "SD Negeri 1 Baturaja Timur" || district != "16.01.14" || address != "Jl. Merdeka No. 1, Baturaja" {
		t.Errorf("stored %q %q %q", name, district, address)
	}
	var detail string
	if err := a.DB.QueryRow(ctx, `SELECT detail::text FROM audit_log WHERE action = 'school.import' ORDER BY id DESC LIMIT 1`).Scan(&detail); err != nil {
		t.Fatalf("audit: %v", err)
	}
	if !strings.Contains(detail, `"inserted": 2`) || !strings.Contains(detail, `"rows": 2`) {
		t.Errorf("audit detail %s", detail)
	}

	t.Run("semicolon CSV with BOM updates by NPSN", func(t *testing.T) {
		data := "\ufeff" + strings.ReplaceAll(importHeader, ",", ";") +
			"10601001;SD Negeri 1 Baturaja Timur (baru);SD;Negeri;16.01;16.01.14;Jl. Merdeka, Baturaja;;Budi\n" +
			"36730001;SMA Negeri 1 Kota Serang;SMA;negeri;36.73;36.73.01;;;\n"
		res := upload(t, admin, "sekolah-excel.csv", []byte(data))
		if res.Status != 200 || !strings.Contains(res.Body, "1 sekolah baru, 1 sekolah diperbarui") {
			t.Fatalf("%d\n%s", res.Status, res.Body)
		}
		var name string
		_ = a.DB.QueryRow(ctx, `SELECT name FROM schools WHERE npsn = '10601001'`).Scan(&name)
		if name != "SD Negeri 1 Baturaja Timur (baru)" || countSchools(t, a) != 3 {
			t.Errorf("after update: %q, %d schools", name, countSchools(t, a))
		}
	})

	t.Run("bad rows: nothing imported, every problem by line", func(t *testing.T) {
		before := countSchools(t, a)
		data := importHeader +
			"62710001,SMA Negeri 1 Palangka Raya,SMA,negeri,62.71,62.71.01,,,\n" + // fine
			"6271002,SMA Negeri 2 Palangka Raya,SMA,negeri,62.71,,,,\n" + // bad NPSN
			"62710003,SMA Negeri 3 Palangka Raya,SMA,negeri,62.99,,,,\n" + // unknown kab/kota
			"62710004,SMA Negeri 4 Palangka Raya,SMA,negeri,62.71,16.01.14,,,\n" + // kecamatan elsewhere
			"62710001,SMA Negeri 5 Palangka Raya,SMA,negeri,62.71,,,,\n" + // duplicate of line 2
			"62710006,SMA Negeri 6 Palangka Raya,SMA,umum,62.71,,,,\n" // status
		res := upload(t, admin, "rusak.csv", []byte(data))
		if res.Status != 422 {
			t.Fatalf("status %d", res.Status)
		}
		for _, want := range []string{
			"Tidak ada yang diimpor", "5 masalah ditemukan",
			"<td>3</td><td>NPSN &#34;6271002&#34; tidak valid",
			"<td>4</td><td>Kode kabupaten/kota 62.99 tidak dikenal.",
			"<td>5</td><td>Kecamatan 16.01.14 tidak berada di kabupaten/kota 62.71.",
			"<td>6</td><td>NPSN 62710001 sudah ada di baris 2 berkas ini.",
			"<td>7</td><td>Status &#34;umum&#34; tidak dikenal",
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("missing %q in\n%s", want, res.Body)
			}
		}
		if n := countSchools(t, a); n != before {
			t.Errorf("schools %d, want %d (nothing imported)", n, before)
		}
	})

	t.Run("a NUL byte in a cell is a line message, not a 500", func(t *testing.T) {
		before := countSchools(t, a)
		data := importHeader + "62710011,SMA Negeri\x00 11 Palangka Raya,SMA,negeri,62.71,,Jl. A\x00,,\n"
		res := upload(t, admin, "nul.csv", []byte(data))
		if res.Status != 422 || !strings.Contains(res.Body, "<td>2</td><td>Kolom nama berisi karakter yang tidak terbaca") ||
			!strings.Contains(res.Body, "Kolom alamat berisi karakter") {
			t.Fatalf("status %d\n%s", res.Status, res.Body)
		}
		if n := countSchools(t, a); n != before {
			t.Errorf("schools %d, want %d", n, before)
		}
	})

	t.Run("XLSX", func(t *testing.T) {
		f := excelize.NewFile()
		rows := [][]any{
			{"npsn", "nama", "jenjang", "status", "kode_kabkota", "kode_kecamatan", "alamat", "email", "kepala_sekolah"},
			{30202001, "SMK Negeri 1 Sampit", "SMK", "Negeri", "62.02", "62.02.06", "Jl. Tjilik Riwut", "smkn1sampit@demo.sch.id", "Maria Lubis"},
			{"K6202002", "LKP Terampil Mandiri", "LKP", "swasta", "6202", "", "", "", ""},
		}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			_ = f.SetSheetRow("Sheet1", cell, &r)
		}
		var buf bytes.Buffer
		_ = f.Write(&buf)
		res := upload(t, admin, "sekolah.xlsx", buf.Bytes())
		if res.Status != 200 || !strings.Contains(res.Body, "2 sekolah baru") {
			t.Fatalf("%d\n%s", res.Status, res.Body)
		}
		var jenjang, regency string
		_ = a.DB.QueryRow(ctx, `SELECT jenjang, regency_code FROM schools WHERE npsn = 'K6202002'`).Scan(&jenjang, &regency)
		if jenjang != "LKP" || regency != "62.02" {
			t.Errorf("LKP stored as %q in %q", jenjang, regency)
		}
	})

	t.Run("oversized file", func(t *testing.T) {
		before := countSchools(t, a)
		big := []byte(importHeader + strings.Repeat("10601009,SD Negeri 9 Baturaja Timur,SD,negeri,16.01,,,,\n", 100_000))
		res := upload(t, admin, "besar.csv", big)
		if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "Berkas terlalu besar. Batasnya 5 MiB.") {
			t.Errorf("status %d\n%s", res.Status, res.Body)
		}
		if countSchools(t, a) != before {
			t.Error("oversized file imported something")
		}
	})

	t.Run("body over the upload limit", func(t *testing.T) {
		res := upload(t, admin, "sangat-besar.csv", bytes.Repeat([]byte("1"), 7<<20))
		if res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "Berkas terlalu besar.") {
			t.Errorf("status %d", res.Status)
		}
	})

	t.Run("no file", func(t *testing.T) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("x", "y")
		_ = w.Close()
		res := admin.PostBody("/admin/sekolah/impor", w.FormDataContentType(), &body)
		if res.Status != 422 || !strings.Contains(res.Body, "Pilih berkas CSV atau XLSX") {
			t.Errorf("status %d", res.Status)
		}
	})
}

func TestAdminSchoolList(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@daftar.test", account.RoleAdmin, account.Scope{})
	admin := a.SignIn("admin@daftar.test")
	for i := 1; i <= 60; i++ {
		addSchool(t, a, fmt.Sprintf("106010%02d", i), fmt.Sprintf("SD Negeri %02d Baturaja Timur", i), "SD", "16.01", "16.01.14")
	}
	addSchool(t, a, "10601100", "SMP Negeri 1 OKU", "SMP", "16.01", "")
	addSchool(t, a, "36730001", "SD Negeri 1 Serang", "SD", "36.73", "36.73.01")

	res := admin.Get("/admin/sekolah?kabkota=16.01&jenjang=SD")
	if res.Status != 200 || strings.Count(res.Body, "<tr>") != 51 || strings.Contains(res.Body, "SD Negeri 1 Serang") ||
		strings.Contains(res.Body, "SMP Negeri 1 OKU") || !strings.Contains(res.Body, "SD Negeri 50 Baturaja Timur") {
		t.Fatalf("first page: %d, %d rows", res.Status, strings.Count(res.Body, "<tr>"))
	}
	next := "/admin/sekolah?after=10601050&amp;jenjang=SD&amp;kabkota=16.01"
	if !strings.Contains(res.Body, next) {
		t.Fatalf("no next link %q", next)
	}
	res = admin.Get(strings.ReplaceAll(next, "&amp;", "&"))
	if strings.Count(res.Body, "<tr>") != 11 || !strings.Contains(res.Body, "SD Negeri 60 Baturaja Timur") || strings.Contains(res.Body, "SD Negeri 50 Baturaja Timur") ||
		strings.Contains(res.Body, `rel="next"`) {
		t.Errorf("second page: %d rows", strings.Count(res.Body, "<tr>"))
	}
	res = admin.Get("/admin/sekolah?" + url.Values{"q": {"oku"}}.Encode())
	if !strings.Contains(res.Body, "SMP Negeri 1 OKU") || strings.Contains(res.Body, "Baturaja Timur</td>") {
		t.Errorf("search by name")
	}
	res = admin.Get("/admin/sekolah?q=36730001")
	if !strings.Contains(res.Body, "SD Negeri 1 Serang") || strings.Count(res.Body, "<tr>") != 2 {
		t.Errorf("search by NPSN: %d rows", strings.Count(res.Body, "<tr>"))
	}
}
