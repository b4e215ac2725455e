package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/server"
	"penggerak/web/i18n"
)

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/surat", Want: only(200, "admin")},
		routeCase{Method: "GET", Pattern: "/admin/surat/tinjau", Want: only(200, "admin")},
		// Unconfirmed: the confirmation page, nothing released.
		routeCase{Method: "POST", Pattern: "/admin/surat/tinjau/lepas", Form: func(*fixture) url.Values {
			return url.Values{"up_to": {"0"}}
		}, Want: only(422, "admin")},
		// Confirmed but nothing held up to the reviewed id: 409, nothing released.
		routeCase{Method: "POST", Pattern: "/admin/surat/tinjau/lepas", Variant: "confirmed", Form: func(*fixture) url.Values {
			return url.Values{"up_to": {"0"}, "confirm": {"yes"}}
		}, Want: only(409, "admin")},
		routeCase{Method: "GET", Pattern: "/admin/seleksi/{cohort}/pengingat", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/pengingat"
		}, Want: only(200, "admin")},
		routeCase{Method: "GET", Pattern: "/admin/seleksi/{cohort}/pengingat", Variant: "unknown cohort", Path: func(f *fixture) string {
			return "/admin/seleksi/99999999/pengingat"
		}, Want: only(404, "admin")},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/pengingat", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/pengingat"
		}, Form: func(*fixture) url.Values {
			return url.Values{"draft_days": {"3"}, "seat_days": {"3"}, "sheet_days": {"2"}, "tahap2_hours": {"24"}}
		}, Want: only(303, "admin")},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/pengingat", Variant: "refused", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/pengingat"
		}, Form: func(*fixture) url.Values { return url.Values{"draft_days": {"0"}} }, Want: only(422, "admin")},
		// Bulk move of score sheets: an empty form is refused field by field.
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/pindah-lembar", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/pindah-lembar"
		}, Want: only(422, "admin")},
	)
}

