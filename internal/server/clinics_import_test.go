package server_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/clinic"
	"penggerak/internal/imports"
)

func init() {
	staffOKU := func(status int) map[string]int { return with(only(status, "dinas", "bgp", "admin"), "dinas", 404) }
	// The matrix admin's (empty) preview of the matrix event: another user's token is a 404 (IDOR),
	// as is the event for the Dinas of another region.
	preview := func(f *fixture) string {
		c, _ := matrixClinic(f)
		tok, ok := f.Data["clinic.import"].(string)
		if !ok {
			var err error
			tok, err = imports.NewStore(f.App.DB).Save(context.Background(), clinic.ImportKind, f.Users["admin"].ID, "kosong.csv", 0, 0,
				clinic.ImportPreview{ClinicID: c.ID})
			if err != nil {
				f.App.T.Fatal(err)
			}
			f.Data["clinic.import"] = tok
		}
		return "/staf/klinik/" + strconv.FormatInt(c.ID, 10) + "/impor/" + tok
	}
	addRoutes(
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/impor", Path: clinicPath("/impor"), Want: staffOKU(200)},
		// No file: the upload form again with its message.
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/impor", Path: clinicPath("/impor"), Want: staffOKU(422)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/impor/{token}", Path: preview, Want: with(only(404, "dinas", "bgp"), "admin", 200)},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/impor/{token}", Path: preview, Want: with(only(404, "dinas", "bgp"), "admin", 200)},
	)
}

func clinicUpload(t *testing.T, c *apptest.Client, path, name, data string) apptest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(data))
	_ = w.Close()
	return c.PostBody(path, w.FormDataContentType(), &body)
}

