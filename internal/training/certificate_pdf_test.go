package training_test

import (
	"strings"
	"testing"
	"time"

	"penggerak/internal/pdfdoc/pdfdoctest"
	"penggerak/internal/training"
)

// TestCertificatePDFFitsOnePage: a short and a very long name and school both give one A4
// landscape page with the name, number, dates and verification URL (pdftotext, pdfinfo).
func TestCertificatePDFFitsOnePage(t *testing.T) {
	wita := time.FixedZone("WITA", 8*3600)
	base := training.Certificate{Number: "SGP/11/64.72/0042", Token: strings.Repeat("a", 32), ProvinceCode: "64", ProvinceName: "Kalimantan Timur",
		CohortName: "Angkatan 11", RegencyName: "Kota Samarinda", NPSN: "30401234",
		StartsAt: time.Date(2027, 1, 4, 1, 0, 0, 0, wita), EndsAt: time.Date(2027, 6, 30, 23, 30, 0, 0, wita), IssuedAt: time.Date(2027, 6, 30, 23, 30, 0, 0, wita)}
	for _, tc := range []struct{ name, school string }{
		{"Siti Aminah", "SD Negeri 12 Samarinda"},
		{"Dra. Hj. Raden Ayu Siti Aminah Nurhaliza Kusumawardhani Binti Abdullah Rahman, S.Pd., M.Pd.",
			"Sekolah Dasar Negeri 012 Samarinda Ulu Kecamatan Samarinda Ulu Kota Samarinda Provinsi Kalimantan Timur"},
	} {
		c := base
		c.Name, c.SchoolName = tc.name, tc.school
		b, err := training.CertificatePDF(c, "https://penggerak.example.id/sertifikat/guru-penggerak/"+c.Token)
		if err != nil {
			t.Fatal(err)
		}
		if info := pdfdoctest.Info(t, b); !strings.Contains(info, "Pages:           1") || !strings.Contains(info, "841.89 x 595.28") {
			t.Fatalf("%s: not one A4 landscape page:\n%s", tc.name, info)
		}
		text := pdfdoctest.Text(t, b)
		// Dates in the province's time zone: 23.30 WITA on 30 June stays 30 June.
		for _, want := range []string{"SERTIFIKAT GURU PENGGERAK", "Nomor: SGP/11/64.72/0042", "Kota Samarinda", "Angkatan 11",
			"4 Januari 2027 s.d. 30 Juni 2027", "https://penggerak.example.id/sertifikat/guru-penggerak/" + c.Token} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: PDF lacks %q:\n%s", tc.name, want, text)
			}
		}
		if first := strings.Fields(tc.name)[0]; !strings.Contains(text, first) {
			t.Errorf("PDF lacks the name %q", tc.name)
		}
	}
}
