package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
)

// Recruitment test helpers. Schools, teacher profiles and cohorts are created directly with SQL
// (the profile and school screens are built elsewhere).

// recSeedSchool creates a school when it does not exist.
func recSeedSchool(t testing.TB, a *apptest.App, npsn, name, jenjang, regency string) {
	t.Helper()
	applicationtest.School(t, a.DB, npsn, name, jenjang, regency)
}

// recProfileOpts change the teacher profile a test creates.
type recProfileOpts = applicationtest.Profile

// recSeedProfile gives a user a teacher profile at the school.
func recSeedProfile(t testing.TB, a *apptest.App, userID int64, npsn string, o recProfileOpts) string {
	t.Helper()
	return applicationtest.SeedProfile(t, a.DB, userID, npsn, o)
}

// recTestCohort is a cohort made for a test.
type recTestCohort = applicationtest.Cohort

// recSeedCohort creates a cohort open around the app's clock (applicationtest.OpenCohort).
func recSeedCohort(t testing.TB, a *apptest.App, number int, status string, correctionDays int) recTestCohort {
	t.Helper()
	return applicationtest.OpenCohort(t, a.DB, a.Now(), number, status, correctionDays)
}

// teacher creates a signed-in guru with a profile at an OKU primary school (or another school).
func recTeacher(t testing.TB, a *apptest.App, email, npsn, regency string, o recProfileOpts) (account.User, *apptest.Client) {
	t.Helper()
	recSeedSchool(t, a, npsn, "Sekolah "+npsn, "SD", regency)
	u := a.User(email, account.RoleGuru, account.Scope{})
	recSeedProfile(t, a, u.ID, npsn, o)
	return u, a.SignIn(email)
}

var recPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// upload posts a file as multipart form data.
func recUpload(c *apptest.Client, path, name string, data []byte) apptest.Response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return c.PostBody(path, w.FormDataContentType(), &buf)
}

var recAppPath = regexp.MustCompile(`^/lamaran/(\d+)/profil$`)

// start begins an application and returns its path prefix (/lamaran/<id>).
func recStart(t testing.TB, c *apptest.Client, cohortID int64) string {
	t.Helper()
	res := c.PostForm(fmt.Sprintf("/pendaftaran/%d", cohortID), nil)
	m := recAppPath.FindStringSubmatch(res.Location)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("start: %d %q\n%s", res.Status, res.Location, res.Body)
	}
	return "/lamaran/" + m[1]
}

// recBegin starts the app with cohort 12 open for registration (recSeedCohort) and a signed-in
// teacher (email) at SD 10600001 in Kabupaten OKU who has started an application to it; it
// returns the application's path prefix as base.
func recBegin(t *testing.T, email string) (a *apptest.App, tc recTestCohort, u account.User, c *apptest.Client, base string) {
	t.Helper()
	a = apptest.Start(t)
	tc = recSeedCohort(t, a, 12, "pendaftaran", 0)
	u, c = recTeacher(t, a, email, "10600001", "16.01", recProfileOpts{})
	return a, tc, u, c, recStart(t, c, tc.ID)
}

