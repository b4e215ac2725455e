package clinic

import (
	"bytes"
	"os"
	"path/filepath"
	"penggerak/internal/pdfdoc/pdfdoctest"
	"strings"
	"testing"
	"time"
)

func integrityEvent() Clinic {
	start := time.Date(2024, 4, 26, 1, 0, 0, 0, time.UTC) // 08.00 WIB
	return Clinic{ID: 7, Kind: KindCoachingClinic, Title: "Coaching Clinic CGP Angkatan 10 OKU", Organiser: "Dinas Pendidikan Kabupaten OKU",
		ProvinceCode: "16", RegencyCode: "16.01", RegionName: "Kabupaten Ogan Komering Ulu", Timezone: "WIB", Status: StatusPublished,
		Jenjang: []string{"SD", "SMP"}, CheckinBefore: 60, CheckinAfter: 30, MinSessions: 2, SignatoryName: "Drs. H. Topan", SignatoryTitle: "Kepala Dinas",
		StartsAt: start, EndsAt: start.Add(27 * time.Hour),
		Sessions: []Session{{ID: 1, StartsAt: start, EndsAt: start.Add(3 * time.Hour)}, {ID: 2, StartsAt: start.Add(24 * time.Hour), EndsAt: start.Add(27 * time.Hour)},
			{ID: 3, StartsAt: start.Add(25 * time.Hour), EndsAt: start.Add(27 * time.Hour)}}}
}

// TestCheckInWindow: check-in only from the event's minutes before a session to its minutes after
// (8 days early was accepted before).
func TestCheckInWindow(t *testing.T) {
	c := integrityEvent()
	se := c.Sessions[0]
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{se.StartsAt.Add(-8 * 24 * time.Hour), false},
		{se.StartsAt.Add(-61 * time.Minute), false},
		{se.StartsAt.Add(-60 * time.Minute), true},
		{se.StartsAt.Add(time.Hour), true},
		{se.EndsAt.Add(30 * time.Minute), true},
		{se.EndsAt.Add(31 * time.Minute), false},
	} {
		if got := c.CheckInOpen(se, tc.at); got != tc.want {
			t.Errorf("check-in at %v: %v, want %v", tc.at.Sub(se.StartsAt), got, tc.want)
		}
	}
}

// TestCertificateDue: only after the event, only with the organiser's minimum attendance, never
// when revoked, for a cancelled event or a waiting registrant.
func TestCertificateDue(t *testing.T) {
	c := integrityEvent()
	after, during := c.EndsAt.Add(time.Minute), c.StartsAt.Add(time.Hour)
	now := time.Now()
	r := Registration{Status: RegistrationRegistered, Attended: 2}
	if c.CertificateDue(r, during) {
		t.Error("certificate during the event")
	}
	if !c.CertificateDue(r, after) {
		t.Error("no certificate after the event with 2 of 3 sessions (minimum 2)")
	}
	if c.CertificateDue(Registration{Status: RegistrationRegistered, Attended: 1}, after) {
		t.Error("certificate below the minimum attendance")
	}
	if c.CertificateDue(Registration{Status: RegistrationWaiting, Attended: 2}, after) {
		t.Error("certificate for a waiting registrant")
	}
	if c.CertificateDue(Registration{Status: RegistrationRegistered, Attended: 2, RevokedAt: &now}, after) {
		t.Error("revoked certificate still due")
	}
	cc := c
	cc.Status = StatusCancelled
	if cc.CertificateDue(r, after) {
		t.Error("certificate of a cancelled event")
	}
	cc = c
	cc.MinSessions = 9 // more than the sessions: capped at all of them
	if cc.RequiredSessions() != 3 || cc.CertificateDue(r, after) {
		t.Errorf("required %d", cc.RequiredSessions())
	}
}

// TestEligible: the event's jenjang and region rules.
func TestEligible(t *testing.T) {
	c := integrityEvent()
	if err := c.Eligible(SchoolRef{Jenjang: "SD", RegencyCode: "16.01", ProvinceCode: "16"}); err != nil {
		t.Errorf("OKU SD: %v", err)
	}
	if err := c.Eligible(SchoolRef{Jenjang: "SMA", RegencyCode: "16.01", ProvinceCode: "16"}); err != ErrJenjang {
		t.Errorf("SMA at an SD/SMP event: %v", err)
	}
	if err := c.Eligible(SchoolRef{Jenjang: "SD", RegencyCode: "62.01", ProvinceCode: "62"}); err != ErrRegion {
		t.Errorf("Kalimantan Tengah school at an OKU event: %v", err)
	}
	prov := c
	prov.RegencyCode = ""
	if err := prov.Eligible(SchoolRef{Jenjang: "SD", RegencyCode: "16.02", ProvinceCode: "16"}); err != nil {
		t.Errorf("another kab/kota of the province at a province-level event: %v", err)
	}
	if err := prov.Eligible(SchoolRef{Jenjang: "SD", RegencyCode: "62.01", ProvinceCode: "62"}); err != ErrRegion {
		t.Errorf("another province: %v", err)
	}
}

