package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/database"
	"penggerak/internal/pdfdoc/pdfdoctest"
)

// Tests of the teacher's application flow pages (issue 11): what to prepare, the review's
// content, where an application stands after verval.

// The start page lists what to prepare from the cohort's configuration: each document with
// its guidance, each essay with its limits, and the deadline in the teacher's zone. A change
// to the configuration shows at once (nothing is hard-coded).
func TestStartPageListsWhatToPrepare(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "siap@guru.test", "10600001", "16.01", recProfileOpts{})
	ctx := context.Background()
	if _, err := a.DB.Exec(ctx, `UPDATE required_documents SET guidance = 'Surat izin kepala sekolah, diketahui Kepala Dinas' WHERE id = $1`, tc.Docs[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE essay_questions SET max_chars = 1500, min_chars = 300 WHERE id = $1`, tc.Questions[1]); err != nil {
		t.Fatal(err)
	}
	deadline := tc.Closes.In(time.FixedZone("WIB", 7*3600)).Format("02-01-2006 15:04") + " WIB"
	res := c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID))
	recWant(t, res, 200, "Yang perlu disiapkan", "KTP", "Pindai asli", "Portofolio", "Surat izin kepala sekolah, diketahui Kepala Dinas",
		"Wajib", "Opsional", "Ukuran maksimal 1 MB.",
		"Ceritakan praktik baik pembelajaran Anda.", "20–200 karakter.", "Apa rencana Anda mengembangkan rekan guru?", "300–1500 karakter.",
		"kirim sebelum "+deadline, "daftar riwayat hidup (wajib)", `href="/bantuan"`)
	// The list sits in its own section after the start button.
	if i, j := strings.Index(res.Body, "Mulai mendaftar"), strings.Index(res.Body, `id="persiapan"`); i < 0 || j < i {
		t.Errorf("prepare section missing or before the start button (%d, %d)", i, j)
	}
}

// The review step shows what will be sent: profile facts, each CV entry, each essay's
// excerpt with its character and word counts, and each document's file name, so the teacher
// checks the content, not only "lengkap". The CV is required: the review says so, and an
// empty CV is refused at submit with the same reason (TestSubmitNeedsCV).
func TestReviewShowsContent(t *testing.T) {
	t.Parallel()
	a, tc, _, c, base := recBegin(t, "tinjau@guru.test")
	recFill(t, c, base, tc)
	res := c.Get(base + "/tinjau")
	essay := strings.TrimSpace(strings.Repeat("Murid belajar. ", 3))
	recWant(t, res, 200, "Sekolah 10600001", "Matematika", "Riwayat pelatihan:", "Pelatihan Kurikulum Merdeka", "BGP Sumsel", "(2023)",
		essay, "45 karakter, 6 kata (batas 20–200 karakter).", "ktp.pdf", "Portofolio", "Belum diunggah.",
		"Wajib: paling sedikit satu isian.", "Persetujuan diberikan")
	var stored string
	if err := a.DB.QueryRow(context.Background(), `SELECT original_name FROM application_documents`).Scan(&stored); err != nil || stored != "ktp.pdf" {
		t.Errorf("stored name %q: %v", stored, err)
	}
	if strings.Contains(res.Body, "Daftar riwayat hidup belum diisi") {
		t.Error("a filled CV is reported missing")
	}
}

// Where an application stands follows the latest fact, on the teacher's dashboard, the step
// pages and the regional list and view: a teacher announced lulus reads "Lulus seleksi", not
// "Lolos verval"; with a seat offered, the seat's state; as a CGP in training, that.
func TestStatusFollowsRealState(t *testing.T) {
	t.Parallel()
	a, tc, u, c, base := recBegin(t, "lulus@guru.test")
	ctx := context.Background()
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.Status)
	}
	id := strings.TrimPrefix(base, "/lamaran/")
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	dinas := a.SignIn("dinas.oku@x.test")
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := a.DB.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// Each page's status text: the part after its marker (the review's verval section and the
	// list's status filter rightly name "Lolos verval" as a stage).
	check := func(want, notWant string) {
		t.Helper()
		for _, pg := range []struct {
			name, marker string
			res          apptest.Response
		}{
			{"dashboard", `id="pendaftaran"`, c.Get("/dasbor")},
			{"review", `id="status"`, c.Get(base + "/tinjau")},
			{"receipt", `id="receipt-status"`, c.Get(base + "/tanda-terima")},
			{"dinas list", "<tbody>", dinas.Get("/pantau/lamaran")},
			{"dinas view", "<dl", dinas.Get("/pantau/lamaran/" + id)},
		} {
			i := strings.Index(pg.res.Body, pg.marker)
			if pg.res.Status != 200 || i < 0 {
				t.Errorf("%s: %d, no %s", pg.name, pg.res.Status, pg.marker)
				continue
			}
			part := pg.res.Body[i:min(len(pg.res.Body), i+700)]
			if pg.name == "review" || pg.name == "receipt" { // one element: up to its end tag
				part = part[:strings.Index(part, "</")]
			}
			if !strings.Contains(part, want) {
				t.Errorf("%s lacks %q in %s", pg.name, want, part)
			}
			if notWant != "" && strings.Contains(part, notWant) {
				t.Errorf("%s still reads %q", pg.name, notWant)
			}
		}
	}
	exec(`UPDATE applications SET status = 'verval_passed', verval_decided_at = now() WHERE id = $1`, id)
	check("Lolos verval", "")

	// Published: lulus.
	var run int64
	if err := a.DB.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash) VALUES ($1, '{"quotas": {"16.01": 100}}', repeat('a', 64), repeat('b', 64)) RETURNING id`, tc.ID).Scan(&run); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at)
		VALUES ($1, $2, '16.01', '16', 81.5, true, 'lulus', 1, '{81.5}', 80, now())`, run, id)
	check("Lolos verval", "Lulus seleksi") // not yet published: the run says nothing yet
	exec(`UPDATE result_runs SET published_at = now() WHERE id = $1`, run)
	check("Lulus seleksi", "Lolos verval")

	exec(`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, confirm_by) VALUES ($1, $2, '16.01', now() + interval '3 days')`, run, id)
	check("Lulus seleksi — menunggu konfirmasi keikutsertaan", "Lolos verval")

	exec(`UPDATE pembekalan_seats SET status = 'attended', confirmed_at = now(), attended_at = now(), pakta_storage = repeat('c', 32) || '.pdf' WHERE application_id = $1`, id)
	exec(`INSERT INTO training_participants (cohort_id, user_id, application_id, name, npsn, regency_code, province_code, jenjang)
		VALUES ($1, $2, $3, 'Guru', '10600001', '16.01', '16', 'SD')`, tc.ID, u.ID, id)
	check("Calon Guru Penggerak — mengikuti pendidikan", "Lolos verval")
}

// The profile card's next step follows the registration: while a cohort is open it points to
// it by name instead of "when registration opens"; once applied it says so.
func TestProfileCardFollowsRegistration(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	_, c := recTeacher(t, a, "kartu@guru.test", "10600001", "16.01", recProfileOpts{})
	recWant(t, c.Get("/dasbor"), 200, "saat pendaftaran dibuka")
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	res := c.Get("/dasbor")
	recWant(t, res, 200, "Pendaftaran Angkatan 12 sedang dibuka")
	if strings.Contains(res.Body, "saat pendaftaran dibuka") {
		t.Error("the profile card says 'when registration opens' while it is open")
	}
	recStart(t, c, tc.ID)
	recWant(t, c.Get("/dasbor"), 200, "Anda sudah mendaftar")
}

// A CV entry can be edited without JavaScript: the edit form is filled with what is stored, a
// refused edit comes back with what was typed and a message tied to its field, a good one is
// stored; another teacher's entry is not found, and a submitted application is locked.
func TestCVEntryEdit(t *testing.T) {
	t.Parallel()
	a, tc, _, c, base := recBegin(t, "ubah.cv@guru.test")
	recFill(t, c, base, tc)
	eid := recCount(t, a, `SELECT max(id)::int FROM application_cv_entries`)
	edit := fmt.Sprintf("%s/cv/%d", base, eid)
	recWant(t, c.Get(base+"/cv"), 200, `href="`+edit+`/ubah"`)
	recWant(t, c.Get(edit+"/ubah"), 200, "Ubah isian riwayat hidup", `value="Pelatihan Kurikulum Merdeka"`, `value="BGP Sumsel"`, `value="2023"`,
		`action="`+edit+`"`, `<option value="pelatihan" selected`)

	bad := url.Values{"section": {"organisasi"}, "title": {"Ketua KKG Gugus 3"}, "organisation": {"KKG Baturaja"}, "year_from": {"2024"}, "year_to": {"2019"}, "description": {"Memimpin pertemuan bulanan"}}
	res := c.PostForm(edit, bad)
	recWant(t, res, http.StatusUnprocessableEntity, `value="Ketua KKG Gugus 3"`, `value="KKG Baturaja"`, "Memimpin pertemuan bulanan",
		"Tahun selesai tidak boleh sebelum tahun mulai.", `aria-invalid="true"`, `action="`+edit+`"`)
	if n := recCount(t, a, `SELECT count(*) FROM application_cv_entries WHERE title = 'Pelatihan Kurikulum Merdeka'`); n != 1 {
		t.Error("a refused edit changed the entry")
	}
	good := url.Values{"section": {"organisasi"}, "title": {"Ketua KKG Gugus 3"}, "organisation": {"KKG Baturaja"}, "year_from": {"2019"}, "year_to": {"2024"}, "description": {"Memimpin pertemuan bulanan"}}
	if res := c.PostForm(edit, good); res.Status != http.StatusSeeOther || res.Location != base+"/cv" {
		t.Fatalf("edit: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_cv_entries WHERE id = $1 AND section = 'organisasi' AND title = 'Ketua KKG Gugus 3'
		AND organisation = 'KKG Baturaja' AND year_from = 2019 AND year_to = 2024 AND description = 'Memimpin pertemuan bulanan'`, eid); n != 1 {
		t.Error("edit not stored")
	}
	recWant(t, c.Get(base+"/cv"), 200, "Isian riwayat hidup diperbarui.", "Ketua KKG Gugus 3")

	// Another teacher cannot open or change it.
	_, other := recTeacher(t, a, "lain.cv@guru.test", "10600002", "16.01", recProfileOpts{})
	otherBase := recStart(t, other, tc.ID)
	if res := other.Get(edit + "/ubah"); res.Status != http.StatusNotFound {
		t.Errorf("another teacher's edit form: %d", res.Status)
	}
	if res := other.PostForm(fmt.Sprintf("%s/cv/%d", otherBase, eid), bad); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("refused form on own application: %d", res.Status)
	}
	good.Set("title", "Diubah orang lain")
	if res := other.PostForm(fmt.Sprintf("%s/cv/%d", otherBase, eid), good); res.Status != http.StatusNotFound {
		t.Errorf("another teacher's entry through their own application: %d", res.Status)
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_cv_entries WHERE title = 'Diubah orang lain'`); n != 0 {
		t.Error("another teacher changed the entry")
	}
	// Locked once submitted.
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.Status)
	}
	good.Set("title", "Setelah dikirim")
	recWant(t, c.PostForm(edit, good), http.StatusConflict, "terkunci")
	if n := recCount(t, a, `SELECT count(*) FROM application_cv_entries WHERE title = 'Setelah dikirim'`); n != 0 {
		t.Error("entry changed after submit")
	}
}

// The receipt is read from the content stored at submit (a later change to the rows does not
// show on it), offers a PDF and a print view, and says what happens next with the cohort's
// own stage dates; another teacher gets 404 for each.
func TestReceiptFromStoredContent(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	if _, err := a.DB.Exec(ctx, `UPDATE cohorts SET administrasi_starts_on = '2026-12-20', administrasi_ends_on = '2027-01-10',
		simulasi_starts_on = '2027-01-20', simulasi_ends_on = '2027-02-05', pembekalan_starts_on = '2027-03-01', pembekalan_ends_on = '2027-03-03',
		training_months = 6, confirm_days = 5 WHERE id = $1`, tc.ID); err != nil {
		t.Fatal(err)
	}
	_, c := recTeacher(t, a, "terima@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.Status)
	}
	var number, sum string
	if err := a.DB.QueryRow(ctx, `SELECT registration_number, receipt_checksum FROM applications`).Scan(&number, &sum); err != nil {
		t.Fatal(err)
	}
	// The rows change after submit (as a data fix would): the receipt keeps what was sent.
	if _, err := a.DB.Exec(ctx, `UPDATE application_cv_entries SET title = 'Diubah setelah kirim'`); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE application_documents SET original_name = 'lain.pdf'`); err != nil {
		t.Fatal(err)
	}
	closes := tc.Closes.In(time.FixedZone("WIB", 7*3600)).Format("02-01-2006 15:04") + " WIB"
	res := c.Get(base + "/tanda-terima")
	recWant(t, res, 200, number, sum, "Sekolah 10600001 (10600001)", "Pelatihan Kurikulum Merdeka", "ktp.pdf",
		"Ceritakan praktik baik pembelajaran Anda.:", "45 karakter, 6 kata",
		"Yang terjadi berikutnya", "Pendaftaran dibuka sampai "+closes, "<strong>Sekarang:</strong>",
		"Tahap 1 — verifikasi dokumen (verval) serta penilaian CV dan esai: 20-12-2026 – 10-01-2027.",
		"Tahap 2 — simulasi mengajar dan wawancara bagi yang lolos tahap 1: 20-01-2027 – 05-02-2027.",
		"Pembekalan: 01-03-2027 – 03-03-2027.", "dalam 5 hari", "selama 6 bulan",
		`href="`+base+`/tanda-terima.pdf"`, `href="`+base+`/tanda-terima/cetak"`)
	for _, s := range []string{"Diubah setelah kirim", "lain.pdf"} {
		if strings.Contains(res.Body, s) {
			t.Errorf("receipt shows %q, changed after submit", s)
		}
	}

	pdf := c.Get(base + "/tanda-terima.pdf")
	if pdf.Status != 200 || !strings.HasPrefix(pdf.Body, "%PDF") || pdf.Header.Get("Content-Type") != "application/pdf" || pdf.Header.Get("Cache-Control") != "no-store" ||
		!strings.Contains(pdf.Header.Get("Content-Disposition"), "tanda-terima-"+number+".pdf") {
		t.Fatalf("PDF: %d %v", pdf.Status, pdf.Header)
	}
	text := pdfdoctest.Text(t, []byte(pdf.Body))
	for _, want := range []string{"TANDA TERIMA PENDAFTARAN", "Angkatan 12", number, sum, "Pelatihan Kurikulum Merdeka", "ktp.pdf",
		"45 karakter, 6 kata", "Yang terjadi berikutnya", "20-12-2026 – 10-01-2027", "dalam 5 hari", "6 bulan", closes} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q\n%s", want, text)
		}
	}
	if strings.Contains(text, "Diubah setelah kirim") {
		t.Error("PDF shows a change made after submit")
	}

	print := c.Get(base + "/tanda-terima/cetak")
	recWant(t, print, 200, number, sum, `class="print-view"`, "Ctrl+P", "Yang terjadi berikutnya")
	if strings.Contains(print.Body, `<header class="top">`) || strings.Contains(print.Body, "<nav") {
		t.Error("the print view carries the navigation")
	}

	_, other := recTeacher(t, a, "lain.terima@guru.test", "10600002", "16.01", recProfileOpts{})
	for _, p := range []string{"/tanda-terima", "/tanda-terima.pdf", "/tanda-terima/cetak"} {
		if res := other.Get(base + p); res.Status != http.StatusNotFound {
			t.Errorf("another teacher GET %s: %d", p, res.Status)
		}
	}
	draft := recStart(t, other, tc.ID)
	if res := other.Get(draft + "/tanda-terima.pdf"); res.Status != http.StatusNotFound {
		t.Errorf("receipt PDF of a draft: %d", res.Status)
	}
}

