package training_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"penggerak/internal/audit"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
)

// BenchmarkCertificatePDF: one Sertifikat Guru Penggerak PDF (fonts loaded once, QR code,
// layout); a province's ZIP costs about this per graduate.
func BenchmarkCertificatePDF(b *testing.B) {
	now := time.Now()
	c := training.Certificate{Number: "SGP/11/16.01/0042", Token: strings.Repeat("a", 32), Name: "Siti Aminah", CohortName: "Angkatan 11",
		RegencyName: "Kabupaten Ogan Komering Ulu", ProvinceCode: "16", ProvinceName: "Sumatera Selatan", NPSN: "10601234",
		SchoolName: "SD Negeri 12 Baturaja", StartsAt: now.AddDate(0, -6, 0), EndsAt: now, IssuedAt: now}
	for b.Loop() {
		if _, err := training.CertificatePDF(c, "https://penggerak.example.id/sertifikat/guru-penggerak/"+c.Token); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCertificateZIP100: a ZIP of 100 certificates streamed to a discarding writer.
func BenchmarkCertificateZIP100(b *testing.B) {
	now := time.Now()
	list := make([]training.Certificate, 100)
	for i := range list {
		list[i] = training.Certificate{ID: int64(i), Number: training.CertificateNumber(11, "16.01", i+1), Token: strings.Repeat("a", 32), Name: "Guru Penggerak",
			CohortName: "Angkatan 11", RegencyName: "Kabupaten Ogan Komering Ulu", ProvinceCode: "16", ProvinceName: "Sumatera Selatan",
			NPSN: "10601234", SchoolName: "SD Negeri 12 Baturaja", StartsAt: now.AddDate(0, -6, 0), EndsAt: now, IssuedAt: now}
	}
	verify := func(c training.Certificate) string {
		return "https://penggerak.example.id/sertifikat/guru-penggerak/" + c.Token
	}
	for b.Loop() {
		if err := training.WriteCertificatesZIP(io.Discard, list, verify, now, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGraduate200: the BGP decides 200 eligible CGPs at once (one Decide, one
// transaction: outcome, mail and audit per CGP; for lulus also the certificate with its number).
// tidak_lulus is the same decision without certificates, to show what issuing them adds.
// Setup is not timed.
func BenchmarkGraduate200(b *testing.B) {
	db, _ := testdb.New(b)
	ctx := context.Background()
	st := training.NewStore(db)
	for _, d := range []training.Decision{{Outcome: "lulus"}, {Outcome: "tidak_lulus", Reason: "Uji beban"}} {
		b.Run(string(d.Outcome), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				fx := newCertFixture(b, db, 200, "16.01")
				b.StartTimer()
				if _, err := st.Decide(ctx, audit.Actor{UserID: fx.bgp}, training.Scope{Provinces: []string{"16"}}, fx.ids, d, time.Now(), compose); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