// The workload page moves many sheets at once: a move to the same assessor is refused with the
// choice kept; a valid move first shows what would move and changes nothing, then, confirmed,
// reports how many moved and is stored.
func TestMoveSheetsPage(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	cohort := fx.Cohort(map[string]int{"16.01": 2})
	x := fx.User("lama@uji.id", "Asesor Lama", "asesor", "", "", "")
	y := fx.User("baru@uji.id", "Asesor Baru", "asesor", "", "", "")
	for i := 0; i < 3; i++ {
		_, app := fx.Applicant(cohort, fmt.Sprintf("pindah%d@uji.id", i), "Calon", fmt.Sprintf("1060190%d", i), "16.01", time.Now())
		if _, err := a.DB.Exec(context.Background(), `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2)`, app, x); err != nil {
			t.Fatal(err)
		}
	}
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	ad := a.SignIn("admin@uji.id")
	page := "/admin/seleksi/" + ids(cohort)
	res := ad.Get(page + "/beban")
	mustStatus(t, "workload", res, 200)
	if !strings.Contains(res.Body, `action="`+page+`/pindah-lembar"`) {
		t.Fatalf("no bulk move form:\n%s", res.Body)
	}
	res = ad.PostForm(page+"/pindah-lembar", url.Values{"from": {ids(x)}, "to": {ids(x)}})
	mustStatus(t, "same", res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "Asesor tujuan harus berbeda") || !strings.Contains(res.Body, `<option value="`+ids(x)+`" selected`) {
		t.Fatalf("refused move:\n%s", res.Body)
	}
	if !strings.Contains(res.Body, `name="stage"`) || !strings.Contains(res.Body, "Tahap 2 (simulasi mengajar dan wawancara, per sesi)") {
		t.Fatalf("the bulk move cannot pick tahap 2:\n%s", res.Body)
	}
	// The first submit only shows what would move, with the confirmation to tick.
	move := url.Values{"from": {ids(x)}, "to": {ids(y)}, "regency": {"16.01"}, "stage": {"tahap1"}}
	res = ad.PostForm(page+"/pindah-lembar", move)
	mustStatus(t, "preview", res, 200)
	if !strings.Contains(res.Body, "3 lembar akan dipindahkan, 0 dilewati. Belum ada yang diubah.") || !strings.Contains(res.Body, `id="confirm-move"`) ||
		!strings.Contains(res.Body, `<input type="hidden" name="to" value="`+ids(y)+`"`) {
		t.Fatalf("preview:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets WHERE assessor_id = $1`, y); n != 0 {
		t.Fatalf("the preview moved %d sheets", n)
	}
	move.Set("confirm", "yes")
	res = ad.PostForm(page+"/pindah-lembar", move)
	mustStatus(t, "move", res, 200)
	if !strings.Contains(res.Body, "3 lembar dipindahkan, 0 dilewati.") {
		t.Fatalf("move result:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets WHERE assessor_id = $1`, y); n != 3 {
		t.Fatalf("%d sheets with the new assessor, want 3", n)
	}
}

// The reminder form re-renders what was typed with a message per field, stores valid offsets
// and audits them.
func TestReminderSettingsPage(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	cohort := fx.Cohort(map[string]int{"16.01": 1})
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	ad := a.SignIn("admin@uji.id")
	page := "/admin/seleksi/" + ids(cohort) + "/pengingat"
	res := ad.Get(page)
	mustStatus(t, "form", res, 200)
	if !strings.Contains(res.Body, `name="seat_days"`) || !strings.Contains(res.Body, `value="24"`) {
		t.Fatalf("defaults not shown:\n%s", res.Body)
	}
	res = ad.PostForm(page, url.Values{"draft_days": {"45"}, "seat_days": {"1"}, "sheet_days": {"2"}, "tahap2_hours": {"dua"}})
	mustStatus(t, "refused", res, http.StatusUnprocessableEntity)
	for _, want := range []string{`value="45"`, `value="dua"`, "Isi bilangan bulat 1 sampai 30.", "Isi bilangan bulat 2 sampai 30", "1 sampai 168", `aria-invalid="true"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("refused form lacks %q:\n%s", want, res.Body)
		}
	}
	if n := selCount(t, a, `SELECT count(*) FROM cohort_reminders`); n != 0 {
		t.Fatal("a refused form stored offsets")
	}
	mustStatus(t, "save", ad.PostForm(page, url.Values{"draft_days": {"5"}, "seat_days": {"4"}, "sheet_days": {"1"}, "tahap2_hours": {"12"}}), http.StatusSeeOther)
	if n := selCount(t, a, `SELECT count(*) FROM cohort_reminders WHERE cohort_id = $1 AND draft_days = 5 AND seat_days = 4 AND sheet_days = 1 AND tahap2_hours = 12`, cohort); n != 1 {
		t.Fatal("offsets not stored")
	}
	if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'selection.reminders.save'`); n != 1 {
		t.Fatal("not audited")
	}
}

var upToRe = regexp.MustCompile(`name="up_to" value="(\d+)"`)

// A publication's mails are held (checked in the DB) and the deliverer sends none of them; the
// admin reads the count, a sample in each language and the recipients by outcome, and releases
// them in one confirmed action (audited); a mail held after the review stays held.
func TestHeldDecisionMailsReleasedAtOnce(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	w := newSelWorld(t, fx)
	if _, err := a.DB.Exec(ctx, `UPDATE users SET language = 'en' WHERE id = $1`, w.Users[1]); err != nil {
		t.Fatal(err)
	}
	letter := server.NewLetter(i18n.MustLoad(), a.Config.BaseURL)
	if err := selection.NewStore(a.DB).WithLetter(letter).Publish(ctx, testActor(), w.Run, "uji tinjauan", time.Now().Add(72*time.Hour), a.Config.BaseURL); err != nil {
		t.Fatal(err)
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE kind = 'selection.mail.published' AND held AND sent_at IS NULL`); n != 3 {
		t.Fatalf("%d held publication mails, want 3", n)
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox m JOIN users u ON u.email = m.to_addr WHERE u.id = $1
		AND m.lang = 'en' AND m.subject = 'Guru Penggerak selection result' AND m.body_text LIKE 'Dear %' AND m.outcome = 'cadangan'`, w.Users[1]); n != 1 {
		t.Fatal("the English recipient's mail is not in English with its outcome")
	}
	d := &mail.Deliverer{DB: a.DB}
	if sent, _, err := d.Deliver(ctx); err != nil || sent != 0 {
		t.Fatalf("the deliverer sent %d held mails (%v)", sent, err)
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE sent_at IS NOT NULL OR attempts > 0`); n != 0 {
		t.Fatal("a held mail was handed over before its release")
	}

	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	ad := a.SignIn("admin@uji.id")
	res := ad.Get("/admin/surat/tinjau")
	mustStatus(t, "review", res, 200)
	for _, want := range []string{"3 surel ditahan", "Pengumuman hasil seleksi", "Hasil seleksi Calon Guru Penggerak", "Guru Penggerak selection result",
		"Dear Calon", "Yth. Calon", "English", "Cadangan", "Lulus", fmt.Sprintf("cgp%d-0@uji.id", selSeq.Load())} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("review lacks %q:\n%s", want, res.Body)
		}
	}
	m := upToRe.FindStringSubmatch(res.Body)
	if m == nil {
		t.Fatal("no reviewed id on the release form")
	}
	// A decision mailed after the review was opened.
	if err := database.Tx(ctx, a.DB, func(tx pgx.Tx) error {
		return mail.Enqueue(ctx, tx, mail.Message{To: "later@uji.id", Subject: "Hasil verval", Body: "x", Kind: "application.mail.verval", Held: true})
	}); err != nil {
		t.Fatal(err)
	}
	res = ad.PostForm("/admin/surat/tinjau/lepas", url.Values{"up_to": {m[1]}})
	mustStatus(t, "release unconfirmed", res, http.StatusUnprocessableEntity)
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE held`); n != 4 {
		t.Fatalf("an unconfirmed release changed the outbox: %d held", n)
	}
	mustStatus(t, "release", ad.PostForm("/admin/surat/tinjau/lepas", url.Values{"up_to": {m[1]}, "confirm": {"yes"}}), http.StatusSeeOther)
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox m JOIN mail_releases r ON r.id = m.release_id
		WHERE NOT m.held AND m.kind = 'selection.mail.published' AND r.mails = 3`); n != 3 {
		t.Fatalf("%d publication mails released", n)
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE held AND to_addr = 'later@uji.id' AND release_id IS NULL`); n != 1 {
		t.Fatal("the mail held after the review was released with it")
	}
	if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'mail.release' AND (detail->>'mails')::int = 3`); n != 1 {
		t.Fatal("release not audited")
	}
	if sent, _, err := d.Deliver(ctx); err != nil || sent != 3 {
		t.Fatalf("after the release %d sent (%v), want 3", sent, err)
	}
	// The same review cannot be released twice.
	mustStatus(t, "release again", ad.PostForm("/admin/surat/tinjau/lepas", url.Values{"up_to": {m[1]}, "confirm": {"yes"}}), http.StatusConflict)

	// The staff outbox lists every mail with its status, no body.
	res = ad.Get("/admin/surat")
	mustStatus(t, "outbox", res, 200)
	for _, want := range []string{"Ditahan untuk ditinjau: 1", "Terkirim: 3", "Guru Penggerak selection result", "later@uji.id", "Tinjau 1 surel keputusan"} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("outbox lacks %q:\n%s", want, res.Body)
		}
	}
	if strings.Contains(res.Body, "Dear Calon") {
		t.Fatal("the staff outbox shows mail bodies")
	}
	res = ad.Get("/admin/surat?status=held")
	if !strings.Contains(res.Body, "later@uji.id") || strings.Contains(res.Body, "Guru Penggerak selection result") {
		t.Fatalf("held filter:\n%s", res.Body)
	}
	// A seat offer to the cadangan moved up after a missed deadline is held too.
	if _, err := selection.NewStore(a.DB).WithLetter(letter).ExpireOverdue(ctx, testActor(), time.Now().Add(8*24*time.Hour), a.Config.BaseURL); err != nil {
		t.Fatal(err)
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox m JOIN users u ON u.email = m.to_addr WHERE u.id = $1
		AND m.kind = 'selection.mail.promoted' AND m.held AND m.subject = 'You moved up from the reserve list'`, w.Users[1]); n != 1 {
		t.Fatal("the seat offer is not held, or not in the recipient's language")
	}
	if sent, _, _ := d.Deliver(ctx); sent != 0 {
		t.Fatalf("%d held mails delivered", sent)
	}
}

