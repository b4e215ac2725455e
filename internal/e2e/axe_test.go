package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// axe-core (npm package axe-core, installed by .ci/run into node_modules/) is injected into
// each teacher page by chromedp and run there; a serious or critical violation fails the test.

// axeSource returns axe.min.js from AXE_CORE_PATH or the repository's node_modules. Missing, a
// test fails on CI and skips with the reason elsewhere (as a missing Chromium does).
func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("AXE_CORE_PATH")
	if path == "" {
		dir, _ := os.Getwd()
		for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				break
			}
		}
		path = filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("axe-core is required on CI (npm install --no-save axe-core): %v", err)
		}
		t.Skipf("axe-core not installed (npm install --no-save axe-core, or set AXE_CORE_PATH): %v", err)
	}
	return string(b)
}

// axeViolation is one rule broken on a page, as axe reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// axeRuns counts the pages axe checked (the test proves it ran on each).
var axeRuns int

// axeCheck runs axe on the page open in b and returns its serious and critical violations.
func axeCheck(t *testing.T, b *browsertest.Browser, src string) []axeViolation {
	t.Helper()
	if _, err := chromedp.Run(b.Ctx, chromedp.Evaluate[chromedp.Void](src+"\n;void 0")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	raw, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var all, bad []axeViolation
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	axeRuns++
	for _, v := range all {
		if v.Impact == "serious" || v.Impact == "critical" {
			bad = append(bad, v)
		}
	}
	return bad
}

// Every page of the teacher's application flow, from the dashboard to the receipt and the
// help page, has no serious or critical accessibility violation by axe-core, with a form's
// error messages shown too.
func TestTeacherPagesAxe(t *testing.T) {
	src := axeSource(t)
	a := apptest.Start(t)
	cohortID := seedOpenCohort(t, a)
	ctx := context.Background()
	seedTeacher(t, a, "axe@guru.test", "1601014503850002")
	b := browsertest.New(t, browsertest.Phone())
	signIn(b, a, "axe@guru.test")

	// Fill the application through the pages (so the review and receipt have content).
	b.Visit(a.URL + fmt.Sprintf("/pendaftaran/%d", cohortID))
	b.Click(`main form button[type=submit]`)
	b.Click(`main form button[type=submit]`) // profile confirmed
	appURL := strings.TrimSuffix(b.Eval(`location.pathname`), "/cv")
	b.Fill("#title", "Pelatihan Kurikulum Merdeka")
	b.Click(`form[action$="/cv"] button[type=submit]`)
	var entry int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM application_cv_entries`).Scan(&entry); err != nil {
		t.Fatal(err)
	}

	check := func(name string) {
		t.Helper()
		for _, v := range axeCheck(t, b, src) {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target...))
			}
			t.Errorf("%s (%s): %s [%s] at %s", name, b.Eval(`location.pathname`), v.Help, v.Impact+" "+v.ID, strings.Join(where, ", "))
		}
	}
	pages := []string{"/dasbor", "/profil", fmt.Sprintf("/pendaftaran/%d", cohortID), appURL + "/profil", appURL + "/cv",
		fmt.Sprintf("%s/cv/%d/ubah", appURL, entry), appURL + "/esai", appURL + "/dokumen", appURL + "/persetujuan", appURL + "/tinjau", "/bantuan", "/klinik"}
	for _, p := range pages {
		b.Visit(a.URL + p)
		check(p)
	}
	// Forms with their error messages shown.
	b.Visit(a.URL + fmt.Sprintf("%s/cv/%d/ubah", appURL, entry))
	b.Fill("#year_from", "2024")
	b.Fill("#year_to", "2019")
	b.Click(`form[action$="/cv/` + fmt.Sprint(entry) + `"] button[type=submit]`)
	b.MustSee("Tahun selesai tidak boleh sebelum tahun mulai.")
	check("CV edit refused")
	b.Visit(a.URL + appURL + "/esai")
	typeEssay := func(text string) {
		t.Helper()
		b.Eval(`(document.querySelector("textarea[data-counter]").value = "", "ok")`)
		if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("textarea[data-counter]"), text)); err != nil {
			t.Fatal(err)
		}
	}
	typeEssay("pendek")
	b.Click(`form[action$="/esai"] button[type=submit]`)
	b.MustSee("Terlalu pendek")
	check("essay refused")

	// Submit (the document and consent directly) and check the receipt pages.
	dir := t.TempDir()
	pdf := filepath.Join(dir, "ktp.pdf")
	_ = os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), 0o600)
	b.Visit(a.URL + appURL + "/esai")
	typeEssay(strings.Repeat("Murid belajar bersama. ", 3))
	b.Click(`form[action$="/esai"] button[type=submit]`)
	b.Upload(`input[type=file]`, pdf)
	b.Click(`form[enctype="multipart/form-data"] button[type=submit]`)
	b.Visit(a.URL + appURL + "/persetujuan")
	b.Click(`input[name=agree]`)
	b.Click(`form[action$="/persetujuan"] button[type=submit]`)
	b.Click(`#confirm-submit`)
	b.Click(`form[action$="/kirim"] button[type=submit]`)
	b.MustSee("Tanda terima pendaftaran")
	for _, p := range []string{appURL + "/tanda-terima", appURL + "/tanda-terima/cetak", "/dasbor", "/seleksi/saya"} {
		b.Visit(a.URL + p)
		check(p)
	}
	// The check itself finds a defect: a field without a label added to a page is reported.
	b.Visit(a.URL + "/bantuan")
	b.Eval(`(document.querySelector("main").insertAdjacentHTML("beforeend", "<input type=text id=unlabelled>"), "ok")`)
	found := false
	for _, v := range axeCheck(t, b, src) {
		found = found || v.ID == "label"
	}
	if !found {
		t.Error("axe did not report an unlabelled field: the check is not running")
	}
	if want := len(pages) + 2 + 4 + 1; axeRuns != want {
		t.Errorf("axe ran on %d pages, want %d", axeRuns, want)
	}
}
