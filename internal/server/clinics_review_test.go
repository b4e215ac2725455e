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

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
)

// navOf is the main navigation of a page (the header's <nav>).
func navOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, "<nav")
	j := strings.Index(body, "</nav>")
	if i < 0 || j < i {
		t.Fatal("page has no <nav>")
	}
	return body[i:j]
}

// Each role finds its clinic work in the header on every page, not only on the dashboard: staff
// reach their events, a teacher the public list (which links to their registrations), and the
// national admin the audit log.
func TestClinicNavigation(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas@nav.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	a.User("guru@nav.test", account.RoleGuru, account.Scope{})
	a.User("admin@nav.test", account.RoleAdmin, account.Scope{})
	for _, tc := range []struct {
		email       string
		want, avoid []string
	}{
		{"dinas@nav.test", []string{`href="/staf/klinik"`}, []string{`href="/admin/audit"`}},
		{"guru@nav.test", []string{`href="/klinik"`}, []string{`href="/staf/klinik"`, `href="/admin/audit"`}},
		{"admin@nav.test", []string{`href="/staf/klinik"`, `href="/admin/audit"`}, nil},
	} {
		nav := navOf(t, a.SignIn(tc.email).Get("/akun/sandi").Body)
		for _, w := range tc.want {
			if !strings.Contains(nav, w) {
				t.Errorf("%s: nav lacks %s", tc.email, w)
			}
		}
		for _, w := range tc.avoid {
			if strings.Contains(nav, w) {
				t.Errorf("%s: nav has %s", tc.email, w)
			}
		}
	}
	if body := a.SignIn("guru@nav.test").Get("/klinik").Body; !strings.Contains(body, `href="/klinik/saya"`) {
		t.Error("clinic list: no link to the teacher's registrations")
	}
	if body := a.Anonymous().Get("/klinik").Body; strings.Contains(body, `href="/klinik/saya"`) {
		t.Error("clinic list: anonymous visitor offered 'my registrations'")
	}
}

// createOKUEvent creates and publishes, through the staff pages, the event of clinicForm with
// one teacher registered; it returns the event's staff path and the registration.
func createOKUEvent(t *testing.T, a *apptest.App, staff *apptest.Client) (string, clinic.Registration) {
	t.Helper()
	res := staff.PostForm("/staf/klinik/baru", clinicForm(a.Now()))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("create: %d", res.Status)
	}
	base := res.Location
	if res := staff.PostForm(base+"/terbitkan", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("publish: %d", res.Status)
	}
	var id int64
	if _, err := fmt.Sscanf(base, "/staf/klinik/%d", &id); err != nil {
		t.Fatal(err)
	}
	okuSchools(t, a)
	reg, err := clinicStore(a).Register(context.Background(), id, clinic.Registrant{Name: "Rina Guru", Email: "rina@x.test",
		NPSN: "10600001"}, a.Now())
	if err != nil {
		t.Fatal(err)
	}
	return base, reg
}