// fill completes every step but submit.
func recFill(t testing.TB, c *apptest.Client, base string, tc recTestCohort) {
	t.Helper()
	steps := []struct {
		path string
		form url.Values
	}{
		{base + "/profil", nil},
		{base + "/cv", url.Values{"section": {"pelatihan"}, "title": {"Pelatihan Kurikulum Merdeka"}, "organisation": {"BGP Sumsel"}, "year_from": {"2023"}}},
		{base + "/esai", url.Values{fmt.Sprintf("essay_%d", tc.Questions[0]): {strings.Repeat("Murid belajar. ", 3)}, fmt.Sprintf("essay_%d", tc.Questions[1]): {strings.Repeat("Komunitas belajar. ", 3)}}},
	}
	for _, s := range steps {
		if res := c.PostForm(s.path, s.form); res.Status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%s", s.path, res.Status, res.Body)
		}
	}
	if res := recUpload(c, fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0]), "ktp.pdf", recPDF); res.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.Status, res.Body)
	}
	// SECURITY.md 17: everything but the consent is done, and submitting is still refused.
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "Persetujuan data pribadi belum diberikan.") {
		t.Fatalf("submit without consent: %d\n%s", res.Status, res.Body)
	}
	if res := c.PostForm(base+"/persetujuan", url.Values{"agree": {"true"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("consent: %d\n%s", res.Status, res.Body)
	}
}

func recCount(t testing.TB, a *apptest.App, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func recWant(t testing.TB, res apptest.Response, status int, texts ...string) {
	t.Helper()
	if res.Status != status {
		t.Errorf("status %d, want %d\n%.2000s", res.Status, status, res.Body)
	}
	for _, s := range texts {
		if !strings.Contains(res.Body, s) {
			t.Errorf("body lacks %q\n%.3000s", s, res.Body)
		}
	}
}

// The teacher's whole path: dashboard, eligibility, every step, submit, receipt, email.
func TestApplicationJourneyToReceipt(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	u, c := recTeacher(t, a, "siti@guru.test", "10600001", "16.01", recProfileOpts{})

	recWant(t, c.Get("/dasbor"), 200, "Angkatan 12", "Periksa syarat dan daftar")
	recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, "Anda memenuhi syarat")
	base := recStart(t, c, tc.ID)
	recWant(t, c.Get(base+"/profil"), 200, "Langkah 1 dari 6", "Sekolah 10600001", "1601••••••••")
	recFill(t, c, base, tc)
	recWant(t, c.Get(base+"/tinjau"), 200, "Kirim pendaftaran")
	res := c.PostForm(base+"/kirim", confirmYes)
	if res.Status != http.StatusSeeOther || res.Location != base+"/tanda-terima" {
		t.Fatalf("submit: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	rec := c.Get(base + "/tanda-terima")
	var number, sum string
	if err := a.DB.QueryRow(context.Background(), `SELECT registration_number, receipt_checksum FROM applications WHERE user_id = $1 AND status = 'submitted'`, u.ID).Scan(&number, &sum); err != nil {
		t.Fatal(err)
	}
	recWant(t, rec, 200, number, sum, "WIB")
	if !strings.HasPrefix(number, "CGP12-1601-") || len(sum) != 64 {
		t.Errorf("receipt %s %s", number, sum)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'siti@guru.test' AND body_text LIKE '%' || $1 || '%'`, number); n != 1 {
		t.Errorf("%d confirmation emails", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_consents WHERE text_version <> '' AND consented_at IS NOT NULL`); n != 1 {
		t.Errorf("consent not recorded")
	}
	// Locked after submit.
	res = c.PostForm(base+"/esai", url.Values{fmt.Sprintf("essay_%d", tc.Questions[0]): {"diubah setelah kirim sekali"}})
	recWant(t, res, http.StatusConflict, "terkunci")
	if n := recCount(t, a, `SELECT count(*) FROM application_essays WHERE body LIKE 'diubah%'`); n != 0 {
		t.Error("essay changed after submit")
	}
	// Stored file: random name with the checksum of what was sent.
	var storage, sha string
	_ = a.DB.QueryRow(context.Background(), `SELECT storage_name, sha256 FROM application_documents`).Scan(&storage, &sha)
	if b, err := os.ReadFile(filepath.Join(a.Config.UploadDir, "applications", storage)); err != nil || !bytes.Equal(b, recPDF) {
		t.Errorf("stored file %s: %v", storage, err)
	}
}

// The deadline is shown in the teacher's own time zone, from their school's province: a teacher
// in Kota Denpasar (Bali) sees WITA.
func TestDeadlineShownInTeachersZone(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	if _, err := a.DB.Exec(context.Background(), `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '51.71', 10)`, tc.ID); err != nil {
		t.Fatal(err)
	}
	_, c := recTeacher(t, a, "bali@guru.test", "50100001", "51.71", recProfileOpts{})
	want := tc.Closes.In(time.FixedZone("WITA", 8*3600)).Format("02-01-2006 15:04") + " WITA"
	recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, want)
}

func TestEligibilityShownPerRule(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	tests := []struct {
		name    string
		regency string
		o       recProfileOpts
		want    string
	}{
		{"outside targets", "16.02", recProfileOpts{}, "tidak berada di kabupaten/kota sasaran"},
		{"years", "16.01", recProfileOpts{Years: 2}, "minimal 5 tahun; profil Anda 2 tahun"},
		{"education", "16.01", recProfileOpts{Education: "D3"}, "Pendidikan terakhir D3"},
		{"jenjang", "16.01", recProfileOpts{Jenjang: "MI"}, "Jenjang MI"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := recTeacher(t, a, fmt.Sprintf("rule%d@guru.test", i), fmt.Sprintf("1060010%d", i), tt.regency, tt.o)
			recWant(t, c.Get("/dasbor"), 200, tt.want)
			recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, tt.want)
			res := c.PostForm(fmt.Sprintf("/pendaftaran/%d", tc.ID), nil)
			if res.Status != http.StatusSeeOther || strings.HasPrefix(res.Location, "/lamaran/") {
				t.Errorf("ineligible start: %d %s", res.Status, res.Location)
			}
		})
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications`); n != 0 {
		t.Errorf("%d applications by ineligible teachers", n)
	}
	// A teacher without a profile is told to complete it.
	a.User("noprofile@guru.test", account.RoleGuru, account.Scope{})
	recWant(t, a.SignIn("noprofile@guru.test").Get("/dasbor"), 200, "Profil guru Anda belum lengkap", `href="/profil"`)
	// A current pengajar praktik is excluded by name.
	u, c := recTeacher(t, a, "pp@guru.test", "10600200", "16.01", recProfileOpts{})
	if err := a.Accounts.GrantRole(context.Background(), recActorTest, apptest.Admin, u.ID, account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"}); err != nil {
		t.Fatal(err)
	}
	recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, "Pengajar praktik")
}

func TestEssayLimitsAndAutosave(t *testing.T) {
	t.Parallel()
	a, tc, _, c, base := recBegin(t, "esai@guru.test")
	q0, q1 := fmt.Sprintf("essay_%d", tc.Questions[0]), fmt.Sprintf("essay_%d", tc.Questions[1])
	long := strings.Repeat("x", 201)
	res := c.PostForm(base+"/esai", url.Values{q0: {"pendek"}, q1: {long}})
	recWant(t, res, http.StatusUnprocessableEntity, "Terlalu pendek: minimal 20 karakter (sekarang 6)", "Terlalu panjang: maksimal 200 karakter (sekarang 201)", long)
	// Nothing typed is lost: both are stored as drafts.
	if n := recCount(t, a, `SELECT count(*) FROM application_essays WHERE body IN ('pendek', $1)`, long); n != 2 {
		t.Errorf("%d drafts kept", n)
	}
	// Exactly at the limits is accepted.
	res = c.PostForm(base+"/esai", url.Values{q0: {strings.Repeat("a", 20)}, q1: {strings.Repeat("é", 200)}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("limits exactly: %d\n%s", res.Status, res.Body)
	}
	// Autosave (htmx) stores while typing and answers with a fragment.
	req, _ := http.NewRequest(http.MethodPost, c.Base+base+"/esai/draf", strings.NewReader(url.Values{q0: {"draf ketikan terbaru"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	res = c.Do(req)
	recWant(t, res, 200, "tersimpan otomatis")
	if n := recCount(t, a, `SELECT count(*) FROM application_essays WHERE body = 'draf ketikan terbaru'`); n != 1 {
		t.Error("autosave not stored")
	}
	// The page carries the counter and autosave attributes.
	recWant(t, c.Get(base+"/esai"), 200, `data-counter`, `data-max="200"`, `data-autosave="/lamaran/`, `/esai/draf"`, `data-server-updated="`, "draf ketikan terbaru")
}

func TestUploadChecks(t *testing.T) {
	t.Parallel()
	a, tc, u, c, base := recBegin(t, "unggah@guru.test")
	path := fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0])
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"png renamed .pdf", png, "Berkas bukan PDF"},
		{"oversized", append(append([]byte{}, recPDF...), make([]byte, 1<<20)...), "Berkas terlalu besar (maksimal 1 MB)"},
		{"empty", []byte{}, "Berkas kosong"},
		{"PDF with JavaScript", []byte("%PDF-1.4\n1 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n"), "Berkas PDF ini berisi skrip"},
		{"PDF with a launch action", []byte("%PDF-1.4\n1 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"), "Berkas PDF ini berisi skrip"},
		{"PDF and HTML at once", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n"), "Berkas PDF ini berisi skrip"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			recWant(t, recUpload(c, path, "ktp.pdf", tt.data), http.StatusUnprocessableEntity, tt.want)
		})
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_documents`); n != 0 {
		t.Fatalf("%d bad files stored", n)
	}
	if ents, _ := os.ReadDir(filepath.Join(a.Config.UploadDir, "applications")); len(ents) != 0 {
		t.Errorf("%d files left on disk", len(ents))
	}
	// Good file, then a replacement: one row, the old file removed.
	if res := recUpload(c, path, "ktp.pdf", recPDF); res.Status != http.StatusSeeOther {
		t.Fatalf("upload %d", res.Status)
	}
	pdf2 := append(append([]byte{}, recPDF...), []byte("% versi 2\n")...)
	// The stored name loses control and bidirectional-override characters ("fdp.exe" shown
	// right to left reads "exe.pdf").
	if res := recUpload(c, path, "ktp-\u202ebaru\u200b.pdf", pdf2); res.Status != http.StatusSeeOther {
		t.Fatalf("replace %d", res.Status)
	}
	var id int64
	var name string
	if err := a.DB.QueryRow(context.Background(), `SELECT id, original_name FROM application_documents`).Scan(&id, &name); err != nil || name != "ktp-baru.pdf" {
		t.Fatalf("replaced doc: %v %s", err, name)
	}
	if ents, _ := os.ReadDir(filepath.Join(a.Config.UploadDir, "applications")); len(ents) != 1 {
		t.Errorf("%d files on disk after replace, want 1", len(ents))
	}
	// Download: owner gets an attachment; another teacher and a dinas get 404.
	res := c.Get(fmt.Sprintf("/berkas/%d", id))
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Body != string(pdf2) {
		t.Errorf("download: %d %v", res.Status, res.Header)
	}
	_, other := recTeacher(t, a, "lain@guru.test", "10600002", "16.01", recProfileOpts{})
	if res := other.Get(fmt.Sprintf("/berkas/%d", id)); res.Status != 404 {
		t.Errorf("other teacher got %d", res.Status)
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	if res := a.SignIn("dinas.oku@x.test").Get(fmt.Sprintf("/berkas/%d", id)); res.Status != 404 {
		t.Errorf("dinas got %d", res.Status)
	}
	// The owner's own downloads are not audited; the admin's is, as personal-data access.
	var audited int
	_ = a.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'application.document.download'`).Scan(&audited)
	if audited != 0 {
		t.Errorf("%d audit entries for the owner's own downloads", audited)
	}
	admin := a.User("admin.berkas@x.test", account.RoleAdmin, account.Scope{})
	if res := a.SignIn("admin.berkas@x.test").Get(fmt.Sprintf("/berkas/%d", id)); res.Status != 200 {
		t.Fatalf("admin download: %d", res.Status)
	}
	var actorID int64
	var ip string
	if err := a.DB.QueryRow(context.Background(), `SELECT actor_id, actor_ip FROM audit_log WHERE action = 'application.document.download'`).Scan(&actorID, &ip); err != nil || actorID != admin.ID || ip == "" {
		t.Errorf("admin download audit: actor %d ip %q (%v)", actorID, ip, err)
	}
	// Someone else's application steps are 404.
	if res := other.Get(base + "/dokumen"); res.Status != 404 {
		t.Errorf("other teacher's step: %d", res.Status)
	}
	_ = u
}