// The help page is public and linked from the footer of every page; its contacts are edited
// in the app, the national one by the admin and a province's by its BGP only (another
// province's is not found), each change audited; a teacher sees their own province's BGP
// first.
func TestHelpPageAndContacts(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	recWant(t, a.Anonymous().Get("/bantuan"), 200, "Bantuan dan kontak", "Tanya jawab tentang tahapan", "Apa itu verval?",
		"Kontak admin program nasional belum dicantumkan.", `href="/bantuan/pakta-integritas.pdf"`)
	recWant(t, a.Anonymous().Get("/"), 200, `<footer>`, `href="/bantuan"`)

	a.User("admin.bantuan@x.test", account.RoleAdmin, account.Scope{})
	admin := a.SignIn("admin.bantuan@x.test")
	bad := url.Values{"unit_name": {"Direktorat Pendidikan Profesi Guru"}, "email": {"bukan surel"}, "phone": {"nomor-kantor"}, "hours": {"Senin–Jumat 08.00–16.00 WIB"}}
	res := admin.PostForm("/staf/bantuan/nasional", bad)
	recWant(t, res, http.StatusUnprocessableEntity, `value="Direktorat Pendidikan Profesi Guru"`, `value="bukan surel"`, `value="nomor-kantor"`, `value="Senin–Jumat 08.00–16.00 WIB"`,
		"Isi nomor telepon dengan angka", `aria-describedby="email-error email-hint"`, "Alamat surel tidak valid", `aria-describedby="phone-error"`, `aria-invalid="true"`)
	recWant(t, admin.PostForm("/staf/bantuan/nasional", url.Values{"unit_name": {"Direktorat"}}), http.StatusUnprocessableEntity, "Isi surel atau nomor telepon")
	if n := recCount(t, a, `SELECT count(*) FROM help_contacts`); n != 0 {
		t.Error("a refused contact was stored")
	}
	good := url.Values{"unit_name": {"Direktorat Pendidikan Profesi Guru"}, "email": {"Bantuan.PPG@Kemdikbud.go.id"}, "phone": {"(021) 5725 061"}, "hours": {"Senin–Jumat 08.00–16.00 WIB"}}
	if res := admin.PostForm("/staf/bantuan/nasional", good); res.Status != http.StatusSeeOther || res.Location != "/staf/bantuan" {
		t.Fatalf("save national: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM help_contacts WHERE province_code IS NULL AND email = 'bantuan.ppg@kemdikbud.go.id' AND phone = '(021) 5725 061'`); n != 1 {
		t.Error("national contact not stored")
	}
	a.User("bgp.sumsel@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	bgp := a.SignIn("bgp.sumsel@x.test")
	recWant(t, bgp.Get("/staf/bantuan"), 200, `href="/staf/bantuan/16"`)
	sumsel := url.Values{"unit_name": {"BGP Provinsi Sumatera Selatan"}, "email": {"bgp.sumsel@kemdikbud.go.id"}, "address": {"Jl. Mayor Salim Batubara, Palembang"}}
	if res := bgp.PostForm("/staf/bantuan/16", sumsel); res.Status != http.StatusSeeOther {
		t.Fatalf("BGP saves own province: %d\n%s", res.Status, res.Body)
	}
	for _, scope := range []string{"36", "nasional", "99"} {
		if res := bgp.PostForm("/staf/bantuan/"+scope, good); res.Status != http.StatusNotFound {
			t.Errorf("BGP Sumsel saving %s: %d", scope, res.Status)
		}
	}
	if n := recCount(t, a, `SELECT count(*) FROM help_contacts`); n != 2 {
		t.Errorf("%d contacts stored, want 2", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'help.contact.save'`); n != 2 {
		t.Errorf("%d audit entries, want 2", n)
	}

	_, c := recTeacher(t, a, "bantuan@guru.test", "10600001", "16.01", recProfileOpts{})
	res = c.Get("/bantuan")
	recWant(t, res, 200, "BGP provinsi Anda (Sumatera Selatan)", `id="kontak-saya"`, "BGP Provinsi Sumatera Selatan", "mailto:bgp.sumsel@kemdikbud.go.id",
		"Jl. Mayor Salim Batubara, Palembang", `id="kontak-nasional"`, "Direktorat Pendidikan Profesi Guru", `href="tel:0215725061"`)
	if i, j := strings.Index(res.Body, `id="kontak-saya"`), strings.Index(res.Body, `id="kontak-nasional"`); i < 0 || j < i {
		t.Error("the teacher's own BGP is not shown first")
	}
	// Every teacher page links to it (the footer).
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	base := recStart(t, c, tc.ID)
	for _, p := range []string{"/dasbor", "/profil", fmt.Sprintf("/pendaftaran/%d", tc.ID), base + "/esai", base + "/tinjau", "/seleksi/saya", "/klinik"} {
		if res := c.Get(p); res.Status != 200 || !strings.Contains(res.Body, `<p><a href="/bantuan">Bantuan dan kontak</a></p>`) {
			t.Errorf("GET %s: %d, no help link in the footer", p, res.Status)
		}
	}
}

// The Pakta Integritas step says what the pact is and offers its blank form, a PDF generated by
// the app.
func TestPaktaTemplateOffered(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	res := a.Anonymous().Get("/bantuan/pakta-integritas.pdf")
	if res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF") || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "pakta-integritas.pdf") {
		t.Fatalf("template: %d %v", res.Status, res.Header)
	}
	text := pdfdoctest.Text(t, []byte(res.Body))
	for _, want := range []string{"PAKTA INTEGRITAS", "Saya yang bertanda tangan di bawah ini", "Nama lengkap", "NIK", "Nomor pendaftaran",
		"gratifikasi", "Yang menyatakan", "unggah pada halaman Hasil seleksi saya"} {
		if !strings.Contains(text, want) {
			t.Errorf("template lacks %q\n%s", want, text)
		}
	}

	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "pakta@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.Status)
	}
	id := strings.TrimPrefix(base, "/lamaran/")
	var run int64
	if err := a.DB.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash) VALUES ($1, '{"quotas": {"16.01": 100}}', repeat('a', 64), repeat('b', 64)) RETURNING id`, tc.ID).Scan(&run); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE applications SET status = 'verval_passed' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at)
			VALUES ($1, $2, '16.01', '16', 81.5, true, 'lulus', 1, '{}', 80, now())`,
		`UPDATE result_runs SET published_at = now() WHERE id = $1 AND $2::bigint > 0`,
		`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, confirm_by) VALUES ($1, $2, '16.01', now() + interval '3 days')`,
	} {
		if _, err := a.DB.Exec(ctx, sql, run, id); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	recWant(t, c.Get("/seleksi/saya"), 200, "Pakta Integritas adalah pernyataan bertanda tangan", `href="/bantuan/pakta-integritas.pdf"`,
		"Unduh formulir Pakta Integritas (PDF)", "Konfirmasi keikutsertaan")
}

// A teacher edits a CV entry from several tabs at once while another tab submits, through a
// pool of 4: every edit is stored or refused as locked (never a 500), and the submitted
// content holds exactly the entry as it was when it was locked (no edit slips in after).
func TestConcurrentCVEditsAndSubmit(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t, apptest.Options{Pool: &database.Options{MaxConns: 4, AcquireTimeout: 10 * time.Second}})
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "serentak.cv@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	edit := fmt.Sprintf("%s/cv/%d", base, recCount(t, a, `SELECT max(id)::int FROM application_cv_entries`))
	var wg sync.WaitGroup
	statuses := make(chan int, 64)
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 3 {
				statuses <- c.PostStatus(edit, url.Values{"section": {"pelatihan"}, "title": {fmt.Sprintf("Versi %d-%d", i, r)}, "year_from": {"2023"}})
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		statuses <- c.PostStatus(base+"/kirim", confirmYes)
	}()
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusSeeOther && st != http.StatusConflict {
			t.Errorf("status %d", st)
		}
	}
	var stored, sent string
	if err := a.DB.QueryRow(context.Background(), `SELECT e.title, a.submitted_content -> 'cv' -> 0 ->> 'Title' FROM application_cv_entries e
		JOIN applications a ON a.id = e.application_id WHERE a.status = 'submitted'`).Scan(&stored, &sent); err != nil {
		t.Fatal(err)
	}
	if stored != sent {
		t.Errorf("entry %q, submitted content %q: an edit slipped in after submit", stored, sent)
	}
}
