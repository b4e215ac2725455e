package clinic_test

import (
	"strings"
	"testing"
	"time"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/testdb"
)

// TestClinicMailsInRecipientLanguage: a teacher whose account is in English gets every clinic
// mail (waiting list, moved up, change notice, event cancelled) in English from the catalogue,
// an Indonesian teacher of the same event gets Indonesian; no mail holds a raw key or template.
func TestClinicMailsInRecipientLanguage(t *testing.T) {
	db, _ := testdb.New(t)
	applicationtest.Schools(t, db, applicationtest.SchoolRow{NPSN: "10600001", Name: "SD Negeri 1 OKU", Regency: "16.01"},
		applicationtest.SchoolRow{NPSN: "10600002", Name: "SD Negeri 2 OKU", Regency: "16.01"})
	if _, err := db.Exec(ctx, `INSERT INTO users (email, name, password_hash, language) VALUES ('siti@x.test', 'Siti Aminah', 'x', 'id'), ('jane@x.test', 'Jane Doe', 'x', 'en')`); err != nil {
		t.Fatal(err)
	}
	var siti, jane int64
	_ = db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'siti@x.test'`).Scan(&siti)
	_ = db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'jane@x.test'`).Scan(&jane)
	st := clinic.NewStore(db, clinic.NewSigner("test-secret-0123456789abcdefghijklmnopq"), "https://penggerak.test").WithCatalogue(clinic.CatalogueForTest())
	c := event(t, st, 1, 0)
	now := time.Now()
	rs, err := st.Register(ctx, c.ID, clinic.Registrant{UserID: siti, NPSN: "10600001"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Register(ctx, c.ID, clinic.Registrant{UserID: jane, NPSN: "10600002"}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CancelRegistration(ctx, rs.ID); err != nil { // Jane moves up
		t.Fatal(err)
	}
	in := clinic.Input{Kind: c.Kind, Title: c.Title, Organiser: c.Organiser, Partner: c.Partner, ProvinceCode: c.ProvinceCode,
		RegencyCode: c.RegencyCode, Mode: c.Mode, Venue: "Aula Baru", Capacity: c.Capacity, SchoolSlots: c.SchoolSlots,
		Jenjang: c.Jenjang, Opens: c.RegistrationOpens, Closes: c.RegistrationCloses, Sessions: c.Sessions}
	if err := st.Update(ctx, audit.Actor{IP: "test"}, national, c.ID, in); err != nil {
		t.Fatal(err)
	}
	if err := st.Cancel(ctx, audit.Actor{IP: "test"}, national, c.ID, now); err != nil {
		t.Fatal(err)
	}
	type msg struct{ Subject, Body string }
	mails := func(to string) []msg {
		rows, err := db.Query(ctx, `SELECT subject, body_text FROM mail_outbox WHERE to_addr = $1 ORDER BY id`, to)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []msg
		for rows.Next() {
			var m msg
			if err := rows.Scan(&m.Subject, &m.Body); err != nil {
				t.Fatal(err)
			}
			out = append(out, m)
		}
		return out
	}
	en := mails("jane@x.test")
	want := []struct{ subject, body string }{
		{"Registration: Coaching Clinic OKU", "you are number 1 on the waiting list"},
		{"You have a seat: Coaching Clinic OKU", "you moved up from the waiting list"},
		{"Event information changed: Coaching Clinic OKU", "Venue: Aula Baru"},
		{"Event cancelled: Coaching Clinic OKU", "was cancelled by the organiser"},
	}
	if len(en) != len(want) {
		t.Fatalf("Jane got %d mails, want %d: %+v", len(en), len(want), en)
	}
	for i, w := range want {
		if en[i].Subject != w.subject || !strings.Contains(en[i].Body, w.body) {
			t.Errorf("mail %d to Jane = %q / %q, want %q containing %q", i, en[i].Subject, en[i].Body, w.subject, w.body)
		}
		if !strings.HasPrefix(en[i].Body, "Dear Jane Doe,") && i < 3 || strings.Contains(en[i].Body, "Yth.") {
			t.Errorf("mail %d to Jane is not English throughout: %q", i, en[i].Body)
		}
	}
	id := mails("siti@x.test")
	if len(id) != 1 || id[0].Subject != "Pendaftaran: Coaching Clinic OKU" || !strings.Contains(id[0].Body, "Yth. Siti Aminah,") ||
		!strings.Contains(id[0].Body, "Anda terdaftar sebagai peserta. Kode tiket: ") {
		t.Errorf("Siti's mails = %+v, want one Indonesian registration mail", id)
	}
	for _, m := range append(en, id...) {
		if strings.Contains(m.Subject+m.Body, "clinic.mail.") || strings.Contains(m.Subject+m.Body, "{{") || strings.Contains(m.Body, "<no value>") {
			t.Errorf("mail with an unfilled message: %q / %q", m.Subject, m.Body)
		}
	}
}