func TestDeadlineEdges(t *testing.T) {
	t.Parallel()
	a, tc, _, c, base := recBegin(t, "tenggat@guru.test")
	recFill(t, c, base, tc)
	// At the deadline exactly: closed.
	a.SetNow(tc.Closes)
	recWant(t, c.PostForm(base+"/kirim", confirmYes), http.StatusConflict, "Masa pendaftaran sudah ditutup")
	// One second before: accepted.
	a.SetNow(tc.Closes.Add(-time.Second))
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit a second before the deadline: %d\n%s", res.Status, res.Body)
	}
	// Withdraw after the deadline: refused.
	a.SetNow(tc.Closes.Add(time.Minute))
	recWant(t, c.PostForm(base+"/tarik", confirmYes), http.StatusConflict, "Masa pendaftaran sudah ditutup")
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'submitted'`); n != 1 {
		t.Errorf("submitted count %d", n)
	}
}

func TestDoubleAndConcurrentSubmit(t *testing.T) {
	t.Parallel()
	a, tc, _, c, base := recBegin(t, "ganda@guru.test")
	// Starting twice (two tabs) gives the same application.
	if again := recStart(t, c, tc.ID); again != base {
		t.Errorf("second start %s, want %s", again, base)
	}
	recFill(t, c, base, tc)
	c2 := a.SignIn("ganda@guru.test") // a second session
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cl := c
			if i%2 == 1 {
				cl = c2
			}
			statuses[i] = cl.PostForm(base+"/kirim", confirmYes).Status
		}(i)
	}
	wg.Wait()
	for _, s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("concurrent submit statuses %v", statuses)
			break
		}
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications`); n != 1 {
		t.Errorf("%d applications", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'ganda@guru.test'`); n != 1 {
		t.Errorf("%d confirmation emails, want 1", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'application.submit'`); n != 1 {
		t.Errorf("%d submit audit entries", n)
	}
	// The schema itself refuses a second application for the same teacher and cohort.
	_, err := a.DB.Exec(context.Background(), `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang)
		SELECT cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang FROM applications`)
	if err == nil || !strings.Contains(err.Error(), "applications_cohort_id_user_id_key") {
		t.Errorf("duplicate application insert: %v", err)
	}
}