// Saving the edit form without a change a teacher cares about emails nobody; a change of venue
// emails each registrant what changed, with their own ticket link.
func TestClinicEditNotifiesWhatChanged(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	base, reg := createOKUEvent(t, a, staff)
	mails := func() []string {
		rows, err := a.DB.Query(context.Background(), `SELECT body_text FROM mail_outbox WHERE subject LIKE 'Perubahan informasi%' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
		return out
	}

	same := clinicForm(a.Now())
	same.Set("signatory_name", "Dr. Pejabat Baru") // the letter's signatory: not the teachers' business
	same.Set("capacity", "40")
	if res := staff.PostForm(base+"/ubah", same); res.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.Status)
	}
	if got := mails(); len(got) != 0 {
		t.Fatalf("an edit without a change for teachers sent %d emails: %q", len(got), got)
	}

	moved := clinicForm(a.Now())
	moved.Set("venue", "Aula Dinas Pendidikan OKU")
	moved.Set("sessions[1].start", "09:00")
	if res := staff.PostForm(base+"/ubah", moved); res.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d", res.Status)
	}
	got := mails()
	if len(got) != 1 {
		t.Fatalf("change emails: %d, want 1", len(got))
	}
	ticket := clinicStore(a).TicketURL(reg.ClinicID, reg.ID)
	mustContain(t, "change email", got[0], "Yth. Rina Guru", "Tempat: Aula Dinas Pendidikan OKU", "Jadwal baru:", "09.00–11.00 WIB Praktik", ticket)
	if strings.Contains(got[0], "Pejabat") || strings.Contains(got[0], "Judul:") {
		t.Errorf("change email lists what did not change:\n%s", got[0])
	}
}

// A refused typed code stays in the field to be corrected; an accepted one is cleared for the
// next teacher.
func TestClinicCheckInKeepsRefusedCode(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	base, reg := createOKUEvent(t, a, staff)
	res := staff.PostForm(base+"/presensi", url.Values{"code": {"ZZZZ-ZZZQ"}})
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown code: %d", res.Status)
	}
	mustContain(t, "refused code", res.Body, "Kode tiket tidak dikenal", `value="ZZZZ-ZZZQ"`)
	duringFirstSession(t, a, reg.ClinicID)
	res = staff.PostForm(base+"/presensi", url.Values{"code": {clinic.FormatCode(reg.Code)}})
	if res.Status != http.StatusOK || strings.Contains(res.Body, `value="`+clinic.FormatCode(reg.Code)+`"`) {
		t.Errorf("accepted code: %d, or still in the field", res.Status)
	}
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM clinic_attendance WHERE registration_id = $1`, reg.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("attendance rows %d (%v)", n, err)
	}
}

// Cancelling an event (emails to every registrant and school, no undo) needs a ticked
// confirmation; without it the page says so and nothing changes.
func TestClinicCancelNeedsConfirmation(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	base, reg := createOKUEvent(t, a, staff)
	status := func() string {
		var s string
		if err := a.DB.QueryRow(context.Background(), `SELECT status FROM clinics WHERE id = $1`, reg.ClinicID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Both forms at the foot of the long page post to their own heading, so that the page shown
	// again with a message opens at the message, not at the top.
	mustContain(t, "manage page", staff.Get(base).Body, `name="confirm"`, "Saya yakin ingin membatalkan kegiatan ini.",
		`action="`+base+`/batalkan#cancel-event"`, `<h2 id="cancel-event">`, `action="`+base+`/nominasi#nominate"`, `<h2 id="nominate">`)
	res := staff.PostForm(base+"/batalkan", nil)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("cancel without confirmation: %d", res.Status)
	}
	mustContain(t, "unconfirmed cancel", res.Body, "Centang pernyataan di atas untuk membatalkan kegiatan.")
	if s := status(); s != string(clinic.StatusPublished) {
		t.Fatalf("status after an unconfirmed cancel: %s", s)
	}
	if res := staff.PostForm(base+"/batalkan", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("confirmed cancel: %d", res.Status)
	}
	if s := status(); s != string(clinic.StatusCancelled) {
		t.Errorf("status after a confirmed cancel: %s", s)
	}
}

// A teacher registering themselves is not offered an email field that would be ignored: the
// page says the ticket goes to their account's address, and that is the address stored.
func TestClinicRegisterShowsAccountEmail(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("guru.sendiri@x.test", account.RoleGuru, account.Scope{})
	base, reg := createOKUEvent(t, a, a.SignIn("dinas.oku@x.test"))
	teacher := a.SignIn("guru.sendiri@x.test")
	path := fmt.Sprintf("/klinik/%d/daftar", reg.ClinicID)
	body := teacher.Get(path).Body
	mustContain(t, "register form", body, "Tiket dikirim ke alamat surel akun Anda: guru.sendiri@x.test")
	if strings.Contains(body, `name="email"`) {
		t.Error("register form offers an email field that is ignored")
	}
	res := teacher.PostForm(path, url.Values{"name": {"Guru Sendiri"}, "email": {"lain@x.test"}, "npsn": {"10600002"},
		"school_name": {"SD Negeri 2 Baturaja"}, "jenjang": {"SD"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.Status)
	}
	var email string
	if err := a.DB.QueryRow(context.Background(), `SELECT email FROM clinic_registrations WHERE name = 'Pengguna guru.sendiri'`).Scan(&email); err != nil || email != "guru.sendiri@x.test" {
		t.Errorf("stored email %q (%v)", email, err)
	}
	// Staff nominating a teacher still type the teacher's address.
	mustContain(t, "nomination form", a.SignIn("dinas.oku@x.test").Get(base).Body, `name="email"`)
}

// The tick list of the check-in page has column headers, and every label points at a checkbox
// that exists (a present teacher has no checkbox, so no label either).
func TestClinicCheckInListLabels(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	base, reg := createOKUEvent(t, a, staff)
	duringFirstSession(t, a, reg.ClinicID)
	if res := staff.PostForm(base+"/presensi", url.Values{"code": {clinic.FormatCode(reg.Code)}}); res.Status != http.StatusOK {
		t.Fatalf("check in: %d", res.Status)
	}
	body := staff.Get(base + "/presensi").Body
	mustContain(t, "check-in list", body, `<th scope="col">Hadir</th>`, "Rina Guru")
	for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if !strings.Contains(body, `id="`+m[1]+`"`) {
			t.Errorf("label for %q has no field", m[1])
		}
	}
}

// A teacher's one tap on "Batalkan pendaftaran" does not give the seat away: the ticket page
// asks for a ticked confirmation first.
func TestTicketCancelNeedsConfirmation(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	_, reg := createOKUEvent(t, a, a.SignIn("dinas.oku@x.test"))
	ticket := "/tiket/" + clinicStore(a).Signer().Ticket(reg.ClinicID, reg.ID)
	status := func() string {
		var s string
		if err := a.DB.QueryRow(context.Background(), `SELECT status FROM clinic_registrations WHERE id = $1`, reg.ID).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Cancelling needs the signed-in owner of the registration (the ticket link alone is not enough).
	owner := a.User("rina@x.test", account.RoleGuru, account.Scope{})
	if _, err := a.DB.Exec(context.Background(), `UPDATE clinic_registrations SET user_id = $1 WHERE id = $2`, owner.ID, reg.ID); err != nil {
		t.Fatal(err)
	}
	if res := a.Anonymous().PostForm(ticket+"/batal", url.Values{"confirm": {"yes"}}); res.Status != http.StatusForbidden {
		t.Errorf("cancel by whoever holds the link: %d, want 403", res.Status)
	}
	teacher := a.SignIn("rina@x.test")
	mustContain(t, "ticket", teacher.Get(ticket).Body, `name="confirm"`, `action="`+ticket+`/batal#cancel-ticket"`, `<h2 id="cancel-ticket">`)
	res := teacher.PostForm(ticket+"/batal", nil)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("unconfirmed cancel: %d", res.Status)
	}
	mustContain(t, "unconfirmed cancel", res.Body, "Centang pernyataan di atas untuk membatalkan pendaftaran.")
	if s := status(); s != string(clinic.RegistrationRegistered) {
		t.Fatalf("status after an unconfirmed cancel: %s", s)
	}
	if res := teacher.PostForm(ticket+"/batal", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("confirmed cancel: %d", res.Status)
	}
	if s := status(); s != string(clinic.RegistrationCancelled) {
		t.Errorf("status after a confirmed cancel: %s", s)
	}
}

// When the camera cannot be used, the scanner explains it in the page's language (the script
// reads the messages from the page) instead of showing the browser's error name.
func TestClinicScannerMessages(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	base, _ := createOKUEvent(t, a, staff)
	mustContain(t, "check-in page", staff.Get(base+"/presensi").Body,
		`data-denied="Akses kamera ditolak. Izinkan kamera di pengaturan peramban, atau ketik kode tiket."`,
		`data-failed="Kamera tidak dapat dipakai di perangkat ini. Ketik kode tiket atau centang daftar hadir."`)
	js := a.Anonymous().Get("/static/clinic-scan.js").Body
	mustContain(t, "clinic-scan.js", js, "status.dataset.denied", "status.dataset.failed")
}

// A teacher filtering the public list by their kabupaten sees the events held there and the
// province-level events of their province, not those of a neighbouring kabupaten.
func TestClinicListIncludesProvinceEvents(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	st := clinicStore(a)
	ctx := context.Background()
	okuEvent(t, a, 10, true) // Kabupaten OKU 16.01
	for _, e := range []struct{ title, regency string }{
		{"Sosialisasi Guru Penggerak Sumatera Selatan", ""},
		{"Coaching Clinic Kabupaten OKI", "16.02"},
	} {
		start := a.Now().Add(72 * time.Hour)
		id, err := st.Create(ctx, audit.Actor{IP: "test"}, clinic.Input{Kind: clinic.KindSosialisasi, Title: e.title,
			Organiser: "BGP Sumatera Selatan", ProvinceCode: "16", RegencyCode: e.regency, Mode: clinic.ModeOnline,
			MeetingLink: "https://zoom.example/j/1", Capacity: 100, Jenjang: []string{"SD"},
			Opens: a.Now().Add(-time.Hour), Closes: a.Now().Add(48 * time.Hour),
			Sessions: []clinic.Session{{Title: "Sesi", StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Publish(ctx, audit.Actor{IP: "test"}, clinic.Scope{National: true}, id); err != nil {
			t.Fatal(err)
		}
	}
	body := a.Anonymous().Get("/klinik?wilayah=16.01").Body
	mustContain(t, "OKU list", body, "Coaching Clinic CGP Angkatan 10 OKU", "Sosialisasi Guru Penggerak Sumatera Selatan")
	if strings.Contains(body, "Coaching Clinic Kabupaten OKI") {
		t.Error("OKU list shows an event of Kabupaten OKI")
	}
	mustContain(t, "province list", a.Anonymous().Get("/klinik?wilayah=16").Body,
		"Coaching Clinic CGP Angkatan 10 OKU", "Sosialisasi Guru Penggerak Sumatera Selatan", "Coaching Clinic Kabupaten OKI")
}

// An edit never deletes a session that has check-ins: the form comes back with a message and
// the attendance stays.
func TestClinicEditKeepsAttendedSessions(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	base, reg := createOKUEvent(t, a, staff)
	duringFirstSession(t, a, reg.ClinicID)
	if res := staff.PostForm(base+"/presensi", url.Values{"code": {clinic.FormatCode(reg.Code)}}); res.Status != http.StatusOK {
		t.Fatalf("check-in: %d", res.Status)
	}
	// clinicForm carries no session ids: saved as is it would replace every session.
	res := staff.PostForm(base+"/ubah", clinicForm(a.Now()))
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("edit replacing an attended session: %d", res.Status)
	}
	mustContain(t, "edit refused", res.Body, "Sesi yang sudah memiliki presensi tidak dapat dihapus")
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM clinic_attendance WHERE registration_id = $1`, reg.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("attendance rows after the refused edit: %d (%v)", n, err)
	}
}

// duringFirstSession moves the app's clock into the first session of an event: check-in is
// accepted only around a session.
func duringFirstSession(t *testing.T, a *apptest.App, clinicID int64) {
	t.Helper()
	var start time.Time
	if err := a.DB.QueryRow(context.Background(), `SELECT min(starts_at) FROM clinic_sessions WHERE clinic_id = $1`, clinicID).Scan(&start); err != nil {
		t.Fatal(err)
	}
	a.SetNow(start.Add(10 * time.Minute))
}
