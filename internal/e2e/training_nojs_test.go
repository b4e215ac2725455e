package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"penggerak/internal/account"
	"penggerak/internal/browsertest"
)

// Training with JavaScript OFF on a 390 px phone: the BGP appoints PPs, proposes groups and
// confirms them with the tick; the PP plans a visit, saves the log as a draft, sends it with the
// tick; the CGP acknowledges it. Every step is a plain form post.
func TestTrainingJourneyWithoutJavaScript(t *testing.T) {
	a, fx, c, cgp := startTraining(t, "cgp@tr-nojs.test", "Nur Aisyah", "10697500")
	ctx := context.Background()
	for i := range 4 {
		fx.CGP(c, 0, fmt.Sprintf("Calon %d", i), "10697501", "16.01", "SD")
	}
	fx.Start(c)
	a.User("bgp@tr-nojs.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	pp := a.User("pp@tr-nojs.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})

	b := browsertest.New(t, browsertest.Phone(), browsertest.NoJavaScript())
	// Date inputs take keystrokes in the browser's locale format: set their value instead.
	setDate := func(sel, value string) {
		t.Helper()
		if err := chromedp.Do(b.Ctx, chromedp.SetValue(chromedp.CSS(sel), value)); err != nil {
			t.Fatal(err)
		}
	}
	typeInto := func(sel, text string) {
		t.Helper()
		if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
			t.Fatal(err)
		}
	}

	// The BGP appoints the PP, proposes and confirms.
	signIn(b, a, "bgp@tr-nojs.test")
	b.Visit(a.URL + fmt.Sprintf("/pelatihan/%d/16", c.ID))
	noScriptAndFits(b, "province")
	b.Select("#user", fmt.Sprint(pp.ID))
	b.Select("#role", "pengajar_praktik")
	b.Select("#regency", "16.01")
	b.Click(`#penunjukan button[type=submit]`)
	b.MustSee("Penunjukan disimpan.")
	b.Click(`form[action$="/usulan"] button`)
	b.MustSee("Usulan kelompok dibuat.", "Nur Aisyah")
	b.Click(`a[href$="/konfirmasi"]`)
	b.Click(`button[type=submit]:not(.link)`)
	b.MustSee("Centang pernyataan ini untuk mengonfirmasi.")
	b.Click("#sure")
	b.Click(`form[action$="/konfirmasi"] button[type=submit]`)
	b.MustSee("Kelompok dikonfirmasi")
	signOut(b)

	// The PP plans visit 1, writes the log, saves a draft, then sends it.
	signIn(b, a, "pp@tr-nojs.test")
	var mentee int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM training_participants WHERE user_id = $1`, cgp.ID).Scan(&mentee); err != nil {
		t.Fatal(err)
	}
	b.Visit(a.URL + "/pendampingan")
	b.Click(fmt.Sprintf(`a[href="/pendampingan/peserta/%d"]`, mentee))
	noScriptAndFits(b, "mentee")
	b.Select("#plan_number", "1")
	setDate("#plan_date", "2027-01-05")
	b.Click(`#rencana button[type=submit]`)
	b.MustSee("Rencana kunjungan disimpan.")
	b.Click(`a[href^="/pendampingan/kunjungan/"]`)
	noScriptAndFits(b, "visit")
	typeInto("#notes", "Mengamati kelas 4B; refleksi bersama.")
	b.Click(`button[name=action][value=draf]`)
	b.MustSee("Draf disimpan.", "Draf tersimpan di server pukul")
	if v := b.ValueOf("#notes"); v != "Mengamati kelas 4B; refleksi bersama." {
		t.Fatalf("draft text after reload: %q", v)
	}
	setDate("#visited_on", "2027-01-06")
	b.Click("#mode-kunjungan")
	typeInto("#follow_up", "Menyusun modul ajar berdiferensiasi.")
	b.Click(`button[name=action][value=kirim]`)
	b.MustSee("Centang pernyataan ini untuk mengirim log.")
	if v := b.ValueOf("#follow_up"); v != "Menyusun modul ajar berdiferensiasi." {
		t.Fatalf("typed follow-up lost: %q", v)
	}
	b.Click("#sure")
	b.Click(`button[name=action][value=kirim]`)
	b.MustSee("Log dikirim ke CGP untuk disetujui.")
	signOut(b)

	// The CGP acknowledges.
	signIn(b, a, "cgp@tr-nojs.test")
	b.Visit(a.URL + "/pelatihan/saya")
	noScriptAndFits(b, "cgp")
	b.MustSee("Mengamati kelas 4B; refleksi bersama.", "Menyusun modul ajar berdiferensiasi.")
	b.Click(`button[name=ack][value="1"]`)
	b.MustSee("Tanggapan Anda disimpan.", "disetujui CGP")
	var acked bool
	if err := a.DB.QueryRow(ctx, `SELECT acknowledged_at IS NOT NULL FROM training_visits v JOIN training_participants p ON p.id = v.participant_id
		WHERE p.user_id = $1`, cgp.ID).Scan(&acked); err != nil || !acked {
		t.Fatalf("acknowledged %v %v", acked, err)
	}
}
