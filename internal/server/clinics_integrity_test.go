package server_test

import (
	"archive/zip"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/clinic"
)

// TestClinicRegistrationRules: the school comes from the schools table and the event's jenjang
// and region rules hold; an unknown NPSN is refused (it used to bypass the per-school limit);
// the name is the account's.
func TestClinicRegistrationRules(t *testing.T) {
	a := apptest.Start(t)
	tc := &clinicCase{t, a}
	c := okuEvent(t, a, 10, true) // OKU, PAUD/SD/SMP
	if _, err := a.DB.Exec(context.Background(), `UPDATE clinics SET school_slots = 1 WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/klinik/%d/daftar", c.ID)
	for i, tt := range []struct{ npsn, want string }{
		{"99999999", "NPSN ini tidak ada di data sekolah"},
		{"10699001", "hanya untuk guru jenjang tertentu"},        // SMA at an SD/SMP event
		{"62010001", "hanya untuk guru dari sekolah di wilayah"}, // Kalimantan Tengah at an OKU event
	} {
		email := fmt.Sprintf("tolak%d@x.test", i)
		a.User(email, account.RoleGuru, account.Scope{})
		res := a.SignIn(email).PostForm(path, url.Values{"npsn": {tt.npsn}, "school_name": {"Sekolah Karangan"}, "jenjang": {"SD"}})
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, tt.want) || !strings.Contains(res.Body, `value="`+tt.npsn+`"`) {
			t.Errorf("NPSN %s: %d, want 422 with %q and the typed NPSN", tt.npsn, res.Status, tt.want)
		}
		if !strings.Contains(res.Body, `aria-invalid="true"`) {
			t.Errorf("NPSN %s: the message is not tied to the field", tt.npsn)
		}
	}
	if n := tc.count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1`, c.ID); n != 0 {
		t.Fatalf("refused registrations stored: %d", n)
	}
	a.User("satu@x.test", account.RoleGuru, account.Scope{})
	a.User("dua@x.test", account.RoleGuru, account.Scope{})
	if res := a.SignIn("satu@x.test").PostForm(path, url.Values{"npsn": {"10600001"}, "name": {"Orang Lain"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("register: %d", res.Status)
	}
	// The school's one slot is taken: a second teacher of that school is refused.
	if res := a.SignIn("dua@x.test").PostForm(path, url.Values{"npsn": {"10600001"}}); res.Status != 422 || !strings.Contains(res.Body, "Kuota peserta dari sekolah ini sudah terpenuhi") {
		t.Errorf("second teacher of a one-slot school: %d", res.Status)
	}
	var name, school string
	_ = a.DB.QueryRow(context.Background(), `SELECT name, school_name FROM clinic_registrations WHERE email = 'satu@x.test'`).Scan(&name, &school)
	if name != "Pengguna satu" || school != "SD Negeri 1 Baturaja" {
		t.Errorf("stored %q at %q, want the account's name at the school of the NPSN", name, school)
	}
	// Staff nominations follow the same rules, and a nominee with an account gets its name.
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	nominate := fmt.Sprintf("/staf/klinik/%d/nominasi", c.ID)
	if res := staff.PostForm(nominate, url.Values{"name": {"Guru"}, "email": {"guru@sekolah.test"}, "npsn": {"62010001"}}); res.Status != 422 || !strings.Contains(res.Body, "wilayah lain") {
		t.Errorf("nominating a teacher from another region: %d", res.Status)
	}
	if res := staff.PostForm(nominate, url.Values{"name": {"Nama Diketik"}, "email": {"dua@x.test"}, "npsn": {"10600002"}}); res.Status != http.StatusSeeOther {
		t.Errorf("nomination: %d", res.Status)
	}
	_ = a.DB.QueryRow(context.Background(), `SELECT name FROM clinic_registrations WHERE email = 'dua@x.test'`).Scan(&name)
	if name != "Pengguna dua" {
		t.Errorf("nominee with an account stored as %q", name)
	}
}

// TestClinicTicketLinks: whoever saw the QR can see the ticket but cannot cancel it or give
// feedback; the signed-in owner can, and so can a fresh link emailed to the registration's
// address. Ticket links stop working a day after the event (the owner still sees the ticket).
// A waiting-list ticket has no QR; the meeting link is on a registered participant's ticket only.
func TestClinicTicketLinks(t *testing.T) {
	a := apptest.Start(t)
	tc := &clinicCase{t, a}
	c := okuEvent(t, a, 1, true)
	if _, err := a.DB.Exec(context.Background(), `UPDATE clinics SET mode = 'hybrid', meeting_link = 'https://zoom.example/j/rahasia' WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	a.User("pemilik@x.test", account.RoleGuru, account.Scope{})
	a.User("tunggu@x.test", account.RoleGuru, account.Scope{})
	owner, waiter := a.SignIn("pemilik@x.test"), a.SignIn("tunggu@x.test")
	reg := func(cl *apptest.Client, npsn string) string {
		res := cl.PostForm(fmt.Sprintf("/klinik/%d/daftar", c.ID), url.Values{"npsn": {npsn}})
		m := ticketRe.FindStringSubmatch(res.Location)
		if m == nil {
			t.Fatalf("register: %d", res.Status)
		}
		return "/tiket/" + m[1]
	}
	ticket, wticket := reg(owner, "10600001"), reg(waiter, "10600002")
	if body := a.Anonymous().Get(fmt.Sprintf("/klinik/%d", c.ID)).Body; strings.Contains(body, "rahasia") {
		t.Error("the meeting link on the public page")
	}
	body := owner.Get(ticket).Body
	mustContain(t, "registered ticket", body, "rahasia", `src="data:image/png;base64,`)
	body = waiter.Get(wticket).Body
	mustContain(t, "waiting ticket", body, "Anda di daftar tunggu, nomor 1", "bukan tiket masuk")
	if strings.Contains(body, "data:image/png") || strings.Contains(body, "rahasia") {
		t.Error("a waiting-list ticket shows a QR or the meeting link")
	}

	// Someone who saw the QR (anonymous, or another teacher).
	stranger := a.Anonymous()
	mustContain(t, "stranger's view", stranger.Get(ticket).Body, "Kirim tautan ke surel pendaftaran")
	if res := stranger.PostForm(ticket+"/batal", url.Values{"confirm": {"yes"}}); res.Status != http.StatusForbidden {
		t.Errorf("stranger cancels: %d", res.Status)
	}
	if res := waiter.PostForm(ticket+"/batal", url.Values{"confirm": {"yes"}}); res.Status != http.StatusForbidden {
		t.Errorf("another teacher cancels: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_registrations WHERE status = 'cancelled'`); n != 0 {
		t.Fatal("cancelled by someone who only saw the QR")
	}
	// The stranger asks for a link: it goes to the owner's address only, once per 5 minutes.
	if res := stranger.PostForm(ticket+"/tautan", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("ask for a link: %d", res.Status)
	}
	stranger.PostForm(ticket+"/tautan", nil)
	if n := tc.count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Tautan pengelolaan%'`); n != 1 {
		t.Errorf("link emails %d, want 1", n)
	}
	if n := tc.count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Tautan pengelolaan%' AND to_addr = 'pemilik@x.test'`); n != 1 {
		t.Error("the link did not go to the registration's address")
	}
	var mailBody string
	_ = a.DB.QueryRow(context.Background(), `SELECT body_text FROM mail_outbox WHERE subject LIKE 'Tautan pengelolaan%'`).Scan(&mailBody)
	m := ticketRe.FindStringSubmatch(strings.ReplaceAll(mailBody, "t2.", "t1.")) // the pattern matches t1 only
	if m == nil {
		t.Fatalf("no link in the mail: %s", mailBody)
	}
	link := "/tiket/t2." + strings.TrimPrefix(m[1], "t1.")
	// Whoever reads that mailbox may cancel without signing in.
	if res := a.Anonymous().PostForm(link+"/batal", nil); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("emailed link, unconfirmed: %d", res.Status)
	}
	// The owner signed in may too; the link expires after 48 hours.
	a.SetNow(a.Now().Add(clinic.LinkLifetime + time.Minute))
	if res := a.Anonymous().PostForm(link+"/batal", url.Values{"confirm": {"yes"}}); res.Status != http.StatusGone {
		t.Errorf("expired emailed link: %d", res.Status)
	}
	a.SetNow(a.Now().Add(-clinic.LinkLifetime - time.Minute))
	if res := owner.PostForm(wticket+"/batal", url.Values{"confirm": {"yes"}}); res.Status != http.StatusForbidden {
		t.Errorf("the owner of one ticket cancels another: %d", res.Status)
	}
	// After the event (plus a day) the QR's link is spent for strangers; the owner still sees it.
	a.SetNow(c.EndsAt.Add(clinic.TicketGrace + time.Hour))
	if res := stranger.Get(ticket); res.Status != http.StatusGone || !strings.Contains(res.Body, "sudah kedaluwarsa") {
		t.Errorf("expired ticket link: %d", res.Status)
	}
	if res := owner.Get(ticket); res.Status != http.StatusOK {
		t.Errorf("owner after the event: %d", res.Status)
	}
	a.SetNow(c.EndsAt.Add(-time.Hour))
	if res := owner.PostForm(ticket+"/batal", url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Errorf("owner cancels: %d", res.Status)
	}
}

// TestClinicCertificateTools: the organiser lists the certificates of a finished event, downloads
// one, all as one PDF and as a ZIP, and revokes one with a reason (confirmed, audited); the public
// verification then says it was revoked. The certificate needs the organiser's minimum attendance.
func TestClinicCertificateTools(t *testing.T) {
	a := apptest.Start(t)
	tc := &clinicCase{t, a}
	ctx := context.Background()
	st := clinicStore(a)
	c := okuEvent(t, a, 10, true)
	// A second session and a minimum of two.
	if _, err := a.DB.Exec(ctx, `INSERT INTO clinic_sessions (clinic_id, title, starts_at, ends_at) VALUES ($1, 'Praktik', $2, $3)`,
		c.ID, c.EndsAt.Add(21*time.Hour), c.EndsAt.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE clinics SET min_sessions = 2 WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	c, _ = st.ForStaff(ctx, clinic.Scope{National: true}, c.ID)
	var regs []clinic.Registration
	for i := range 3 {
		r, err := st.Register(ctx, c.ID, clinic.Registrant{Name: fmt.Sprintf("Peserta %d", i), Email: fmt.Sprintf("p%d@x.test", i), NPSN: fmt.Sprintf("106%05d", 10+i)}, a.Now())
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	for i, se := range c.Sessions {
		for j, r := range regs {
			if i == 1 && j == 2 {
				continue // Peserta 2 attends one session of two: no certificate
			}
			if _, err := st.CheckIn(ctx, c.ID, se.ID, r.Code, "code", 0, se.StartsAt); err != nil {
				t.Fatal(err)
			}
		}
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("dinas.serang@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	staff, serang := a.SignIn("dinas.oku@x.test"), a.SignIn("dinas.serang@x.test")
	base := fmt.Sprintf("/staf/klinik/%d/sertifikat", c.ID)
	mustContain(t, "before the end", staff.Get(base).Body, "Sertifikat tersedia setelah sesi terakhir selesai")
	a.SetNow(c.EndsAt.Add(25 * time.Hour))
	body := staff.Get(base).Body
	mustContain(t, "list", body, "Peserta 0", "Peserta 1", clinic.FormatCode(regs[0].CertCode), "minimal 2 dari 2 sesi")
	if strings.Contains(body, "Peserta 2") {
		t.Error("a participant below the minimum attendance is listed")
	}
	if res := serang.Get(base); res.Status != http.StatusNotFound {
		t.Errorf("another region's organiser: %d", res.Status)
	}
	one := fmt.Sprintf("%s/%d/unduh", base, regs[0].ID)
	if res := staff.Get(one); res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF") || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("one certificate: %d %q", res.Status, res.Header.Get("Cache-Control"))
	}
	if res := staff.Get(fmt.Sprintf("%s/%d/unduh", base, regs[2].ID)); res.Status != http.StatusNotFound {
		t.Errorf("certificate below the minimum: %d", res.Status)
	}
	if res := staff.Get(base + ".pdf"); res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF") || strings.Count(res.Body, "/Type /Page\n") < 0 {
		t.Errorf("all as PDF: %d", res.Status)
	}
	res := staff.Get(base + ".zip")
	zr, err := zip.NewReader(strings.NewReader(res.Body), int64(len(res.Body)))
	if err != nil || len(zr.File) != 2 || !strings.Contains(zr.File[0].Name, "Peserta-0") {
		t.Fatalf("all as ZIP: %v", err)
	}
	// Revoke: no reason, not confirmed → 422 with the typed text kept; nothing revoked.
	revoke := fmt.Sprintf("%s/%d/cabut", base, regs[1].ID)
	mustContain(t, "revoke page", staff.Get(revoke).Body, "Alasan pencabutan", `name="confirm"`)
	res = staff.PostForm(revoke, url.Values{"reason": {"  "}, "confirm": {"yes"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Tuliskan alasan pencabutan") {
		t.Errorf("revoke without reason: %d", res.Status)
	}
	res = staff.PostForm(revoke, url.Values{"reason": {"Nama peserta keliru"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Centang pernyataan") || !strings.Contains(res.Body, "Nama peserta keliru") {
		t.Errorf("revoke unconfirmed: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_registrations WHERE cert_revoked_at IS NOT NULL`); n != 0 {
		t.Fatal("revoked without confirmation")
	}
	if res := staff.PostForm(revoke, url.Values{"reason": {"Nama peserta keliru"}, "confirm": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", res.Status)
	}
	if res := staff.PostForm(revoke, url.Values{"reason": {"Lagi"}, "confirm": {"yes"}}); res.Status != 422 || !strings.Contains(res.Body, "sudah dicabut") {
		t.Errorf("revoke twice: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM audit_log WHERE action = 'clinic.certificate_revoke' AND detail->>'reason' = 'Nama peserta keliru'`); n != 1 {
		t.Errorf("revocation audit entries %d", n)
	}
	res = a.Anonymous().Get("/sertifikat?kode=" + clinic.FormatCode(regs[1].CertCode))
	mustContain(t, "verification of the revoked", res.Body, "DICABUT", "Nama peserta keliru")
	if strings.Contains(res.Body, "Sertifikat sah") {
		t.Error("a revoked certificate verifies as valid")
	}
	mustContain(t, "verification of a valid one", a.Anonymous().Get("/sertifikat?kode="+clinic.FormatCode(regs[0].CertCode)).Body, "Sertifikat sah", "Hadir 2 dari 2 sesi")
	if res := a.Anonymous().Get("/sertifikat?kode=" + clinic.FormatCode(regs[2].CertCode)); res.Status != http.StatusNotFound {
		t.Errorf("below the minimum verifies: %d", res.Status)
	}
	if res := staff.Get(fmt.Sprintf("%s/%d/unduh", base, regs[1].ID)); res.Status != http.StatusGone {
		t.Errorf("download a revoked certificate: %d", res.Status)
	}
	res = staff.Get(base + ".zip")
	if zr, err := zip.NewReader(strings.NewReader(res.Body), int64(len(res.Body))); err != nil || len(zr.File) != 1 {
		t.Errorf("ZIP after revocation: %v", err)
	}
	if n := tc.count(`SELECT count(*) FROM audit_log WHERE action = 'clinic.certificates_export'`); n < 3 {
		t.Errorf("certificate downloads audited %d", n)
	}
}

// TestClinicStaffCancelParticipantConfirmed: a Dinas officer cancelling a participant sees a
// confirmation page first (the list offers a link, not a one-tap button); an unticked POST changes
// nothing; after cancelling, the participant stays in the list with the status "Batal".
func TestClinicStaffCancelParticipantConfirmed(t *testing.T) {
	a := apptest.Start(t)
	tc := &clinicCase{t, a}
	c := okuEvent(t, a, 10, true)
	r, err := clinicStore(a).Register(context.Background(), c.ID, clinic.Registrant{Name: "Budi Santoso", Email: "budi@x.test", NPSN: "10600001"}, a.Now())
	if err != nil {
		t.Fatal(err)
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")
	manage := fmt.Sprintf("/staf/klinik/%d", c.ID)
	path := fmt.Sprintf("%s/peserta/%d/batal", manage, r.ID)
	body := staff.Get(manage).Body
	if !strings.Contains(body, `href="`+path+`"`) || strings.Contains(body, `action="`+path+`"`) {
		t.Error("the participant list cancels in one tap")
	}
	mustContain(t, "confirm page", staff.Get(path).Body, "Saya yakin membatalkan pendaftaran Budi Santoso", `name="confirm"`)
	if res := staff.PostForm(path, nil); res.Status != 422 || !strings.Contains(res.Body, "Centang pernyataan") {
		t.Errorf("unconfirmed: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_registrations WHERE status = 'cancelled'`); n != 0 {
		t.Fatal("cancelled without confirmation")
	}
	if res := staff.PostForm(path, url.Values{"confirm": {"yes"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.Status)
	}
	body = staff.Get(manage).Body
	mustContain(t, "list after cancelling", body, "Budi Santoso", ">Batal<")
	if n := tc.count(`SELECT count(*) FROM audit_log WHERE action = 'clinic.registration_cancel'`); n != 1 {
		t.Errorf("audit entries %d", n)
	}
	if n := tc.count(`SELECT count(*) FROM mail_outbox WHERE to_addr = 'budi@x.test' AND subject LIKE 'Pendaftaran dibatalkan%'`); n != 1 {
		t.Errorf("participant mails %d", n)
	}
}

// confirmYes is the ticked confirmation of an irreversible action (components.ConfirmBox).
var confirmYes = url.Values{"confirm": {"yes"}}
