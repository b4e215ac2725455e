package e2e

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// Nothing typed is lost: the connection drops while the teacher types, she closes the tab,
// and when she opens the essays again online the draft kept on the phone is sent and saved.
// A newer copy on the server is never overwritten by an older one kept on the phone.
func TestEssayDraftSurvivesOfflineAndClosedTab(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	_, u, b := startApplication(t, a, "luring@guru.test")
	m := regexp.MustCompile(`/lamaran/(\d+)/`).FindStringSubmatch(b.Location())
	if m == nil {
		t.Fatalf("no application at %s", b.Location())
	}
	essayURL := a.URL + "/lamaran/" + m[1] + "/esai"
	stored := func() string {
		var body string
		_ = a.DB.QueryRow(ctx, `SELECT body FROM application_essays e JOIN applications ap ON ap.id = e.application_id WHERE ap.user_id = $1`, u.ID).Scan(&body)
		return body
	}
	waitStored := func(want string) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for stored() != want {
			if time.Now().After(deadline) {
				t.Fatalf("stored %q, want %q", stored(), want)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	typeIn := func(tab *browsertest.Browser, text string) {
		t.Helper()
		if err := chromedp.Do(tab.Ctx, chromedp.SendKeys(chromedp.CSS("textarea[data-counter]"), text)); err != nil {
			t.Fatal(err)
		}
	}

	// Online, in a tab of its own: the first sentence is autosaved.
	tab := b.NewTab()
	tab.Visit(essayURL)
	first := "Murid saya belajar pecahan lewat memasak."
	typeIn(tab, first)
	waitStored(first)
	tab.WaitFor(`#autosave[data-state="saved"]`)
	tab.MustSee("Draf tersimpan otomatis")

	// Offline: the page says the draft is kept on this device, and it is.
	tab.SetOffline(true)
	more := " Lalu kami menulis resepnya bersama."
	typeIn(tab, more)
	tab.WaitFor(`#autosave[data-state="offline"]`)
	tab.MustSee("Tidak tersambung. Draf disimpan di perangkat ini")
	time.Sleep(2500 * time.Millisecond) // past the autosave delay: nothing can reach the server
	if got := stored(); got != first {
		t.Fatalf("offline, the server holds %q", got)
	}
	if v := tab.Eval(`JSON.parse(localStorage.getItem("penggerak:esai:` + m[1] + `:" + document.querySelector("textarea[data-counter]").name)).body`); v != first+more {
		t.Fatalf("local draft %q", v)
	}
	tab.Close()

	// Opened again, online: the local draft is restored, said so, and sent.
	tab2 := b.NewTab()
	tab2.Visit(essayURL)
	waitStored(first + more)
	tab2.WaitFor(`#autosave[data-state="saved"]`)
	if v := tab2.ValueOf("textarea[data-counter]"); v != first+more {
		t.Errorf("textarea holds %q", v)
	}
	if v := tab2.Eval(`String(Object.keys(localStorage).filter(function(k){return k.indexOf("penggerak:esai:")===0}).length)`); v != "0" {
		t.Errorf("%s local drafts left after the save", v)
	}

	// A draft kept on the device that is older than the server's copy (the teacher went on
	// writing on another device) is dropped, not sent.
	newer := first + more + " Ditulis di laptop."
	if _, err := a.DB.Exec(ctx, `UPDATE application_essays SET body = $1, updated_at = now()`, newer); err != nil {
		t.Fatal(err)
	}
	tab2.Eval(`(localStorage.setItem("penggerak:esai:` + m[1] + `:" + document.querySelector("textarea[data-counter]").name, JSON.stringify({body: "draf lama di ponsel", at: Date.now() - 3600000})), "")`)
	tab2.Visit(essayURL)
	tab2.WaitFor(`#autosave[data-state="overtaken"]`)
	time.Sleep(2500 * time.Millisecond)
	if got := stored(); got != newer {
		t.Errorf("the older local draft overwrote the server: %q", got)
	}
	if v := tab2.ValueOf("textarea[data-counter]"); !strings.HasSuffix(v, "Ditulis di laptop.") {
		t.Errorf("textarea holds %q", v)
	}
}
