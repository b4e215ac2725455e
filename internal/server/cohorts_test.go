package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/selection/selectiontest"
)

func recAdminClient(t *testing.T, a *apptest.App) *apptest.Client {
	a.User("nasional@admin.test", account.RoleAdmin, account.Scope{})
	return a.SignIn("nasional@admin.test")
}

var recCohortLoc = regexp.MustCompile(`^/admin/angkatan/(\d+)$`)

func recCreateCohort(t *testing.T, c *apptest.Client, number string) string {
	t.Helper()
	form := url.Values{"number": {number}, "name": {"Angkatan " + number}, "program_kind": {"cgp"},
		"opens_at": {"2026-11-01T08:00"}, "closes_at": {"2026-12-15T23:59"}, "training_months": {"6"}, "min_years": {"5"},
		"education": {"S1", "D4", "S2", "S3"}, "jenjang": {"SD", "SMP"}, "excluded_roles": {"pengajar_praktik"}, "correction_days": {"3"},
		"confirm_days": {"5"}, "sheet_due_days": {"10"}, "tahap2_due_hours": {"48"}, "appeal_days": {"4"},
		"administrasi_start": {"2026-12-16"}, "administrasi_end": {"2027-01-10"}}
	res := c.PostForm("/admin/angkatan", form)
	if res.Status != http.StatusSeeOther || !recCohortLoc.MatchString(res.Location) {
		t.Fatalf("create cohort: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	return res.Location
}

func TestCohortCreateEditAndValidation(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := recAdminClient(t, a)
	// Errors keep every typed value.
	res := c.PostForm("/admin/angkatan", url.Values{"number": {"x"}, "name": {"Angkatan Uji"}, "opens_at": {"2026-12-01T08:00"}, "closes_at": {"2026-11-01T08:00"}})
	recWant(t, res, http.StatusUnprocessableEntity, "Angkatan Uji", "Waktu tutup harus setelah waktu buka", "Pilih setidaknya satu")
	// Program numbers are validated per field and the typed values kept.
	res = c.PostForm("/admin/angkatan", url.Values{"number": {"12"}, "name": {"Angkatan Uji"}, "program_kind": {"cgp"},
		"opens_at": {"2026-11-01T08:00"}, "closes_at": {"2026-12-15T23:59"}, "training_months": {"6"}, "min_years": {"5"},
		"education": {"S1"}, "jenjang": {"SD"}, "correction_days": {"0"},
		"confirm_days": {"0"}, "sheet_due_days": {"91"}, "tahap2_due_hours": {"x72"}, "appeal_days": {"31"}})
	recWant(t, res, http.StatusUnprocessableEntity, `value="91"`, `value="x72"`, `value="31"`, `id="confirm_days"`, `aria-invalid="true"`)
	if n := recCount(t, a, `SELECT count(*) FROM cohorts`); n != 0 {
		t.Fatalf("%d cohorts stored from an invalid form", n)
	}
	loc := recCreateCohort(t, c, "12")
	recWant(t, c.Get(loc), 200, "Angkatan 12", "Draf", "16-12-2026", "Konfirmasi kursi 5 hari", "lembar tahap 2 48 jam", "masa sanggah 4 hari")
	if n := recCount(t, a, `SELECT count(*) FROM cohorts WHERE confirm_days = 5 AND sheet_due_days = 10 AND tahap2_due_hours = 48 AND appeal_days = 4`); n != 1 {
		t.Error("program numbers not stored")
	}
	// Same number again: a message on the number field.
	res = c.PostForm("/admin/angkatan", url.Values{"number": {"12"}, "name": {"Lagi"}, "program_kind": {"cgp"}, "opens_at": {"2026-11-01T08:00"},
		"closes_at": {"2026-12-15T23:59"}, "training_months": {"6"}, "min_years": {"5"}, "education": {"S1"}, "jenjang": {"SD"}, "correction_days": {"0"},
		"confirm_days": {"7"}, "sheet_due_days": {"14"}, "tahap2_due_hours": {"72"}, "appeal_days": {"3"}})
	recWant(t, res, http.StatusUnprocessableEntity, "sudah dipakai")
	// Edit.
	recWant(t, c.Get(loc+"/ubah"), 200, `value="2026-12-15T23:59"`)
	res = c.PostForm(loc, url.Values{"number": {"12"}, "name": {"Angkatan 12 (revisi)"}, "program_kind": {"cgp"}, "opens_at": {"2026-11-01T08:00"},
		"closes_at": {"2026-12-20T23:59"}, "training_months": {"6"}, "min_years": {"4"}, "education": {"S1"}, "jenjang": {"SD"}, "correction_days": {"0"},
		"confirm_days": {"7"}, "sheet_due_days": {"14"}, "tahap2_due_hours": {"72"}, "appeal_days": {"3"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("update %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM cohorts WHERE name = 'Angkatan 12 (revisi)' AND min_years_teaching = 4`); n != 1 {
		t.Error("update not stored")
	}
	recWant(t, c.Get("/admin/angkatan"), 200, "Angkatan 12 (revisi)")
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action IN ('cohort.create', 'cohort.update')`); n != 2 {
		t.Errorf("%d audit entries", n)
	}
}

func recMultipartFile(c *apptest.Client, path, name string, data []byte, fields map[string]string) apptest.Response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return c.PostBody(path, w.FormDataContentType(), &buf)
}

func TestCohortTargetsAndImport(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := recAdminClient(t, a)
	loc := recCreateCohort(t, c, "12")
	if res := c.PostForm(loc+"/sasaran", url.Values{"regency_code": {"16.01"}, "quota": {"120"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("add target %d", res.Status)
	}
	recWant(t, c.PostForm(loc+"/sasaran", url.Values{"regency_code": {"16.01"}, "quota": {"0"}}), http.StatusUnprocessableEntity, "Kuota")
	recWant(t, c.Get(loc), 200, "1 kabupaten/kota, total kuota 120")
	// A file with bad lines: a preview with every line reported, and nothing to commit.
	bad := "kode,kuota\n36.73,80\n99.99,5\n62.71,-3\n36.73,10\n"
	res := recMultipartFile(c, loc+"/sasaran/impor", "sasaran.csv", []byte(bad), nil)
	if res.Status != http.StatusSeeOther || !strings.Contains(res.Location, "/sasaran/impor/") {
		t.Fatalf("bad import %d %q, want a redirect to its preview", res.Status, res.Location)
	}
	badPreview := res.Location
	page := c.Get(badPreview)
	recWant(t, page, 200, "Pratinjau impor sasaran kuota", "5 baris data, 3 masalah", `<td class="num">3</td><td>Kode kabupaten/kota &#34;99.99&#34; tidak dikenal`,
		`<td class="num">4</td><td>Kuota &#34;-3&#34;`, `<td class="num">5</td><td>Kode 36.73 sudah ada di baris 2`)
	if strings.Contains(page.Body, `action="`+badPreview+`"`) {
		t.Errorf("a preview with problems offers a commit:\n%s", page.Body)
	}
	recWant(t, c.PostForm(badPreview, nil), http.StatusConflict, "Tidak ada yang disimpan")
	if n := recCount(t, a, `SELECT count(*) FROM cohort_regencies`); n != 1 {
		t.Errorf("%d targets after a rejected import, want 1", n)
	}
	// A clean CSV (semicolons, as Indonesian Excel writes): the preview stores nothing yet.
	res = recMultipartFile(c, loc+"/sasaran/impor", "\u202esasaran.csv", []byte("kode;kuota\n36.73;80\n62.71;30\n"), nil)
	if res.Status != http.StatusSeeOther {
		t.Fatalf("import %d\n%s", res.Status, res.Body)
	}
	preview := res.Location
	// The stored file name is cleaned of its bidirectional override.
	recWant(t, c.Get(preview), 200, "Berkas sasaran.csv:", "<td>36.73</td><td>Kota Serang</td><td>80</td>", "62.71", "memperbarui kuota yang sudah ada")
	recWant(t, c.Get(loc), 200, "1 kabupaten/kota, total kuota 120")
	// Another admin cannot read or commit this admin's preview.
	a.User("admin2@admin.test", account.RoleAdmin, account.Scope{})
	c2 := a.SignIn("admin2@admin.test")
	recWant(t, c2.Get(preview), http.StatusNotFound)
	recWant(t, c2.PostForm(preview, nil), http.StatusNotFound)
	// The same token under another cohort's address is not found either.
	otherCohort := recCreateCohort(t, c, "13")
	recWant(t, c.Get(otherCohort+preview[strings.Index(preview, "/sasaran"):]), http.StatusNotFound)
	// Commit once: stored; a second commit changes nothing.
	if res := c.PostForm(preview, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("commit %d\n%s", res.Status, res.Body)
	}
	recWant(t, c.Get(loc), 200, "3 kabupaten/kota, total kuota 230")
	recWant(t, c.PostForm(preview, nil), http.StatusConflict, "sudah disimpan")
	if n := recCount(t, a, `SELECT sum(quota) FROM cohort_regencies`); n != 230 {
		t.Errorf("total quota %d after a second commit, want 230", n)
	}
	// XLSX replacing all targets.
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"kode", "kuota"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"16.01", 200})
	var xb bytes.Buffer
	_ = x.Write(&xb)
	res = recMultipartFile(c, loc+"/sasaran/impor", "sasaran.xlsx", xb.Bytes(), map[string]string{"replace": "1"})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("xlsx import %d\n%s", res.Status, res.Body)
	}
	recWant(t, c.Get(res.Location), 200, "mengganti semua sasaran")
	if res := c.PostForm(res.Location, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("xlsx commit %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT sum(quota) FROM cohort_regencies`); n != 200 {
		t.Errorf("total quota %d after replace, want 200", n)
	}
	if res := c.PostForm(loc+"/sasaran/hapus", url.Values{"regency_code": {"16.01"}}); res.Status != http.StatusSeeOther {
		t.Errorf("remove %d", res.Status)
	}
	// Removing a kab/kota that is no target (a typed or stale code, any length) removes
	// nothing and records nothing: the typed text never reaches the audit log.
	if res := c.PostForm(loc+"/sasaran/hapus", url.Values{"regency_code": {"16.99" + strings.Repeat("x", 9000)}}); res.Status >= 500 {
		t.Errorf("remove unknown %d", res.Status)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action LIKE 'cohort.target%'`); n != 4 {
		t.Errorf("%d target audit entries, want 4", n)
	}
}

func TestCohortLifecycleGuardsAndCopy(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := recAdminClient(t, a)
	loc := recCreateCohort(t, c, "12")
	// Registration cannot open without targets, questions and documents.
	res := c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pendaftaran"}})
	recWant(t, res, http.StatusConflict, "Belum ada kabupaten/kota sasaran", "Belum ada pertanyaan esai", "Belum ada dokumen persyaratan")
	c.PostForm(loc+"/sasaran", url.Values{"regency_code": {"16.01"}, "quota": {"10"}})
	recWant(t, c.PostForm(loc+"/esai", url.Values{"prompt": {"Ceritakan"}, "min_chars": {"10"}, "max_chars": {"5"}}), http.StatusUnprocessableEntity, "Maksimum tidak boleh kurang")
	if res := c.PostForm(loc+"/esai", url.Values{"group_name": {"Paket 1"}, "prompt": {"Ceritakan praktik baik Anda."}, "min_chars": {"100"}, "max_chars": {"1500"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("question %d\n%s", res.Status, res.Body)
	}
	if res := c.PostForm(loc+"/dokumen", url.Values{"name": {"KTP"}, "guidance": {"Pindai KTP asli"}, "required": {"true"}, "max_mb": {"2"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("document %d\n%s", res.Status, res.Body)
	}
	// Skipping a stage is refused.
	recWant(t, c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"seleksi"}}), http.StatusConflict, "satu langkah")
	// Without the ticked box (JavaScript off, no dialog) a confirmation page, the stage unchanged.
	recWant(t, c.PostForm(loc+"/status", url.Values{"to": {"pendaftaran"}}), http.StatusUnprocessableEntity, "tidak dapat dikembalikan", `name="to" value="pendaftaran"`)
	if n := recCount(t, a, `SELECT count(*) FROM cohorts WHERE number = '12' AND status = 'draft'`); n != 1 {
		t.Fatal("an unconfirmed transition changed the stage")
	}
	if res := c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pendaftaran"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("open registration %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'cohort.transition' AND detail->>'to' = 'pendaftaran'`); n != 1 {
		t.Error("transition not audited")
	}
	// Questions cannot be removed once registration is open.
	var qid int64
	_ = a.DB.QueryRow(context.Background(), `SELECT id FROM essay_questions`).Scan(&qid)
	if res := c.PostForm(fmt.Sprintf("%s/esai/%d/hapus", loc, qid), nil); res.Status != http.StatusConflict {
		t.Errorf("remove question after opening: %d", res.Status)
	}
	// Copy into Angkatan 13.
	res = c.PostForm(loc+"/salin", url.Values{"number": {"13"}, "name": {"Angkatan 13"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("copy %d\n%s", res.Status, res.Body)
	}
	recWant(t, c.Get(res.Location), 200, "Angkatan 13", "Draf", "Ceritakan praktik baik Anda.", "KTP", "total kuota 10")
	if n := recCount(t, a, `SELECT count(*) FROM cohorts c WHERE c.number = 13 AND c.copied_from IS NOT NULL AND c.min_years_teaching = 5
		AND c.confirm_days = 5 AND c.sheet_due_days = 10 AND c.tahap2_due_hours = 48 AND c.appeal_days = 4
		AND (SELECT count(*) FROM essay_questions WHERE cohort_id = c.id) = 1 AND (SELECT count(*) FROM required_documents WHERE cohort_id = c.id) = 1`); n != 1 {
		t.Error("copy incomplete")
	}
	recWant(t, c.PostForm(loc+"/salin", url.Values{"number": {"13"}, "name": {"Lagi"}}), http.StatusUnprocessableEntity, "sudah dipakai")
	// Draft copy: its question can be removed.
	var newQ int64
	_ = a.DB.QueryRow(context.Background(), `SELECT q.id FROM essay_questions q JOIN cohorts c ON c.id = q.cohort_id WHERE c.number = 13`).Scan(&newQ)
	if res2 := c.PostForm(fmt.Sprintf("%s/esai/%d/hapus", res.Location, newQ), nil); res2.Status != http.StatusSeeOther {
		t.Errorf("remove question of a draft: %d", res2.Status)
	}
	// Regional roles cannot touch cohorts.
	a.User("bgp@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	if res := a.SignIn("bgp@x.test").PostForm(loc+"/sasaran", url.Values{"regency_code": {"16.01"}, "quota": {"999"}}); res.Status != http.StatusForbidden {
		t.Errorf("bgp changing a quota: %d", res.Status)
	}
	if n := recCount(t, a, `SELECT count(*) FROM cohort_regencies WHERE quota = 999`); n != 0 {
		t.Error("quota changed by bgp")
	}
	_ = strings.Contains
}

// Selection cannot start while registration is open, pembekalan cannot start before a result
// run is published, and pendidikan cannot start while an offered seat may still be confirmed or
// a confirmed participant's attendance is not recorded; a refused move changes nothing and
// leaves no audit entry.
func TestCohortLifecycleGuardsBySelectionState(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := recAdminClient(t, a)
	loc := recCreateCohort(t, c, "12")
	c.PostForm(loc+"/sasaran", url.Values{"regency_code": {"16.01"}, "quota": {"10"}})
	c.PostForm(loc+"/esai", url.Values{"group_name": {"Paket 1"}, "prompt": {"Ceritakan praktik baik Anda."}, "min_chars": {"100"}, "max_chars": {"1500"}})
	c.PostForm(loc+"/dokumen", url.Values{"name": {"KTP"}, "guidance": {"Pindai KTP asli"}, "required": {"true"}, "max_mb": {"2"}})
	a.SetNow(time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)) // registration 1 Nov – 15 Dec
	if res := c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pendaftaran"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("open registration %d\n%s", res.Status, res.Body)
	}
	stage := func() string {
		var st string
		_ = a.DB.QueryRow(context.Background(), `SELECT status FROM cohorts WHERE number = 12`).Scan(&st)
		return st
	}
	recWant(t, c.Get(loc), 200, "Pendaftaran masih dibuka")
	recWant(t, c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"seleksi"}}), http.StatusConflict, "Pendaftaran masih dibuka")
	if st := stage(); st != "pendaftaran" {
		t.Fatalf("stage %q after a refused move to seleksi", st)
	}
	a.SetNow(time.Date(2026, 12, 16, 0, 0, 0, 0, time.UTC))
	if res := c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"seleksi"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("seleksi after close %d\n%s", res.Status, res.Body)
	}
	recWant(t, c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pembekalan"}}), http.StatusConflict, "Belum ada hasil seleksi yang diumumkan")
	if st := stage(); st != "seleksi" {
		t.Fatalf("stage %q after a refused move to pembekalan", st)
	}
	// An unpublished run is not enough; a published one is.
	if _, err := a.DB.Exec(context.Background(), `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash)
		SELECT id, '{}', repeat('a', 64), repeat('b', 64) FROM cohorts WHERE number = 12`); err != nil {
		t.Fatal(err)
	}
	recWant(t, c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pembekalan"}}), http.StatusConflict, "Belum ada hasil seleksi yang diumumkan")
	var run, cohortID int64
	if err := a.DB.QueryRow(context.Background(), `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash, published_at)
		SELECT id, '{"quotas": {"16.01": 10}}', repeat('c', 64), repeat('d', 64), now() FROM cohorts WHERE number = 12
		RETURNING id, cohort_id`).Scan(&run, &cohortID); err != nil {
		t.Fatal(err)
	}
	if res := c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pembekalan"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("pembekalan after publication %d\n%s", res.Status, res.Body)
	}
	// Pendidikan waits for every offered seat to be decided (or its deadline to pass) and for the
	// briefing attendance of every confirmed participant.
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	var seats []int64
	for i, st := range []string{"offered", "confirmed", "confirmed"} {
		u := a.User(fmt.Sprintf("cgp%d@uji.id", i), account.RoleGuru, account.Scope{})
		app := fx.ApplicationFor(cohortID, u.ID, fmt.Sprintf("Calon %d", i), fmt.Sprintf("1060050%d", i), "16.01", time.Now())
		var seat int64
		if err := a.DB.QueryRow(context.Background(), `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, confirmed_at, pakta_storage)
			VALUES ($1, $2, '16.01', $3, '2026-12-19T00:00:00Z', CASE WHEN $3 = 'confirmed' THEN now() END,
			CASE WHEN $3 = 'confirmed' THEN repeat('e', 32) || '.pdf' END) RETURNING id`, run, app, st).Scan(&seat); err != nil {
			t.Fatal(err)
		}
		seats = append(seats, seat)
	}
	seatState := func() string {
		var s string
		_ = a.DB.QueryRow(context.Background(), `SELECT string_agg(status, ',' ORDER BY id) FROM pembekalan_seats`).Scan(&s)
		return s
	}
	recWant(t, c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pendidikan"}}), http.StatusConflict,
		"Masih ada kursi pembekalan yang belum dikonfirmasi atau ditolak", "Kehadiran pembekalan belum dicatat")
	if st, seats := stage(), seatState(); st != "pembekalan" || seats != "offered,confirmed,confirmed" {
		t.Fatalf("stage %q, seats %q after a refused move to pendidikan", st, seats)
	}
	a.SetNow(time.Date(2026, 12, 19, 0, 0, 1, 0, time.UTC)) // the offer's deadline has passed
	res := c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pendidikan"}})
	recWant(t, res, http.StatusConflict, "Kehadiran pembekalan belum dicatat")
	if strings.Contains(res.Body, "Masih ada kursi pembekalan") {
		t.Error("a seat past its deadline still blocks")
	}
	if res := c.PostForm(fmt.Sprintf("/admin/seleksi/hasil/%d/pembekalan/%d/hadir", run, seats[1]), nil); res.Status != http.StatusSeeOther {
		t.Fatalf("attendance %d\n%s", res.Status, res.Body)
	}
	// The third never came: recording the absence also unblocks pendidikan (and they are no CGP).
	recWant(t, c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pendidikan"}}), http.StatusConflict, "Kehadiran pembekalan belum dicatat")
	if res := c.PostForm(fmt.Sprintf("/admin/seleksi/hasil/%d/pembekalan/%d/absen", run, seats[2]), confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("absence %d\n%s", res.Status, res.Body)
	}
	if got := seatState(); got != "offered,attended,absent" {
		t.Fatalf("seats %q after attendance and absence", got)
	}
	if res := c.PostForm(fmt.Sprintf("/admin/seleksi/hasil/%d/pembekalan/%d/absen", run+1000, seats[1]), confirmYes); res.Status != http.StatusNotFound {
		t.Fatalf("absence through another run: %d", res.Status)
	}
	if res := c.PostForm(loc+"/status", url.Values{"confirm": {"yes"}, "to": {"pendidikan"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("pendidikan once decided and attended %d\n%s", res.Status, res.Body)
	}
	if st := stage(); st != "pendidikan" {
		t.Fatalf("stage %q", st)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'cohort.transition'`); n != 4 {
		t.Errorf("%d transition audit entries, want 4 (refused moves are not audited)", n)
	}
}