func TestWithdrawAndReapply(t *testing.T) {
	t.Parallel()
	a, tc, _, c, base := recBegin(t, "tarik@guru.test")
	recFill(t, c, base, tc)
	c.PostForm(base+"/kirim", confirmYes)
	if res := c.PostForm(base+"/tarik", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw %d", res.Status)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'withdrawn' AND withdrawn_at IS NOT NULL`); n != 1 {
		t.Error("not withdrawn")
	}
	recWant(t, c.Get(base+"/tinjau"), 200, "Ditarik")
	// Re-applying reopens the same application as a draft.
	if again := recStart(t, c, tc.ID); again != base {
		t.Errorf("reapply %s, want %s", again, base)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'draft'`); n != 1 {
		t.Error("not reopened")
	}
}

// Regional watching: scope in SQL, masked NIK, filters, counts, 404 outside the region.
func TestRegionalWatch(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, oku := recTeacher(t, a, "oku@guru.test", "10600001", "16.01", recProfileOpts{})
	okuBase := recStart(t, oku, tc.ID)
	_, srg := recTeacher(t, a, "serang@guru.test", "20600001", "36.73", recProfileOpts{Jenjang: "SMP"})
	srgBase := recStart(t, srg, tc.ID)
	recFill(t, srg, srgBase, tc)
	srg.PostForm(srgBase+"/kirim", confirmYes)
	a.User("dinas.serang@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	a.User("bgp.sumsel@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	dinas, bgp := a.SignIn("dinas.serang@x.test"), a.SignIn("bgp.sumsel@x.test")

	res := dinas.Get("/pantau/lamaran")
	recWant(t, res, 200, "Pengguna serang", "Terkirim: <strong>1</strong>")
	if strings.Contains(res.Body, "Pengguna oku") {
		t.Error("dinas Kota Serang sees an OKU applicant")
	}
	if regexp.MustCompile(`\b1601\d{12}\b|\b\d{16}\b`).MatchString(res.Body) {
		t.Error("a whole NIK is shown")
	}
	if !strings.Contains(res.Body, "••••") {
		t.Error("no masked NIK")
	}
	okuID := strings.TrimPrefix(okuBase, "/lamaran/")
	srgID := strings.TrimPrefix(srgBase, "/lamaran/")
	if res := dinas.Get("/pantau/lamaran/" + okuID); res.Status != 404 {
		t.Errorf("dinas Kota Serang opening an OKU application: %d", res.Status)
	}
	recWant(t, dinas.Get("/pantau/lamaran/"+srgID), 200, "Pengguna serang", "1601••••••••")
	recWant(t, bgp.Get("/pantau/lamaran/"+okuID), 200, "Pengguna oku")
	if res := bgp.Get("/pantau/lamaran/" + srgID); res.Status != 404 {
		t.Errorf("BGP Sumsel opening a Kota Serang application: %d", res.Status)
	}
	// Filters.
	a.User("admin2@x.test", account.RoleAdmin, account.Scope{})
	adm := a.SignIn("admin2@x.test")
	recWant(t, adm.Get("/pantau/lamaran?status=submitted"), 200, "Pengguna serang")
	if res := adm.Get("/pantau/lamaran?status=submitted"); strings.Contains(res.Body, "Pengguna oku") {
		t.Error("status filter ignored")
	}
	if res := adm.Get("/pantau/lamaran?jenjang=SMP&q=SERANG"); !strings.Contains(res.Body, "Pengguna serang") || strings.Contains(res.Body, "Pengguna oku") {
		t.Error("jenjang/name filter")
	}
	if res := adm.Get("/pantau/lamaran?kab=16.01&npsn=10600001"); !strings.Contains(res.Body, "Pengguna oku") || strings.Contains(res.Body, "Pengguna serang") {
		t.Error("kab/npsn filter")
	}
}

var recActorTest = audit.Actor{IP: "test"}

// The regional list and view follow the jurisdiction rule (DOMAIN.md): the kab/kota Dinas sees
// PAUD/TK, SD, SMP applicants of its kab/kota, the provincial Dinas the SMA, SMK, SLB applicants
// of its province, and the BGP every applicant of its province — in the SQL, so opening another
// jurisdiction's application by id is a 404.
func TestWatchListFollowsJurisdiction(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	if _, err := a.DB.Exec(context.Background(), `UPDATE cohorts SET eligible_jenjang = '{SD,SMP,SMA,SMK,SLB}' WHERE id = $1`, tc.ID); err != nil {
		t.Fatal(err)
	}
	_, sd := recTeacher(t, a, "sd@guru.test", "10600001", "16.01", recProfileOpts{Jenjang: "SD"})
	sdID := strings.TrimPrefix(recStart(t, sd, tc.ID), "/lamaran/")
	_, sma := recTeacher(t, a, "sma@guru.test", "10600002", "16.01", recProfileOpts{Jenjang: "SMA"})
	smaID := strings.TrimPrefix(recStart(t, sma, tc.ID), "/lamaran/")
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE jenjang IN ('SD', 'SMA') AND regency_code = '16.01'`); n != 2 {
		t.Fatalf("%d applications, want an SD and an SMA one in OKU", n)
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("dinas.sumsel@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16"})
	a.User("bgp.sumsel@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	for _, tt := range []struct {
		who          string
		sees, hidden []string // applicant names, application ids
		drafts       string
	}{
		{"dinas.oku@x.test", []string{"Pengguna sd", sdID}, []string{"Pengguna sma", smaID}, "1"},
		{"dinas.sumsel@x.test", []string{"Pengguna sma", smaID}, []string{"Pengguna sd", sdID}, "1"},
		{"bgp.sumsel@x.test", []string{"Pengguna sd", sdID}, nil, "2"},
		{"bgp.sumsel@x.test", []string{"Pengguna sma", smaID}, nil, "2"},
	} {
		c := a.SignIn(tt.who)
		res := c.Get("/pantau/lamaran")
		recWant(t, res, 200, tt.sees[0], "Draf: <strong>"+tt.drafts+"</strong>")
		if tt.hidden != nil && strings.Contains(res.Body, tt.hidden[0]) {
			t.Errorf("%s sees %s outside its jurisdiction", tt.who, tt.hidden[0])
		}
		recWant(t, c.Get("/pantau/lamaran/"+tt.sees[1]), 200, tt.sees[0])
		if tt.hidden != nil {
			if res := c.Get("/pantau/lamaran/" + tt.hidden[1]); res.Status != 404 {
				t.Errorf("%s opening %s: %d, want 404", tt.who, tt.hidden[0], res.Status)
			}
		}
	}
}

// The CV is required: the review step says so, and submitting without one is refused with the
// reason (it used to be accepted while the review read "Daftar riwayat hidup: belum lengkap").
func TestSubmitNeedsCV(t *testing.T) {
	a, tc, _, c, base := recBegin(t, "tanpa.cv@guru.test")
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/cv/"+strconv.FormatInt(int64(recCount(t, a, `SELECT max(id)::int FROM application_cv_entries`)), 10)+"/hapus", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("delete CV entry: %d", res.Status)
	}
	const reason = "Daftar riwayat hidup belum diisi"
	recWant(t, c.Get(base+"/tinjau"), 200, reason)
	recWant(t, c.PostForm(base+"/kirim", confirmYes), http.StatusUnprocessableEntity, reason)
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE submitted_at IS NOT NULL`); n != 0 {
		t.Errorf("%d applications submitted without a CV", n)
	}
}
