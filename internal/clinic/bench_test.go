package clinic_test

import (
	"fmt"
	"testing"
	"time"

	"penggerak/internal/apptest"
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
// one ZIP of a PDF per school, as /staf/klinik/{id}/undangan.zip makes them in one request:
// "streamed" writes the ZIP on as the letters are made (what the handler does now, here onto
// io.Discard), "in-memory" builds it whole first (what it did before, the baseline measured in
// the same run). peak-heap-MiB is the largest heap growth of an iteration (apptest.PeakHeap).
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
	run := func(b *testing.B, write func() (int, error)) {
		var peak uint64
		var size int
		for b.Loop() {
			var err error
			p := apptest.PeakHeap(func() { size, err = write() })
			if err != nil {
				b.Fatal(err)
			}
			peak = max(peak, p)
		}
		b.ReportMetric(float64(size)/1024, "KiB/zip")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
	b.Run("in-memory", func(b *testing.B) {
		run(b, func() (int, error) {
			zb, err := st.LettersZIPBytes(c, invs, start)
			return len(zb), err
		})
	})
	b.Run("streamed", func(b *testing.B) {
		run(b, func() (int, error) {
			var n countWriter
			err := st.LettersZIP(&n, c, invs, start)
			return int(n), err
		})
	})
}

// countWriter counts the bytes written to it and keeps none.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) { *c += countWriter(len(p)); return len(p), nil }
