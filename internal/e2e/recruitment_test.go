package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/selection/selectiontest"
)

// seedOpenCohort creates Angkatan 12 open for registration in Kabupaten OKU with one essay
// question and one required document, and an OKU school.
func seedOpenCohort(t *testing.T, a *apptest.App) int64 {
	t.Helper()
	ctx := context.Background()
	opens := time.Now().Add(-24 * time.Hour)
	id := applicationtest.NewCohort(t, a.DB, applicationtest.CohortRow{Number: 12, Name: "Angkatan 12", Status: "pendaftaran",
		Opens: opens, Closes: opens.Add(21 * 24 * time.Hour), CorrectionDays: 3})
	for _, q := range []string{
		`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '16.01', 100)`,
		`INSERT INTO essay_questions (cohort_id, position, prompt, min_chars, max_chars) VALUES ($1, 1, 'Ceritakan praktik baik pembelajaran Anda.', 30, 500)`,
		`INSERT INTO required_documents (cohort_id, position, name, guidance, required, max_bytes) VALUES ($1, 1, 'KTP', 'Pindai KTP asli', true, 1048576)`,
	} {
		if _, err := a.DB.Exec(ctx, strings.ReplaceAll(q, "$1", fmt.Sprint(id))); err != nil {
			t.Fatal(err)
		}
	}
	applicationtest.School(t, a.DB, "10600001", "SD Negeri 1 Baturaja", "SD", "16.01")
	return id
}