// TestLinkTokens: an emailed link is valid until its time, cannot be altered, and a ticket token
// is never "fresh".
func TestLinkTokens(t *testing.T) {
	s := NewSigner("secret")
	now := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	link := s.Link(3, 9, now.Add(LinkLifetime))
	if c, r, fresh, err := s.VerifyAny(link, now); err != nil || !fresh || c != 3 || r != 9 {
		t.Fatalf("link: %d %d %v %v", c, r, fresh, err)
	}
	if _, _, _, err := s.VerifyAny(link, now.Add(LinkLifetime+time.Second)); err != ErrExpiredLink {
		t.Errorf("expired link: %v", err)
	}
	parts := strings.Split(link, ".")
	parts[3] = "9999999999" // a later expiry
	if _, _, _, err := s.VerifyAny(strings.Join(parts, "."), now); err != ErrBadToken {
		t.Errorf("altered expiry: %v", err)
	}
	if _, _, fresh, err := s.VerifyAny(s.Ticket(3, 9), now); err != nil || fresh {
		t.Errorf("ticket token: fresh %v, %v", fresh, err)
	}
	c := integrityEvent()
	if !c.TicketValid(c.EndsAt.Add(TicketGrace)) || c.TicketValid(c.EndsAt.Add(TicketGrace+time.Second)) {
		t.Error("ticket link validity around the event's end")
	}
}

// TestEventNameNotDoubled: "Undangan Coaching Clinic Coaching Clinic …" no more.
func TestEventNameNotDoubled(t *testing.T) {
	c := integrityEvent()
	if got := EventName(c); got != "Coaching Clinic CGP Angkatan 10 OKU" {
		t.Errorf("EventName %q", got)
	}
	c.Title = "Rekrutmen CGP Angkatan 10"
	if got := EventName(c); got != "Coaching Clinic Rekrutmen CGP Angkatan 10" {
		t.Errorf("EventName %q", got)
	}
	if got := EventPhrase(c); got != `Coaching Clinic "Rekrutmen CGP Angkatan 10"` {
		t.Errorf("EventPhrase %q", got)
	}
}

// TestDocumentsReadCorrectly renders the letter, the tickets and the certificate: the event kind
// is not doubled, a waiting-list ticket says so and carries no check-in code, the meeting link is
// on a registered participant's ticket only, and the certificate spans the page (its
// signature block sits in the lower half). PENGGERAK_PDF_DIR keeps the files to look at.
func TestDocumentsReadCorrectly(t *testing.T) {
	s := NewStore(nil, NewSigner("k"), "https://penggerak.test")
	c := integrityEvent()
	c.Mode, c.MeetingLink = ModeOnline, "https://zoom.example/j/rahasia"
	letters, err := s.LettersPDF(c, []Invitation{{NPSN: "10600001", SchoolName: "SD Negeri 1 Baturaja"}}, c.StartsAt.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	lt := pdfdoctest.Layout(t, letters)
	if strings.Contains(lt, "Coaching Clinic Coaching Clinic") || !strings.Contains(lt, "Undangan Coaching Clinic CGP Angkatan 10 OKU") {
		t.Errorf("letter:\n%s", lt)
	}
	if strings.Contains(lt, "rahasia") {
		t.Error("meeting link in the letter to schools")
	}
	reg := Registration{ID: 1, ClinicID: c.ID, Name: "Siti Aminah", SchoolName: "SD Negeri 1 Baturaja", NPSN: "10600001", Jenjang: "SD",
		Status: RegistrationRegistered, Code: "K7Q4M2XP", CertCode: "ABCDEFGHJKLM", Attended: 2}
	ticket, err := s.TicketPDF(c, reg)
	if err != nil {
		t.Fatal(err)
	}
	tt := pdfdoctest.Layout(t, ticket)
	if !strings.Contains(tt, "K7Q4-M2XP") || !strings.Contains(tt, "rahasia") || strings.Contains(tt, "Coaching Clinic Coaching Clinic") {
		t.Errorf("registered ticket:\n%s", tt)
	}
	wait := reg
	wait.Status, wait.Position = RegistrationWaiting, 3
	wticket, err := s.TicketPDF(c, wait)
	if err != nil {
		t.Fatal(err)
	}
	wt := pdfdoctest.Layout(t, wticket)
	if !strings.Contains(wt, "DAFTAR TUNGGU nomor 3") || !strings.Contains(wt, "bukan tiket masuk") || strings.Contains(wt, "K7Q4") || strings.Contains(wt, "rahasia") {
		t.Errorf("waiting ticket:\n%s", wt)
	}
	if bytes.Count(wticket, []byte("/Subtype /Image")) != 0 {
		t.Error("waiting ticket carries an image (the QR)")
	}
	cert, err := s.CertificatePDF(c, reg)
	if err != nil {
		t.Fatal(err)
	}
	ct := pdfdoctest.Layout(t, cert)
	if strings.Contains(ct, "Coaching Clinic Coaching Clinic") || !strings.Contains(ct, "Siti Aminah") {
		t.Errorf("certificate:\n%s", ct)
	}
	// The certificate fills the page: the signatory's name is printed in the lowest quarter.
	lines := strings.Split(strings.TrimRight(strings.Split(ct, "\f")[0], "\n"), "\n")
	at := -1
	for i, l := range lines {
		if strings.Contains(l, "Drs. H. Topan") {
			at = i
		}
	}
	if at < 0 || float64(at) < 0.75*float64(len(lines)) || strings.Count(ct, "\f") > 1 {
		t.Errorf("signatory on line %d of %d, pages %d:\n%s", at, len(lines), strings.Count(ct, "\f"), ct)
	}
	if dir := os.Getenv("PENGGERAK_PDF_DIR"); dir != "" {
		for name, b := range map[string][]byte{"letter.pdf": letters, "ticket.pdf": ticket, "ticket-waiting.pdf": wticket, "certificate.pdf": cert} {
			_ = os.WriteFile(filepath.Join(dir, name), b, 0o600)
		}
	}
}
