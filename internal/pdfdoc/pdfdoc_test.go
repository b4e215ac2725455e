package pdfdoc

import (
	"bytes"
	"testing"
	"time"
)

func TestTanggalAndFileSafe(t *testing.T) {
	if got := Tanggal(time.Date(2024, 4, 26, 0, 0, 0, 0, time.UTC)); got != "26 April 2024" {
		t.Errorf("Tanggal = %q", got)
	}
	for in, want := range map[string]string{"Siti Aminah, S.Pd.": "Siti-Aminah-SPd", "SGP-11-16.01-0042": "SGP-11-1601-0042", " -Ñoño_ ": "oo"} {
		if got := FileSafe(in); got != want {
			t.Errorf("FileSafe(%q) = %q, want %q", in, got, want)
		}
	}
	if Dash("  ") != "-" || Dash("x") != "x" {
		t.Error("Dash")
	}
}

// TestAddCertificate: one landscape page whatever the gap asked for.
func TestAddCertificate(t *testing.T) {
	m, err := New(true)
	if err != nil {
		t.Fatal(err)
	}
	if err := AddCertificate(m, Certificate{Title: "SERTIFIKAT", Recipient: "Nama", Body: "Isi", Gap: 500, VerifyURL: "https://x.test/v"}); err != nil {
		t.Fatal(err)
	}
	doc, err := m.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(doc.GetBytes(), []byte("/Type /Page\n")); n != 1 {
		t.Fatalf("%d pages", n)
	}
}