// A teacher on a phone goes from sign-up to a submitted receipt (the essay autosaves while
// typing); an assessor rejects the KTP with a reason; the teacher sees the reason.
func TestApplicationFromSignUpToReceiptAndVerval(t *testing.T) {
	a := apptest.Start(t)
	seedOpenCohort(t, a)
	ctx := context.Background()
	b := browsertest.New(t, browsertest.Phone())

	// Sign up and verify the email from the development outbox.
	b.Visit(a.URL + "/daftar")
	b.Fill("#name", "Siti Aminah")
	b.Fill("#email", "siti@sekolah.test")
	b.Fill("#phone", "0812 3456 7890")
	b.Fill("#password", "kebun-mangga-77")
	b.Fill("#password_confirm", "kebun-mangga-77")
	b.Click(`form[action="/daftar"] button[type=submit]`)
	b.MustSee("Periksa surel Anda")
	b.Visit(a.URL + "/dev/outbox")
	b.Click(`.mail-body a[href^="/verifikasi/"]`)
	b.Click(`main form button[type=submit]`)
	b.Fill("#email", "siti@sekolah.test")
	b.Fill("#password", "kebun-mangga-77")
	b.Click(`form[action="/masuk"] button[type=submit]`)
	b.MustSee("Selamat datang, Siti Aminah")

	// The profile form (/profil) is tested by its own journey; here the profile is stored directly.
	var siti int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM users WHERE email = 'siti@sekolah.test'`).Scan(&siti); err != nil {
		t.Fatal(err)
	}
	applicationtest.SeedProfile(t, a.DB, siti, "10600001", applicationtest.Profile{NIK: "1601014503850001",
		Birth: time.Date(1985, 3, 5, 0, 0, 0, 0, time.UTC), Subject: "Guru kelas", Years: 12})
	b.Visit(a.URL + "/dasbor")
	b.MustSee("Angkatan 12")
	b.Click(`#pendaftaran a.button`)
	b.MustSee("Anda memenuhi syarat")
	b.Click(`main form button[type=submit]`)
	b.MustSee("Langkah 1 dari 6", "SD Negeri 1 Baturaja")
	b.Click(`main form button[type=submit]`) // profile is correct
	b.MustSee("Langkah 2 dari 6")
	b.Select("#section", "pelatihan")
	b.Fill("#title", "Pelatihan Kurikulum Merdeka")
	b.Fill("#organisation", "BGP Sumatera Selatan")
	b.Click(`form[action$="/cv"] button[type=submit]`)
	b.MustSee("Pelatihan Kurikulum Merdeka")
	b.Click(`.actions a.button`)
	b.MustSee("Langkah 3 dari 6", "30–500 karakter")

	// The essay: the counter follows typing and the draft autosaves without pressing Save.
	essay := "Murid saya belajar pecahan lewat memasak bersama di kelas."
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("textarea[data-counter]"), essay)); err != nil {
		t.Fatal(err)
	}
	if got := b.TextOf(".count"); !strings.HasPrefix(got, fmt.Sprint(len([]rune(essay)))) {
		t.Errorf("counter shows %q", got)
	}
	b.WaitFor(`#autosave[data-state="saved"]`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM application_essays WHERE body = $1`, essay).Scan(&n)
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the essay was not autosaved")
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The connection drops while typing: the page says the draft is not saved instead of leaving
	// the last "saved at" time on screen; back online, the next autosave clears it.
	block := func(patterns ...*network.BlockPattern) chromedp.Action[chromedp.Void] {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return chromedp.Void{}, err
			}
			_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns})
			return chromedp.Void{}, err
		}
	}
	if _, err := chromedp.Run(b.Ctx, block(&network.BlockPattern{URLPattern: "*://*:*/lamaran/*/esai/draf", Block: true})); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("textarea[data-counter]"), " Lalu")); err != nil {
		t.Fatal(err)
	}
	b.WaitFor("#autosave.bad")
	b.MustSee("Tidak tersambung. Draf disimpan di perangkat ini")
	if _, err := chromedp.Run(b.Ctx, block()); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("textarea[data-counter]"), " kami makan.")); err != nil {
		t.Fatal(err)
	}
	b.WaitFor(`#autosave[data-state="saved"]`)
	b.MustSee("Draf tersimpan otomatis")
	var saved int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM application_essays WHERE body = $1`, essay+" Lalu kami makan.").Scan(&saved)
	if saved != 1 {
		t.Fatal("after reconnecting the whole draft was not stored")
	}
	essay += " Lalu kami makan."
	b.Click(`form[action$="/esai"] button[type=submit]`)
	b.MustSee("Langkah 4 dari 6")

	// Documents: a PNG renamed .pdf is refused, then a real PDF is taken.
	dir := t.TempDir()
	fake := filepath.Join(dir, "ktp.pdf")
	_ = os.WriteFile(fake, []byte("\x89PNG\r\n\x1a\nnot a pdf"), 0o600)
	real := filepath.Join(dir, "ktp-asli.pdf")
	_ = os.WriteFile(real, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), 0o600)
	b.Upload(`input[type=file]`, fake)
	b.Click(`form[enctype="multipart/form-data"] button[type=submit]`)
	b.MustSee("Berkas bukan PDF")
	b.Upload(`input[type=file]`, real)
	b.Click(`form[enctype="multipart/form-data"] button[type=submit]`)
	b.MustSee("Dokumen diunggah", "ktp-asli.pdf")
	b.Click(`.actions a.button`)
	b.Click(`input[name=agree]`)
	b.Click(`form[action$="/persetujuan"] button[type=submit]`)
	b.MustSee("Persetujuan dicatat", "Kirim pendaftaran")
	b.Click(`#confirm-submit`)
	b.Click(`form[action$="/kirim"] button[type=submit]`)
	b.MustSee("Tanda terima pendaftaran", "CGP12-1601-", "WIB")
	if len(b.TextOf("#checksum")) != 64 {
		t.Errorf("checksum %q", b.TextOf("#checksum"))
	}
	if w := b.Eval(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("receipt is %spx wide on a 390px phone", w)
	}
	b.Screenshot("recruitment-receipt")

	// The assessor rejects the KTP with a reason.
	asr := a.User("asesor@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	if _, err := a.DB.Exec(ctx, `INSERT INTO verval_assignments (application_id, assessor_id) SELECT id, $1 FROM applications`, asr.ID); err != nil {
		t.Fatal(err)
	}
	b.Click(`form[action="/keluar"] button`)
	signIn(b, a, "asesor@x.test")
	b.Visit(a.URL + "/verval")
	b.Click(`main table a`)
	b.Click(`input[name=verdict][value=invalid]`)
	b.Select(`select[id^="reason-"]`, "tanpa_tanda_tangan")
	b.Fill(`input[id^="note-"]`, "Halaman belakang tidak ada.")
	b.Click(`form[action*="/dokumen/"] button[type=submit]`)
	b.MustSee("Keputusan disimpan")
	b.Eval(`(window.confirm = () => true, "ok")`)
	b.Click(`#confirm-finish`)
	b.Click(`form[action$="/selesai"] button[type=submit]`)
	b.MustSee("Verval selesai")
	// The national admin releases the held verval mail; only then does the teacher see it.
	selectiontest.Fixture{T: t, DB: a.DB}.Release(time.Now())

	// The teacher sees the outcome and the reason.
	b.Click(`form[action="/keluar"] button`)
	b.Visit(a.URL + "/masuk")
	b.Fill("#email", "siti@sekolah.test")
	b.Fill("#password", "kebun-mangga-77")
	b.Click(`form[action="/masuk"] button[type=submit]`)
	b.Click(`#pendaftaran a.button`)
	b.MustSee("Tidak lolos verval", "Tanpa tanda tangan atau cap", "Halaman belakang tidak ada.")
	b.Screenshot("recruitment-verval-reason")
}

