package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"penggerak/internal/account"
	"penggerak/internal/browsertest"
)

// The Sertifikat Guru Penggerak on a 390 px phone: the BGP confirms graduation with the tick;
// the graduate downloads the certificate (a PDF) from their training page and opens its
// verification page (the URL of the QR code), which says SAH; the BGP revokes it with a reason
// and the confirmation box; the same page then says DICABUT.
func TestCertificateJourneyOnPhone(t *testing.T) {
	a, fx, c, cgp := startTraining(t, "cgp@sertifikat-e2e.test", "Nur Aisyah", "10697600")
	ctx := context.Background()
	fx.CGP(c, 0, "Calon Lain", "10697601", "16.01", "SD")
	fx.Start(c)
	bgp := a.User("bgp@sertifikat-e2e.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	// Nur Aisyah meets every rule (the cohort asks for no visits and one module here).
	for _, sql := range []string{
		`UPDATE training_settings SET visits_planned = 0, modules = 1 WHERE cohort_id = $1`,
		`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place) VALUES ($1, '16', '16.01', 1, now() - interval '20 days', 'SMPN 1 OKU')`,
		`INSERT INTO training_attendance (lokakarya_id, participant_id, status) SELECT l.id, p.id, 'hadir' FROM training_participants p
			JOIN training_lokakarya l ON l.cohort_id = p.cohort_id WHERE p.cohort_id = $1 AND p.user_id = $2`,
		`INSERT INTO training_module_progress (participant_id, module) SELECT id, 1 FROM training_participants WHERE cohort_id = $1 AND user_id = $2`,
		`INSERT INTO training_assessments (participant_id, by_role, score, recorded_by) SELECT p.id, r, 88, $3 FROM training_participants p,
			unnest(ARRAY['pengajar_praktik', 'fasilitator']) r WHERE p.cohort_id = $1 AND p.user_id = $2`,
	} {
		args := []any{c.ID}
		if strings.Contains(sql, "$3") {
			args = []any{c.ID, cgp.ID, bgp.ID}
		} else if strings.Contains(sql, "$2") {
			args = []any{c.ID, cgp.ID}
		}
		if _, err := a.DB.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}

	b := browsertest.New(t, browsertest.Phone())
	fits := func(page string) {
		t.Helper()
		if v := b.Eval(`String(document.documentElement.scrollWidth)`); v != "390" {
			t.Errorf("%s: the page is %s px wide on a 390 px phone", page, v)
		}
	}

	// The BGP confirms graduation of the one CGP who meets every rule.
	signIn(b, a, "bgp@sertifikat-e2e.test")
	b.Visit(a.URL + fmt.Sprintf("/pelatihan/%d/16/kelulusan", c.ID))
	fits("graduation")
	b.Click("#sure-all")
	b.Click(`form[action$="/kelulusan"] input[name=all] ~ button[type=submit]`)
	b.MustSee("Keputusan disimpan.")
	signOut(b)

	// The graduate: the certificate on the training page, a PDF download, the verification page.
	var number, token string
	if err := a.DB.QueryRow(ctx, `SELECT c.number, c.token FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
		WHERE p.user_id = $1`, cgp.ID).Scan(&number, &token); err != nil {
		t.Fatalf("no certificate after graduation: %v", err)
	}
	signIn(b, a, "cgp@sertifikat-e2e.test")
	b.Visit(a.URL + "/pelatihan/saya")
	fits("training page")
	b.MustSee("Sertifikat Guru Penggerak", number)
	// The download link, fetched as the browser would (same cookies): a PDF.
	got, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](`fetch(document.querySelector('a[href^="/pelatihan/saya/sertifikat/"]').href)
		.then(r => r.arrayBuffer().then(buf => r.status + " " + r.headers.get("content-type") + " " + String.fromCharCode(...new Uint8Array(buf).slice(0, 5))))`,
		chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/pdf %PDF-" {
		t.Fatalf("certificate download: %q, %v", got, err)
	}
	b.Click(`a[href^="/sertifikat/guru-penggerak/"]`)
	if want := "/sertifikat/guru-penggerak/" + token; !strings.HasSuffix(b.Location(), want) {
		t.Fatalf("verification link goes to %s, want %s (the URL in the QR code)", b.Location(), want)
	}
	fits("verification")
	b.MustSee("Sertifikat ini SAH", "Pengguna cgp", "Kabupaten Ogan Komering Ulu", number)
	signOut(b)

	// The BGP revokes it: a reason and the tick.
	signIn(b, a, "bgp@sertifikat-e2e.test")
	b.Visit(a.URL + fmt.Sprintf("/pelatihan/%d/16/sertifikat", c.ID))
	fits("certificates")
	b.Click(`a[href$="/cabut"]`)
	fits("revoke")
	if err := chromedp.Do(b.Ctx, chromedp.SendKeys(chromedp.CSS("#revoke-reason"), "Data kelulusan keliru dicatat")); err != nil {
		t.Fatal(err)
	}
	// Sent without the tick: a confirmation page, nothing revoked yet.
	b.Click(`form[action$="/cabut"] button[type=submit]`)
	b.WaitFor("#confirm-action")
	b.MustSee("Sertifikat yang dicabut tidak dapat dipulihkan.")
	var revoked bool
	if err := a.DB.QueryRow(ctx, `SELECT revoked_at IS NOT NULL FROM training_certificates WHERE token = $1`, token).Scan(&revoked); err != nil || revoked {
		t.Fatalf("revoked before the confirmation: %v %v", revoked, err)
	}
	b.Click("#confirm-action")
	b.Click(`form[action$="/cabut"] button[type=submit]`)
	b.MustSee("Sertifikat dicabut.")
	// The register of Guru Penggerak, searched by name, fits the phone and shows the revocation.
	b.Visit(a.URL + "/guru-penggerak")
	b.Fill("#register-q", "pengguna")
	b.Click(`form[action="/guru-penggerak"] button[type=submit]`)
	fits("register")
	b.MustSee("Pengguna cgp", number, "Dicabut pada")
	signOut(b)

	// Anyone scanning the QR code now reads DICABUT.
	b.Visit(a.URL + "/sertifikat/guru-penggerak/" + token)
	b.MustSee("Sertifikat ini DICABUT pada")
	b.MustNotSee("Sertifikat ini SAH", "Data kelulusan keliru dicatat")
}
