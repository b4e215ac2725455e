package clinic

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"penggerak/internal/pdfdoc/pdfdoctest"
)

// TestLettersZIPInOrder: the letters built in parallel come out as one valid PDF per school, in
// the order of the invitations, each reading exactly as that school's letter on its own.
func TestLettersZIPInOrder(t *testing.T) {
	s := NewStore(nil, NewSigner("test-secret-0123456789abcdefghijklmnop"), "https://penggerak.test")
	start := time.Date(2024, 4, 26, 1, 0, 0, 0, time.UTC)
	c := Clinic{ID: 7, Kind: KindCoachingClinic, Title: "Coaching Clinic OKU", Organiser: "Dinas Pendidikan Kabupaten OKU",
		RegionName: "Kabupaten Ogan Komering Ulu", Timezone: "WIB", Mode: ModeOffline, Venue: "SMPN 1 OKU", Capacity: 40, SchoolSlots: 1,
		RegistrationOpens: start.Add(-240 * time.Hour), RegistrationCloses: start.Add(-24 * time.Hour),
		Sessions: []Session{{StartsAt: start, EndsAt: start.Add(3 * time.Hour)}}}
	invs := make([]Invitation, 13) // more than the window of 2 × workers
	for i := range invs {
		invs[i] = Invitation{NPSN: fmt.Sprintf("106%05d", i), SchoolName: fmt.Sprintf("SD Negeri %d Baturaja", i+1)}
	}
	invs[3].PrincipalName = "Hj. Hadisuyatni, S.Pd."
	zb, err := s.LettersZIPBytes(c, invs, start)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil || len(zr.File) != len(invs) {
		t.Fatalf("zip of %d entries, %v", len(zr.File), err)
	}
	for i, f := range zr.File {
		if want := "surat-undangan-" + invs[i].NPSN + ".pdf"; f.Name != want {
			t.Fatalf("entry %d is %s, want %s", i, f.Name, want)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := b.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		got := pdfdoctest.Text(t, b.Bytes())
		if !strings.Contains(got, "Yth. Kepala "+invs[i].SchoolName+" ") || !strings.Contains(got, "NPSN "+invs[i].NPSN) {
			t.Errorf("%s: %q", f.Name, got)
		}
		if info := pdfdoctest.Info(t, b.Bytes()); !onePage.MatchString(info) {
			t.Errorf("%s is not one page: %s", f.Name, info)
		}
		alone, err := s.LettersPDF(c, invs[i:i+1], start)
		if err != nil {
			t.Fatal(err)
		}
		if want := pdfdoctest.Text(t, alone); got != want {
			t.Errorf("%s reads\n%q\nalone\n%q", f.Name, got, want)
		}
	}
	if got := pdfdoctest.Text(t, mustEntry(t, zr, 3)); !strings.Contains(got, "Hj. Hadisuyatni, S.Pd.") {
		t.Errorf("principal missing: %q", got)
	}
}

var onePage = regexp.MustCompile(`(?m)^Pages:\s+1$`)

func mustEntry(t *testing.T, zr *zip.Reader, i int) []byte {
	t.Helper()
	rc, err := zr.File[i].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWriteZIPInOrderError: a document that fails stops the ZIP with its error, and the
// workers and the dispatcher do not hang on it.
func TestWriteZIPInOrderError(t *testing.T) {
	boom := errors.New("boom")
	var b bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- writeZIPInOrder(&b, 50, time.Now(), func(i int) string { return fmt.Sprint(i) }, func(i int) ([]byte, error) {
			if i == 5 {
				return nil, boom
			}
			return []byte{byte(i)}, nil
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, boom) {
			t.Fatalf("err %v, want boom", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("writeZIPInOrder hangs after an error")
	}
	// What was written before the error is not a ZIP that opens (no central directory): a
	// download cut there cannot pass for a complete one.
	if _, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len())); err == nil {
		t.Fatal("the ZIP written up to an error opens as a valid archive")
	}
	var empty bytes.Buffer
	if err := writeZIPInOrder(&empty, 0, time.Now(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if zr, err := zip.NewReader(bytes.NewReader(empty.Bytes()), int64(empty.Len())); err != nil || len(zr.File) != 0 {
		t.Fatalf("empty zip: %v", err)
	}
}

// TestCertificatesZIPInOrder: the certificates ZIP (the same parallel writer; normal, bold and
// italic fonts) has one readable one-page certificate per registrant, in order.
func TestCertificatesZIPInOrder(t *testing.T) {
	s := NewStore(nil, NewSigner("test-secret-0123456789abcdefghijklmnop"), "https://penggerak.test")
	start := time.Date(2024, 4, 26, 1, 0, 0, 0, time.UTC)
	c := Clinic{ID: 7, Kind: KindCoachingClinic, Title: "Coaching Clinic OKU", Organiser: "Dinas Pendidikan Kabupaten OKU",
		RegionName: "Kabupaten Ogan Komering Ulu", Timezone: "WIB", Mode: ModeOffline, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
		Sessions: []Session{{StartsAt: start, EndsAt: start.Add(3 * time.Hour)}}, SignatoryName: "Drs. H. Topan", SignatoryTitle: "Kepala Dinas"}
	regs := make([]Registration, 6)
	for i := range regs {
		regs[i] = Registration{Name: fmt.Sprintf("Siti Aminah %d", i+1), SchoolName: "SD Negeri 1 Baturaja", NPSN: "10600001",
			CertCode: fmt.Sprintf("ABCD%04d", i), Attended: 1}
	}
	var out bytes.Buffer
	if err := s.CertificatesZIP(&out, c, regs, start); err != nil {
		t.Fatal(err)
	}
	zb := out.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(zb), int64(len(zb)))
	if err != nil || len(zr.File) != len(regs) {
		t.Fatalf("zip of %d entries, %v", len(zr.File), err)
	}
	for i, f := range zr.File {
		if want := "sertifikat-" + FormatCode(regs[i].CertCode) + "-" + fileSafe(regs[i].Name) + ".pdf"; f.Name != want {
			t.Fatalf("entry %d is %s, want %s", i, f.Name, want)
		}
		b := mustEntry(t, zr, i)
		got := pdfdoctest.Text(t, b)
		if !strings.Contains(got, "diberikan kepada "+regs[i].Name+" ") || !strings.Contains(got, FormatCode(regs[i].CertCode)) {
			t.Errorf("%s: %q", f.Name, got)
		}
		if info := pdfdoctest.Info(t, b); !onePage.MatchString(info) {
			t.Errorf("%s is not one page: %s", f.Name, info)
		}
	}
}
