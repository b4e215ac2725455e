package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/config"
	"penggerak/internal/exportjob"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/storage"
)

// A large export with JavaScript OFF on a phone: the export link opens the page that offers to
// prepare it, the button queues it and lands on the job's page, which shows its progress and
// reloads itself (meta refresh) until the background worker has finished: then the download
// link is there, without anyone pressing reload.
func TestQueuedExportWithoutJavaScript(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.ExportJobRows = 10 }})
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 40, Regencies: []string{"16.01"}, Quota: 3})
	a.User("admin@ekspor.test", account.RoleAdmin, account.Scope{})
	b := browsertest.New(t, browsertest.Phone(), browsertest.NoJavaScript())
	signInAs(b, a, "admin@ekspor.test")
	b.Visit(fmt.Sprintf("%s/ekspor/lamaran?format=xlsx&angkatan=%d", a.URL, seed.Cohort))
	b.MustSee("terlalu banyak untuk diunduh langsung", "admin@ekspor.test")
	b.Click(`main form button[type=submit]`)
	b.MustSee("Menunggu giliran diproses", "0 dari 40 baris (0%)", "Muat ulang sekarang")
	if v := b.Eval(`typeof window.htmx`); v != "undefined" {
		t.Fatalf("JavaScript ran (htmx is %s)", v)
	}
	m := regexp.MustCompile(`/ekspor/tugas/(\d+)$`).FindStringSubmatch(b.Location())
	if m == nil {
		t.Fatalf("landed on %s", b.Location())
	}
	var id int64
	fmt.Sscan(m[1], &id)
	// The worker runs now, while the browser just sits on the page.
	r := &exportjob.Runner{DB: a.DB, Files: storage.NewLocal(a.Config.UploadDir), Now: a.Now, BaseURL: a.Config.BaseURL}
	if err := r.Run(context.Background(), id, true); err != nil {
		t.Fatal(err)
	}
	// Polled without touching the page; between two documents there is no body yet.
	text := func() string {
		v, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		if err != nil { // the document went away under the call: ask again
			return ""
		}
		return v
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(text(), "Siap diunduh") {
		if time.Now().After(deadline) {
			t.Fatalf("the page did not reload itself within 20 s:\n%s", text())
		}
		time.Sleep(250 * time.Millisecond)
	}
	if !strings.HasSuffix(b.Location(), m[0]) {
		t.Errorf("the page moved to %s", b.Location())
	}
	b.MustSee("Berkas berisi 40 baris", "Unduh lamaran-")
	if v := b.Eval(`String(document.querySelector('meta[http-equiv="refresh"]') === null)`); v != "true" {
		t.Error("the finished page still reloads itself")
	}
	if v := b.Eval(`String(document.documentElement.scrollWidth)`); v != "390" {
		t.Errorf("the page is %s px wide on a 390 px phone", v)
	}
}
