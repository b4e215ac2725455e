package server_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/pdfdoc/pdfdoctest"
	"penggerak/internal/training"
)

// Sertifikat Guru Penggerak (issue 10): matrix rows for every route, with IDOR rows (another
// province's certificate, another person's), and the journey from graduation to revocation.

type certMatrixData struct {
	own, other, serang training.Certificate
}

// certMatrix issues three certificates on the training matrix fixture: the matrix guru's and
// another CGP's in cohort A (Sumatera Selatan), and one in cohort B (Kota Serang, Banten).
func certMatrix(f *fixture) certMatrixData {
	if d, ok := f.Data["certificates"].(certMatrixData); ok {
		return d
	}
	tr := trMatrix(f)
	t, db := f.App.T, f.App.DB
	ctx := context.Background()
	st := training.NewStore(db)
	issue := func(cohort int64, where string, arg any) training.Certificate {
		var id int64
		if err := db.QueryRow(ctx, `UPDATE training_participants SET outcome = 'lulus', decided_at = now()
			WHERE cohort_id = $1 AND `+where+` RETURNING id`, cohort, arg).Scan(&id); err != nil {
			t.Fatal(err)
		}
		c, err := st.IssueCertificate(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	d := certMatrixData{
		own:    issue(tr.cohortA, `user_id = $2`, f.Users["guru"].ID),
		other:  issue(tr.cohortA, `name = $2`, "CGP OKU 5"),
		serang: issue(tr.cohortB, `name = $2`, "CGP Serang 1"),
	}
	f.Data["certificates"] = d
	return d
}

func certPath(format string, fn func(d certMatrixData, tr trMatrixData) []any) func(f *fixture) string {
	return func(f *fixture) string { d := certMatrix(f); return fmt.Sprintf(format, fn(d, trMatrix(f))...) }
}

func init() {
	serangCert := func(d certMatrixData, _ trMatrixData) []any { return []any{d.serang.ID} }
	okuCert := func(d certMatrixData, _ trMatrixData) []any { return []any{d.other.ID} }
	cohortB := func(_ certMatrixData, tr trMatrixData) []any { return []any{tr.cohortB} }
	cohortA := func(_ certMatrixData, tr trMatrixData) []any { return []any{tr.cohortA} }
	// The national admin may; the BGP of Sumatera Selatan asking for Banten's: 404; others 403.
	adminOnlyBGP404 := with(only(200, "admin"), "bgp", 404)
	addRoutes(
		// Public verification: a known token for everyone; an unknown one a friendly 404.
		routeCase{Method: "GET", Pattern: "/sertifikat/guru-penggerak/{token}", Path: certPath("/sertifikat/guru-penggerak/%s", func(d certMatrixData, _ trMatrixData) []any { return []any{d.other.Token} }),
			Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/sertifikat/guru-penggerak/{token}", Variant: "unknown token",
			Path: func(*fixture) string { return "/sertifikat/guru-penggerak/" + strings.Repeat("A", 32) }, Want: everyone(404)},
		// The graduate's own certificate; every other signed-in user (each holds guru) gets 404.
		routeCase{Method: "GET", Pattern: "/pelatihan/saya/sertifikat/{cert}", Path: certPath("/pelatihan/saya/sertifikat/%d", func(d certMatrixData, _ trMatrixData) []any { return []any{d.own.ID} }),
			Want: with(signedIn(404), "guru", 200)},
		routeCase{Method: "GET", Pattern: "/pelatihan/saya/sertifikat/{cert}", Variant: "another person's", Path: certPath("/pelatihan/saya/sertifikat/%d", okuCert),
			Want: signedIn(404)},
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/{prov}/sertifikat", Path: certPath("/pelatihan/%d/36/sertifikat", cohortB), Want: adminOnlyBGP404},
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/{prov}/sertifikat", Variant: "own province", Path: certPath("/pelatihan/%d/16/sertifikat", cohortA),
			Want: only(200, "admin", "bgp")},
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/{prov}/sertifikat.zip", Path: certPath("/pelatihan/%d/36/sertifikat.zip", cohortB), Want: adminOnlyBGP404},
		routeCase{Method: "GET", Pattern: "/pelatihan/sertifikat/{cert}/unduh", Path: certPath("/pelatihan/sertifikat/%d/unduh", serangCert), Want: adminOnlyBGP404},
		routeCase{Method: "GET", Pattern: "/pelatihan/sertifikat/{cert}/unduh", Variant: "own province", Path: certPath("/pelatihan/sertifikat/%d/unduh", okuCert),
			Want: only(200, "admin", "bgp")},
		routeCase{Method: "GET", Pattern: "/pelatihan/sertifikat/{cert}/cabut", Path: certPath("/pelatihan/sertifikat/%d/cabut", serangCert), Want: adminOnlyBGP404},
		// A reason without the ticked box: the confirmation page (422) for the admin, nothing revoked.
		routeCase{Method: "POST", Pattern: "/pelatihan/sertifikat/{cert}/cabut", Path: certPath("/pelatihan/sertifikat/%d/cabut", serangCert),
			Form: func(*fixture) url.Values { return url.Values{"reason": {"Uji matriks"}} }, Want: with(only(422, "admin"), "bgp", 404)},
		routeCase{Method: "GET", Pattern: "/guru-penggerak", Want: only(200, "admin", "bgp", "dinas")},
		routeCase{Method: "GET", Pattern: "/guru-penggerak/ekspor", Path: func(*fixture) string { return "/guru-penggerak/ekspor?format=xlsx" },
			Want: only(200, "admin", "bgp", "dinas")},
	)
}

// TestCertificateJourney: the BGP graduates three CGPs at once; the graduate sees the
// certificate on their training page and profile and downloads a PDF with their account name and
// the number; its verification page says Sah with no other personal data; the BGP takes the
// province's ZIP (one PDF per graduate); a revocation needs a reason and the ticked box, then the
// page says Dicabut with the date and the download is refused; the register lists and exports
// them, NUPTK masked; downloads, ZIP, revocation and the export are audited.
func TestCertificateJourney(t *testing.T) {
	f := newFixture(t)
	d := trMatrix(f)
	ctx := context.Background()
	db := f.App.DB
	run := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	// Three CGPs meet every rule (the cohort asks for no visits and one module here).
	run(`UPDATE training_settings SET visits_planned = 0, modules = 1 WHERE cohort_id = $1`, d.cohortA)
	run(`UPDATE training_lokakarya SET starts_at = now() - interval '10 days' WHERE id = $1`, d.lokakaryaA)
	grads := `SELECT id FROM training_participants WHERE cohort_id = $1 AND (user_id = $2 OR name IN ('CGP OKU 1', 'CGP OKU 2'))`
	run(`INSERT INTO training_attendance (lokakarya_id, participant_id, status) SELECT $3, id, 'hadir' FROM (`+grads+`) g`, d.cohortA, f.Users["guru"].ID, d.lokakaryaA)
	run(`INSERT INTO training_module_progress (participant_id, module) SELECT id, 1 FROM (`+grads+`) g`, d.cohortA, f.Users["guru"].ID)
	run(`INSERT INTO training_assessments (participant_id, by_role, score, recorded_by) SELECT g.id, r, 90, $3 FROM (`+grads+`) g,
		unnest(ARRAY['pengajar_praktik', 'fasilitator']) r`, d.cohortA, f.Users["guru"].ID, f.Users["admin"].ID)
	run(`UPDATE teacher_profiles SET nuptk = '1234567890123456' WHERE user_id = $1`, f.Users["guru"].ID)
	var hasProfile bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM teacher_profiles WHERE user_id = $1)`, f.Users["guru"].ID).Scan(&hasProfile); err != nil {
		t.Fatal(err)
	}
	if !hasProfile {
		applicationtest.SeedProfile(t, db, f.Users["guru"].ID, "10698001", applicationtest.Profile{NIK: "1601014101850001", NUPTK: "1234567890123456",
			Birth: time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC), Subject: "IPA", Years: 10})
	}
	// One graduate reads English: their mail comes from the English catalogue.
	run(`UPDATE users u SET language = 'en' FROM training_participants p WHERE p.user_id = u.id AND p.cohort_id = $1 AND p.name = 'CGP OKU 1'`, d.cohortA)
	bgp, guru, admin := f.Clients["bgp"], f.Clients["guru"], f.Clients["admin"]
	if res := bgp.PostForm(fmt.Sprintf("/pelatihan/%d/16/kelulusan", d.cohortA), url.Values{"all": {"1"}, "outcome": {"lulus"}, "sure": {"1"}}); res.Status != 303 {
		t.Fatalf("graduate all: %d\n%s", res.Status, res.Body)
	}
	if res := bgp.Get(fmt.Sprintf("/pelatihan/%d/16/kelulusan", d.cohortA)); !strings.Contains(res.Body, fmt.Sprintf(`href="/pelatihan/%d/16/sertifikat"`, d.cohortA)) {
		t.Fatal("graduation page lacks the link to the certificates")
	}
	var id int64
	var number, token string
	if err := db.QueryRow(ctx, `SELECT c.id, c.number, c.token FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
		WHERE p.user_id = $1 AND p.cohort_id = $2`, f.Users["guru"].ID, d.cohortA).Scan(&id, &number, &token); err != nil {
		t.Fatal(err)
	}
	var mailBody string
	_ = db.QueryRow(ctx, `SELECT body_text FROM mail_outbox WHERE to_addr = 'guru@matrix.test' AND subject LIKE 'Selamat%'`).Scan(&mailBody)
	if !strings.Contains(mailBody, number) || !strings.Contains(mailBody, "/sertifikat/guru-penggerak/"+token) {
		t.Fatalf("graduation mail lacks the number or link:\n%s", mailBody)
	}
	var enNumber string
	_ = db.QueryRow(ctx, `SELECT c.number FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
		WHERE p.cohort_id = $1 AND p.name = 'CGP OKU 1'`, d.cohortA).Scan(&enNumber)
	if n := recCount(t, f.App, `SELECT count(*) FROM mail_outbox m JOIN users u ON u.email = m.to_addr WHERE u.language = 'en'
		AND m.subject = 'Congratulations, you have completed the Guru Penggerak training' AND m.body_text LIKE '%certificate is number ' || $1 || '.%'`, enNumber); enNumber == "" || n != 1 {
		t.Fatalf("English graduation mail with %q: %d", enNumber, n)
	}
	// The graduate's training page and profile.
	res := guru.Get("/pelatihan/saya")
	if res.Status != 200 || !strings.Contains(res.Body, number) || !strings.Contains(res.Body, fmt.Sprintf(`href="/pelatihan/saya/sertifikat/%d"`, id)) {
		t.Fatalf("training page: %d\n%s", res.Status, res.Body)
	}
	res = guru.Get("/profil")
	if !strings.Contains(res.Body, "Guru Penggerak Angkatan Pelatihan") || !strings.Contains(res.Body, "sertifikat nomor "+number) ||
		!strings.Contains(res.Body, `href="/sertifikat/guru-penggerak/`+token+`"`) {
		t.Fatalf("profile lacks the Guru Penggerak fact:\n%s", res.Body)
	}
	// The PDF: the account's name, the number, A4 landscape.
	res = guru.Get(fmt.Sprintf("/pelatihan/saya/sertifikat/%d", id))
	if res.Status != 200 || res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %v", res.Status, res.Header)
	}
	text := pdfdoctest.Text(t, []byte(res.Body))
	for _, want := range []string{"SERTIFIKAT GURU PENGGERAK", "Pengguna guru", "Nomor: " + number, "Kabupaten Ogan Komering Ulu", "Provinsi Sumatera Selatan",
		"dinyatakan LULUS", "http://127.0.0.1/sertifikat/guru-penggerak/" + token} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
	checkLandscape(t, []byte(res.Body))
	// The public page: sah, name, angkatan, kab/kota; no school, NPSN or NUPTK.
	anon := f.Clients["anon"]
	res = anon.Get("/sertifikat/guru-penggerak/" + token)
	if res.Status != 200 || !strings.Contains(res.Body, "Sertifikat ini SAH") || !strings.Contains(res.Body, "Pengguna guru") ||
		!strings.Contains(res.Body, "Kabupaten Ogan Komering Ulu") || !strings.Contains(res.Body, number) {
		t.Fatalf("verification: %d\n%s", res.Status, res.Body)
	}
	for _, secret := range []string{"10698001", "1234567890123456", "1234••••", "guru@matrix.test", "Sekolah 10698001"} {
		if strings.Contains(res.Body, secret) {
			t.Errorf("verification page shows %q", secret)
		}
	}
	if res := anon.Get("/sertifikat/guru-penggerak/" + strings.Repeat("x", 32)); res.Status != 404 || !strings.Contains(res.Body, "Sertifikat tidak ditemukan.") {
		t.Fatalf("unknown token: %d", res.Status)
	}
	// The province's ZIP: one PDF per graduate, each the right one.
	res = bgp.Get(fmt.Sprintf("/pelatihan/%d/16/sertifikat.zip", d.cohortA))
	if res.Status != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("zip: %d", res.Status)
	}
	z, err := zip.NewReader(strings.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range z.File {
		rc, _ := e.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		txt := pdfdoctest.Text(t, b)
		names = append(names, e.Name)
		if !strings.Contains(txt, "SERTIFIKAT GURU PENGGERAK") {
			t.Errorf("%s: %s", e.Name, txt)
		}
	}
	sort.Strings(names)
	if len(names) != 3 || !strings.Contains(strings.Join(names, " "), "Pengguna-guru") {
		t.Fatalf("zip entries: %v", names)
	}
	// The register: the BGP's province; the Dinas of Kota Serang sees none of them.
	res = bgp.Get("/guru-penggerak?q=pengguna")
	if res.Status != 200 || !strings.Contains(res.Body, "Pengguna guru") || !strings.Contains(res.Body, "1234••••••••3456") || strings.Contains(res.Body, "1234567890123456") {
		t.Fatalf("register: %d\n%s", res.Status, res.Body)
	}
	if res := f.Clients["dinas"].Get("/guru-penggerak"); strings.Contains(res.Body, "Pengguna guru") {
		t.Fatal("Dinas of Kota Serang sees Sumatera Selatan's Guru Penggerak")
	}
	// A name that a spreadsheet would read as a formula is written as text.
	run(`UPDATE users u SET name = '=1+2 Budi' FROM training_participants p WHERE p.user_id = u.id AND p.cohort_id = $1 AND p.name = 'CGP OKU 2'`, d.cohortA)
	res = bgp.Get(fmt.Sprintf("/guru-penggerak/ekspor?format=xlsx&angkatan=%d&kabkota=16.01", d.cohortA))
	if res.Status != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("export: %d", res.Status)
	}
	x, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 4 || rows[0][0] != "Nomor sertifikat" {
		t.Fatalf("xlsx rows: %v, %v", rows, err)
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] == number {
			found = r[1] == "Pengguna guru" && r[2] == "1234••••••••3456" && r[9] == "Sah"
		}
	}
	if !found {
		t.Fatalf("xlsx lacks the guru's row (masked NUPTK, Sah): %v", rows)
	}
	escaped := false
	for _, r := range rows[1:] {
		escaped = escaped || r[1] == "'=1+2 Budi"
	}
	if !escaped {
		t.Fatalf("formula-like name not neutralised: %v", rows)
	}
	// Revocation: a reason, then the ticked box; nothing changes before.
	revoke := fmt.Sprintf("/pelatihan/sertifikat/%d/cabut", id)
	if res := bgp.Get(revoke); res.Status != 200 || !strings.Contains(res.Body, `name="confirm"`) {
		t.Fatalf("revoke page: %d", res.Status)
	}
	res = bgp.PostForm(revoke, url.Values{"reason": {"  "}, "confirm": {"yes"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Tuliskan alasan pencabutan.") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("blank reason: %d\n%s", res.Status, res.Body)
	}
	res = bgp.PostForm(revoke, url.Values{"reason": {"Ijazah terbukti palsu"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Ijazah terbukti palsu") {
		t.Fatalf("unconfirmed: %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, f.App, `SELECT count(*) FROM training_certificates WHERE id = $1 AND revoked_at IS NOT NULL`, id); n != 0 {
		t.Fatal("revoked without the confirmation")
	}
	if res := bgp.PostForm(revoke, url.Values{"reason": {"Ijazah terbukti palsu"}, "confirm": {"yes"}}); res.Status != 303 {
		t.Fatalf("revoke: %d\n%s", res.Status, res.Body)
	}
	res = anon.Get("/sertifikat/guru-penggerak/" + token)
	if res.Status != 200 || !strings.Contains(res.Body, "Sertifikat ini DICABUT pada") || strings.Contains(res.Body, "Sertifikat ini SAH") ||
		strings.Contains(res.Body, "Ijazah terbukti palsu") {
		t.Fatalf("verification after revocation:\n%s", res.Body)
	}
	if res := guru.Get(fmt.Sprintf("/pelatihan/saya/sertifikat/%d", id)); res.Status != http.StatusGone || !strings.Contains(res.Body, "sudah dicabut") {
		t.Fatalf("download of a revoked certificate: %d", res.Status)
	}
	if res := admin.PostForm(revoke, url.Values{"reason": {"lagi"}, "confirm": {"yes"}}); res.Status != 422 || !strings.Contains(res.Body, "sudah dicabut") {
		t.Fatalf("revoke twice: %d", res.Status)
	}
	// The refusals a handler decides itself: the revocation page of a revoked certificate
	// (409), the staff download of it (410, not audited), a register filter the page never
	// sends (400).
	if res := admin.Get(revoke); res.Status != http.StatusConflict || !strings.Contains(res.Body, "Sertifikat ini sudah dicabut.") {
		t.Fatalf("revocation page of a revoked certificate: %d\n%s", res.Status, res.Body)
	}
	if res := admin.Get(fmt.Sprintf("/pelatihan/sertifikat/%d/unduh", id)); res.Status != http.StatusGone || !strings.Contains(res.Body, "tidak dapat diunduh lagi") {
		t.Fatalf("staff download of a revoked certificate: %d", res.Status)
	}
	for _, path := range []string{"/guru-penggerak?angkatan=satu", "/guru-penggerak/ekspor?angkatan=satu&format=csv"} {
		if res := bgp.Get(path); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "Permintaan tidak dapat diproses.") {
			t.Fatalf("%s: %d", path, res.Status)
		}
	}
	if res := bgp.Get(fmt.Sprintf("/pelatihan/%d/16/sertifikat", d.cohortA)); !strings.Contains(res.Body, "Dicabut pada") || !strings.Contains(res.Body, "2 PDF dalam satu ZIP") {
		t.Fatalf("province list after revocation:\n%s", res.Body)
	}
	for action, want := range map[string]int{"training.certificate_revoke": 1, "training.certificate_export": 1, "report.export": 1} {
		if n := recCount(t, f.App, `SELECT count(*) FROM audit_log WHERE action = $1`, action); n != want {
			t.Errorf("audit %s: %d, want %d", action, n, want)
		}
	}
}

// checkLandscape checks the PDF's first page is A4 landscape (842 × 595 pt) with pdfinfo.
func checkLandscape(t *testing.T, b []byte) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "p.pdf")
	_ = os.WriteFile(p, b, 0o600)
	out, err := exec.Command("pdfinfo", p).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	s := string(out)
	if !strings.Contains(s, "Pages:           1") || !strings.Contains(s, "841.89 x 595.28") {
		t.Fatalf("not one A4 landscape page:\n%s", s)
	}
}