// TestClinicParticipantImport (issue 13): an upload registers nobody until its preview is
// committed; the preview shows the first rows with the place each would get, the counts and
// every problem with its line and reason; a preview with problems cannot be committed; the
// commit registers every row at once (mails included) and a second commit does nothing twice;
// another organiser's preview and another region's event are 404.
func TestClinicParticipantImport(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	c := okuEvent(t, a, 2, true) // 2 seats, SD/SMP/PAUD of Kabupaten OKU
	if _, err := clinicStore(a).Register(ctx, c.ID, clinic.Registrant{Name: "Sudah Ada", Email: "ada@x.test", NPSN: "10600009"}, a.Now()); err != nil {
		t.Fatal(err)
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("dinas.oku2@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("dinas.oki@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.02"})
	staff := a.SignIn("dinas.oku@x.test")
	base := "/staf/klinik/" + strconv.FormatInt(c.ID, 10)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := a.DB.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	regs := func() int { return count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1`, c.ID) }

	mustContain(t, "upload page", staff.Get(base+"/impor").Body, `enctype="multipart/form-data"`, "nama;email;npsn")
	bad := "nama;email;npsn;telepon\n" +
		"Ani Lestari;ani@x.test;10600001;081234567890\n" + // 2 ok
		"X;x@x.test;10600002;\n" + // 3 name too short
		"Ani Kedua;ANI@x.test;10600003;\n" + // 4 same email as line 2
		"Dedi;dedi@x.test;99999999;\n" + // 5 unknown school
		"Eka;eka@x.test;10699001;\n" + // 6 SMA: not the event's jenjang
		"Fajar;fajar@x.test;62010001;\n" + // 7 Kalimantan Tengah: outside the region
		"Sudah Ada;ada@x.test;10600009;\n" + // 8 already registered
		"Gita;gita@x.test;10600004;0812\n" // 9 bad phone
	res := clinicUpload(t, staff, base+"/impor", "peserta.csv", bad)
	if res.Status != 303 || !strings.HasPrefix(res.Location, base+"/impor/") {
		t.Fatalf("upload: %d %q", res.Status, res.Location)
	}
	badPreview := res.Location
	res = staff.Get(badPreview)
	mustContain(t, "problems", res.Body, "peserta.csv: 8 baris data, 7 masalah",
		"Nama &#34;X&#34; harus 2–120 karakter", "Sama dengan baris 2", "NPSN 99999999 tidak ada di data sekolah",
		"jenjang sekolah ini bukan sasaran kegiatan", "sekolah ini berada di luar wilayah kegiatan", "ada@x.test sudah terdaftar",
		"Nomor HP &#34;0812&#34; tidak valid", "Ani Lestari")
	for _, line := range []string{"3", "4", "5", "6", "7", "8", "9"} {
		if !regexp.MustCompile(`<td class="num">` + line + `</td>`).MatchString(res.Body) {
			t.Errorf("no problem listed for line %s", line)
		}
	}
	if strings.Contains(res.Body, "Simpan impor ini") {
		t.Error("a preview with problems offers to commit")
	}
	if res := staff.PostForm(badPreview, url.Values{}); res.Status != 409 || regs() != 1 {
		t.Errorf("committing a preview with problems: %d, registrations %d", res.Status, regs())
	}

	good := "\xEF\xBB\xBFnama,email,npsn\nAni Lestari,ani@x.test,10600001\nBudi Santoso,budi@x.test,10600002\nCici Amalia,cici@x.test,10600003\n"
	res = clinicUpload(t, staff, base+"/impor", "baik.csv", good)
	preview := res.Location
	res = staff.Get(preview)
	mustContain(t, "preview", res.Body, "baik.csv: 3 baris data, 0 masalah", "Bila disimpan sekarang: 1 menjadi peserta dan 2 masuk daftar tunggu",
		"Cici Amalia", "SD Negeri 3 Baturaja (10600003)", "Daftar tunggu", "Simpan impor ini")
	if regs() != 1 || count(`SELECT count(*) FROM mail_outbox WHERE to_addr IN ('ani@x.test', 'budi@x.test', 'cici@x.test')`) != 0 {
		t.Fatal("the upload registered or mailed someone before the commit")
	}
	// Another organiser of the same event cannot see or commit this preview; another region's
	// Dinas does not see the event.
	other := a.SignIn("dinas.oku2@x.test")
	if r := other.Get(preview); r.Status != 404 {
		t.Errorf("another organiser's preview: %d", r.Status)
	}
	if r := other.PostForm(preview, url.Values{}); r.Status != 404 || regs() != 1 {
		t.Errorf("another organiser's commit: %d, registrations %d", r.Status, regs())
	}
	oki := a.SignIn("dinas.oki@x.test")
	if r := oki.Get(base + "/impor"); r.Status != 404 {
		t.Errorf("another region's Dinas: %d", r.Status)
	}

	res = staff.PostForm(preview, url.Values{})
	mustContain(t, "commit", res.Body, "Impor disimpan: 1 peserta dan 2 di daftar tunggu")
	if res.Status != 200 || regs() != 4 {
		t.Fatalf("commit: %d, registrations %d, want 4", res.Status, regs())
	}
	if n := count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND nominated_by IS NOT NULL AND email IN ('ani@x.test', 'budi@x.test', 'cici@x.test')`, c.ID); n != 3 {
		t.Errorf("nominations stored: %d", n)
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE to_addr IN ('ani@x.test', 'budi@x.test', 'cici@x.test') AND subject LIKE 'Pendaftaran:%'`); n != 3 {
		t.Errorf("mails: %d, want 3", n)
	}
	res = staff.PostForm(preview, url.Values{})
	if res.Status != 409 || !strings.Contains(res.Body, "sudah disimpan sebelumnya") || regs() != 4 ||
		count(`SELECT count(*) FROM mail_outbox WHERE to_addr IN ('ani@x.test', 'budi@x.test', 'cici@x.test')`) != 3 {
		t.Errorf("second commit: %d, registrations %d", res.Status, regs())
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'clinic.import' AND object_id = $1`, strconv.FormatInt(c.ID, 10)); n != 1 {
		t.Errorf("audit entries %d, want 1", n)
	}
	// All or nothing: a row refused at commit (the teacher registered in the meantime) rolls back
	// every row of the import, and says which line and why.
	res = clinicUpload(t, staff, base+"/impor", "lagi.csv", "nama;email;npsn\nDewi Sartika;dewi@x.test;10600005\nEko Prasetyo;eko@x.test;10600006\n")
	again := res.Location
	if _, err := clinicStore(a).Register(ctx, c.ID, clinic.Registrant{Name: "Eko Prasetyo", Email: "eko@x.test", NPSN: "10600006"}, a.Now()); err != nil {
		t.Fatal(err)
	}
	res = staff.PostForm(again, url.Values{})
	mustContain(t, "refused at commit", res.Body, "Tidak ada yang disimpan: baris 3 ditolak")
	if res.Status != 409 || count(`SELECT count(*) FROM clinic_registrations WHERE email = 'dewi@x.test'`) != 0 ||
		count(`SELECT count(*) FROM import_previews WHERE committed_at IS NOT NULL AND source = 'lagi.csv'`) != 0 {
		t.Errorf("a refused commit: %d, Dewi registered %d", res.Status, count(`SELECT count(*) FROM clinic_registrations WHERE email = 'dewi@x.test'`))
	}
	// Bad bytes in the file are refused before they reach the database.
	res = clinicUpload(t, staff, base+"/impor", "rusak.csv", "nama;email;npsn\nAni\x00;a@x.test;10600001\n")
	if res.Status != 303 || !strings.Contains(staff.Get(res.Location).Body, "bukan teks UTF-8 yang bersih") {
		t.Errorf("NUL byte upload: %d", res.Status)
	}
}

// TestClinicImportConcurrentCommit: eight commits of the same preview at once (a double tap on
// several tabs) register each row once: one commit succeeds, the others are told it was saved.
func TestClinicImportConcurrentCommit(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := okuEvent(t, a, 50, true)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	base := "/staf/klinik/" + strconv.FormatInt(c.ID, 10)
	var csv strings.Builder
	csv.WriteString("nama;email;npsn\n")
	for i := range 20 {
		csv.WriteString("Guru Impor " + strconv.Itoa(i) + ";impor" + strconv.Itoa(i) + "@x.test;106" + strconv.Itoa(10000 + i)[1:] + "0\n")
	}
	preview := clinicUpload(t, staff, base+"/impor", "banyak.csv", csv.String()).Location
	statuses := make(chan int, 8)
	start := make(chan struct{})
	for range 8 {
		go func() {
			<-start
			statuses <- staff.PostForm(preview, url.Values{}).Status
		}()
	}
	close(start)
	got := map[int]int{}
	for range 8 {
		got[<-statuses]++
	}
	if got[200] != 1 || got[409] != 7 {
		t.Errorf("statuses %v, want one 200 and seven 409", got)
	}
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND email LIKE 'impor%'`, c.ID).Scan(&n); err != nil || n != 20 {
		t.Errorf("registrations %d (%v), want 20", n, err)
	}
}
