package clinic_test

import (
	"fmt"
	"testing"
	"time"

	"penggerak/internal/clinic"
)

// BenchmarkLettersPDF: one combined PDF of 144 letters (the Kalimantan Tengah case: 144 SMA).
func BenchmarkLettersPDF(b *testing.B) {
	st := clinic.NewStore(nil, clinic.NewSigner("bench-secret-0123456789abcdefghijklmnop"), "https://penggerak.test")
	start := time.Date(2024, 4, 26, 6, 0, 0, 0, time.UTC)
	c := clinic.Clinic{ID: 1, Kind: clinic.KindCoachingClinic, Title: "Sosialisasi Coaching Clinic Program Guru Penggerak",
		Organiser: "Dinas Pendidikan Provinsi Kalimantan Tengah", RegionName: "Kalimantan Tengah", Timezone: "WIB",
		Mode: clinic.ModeOffline, Venue: "Hotel Neo Palma, Palangka Raya", Capacity: 150, SchoolSlots: 1,
		RegistrationOpens: start.Add(-240 * time.Hour), RegistrationCloses: start.Add(-24 * time.Hour)}
	for d := range 3 {
		s := start.Add(time.Duration(d) * 24 * time.Hour)
		c.Sessions = append(c.Sessions, clinic.Session{StartsAt: s, EndsAt: s.Add(4 * time.Hour)})
	}
	invs := make([]clinic.Invitation, 144)
	for i := range invs {
		invs[i] = clinic.Invitation{NPSN: fmt.Sprintf("302%05d", i), SchoolName: fmt.Sprintf("SMA Negeri %d Kalimantan Tengah", i+1)}
	}
	for b.Loop() {
		pdf, err := st.LettersPDF(c, invs, start)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(pdf))/1024, "KiB/pdf")
	}
}

// BenchmarkLettersZIP300: the invitation letters of 300 schools (a whole kabupaten invited) as
// one ZIP of a PDF per school, as /staf/klinik/{id}/undangan.zip builds them in one request.
func BenchmarkLettersZIP300(b *testing.B) {
	st := clinic.NewStore(nil, clinic.NewSigner("bench-secret-0123456789abcdefghijklmnop"), "https://penggerak.test")
	start := time.Date(2024, 4, 26, 6, 0, 0, 0, time.UTC)
	c := clinic.Clinic{ID: 1, Kind: clinic.KindCoachingClinic, Title: "Coaching Clinic CGP Angkatan 10 OKU",
		Organiser: "Dinas Pendidikan Kabupaten OKU", RegionName: "Kabupaten Ogan Komering Ulu", Timezone: "WIB",
		Mode: clinic.ModeOffline, Venue: "SMPN 1 OKU", Capacity: 300, SchoolSlots: 1,
		RegistrationOpens: start.Add(-240 * time.Hour), RegistrationCloses: start.Add(-24 * time.Hour),
		Sessions: []clinic.Session{{StartsAt: start, EndsAt: start.Add(3 * time.Hour)}}}
	invs := make([]clinic.Invitation, 300)
	for i := range invs {
		invs[i] = clinic.Invitation{NPSN: fmt.Sprintf("106%05d", i), SchoolName: fmt.Sprintf("SD Negeri %d Baturaja", i+1)}
	}
	for b.Loop() {
		zb, err := st.LettersZIPBytes(c, invs, start)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(zb))/1024, "KiB/zip")
	}
}
