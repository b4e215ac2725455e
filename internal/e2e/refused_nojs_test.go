package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// A refused document upload with JavaScript off (issue 11): the refusal is shown on the
// documents page, whose address is then in the address bar (not the upload's POST address);
// reloading shows the documents page afresh and sends nothing again.
func TestRefusedUploadLeavesThePageAddressWithoutJavaScript(t *testing.T) {
	var uploads atomic.Int32
	a := apptest.Start(t, apptest.Options{Wrap: func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/dokumen/") {
				uploads.Add(1)
			}
			h.ServeHTTP(w, r)
		})
	}})
	cohort := seedOpenCohort(t, a)
	seedTeacher(t, a, "tanpa.js@sekolah.test", "1601014503850002")
	b := browsertest.New(t, browsertest.Phone(), browsertest.NoJavaScript())
	signIn(b, a, "tanpa.js@sekolah.test")
	b.Visit(fmt.Sprintf("%s/pendaftaran/%d", a.URL, cohort))
	b.Click(`main form button[type=submit]`)
	step := b.Location() // …/lamaran/N/profil
	docs := strings.TrimSuffix(step, "/profil") + "/dokumen"
	if docs == step {
		t.Fatalf("not on the first step: %s", step)
	}
	b.Visit(docs)
	if v := b.Eval(`typeof window.htmx`); v != "undefined" {
		t.Fatalf("JavaScript ran (htmx is %s)", v)
	}
	b.Upload(`input[type=file]`, uploadFile(t, "ktp.pdf", "\x89PNG\r\n\x1a\nnot a pdf"))
	b.Click(`form[enctype="multipart/form-data"] button[type=submit]`)
	b.MustSee("Berkas bukan PDF", "KTP")
	if got := b.Location(); got != docs {
		t.Errorf("after the refused upload the address bar holds %s, want the documents page %s", got, docs)
	}
	if n := uploads.Load(); n != 1 {
		t.Fatalf("%d upload POSTs, want 1", n)
	}
	b.Screenshot("refused-upload-nojs")

	if _, err := chromedp.Run(b.Ctx, chromedp.Reload()); err != nil {
		t.Fatalf("reload: %v", err)
	}
	b.WaitFor("main")
	if n := uploads.Load(); n != 1 {
		t.Errorf("reloading sent the upload again (%d POSTs)", n)
	}
	if got := b.Location(); got != docs {
		t.Errorf("after reloading: %s, want %s", got, docs)
	}
	b.MustSee("KTP", "Pindai KTP asli")
	b.MustNotSee("Berkas bukan PDF")
	// The form still works from the page it is now on.
	b.Upload(`input[type=file]`, uploadFile(t, "ktp-asli.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"))
	b.Click(`form[enctype="multipart/form-data"] button[type=submit]`)
	b.MustSee("Dokumen diunggah", "ktp-asli.pdf")
}