// A teacher whose language is English gets the receipt and the verval result in English; the
// verval result is held for review, the receipt is not.
func TestMailInRecipientLanguage(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	tc := recSeedCohort(t, a, 14, "pendaftaran", 0)
	adm := recAdminClient(t, a)
	a.User("asesor-en@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	u, c := recTeacher(t, a, "english@guru.test", "10601201", "16.01", recProfileOpts{})
	if _, err := a.DB.Exec(ctx, `UPDATE users SET language = 'en' WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	_, _, idID := recSubmitted(t, a, tc, "indo@guru.test", "10601202", "16.01")
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'english@guru.test' AND kind = 'application.mail.receipt'
		AND lang = 'en' AND NOT held AND subject LIKE 'Registration receipt %' AND body_text LIKE 'Dear %Registration number: %'`); n != 1 {
		t.Fatal("no English receipt")
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'indo@guru.test' AND lang = 'id' AND subject LIKE 'Tanda terima pendaftaran %'`); n != 1 {
		t.Fatal("no Indonesian receipt")
	}
	var enID int64
	fmt.Sscanf(strings.TrimPrefix(base, "/lamaran/"), "%d", &enID)
	mustStatus(t, "assign", adm.PostForm(fmt.Sprintf("/admin/angkatan/%d/verval/bagi", tc.ID), nil), http.StatusSeeOther)
	as := a.SignIn("asesor-en@x.test")
	for _, app := range []int64{enID, idID} {
		rows, _ := a.DB.Query(ctx, `SELECT id FROM application_documents WHERE application_id = $1`, app)
		docs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil || len(docs) == 0 {
			t.Fatalf("documents of %d: %v", app, err)
		}
		for _, doc := range docs {
			mustStatus(t, "decide", as.PostForm(fmt.Sprintf("/verval/%d/dokumen/%d", app, doc), url.Values{"verdict": {"valid"}}), http.StatusSeeOther)
		}
		mustStatus(t, "finish", as.PostForm(fmt.Sprintf("/verval/%d/selesai", app), confirmYes), http.StatusSeeOther)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'english@guru.test' AND kind = 'application.mail.verval' AND held
		AND outcome = 'verval_passed' AND subject LIKE 'Document verification result %' AND body_text LIKE '%: passed.%'`); n != 1 {
		t.Fatal("no held English verval mail")
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'indo@guru.test' AND kind = 'application.mail.verval' AND held
		AND subject LIKE 'Hasil verval %' AND body_text LIKE '%: lolos verval.%'`); n != 1 {
		t.Fatal("no held Indonesian verval mail")
	}
}

// An account whose owner reads English gets the password reset and the "someone signed up with
// your address" mail in English, whatever the language of the visitor who caused them.
func TestAccountMailsInOwnersLanguage(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	u := a.User("owner.en@sekolah.test", account.RoleGuru, account.Scope{})
	if _, err := a.DB.Exec(context.Background(), `UPDATE users SET language = 'en' WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	c := a.Anonymous() // browsing in Indonesian
	mustStatus(t, "forgot", c.PostForm("/lupa-sandi", url.Values{"email": {"owner.en@sekolah.test"}}), http.StatusSeeOther)
	mustStatus(t, "sign up", a.Anonymous().PostForm("/daftar", url.Values{"name": {"Orang Lain"}, "email": {"owner.en@sekolah.test"}, "phone": {"0812-3456-7891"},
		"password": {"kebun-mangga-77"}, "password_confirm": {"kebun-mangga-77"}}), http.StatusSeeOther)
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'owner.en@sekolah.test' AND lang = 'en' AND kind = 'mail.reset'
		AND subject = 'Choose a new password for your Penggerak account'`); n != 1 {
		t.Error("the reset mail is not in the owner's language")
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'owner.en@sekolah.test' AND lang = 'en' AND kind = 'mail.signup_taken'
		AND subject = 'Someone tried to sign up with your email at Penggerak'`); n != 1 {
		t.Error("the sign-up-taken mail is not in the owner's language")
	}
	// A new visitor signing up in Indonesian gets the verification link in Indonesian.
	mustStatus(t, "new sign up", a.Anonymous().PostForm("/daftar", url.Values{"name": {"Budi Baru"}, "email": {"budi.id@sekolah.test"}, "phone": {"0812-3456-7892"},
		"password": {"kebun-mangga-77"}, "password_confirm": {"kebun-mangga-77"}}), http.StatusSeeOther)
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'budi.id@sekolah.test' AND lang = 'id' AND kind = 'mail.verify'`); n != 1 {
		t.Error("the verification mail is not in the visitor's language")
	}
}
