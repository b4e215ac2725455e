package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/jobs"
	"penggerak/internal/testdb"
	"penggerak/web/i18n"
)

// TestClinicReminderJobTwice: the reminder job run twice at the same time (a retry, two
// instances) mails each participant one reminder, in their language (an English account gets
// the English text), a day before the session.
func TestClinicReminderJobTwice(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	applicationtest.Schools(t, db, applicationtest.NumberedSchools(10600001, 2, "16.01", func(i int) string { return fmt.Sprintf("SD Negeri %d OKU", i+1) })...)
	if _, err := db.Exec(ctx, `INSERT INTO users (email, name, password_hash, language) VALUES ('siti@x.test', 'Siti Aminah', 'x', 'id'), ('jane@x.test', 'Jane Doe', 'x', 'en')`); err != nil {
		t.Fatal(err)
	}
	st := clinic.NewStore(db, clinic.NewSigner("test-secret-0123456789abcdefghijklmnopq"), "https://penggerak.test").WithCatalogue(catalogue())
	now := time.Now()
	start := now.Add(30 * time.Hour)
	id, err := st.Create(ctx, audit.Actor{IP: "test"}, clinic.Input{Kind: clinic.KindCoachingClinic, Title: "Klinik OKU", Organiser: "Disdik OKU",
		ProvinceCode: "16", RegencyCode: "16.01", Mode: clinic.ModeOffline, Venue: "Aula SMPN 1", Capacity: 10, Jenjang: []string{"SD"},
		Opens: now.Add(-time.Hour), Closes: now.Add(24 * time.Hour), Sessions: []clinic.Session{{Title: "Pembukaan", StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Publish(ctx, audit.Actor{IP: "test"}, clinic.Scope{National: true}, id); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ email, npsn string }{{"siti@x.test", "10600001"}, {"jane@x.test", "10600002"}} {
		var uid int64
		_ = db.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, u.email).Scan(&uid)
		if _, err := st.Register(ctx, id, clinic.Registrant{UserID: uid, NPSN: u.npsn}, now); err != nil {
			t.Fatal(err)
		}
	}
	w := &jobs.ClinicRemindersWorker{Store: st, Now: func() time.Time { return start.Add(-23 * time.Hour) }}
	for range 2 {
		if err := w.Work(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(ctx, `SELECT to_addr, subject, body_text FROM mail_outbox WHERE subject LIKE 'Pengingat:%' OR subject LIKE 'Reminder:%' ORDER BY to_addr`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var to, subject, body string
		if err := rows.Scan(&to, &subject, &body); err != nil {
			t.Fatal(err)
		}
		got = append(got, to)
		switch to {
		case "jane@x.test":
			if !strings.HasPrefix(subject, "Reminder: Klinik OKU, ") || !strings.Contains(body, "Dear Jane Doe,") || !strings.Contains(body, "Venue: Aula SMPN 1") {
				t.Errorf("Jane's reminder is not English: %q\n%s", subject, body)
			}
		case "siti@x.test":
			if !strings.HasPrefix(subject, "Pengingat: Klinik OKU, ") || !strings.Contains(body, "Yth. Siti Aminah,") || !strings.Contains(body, "Pembukaan") {
				t.Errorf("Siti's reminder: %q\n%s", subject, body)
			}
		}
	}
	if strings.Join(got, ",") != "jane@x.test,siti@x.test" {
		t.Errorf("reminders to %v after two runs, want one each to jane and siti", got)
	}
}

// catalogue is the application's message catalogue.
func catalogue() clinic.Catalogue {
	b := i18n.MustLoad()
	return func(lang, key string, data map[string]any) string { return b.Localizer(lang).T(key, data) }
}
