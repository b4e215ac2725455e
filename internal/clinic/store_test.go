package clinic_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/export"
	"penggerak/internal/testdb"
)

var ctx = context.Background()

func newStore(t *testing.T) (*clinic.Store, func(string, ...any) int) {
	db, _ := testdb.New(t)
	// Registrations name schools of the schools table: SD schools 10600000-10600299 in OKU.
	applicationtest.Schools(t, db, applicationtest.NumberedSchools(10600000, 300, "16.01", func(i int) string { return fmt.Sprintf("SD Negeri %d OKU", i) })...)
	st := clinic.NewStore(db, clinic.NewSigner("test-secret-0123456789abcdefghijklmnopq"), "https://penggerak.test").WithCatalogue(clinic.CatalogueForTest())
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	return st, count
}

var national = clinic.Scope{National: true}

// event creates and publishes an event in OKU with two sessions, registration open around now.
func event(t *testing.T, st *clinic.Store, capacity, slots int) clinic.Clinic {
	t.Helper()
	now := time.Now()
	start := now.Add(48 * time.Hour)
	in := clinic.Input{Kind: clinic.KindCoachingClinic, Title: "Coaching Clinic OKU", Organiser: "Dinas Pendidikan OKU",
		Partner: "BGP Sumatera Selatan", ProvinceCode: "16", RegencyCode: "16.01", Mode: clinic.ModeOffline, Venue: "SMPN 1 OKU",
		Capacity: capacity, SchoolSlots: slots, Jenjang: []string{"SD", "SMP"}, Opens: now.Add(-time.Hour), Closes: now.Add(24 * time.Hour),
		LetterNumber: "421/77/Disdik/2024", SignatoryName: "Drs. H. Topan Indra Fauzi", SignatoryTitle: "Kepala Dinas Pendidikan",
		Sessions: []clinic.Session{{Title: "Pembukaan", StartsAt: start, EndsAt: start.Add(3 * time.Hour)},
			{Title: "Praktik", StartsAt: start.Add(24 * time.Hour), EndsAt: start.Add(27 * time.Hour)}}}
	id, err := st.Create(ctx, audit.Actor{IP: "test"}, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Publish(ctx, audit.Actor{IP: "test"}, national, id); err != nil {
		t.Fatal(err)
	}
	c, err := st.ForStaff(ctx, national, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func teacher(i int, npsn string) clinic.Registrant {
	if npsn == "" {
		npsn = fmt.Sprintf("106%05d", i)
	}
	return clinic.Registrant{Name: fmt.Sprintf("Guru %03d", i), Email: fmt.Sprintf("guru%03d@sekolah.test", i), NPSN: npsn}
}

// TestConcurrentRegistration: 200 registrations at the same moment for 100 seats end with
// exactly 100 registered and 100 waiting, waiting positions 1..100, nothing lost.
func TestConcurrentRegistration(t *testing.T) {
	st, count := newStore(t)
	c := event(t, st, 100, 0)
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := st.Register(ctx, c.ID, teacher(i, fmt.Sprintf("106%05d", i)), time.Now())
			if err != nil {
				errs <- err
			}
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("register: %v", err)
	}
	t.Logf("200 concurrent registrations in %v", time.Since(began))
	if n := count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND status = 'registered'`, c.ID); n != 100 {
		t.Errorf("registered %d, want 100", n)
	}
	if n := count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND status = 'waiting'`, c.ID); n != 100 {
		t.Errorf("waiting %d, want 100", n)
	}
	regs, err := st.Registrations(ctx, c.ID, "", false)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, r := range regs {
		if r.Status == clinic.RegistrationWaiting {
			if r.Position < 1 || r.Position > 100 || seen[r.Position] {
				t.Errorf("bad waiting position %d", r.Position)
			}
			seen[r.Position] = true
		}
	}
	if len(seen) != 100 {
		t.Errorf("%d distinct waiting positions, want 100", len(seen))
	}
	if n := count(`SELECT count(*) FROM mail_outbox`); n != 200 {
		t.Errorf("%d confirmation mails, want 200", n)
	}
}

func TestWaitlistPromotionOnCancel(t *testing.T) {
	st, count := newStore(t)
	c := event(t, st, 2, 0)
	var regs []clinic.Registration
	for i := range 4 {
		r, err := st.Register(ctx, c.ID, teacher(i, ""), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	if regs[2].Status != clinic.RegistrationWaiting || regs[2].Position != 1 || regs[3].Position != 2 {
		t.Fatalf("waiting: %+v %+v", regs[2], regs[3])
	}
	// Duplicate refused.
	if _, err := st.Register(ctx, c.ID, teacher(0, ""), time.Now()); !errors.Is(err, clinic.ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	promoted, err := st.CancelRegistration(ctx, regs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(promoted) != 1 || promoted[0].ID != regs[2].ID {
		t.Fatalf("promoted %+v", promoted)
	}
	r3, _ := st.Registration(ctx, regs[3].ID)
	if r3.Status != clinic.RegistrationWaiting || r3.Position != 1 {
		t.Errorf("last one now %s #%d, want waiting #1", r3.Status, r3.Position)
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE to_addr = $1 AND subject LIKE 'Anda mendapat kursi%' AND body_text LIKE '%/tiket/t1.%'`, regs[2].Email); n != 1 {
		t.Errorf("promotion mails to the promoted: %d", n)
	}
	// Cancelling twice is harmless and promotes nobody else.
	if p, err := st.CancelRegistration(ctx, regs[0].ID); err != nil || len(p) != 0 {
		t.Errorf("second cancel: %v %v", p, err)
	}
	if n := count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND status = 'registered'`, c.ID); n != 2 {
		t.Errorf("registered %d", n)
	}
}

func TestSchoolSlots(t *testing.T) {
	st, count := newStore(t)
	c := event(t, st, 10, 2)
	for i := range 2 {
		if _, err := st.Register(ctx, c.ID, teacher(i, "10600001"), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Register(ctx, c.ID, teacher(2, "10600001"), time.Now()); !errors.Is(err, clinic.ErrSchoolFull) {
		t.Fatalf("third from the same school: %v", err)
	}
	if _, err := st.Register(ctx, c.ID, teacher(3, "10600002"), time.Now()); err != nil {
		t.Fatalf("other school: %v", err)
	}
	if n := count(`SELECT count(*) FROM clinic_registrations WHERE npsn = '10600001'`); n != 2 {
		t.Errorf("%d rows for the school, want 2", n)
	}
	// Concurrently: 20 teachers of one school for 2 slots on a fresh event.
	c2 := event(t, st, 100, 2)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = st.Register(ctx, c2.ID, teacher(100+i, "10600009"), time.Now())
		}()
	}
	wg.Wait()
	if n := count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1`, c2.ID); n != 2 {
		t.Errorf("concurrent school slots: %d rows, want 2", n)
	}
	// The database refuses an over-capacity row even outside the store.
	_, err := st.Register(ctx, c.ID, teacher(50, ""), time.Now().Add(48*time.Hour))
	if !errors.Is(err, clinic.ErrClosed) {
		t.Errorf("after the window: %v", err)
	}
}

func TestCheckInExportsCertificate(t *testing.T) {
	st, count := newStore(t)
	c := event(t, st, 1, 0)
	other := event(t, st, 5, 0)
	a, _ := st.Register(ctx, c.ID, clinic.Registrant{Name: "=HYPERLINK(\"x\")", Email: "a@x.test", NPSN: "10600001"}, time.Now())
	w, _ := st.Register(ctx, c.ID, teacher(2, ""), time.Now())
	o, _ := st.Register(ctx, other.ID, teacher(3, ""), time.Now())
	se := c.Sessions[0].ID
	sig := st.Signer()
	at := c.Sessions[0].StartsAt // check-in is open during the session

	res, err := st.CheckIn(ctx, c.ID, se, sig.Ticket(c.ID, a.ID), "scan", 0, at)
	if err != nil || res.Already {
		t.Fatalf("first scan: %+v %v", res, err)
	}
	res, err = st.CheckIn(ctx, c.ID, se, clinic.FormatCode(a.Code), "code", 0, at)
	if err != nil || !res.Already {
		t.Fatalf("second check-in by code: %+v %v", res, err)
	}
	if n := count(`SELECT count(*) FROM clinic_attendance`); n != 1 {
		t.Errorf("attendance rows %d, want 1 (idempotent)", n)
	}
	if _, err := st.CheckIn(ctx, c.ID, se, sig.Ticket(other.ID, o.ID), "scan", 0, at); !errors.Is(err, clinic.ErrOtherEvent) {
		t.Errorf("other event's token: %v", err)
	}
	if _, err := st.CheckIn(ctx, c.ID, se, o.Code, "code", 0, at); !errors.Is(err, clinic.ErrOtherEvent) {
		t.Errorf("other event's code: %v", err)
	}
	forged := strings.Replace(sig.Ticket(c.ID, a.ID), fmt.Sprintf(".%d.", a.ID), fmt.Sprintf(".%d.", w.ID), 1)
	if _, err := st.CheckIn(ctx, c.ID, se, forged, "scan", 0, at); !errors.Is(err, clinic.ErrBadToken) {
		t.Errorf("forged token: %v", err)
	}
	if _, err := st.CheckIn(ctx, c.ID, se, sig.Ticket(c.ID, w.ID), "scan", 0, at); !errors.Is(err, clinic.ErrNotRegistered) {
		t.Errorf("waiting registrant: %v", err)
	}
	if _, err := st.CheckIn(ctx, c.ID, se, "ZZZZ-ZZZZ", "code", 0, at); !errors.Is(err, clinic.ErrUnknownCode) {
		t.Errorf("unknown code: %v", err)
	}
	if n, err := st.CheckInList(ctx, c.ID, c.Sessions[1].ID, []int64{a.ID, w.ID, o.ID}, 0, c.Sessions[1].StartsAt); err != nil || n != 1 {
		t.Errorf("tick list: %d %v (only the seated registrant of this event counts)", n, err)
	}

	c, _ = st.ForStaff(ctx, national, c.ID)
	if c.Sessions[0].Present != 1 || c.Registered != 1 || c.Waiting != 1 {
		t.Errorf("counts: %+v", c)
	}
	stream := func(buf *bytes.Buffer, f export.Format) {
		t.Helper()
		xw, err := export.New(f, buf, "Presensi")
		if err != nil {
			t.Fatal(err)
		}
		n, err := st.StreamAttendance(ctx, c, xw)
		if err == nil {
			err = xw.Close()
		}
		if err != nil || n != 2 {
			t.Fatalf("attendance rows %d %v", n, err)
		}
	}
	var xb bytes.Buffer
	stream(&xb, export.XLSX)
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := f.GetRows("Presensi")
	if len(all) != 3 || all[0][3] != "NPSN" || all[1][1] != "'=HYPERLINK(\"x\")" || all[1][3] != "10600001" || all[1][6] != "Hadir" || all[2][5] != "Daftar tunggu" {
		t.Errorf("xlsx rows %q", all)
	}
	var cb bytes.Buffer
	stream(&cb, export.CSV)
	if !bytes.HasPrefix(cb.Bytes(), []byte("\xEF\xBB\xBF")) || !strings.Contains(cb.String(), `"'=HYPERLINK(""x"")"`) {
		t.Errorf("csv:\n%s", cb.String())
	}

	// Certificates: only for those present.
	a, _ = st.Registration(ctx, a.ID)
	if _, err := st.CertificateByCode(ctx, clinic.FormatCode(a.CertCode), c.EndsAt.Add(-time.Minute)); err == nil {
		t.Error("a certificate before the event is over")
	}
	cert, err := st.CertificateByCode(ctx, clinic.FormatCode(a.CertCode), c.EndsAt.Add(time.Minute))
	if err != nil || cert.Registration.ID != a.ID {
		t.Fatalf("certificate: %v", err)
	}
	if _, err := st.CertificateByCode(ctx, w.CertCode, c.EndsAt.Add(time.Minute)); err == nil {
		t.Error("a waiting registrant has no certificate")
	}
	for name, gen := range map[string]func() ([]byte, error){
		"ticket":      func() ([]byte, error) { return st.TicketPDF(c, a) },
		"certificate": func() ([]byte, error) { return st.CertificatePDF(c, a) },
		"letters": func() ([]byte, error) {
			return st.LettersPDF(c, []clinic.Invitation{{NPSN: "10600001", SchoolName: "SD Negeri 1 Baturaja", PrincipalName: "Hj. Hadisuyatni"}, {NPSN: "10600002", SchoolName: "SMP Negeri 1 OKU"}}, time.Now())
		},
	} {
		b, err := gen()
		if err != nil || len(b) < 1000 || !bytes.HasPrefix(b, []byte("%PDF")) {
			t.Errorf("%s PDF: %d bytes, %v", name, len(b), err)
		}
	}
	zb, err := st.LettersZIPBytes(c, []clinic.Invitation{{NPSN: "10600001", SchoolName: "SD Negeri 1"}, {NPSN: "10600002", SchoolName: "SD Negeri 2"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil || len(zr.File) != 2 || zr.File[0].Name != "surat-undangan-10600001.pdf" {
		t.Fatalf("zip: %v", err)
	}
	if y := zr.File[0].Modified.Year(); y != time.Now().Year() {
		t.Errorf("zip entry dated %d, want the issue date", y)
	}

	// Feedback summary.
	if err := st.SaveFeedback(ctx, a.ID, 4, "Sangat bermanfaat"); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveFeedback(ctx, a.ID, 5, "Sangat bermanfaat!"); err != nil {
		t.Fatal(err)
	}
	fs, err := st.Feedback(ctx, c.ID)
	if err != nil || fs.Count != 1 || fs.Average != 5 || fs.ByRating[4] != 1 {
		t.Errorf("feedback %+v %v", fs, err)
	}
}

func TestScopeInSQL(t *testing.T) {
	st, _ := newStore(t)
	c := event(t, st, 10, 0)
	serang := clinic.Scope{Regencies: []string{"36.73"}, Provinces: []string{}}
	if _, err := st.ForStaff(ctx, serang, c.ID); err == nil {
		t.Fatal("dinas Kota Serang sees an OKU event")
	}
	if list, _ := st.StaffList(ctx, serang); len(list) != 0 {
		t.Errorf("Kota Serang lists %d events", len(list))
	}
	if err := st.Cancel(ctx, audit.Actor{}, serang, c.ID, time.Now()); err == nil {
		t.Error("Kota Serang cancelled an OKU event")
	}
	sumsel := clinic.Scope{Provinces: []string{"16"}, Regencies: []string{}}
	if _, err := st.ForStaff(ctx, sumsel, c.ID); err != nil {
		t.Errorf("BGP Sumatera Selatan: %v", err)
	}
}
