package selection_test

import (
	"strings"
	"testing"
	"time"
)

// The publication and promotion mails come from the catalogues in the recipient's language:
// no Indonesian text is built in Go. Without a letter the store writes the catalogue key and
// data (mail.Untranslated), never an Indonesian fallback; with the catalogues an English
// recipient reads English, and the promotion names the days to confirm (the deadline starts
// at the release), not a date.
func TestSelectionMailsFromCatalogues(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	if _, err := w.f.DB.Exec(ctx, `UPDATE users SET language = 'en' WHERE id = $1`, w.users[0]); err != nil {
		t.Fatal(err)
	}
	run, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := w.s.Publish(ctx, w.admin, run, "uji tanpa tanda tangan", now, "http://x"); err != nil {
		t.Fatal(err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM mail_outbox WHERE kind = 'selection.mail.published' AND subject = 'selection.mail.published'
		AND body_text NOT LIKE '%Yth.%'`); n != 4 {
		t.Fatalf("%d untranslated publication mails, want 4 (no Indonesian fallback)", n)
	}
	w.f.Release(now)
	// a2 (lulus in OKU) declines: a1 (cadangan, English) moves up, mailed from the catalogues.
	var seat int64
	if err := w.f.DB.QueryRow(ctx, `SELECT id FROM pembekalan_seats WHERE application_id = $1`, w.apps[1]).Scan(&seat); err != nil {
		t.Fatal(err)
	}
	if err := w.s.WithLetter(catalogueLetter).Decline(ctx, w.admin, w.users[1], seat, now, "http://x"); err != nil {
		t.Fatal(err)
	}
	var subject, body, lang string
	if err := w.f.DB.QueryRow(ctx, `SELECT subject, body_text, lang FROM mail_outbox WHERE kind = 'selection.mail.promoted' AND to_addr = 'gurua@uji.id'`).
		Scan(&subject, &body, &lang); err != nil {
		t.Fatal(err)
	}
	if lang != "en" || subject != "You moved up from the reserve list" || !strings.Contains(body, "Dear Guru A") ||
		!strings.Contains(body, "within 7 days of this email") || strings.Contains(body, "Yth.") || strings.Contains(body, "UTC") {
		t.Fatalf("promotion mail %s %q:\n%s", lang, subject, body)
	}
}