// The same application works with JavaScript off: plain forms, Save buttons, no autosave.
func TestApplicationWithoutJavaScript(t *testing.T) {
	a := apptest.Start(t)
	seedOpenCohort(t, a)
	u := a.User("budi@sekolah.test", account.RoleGuru, account.Scope{})
	applicationtest.SeedProfile(t, a.DB, u.ID, "10600001", applicationtest.Profile{NIK: "1601010101800002",
		Birth: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Gender: "L", Subject: "Guru kelas", Years: 15})
	b := browsertest.New(t, browsertest.Phone(), browsertest.NoJavaScript())
	signIn(b, a, "budi@sekolah.test")
	b.Click(`#pendaftaran a.button`)
	b.Click(`main form button[type=submit]`)
	b.Click(`main form button[type=submit]`)
	b.Select("#section", "umum")
	b.Fill("#title", "Guru kelas IV")
	b.Click(`form[action$="/cv"] button[type=submit]`)
	b.Click(`.actions a.button`)
	// Too short first: the server refuses and keeps the text.
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("textarea"), "Terlalu pendek.")); err != nil {
		t.Fatal(err)
	}
	b.Click(`form[action$="/esai"] button[type=submit]`)
	b.MustSee("Terlalu pendek: minimal 30 karakter")
	if v := b.ValueOf("textarea"); v != "Terlalu pendek." {
		t.Fatalf("typed essay lost: %q", v)
	}
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("textarea"), " Murid belajar lewat proyek kebun sekolah.")); err != nil {
		t.Fatal(err)
	}
	b.Click(`form[action$="/esai"] button[type=submit]`)
	b.MustSee("Langkah 4 dari 6")
	pdf := filepath.Join(t.TempDir(), "ktp.pdf")
	_ = os.WriteFile(pdf, []byte("%PDF-1.7\n%%EOF\n"), 0o600)
	b.Upload(`input[type=file]`, pdf)
	b.Click(`form[enctype="multipart/form-data"] button[type=submit]`)
	b.Click(`.actions a.button`)
	b.Click(`input[name=agree]`)
	b.Click(`form[action$="/persetujuan"] button[type=submit]`)
	// With JavaScript off, submitting without the ticked confirmation changes nothing.
	b.Click(`form[action$="/kirim"] button[type=submit]`)
	b.MustSee("Centang pernyataan di atas untuk mengirim pendaftaran")
	b.Click(`#confirm-submit`)
	b.Click(`form[action$="/kirim"] button[type=submit]`)
	b.MustSee("Tanda terima pendaftaran", "CGP12-1601-")
	b.Visit(a.URL + "/dasbor")
	b.MustSee("Terkirim")
}
