package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"penggerak/internal/apptest"
	"penggerak/internal/config"
)

// An autosave that gets no answer (a stalled connection or proxy, outside the server's own
// deadline) is given up by htmx after its timeout, and the page says the draft is not saved
// instead of leaving the teacher believing it is.
func TestAutosaveTimeoutSaysNotSaved(t *testing.T) {
	stall := make(chan struct{})
	a := apptest.Start(t, apptest.Options{
		Config: func(c *config.Config) { c.RequestTimeout = 600 * time.Millisecond }, // htmx gives up at 800 ms
		Wrap: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/esai/draf") {
					select { // the answer never comes while the test runs
					case <-stall:
					case <-r.Context().Done():
					}
					return
				}
				h.ServeHTTP(w, r)
			})
		},
	})
	defer close(stall)
	ctx := context.Background()
	_, u, b := startApplication(t, a, "rina@sekolah.test")
	b.MustSee("Langkah 1 dari 6")
	var appID int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM applications WHERE user_id = $1`, u.ID).Scan(&appID); err != nil {
		t.Fatal(err)
	}
	b.Visit(fmt.Sprintf("%s/lamaran/%d/esai", a.URL, appID))
	start := time.Now()
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("textarea[data-counter]"), "Murid saya belajar pecahan lewat memasak.")); err != nil {
		t.Fatal(err)
	}
	b.WaitFor("#autosave.bad")
	b.MustSee("Draf belum tersimpan", "terlalu lama menjawab")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("not-saved state after %v", d)
	}
}
