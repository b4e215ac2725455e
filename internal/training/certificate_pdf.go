package training

import (
	"archive/zip"
	"io"
	"runtime"
	"strings"
	"sync"
	"time"

	"penggerak/internal/pdfdoc"
	"penggerak/internal/region"
)

// The Sertifikat Guru Penggerak as a PDF: landscape A4 on the shared certificate layout, with a
// QR code of the public verification page.

// certificateLayout is what one certificate page says, dates in the province's time zone.
func certificateLayout(c Certificate, verifyURL string) pdfdoc.Certificate {
	tz := region.Timezone(c.ProvinceCode)
	starts, ends := pdfdoc.Tanggal(region.InZone(c.StartsAt, tz)), pdfdoc.Tanggal(region.InZone(c.EndsAt, tz))
	dates := starts
	if ends != starts {
		dates += " s.d. " + ends
	}
	return pdfdoc.Certificate{
		Title:      "SERTIFIKAT GURU PENGGERAK",
		TitleSize:  32,
		NumberLine: "Nomor: " + c.Number,
		Given:      "diberikan kepada",
		Recipient:  c.Name,
		Subline:    c.SchoolName + " (NPSN " + c.NPSN + "), " + c.RegencyName + ", Provinsi " + c.ProvinceName,
		Body: "yang telah menyelesaikan Pendidikan Guru Penggerak " + c.CohortName + " di " + c.RegencyName +
			" pada " + dates + " dan dinyatakan LULUS sebagai Guru Penggerak.",
		Gap:            40,
		VerifyURL:      verifyURL,
		VerifyText:     "Periksa keaslian sertifikat ini di " + verifyURL + " atau pindai kode QR.",
		SignatoryTitle: "Diterbitkan secara elektronik pada " + pdfdoc.Tanggal(region.InZone(c.IssuedAt, tz)),
		SignatoryName:  "Balai Guru Penggerak Provinsi " + c.ProvinceName,
	}
}

// CertificatePDF is the certificate of one graduate; verifyURL is its public verification page.
func CertificatePDF(c Certificate, verifyURL string) ([]byte, error) {
	m, err := pdfdoc.New(true)
	if err != nil {
		return nil, err
	}
	if err := pdfdoc.AddCertificate(m, certificateLayout(c, verifyURL)); err != nil {
		return nil, err
	}
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// CertificateFileName is the file name of a certificate's PDF: sertifikat-<number>-<name>.pdf.
func CertificateFileName(c Certificate) string {
	return "sertifikat-" + pdfdoc.FileSafe(strings.ReplaceAll(c.Number, "/", "-")) + "-" + pdfdoc.FileSafe(c.Name) + ".pdf"
}

// WriteCertificatesZIP streams a ZIP with one certificate PDF per entry of list onto w, in
// order; verifyURL gives a certificate's verification page. The PDFs are made a few at a time in
// parallel (one per CPU), never all held in memory; written is called after each batch (the
// handler extends its write deadline there, so a large province keeps streaming).
func WriteCertificatesZIP(w io.Writer, list []Certificate, verifyURL func(Certificate) string, modified time.Time, written func(n int)) error {
	z := zip.NewWriter(w)
	batch := max(1, runtime.GOMAXPROCS(0))
	pdfs, errs := make([][]byte, batch), make([]error, batch)
	for start := 0; start < len(list); start += batch {
		part := list[start:min(start+batch, len(list))]
		var wg sync.WaitGroup
		for i, c := range part {
			wg.Add(1)
			go func() {
				defer wg.Done()
				pdfs[i], errs[i] = CertificatePDF(c, verifyURL(c))
			}()
		}
		wg.Wait()
		for i, c := range part {
			if errs[i] != nil {
				return errs[i]
			}
			f, err := z.CreateHeader(&zip.FileHeader{Name: CertificateFileName(c), Method: zip.Deflate, Modified: modified})
			if err != nil {
				return err
			}
			if _, err := f.Write(pdfs[i]); err != nil {
				return err
			}
		}
		if err := z.Flush(); err != nil {
			return err
		}
		if written != nil {
			written(start + len(part))
		}
	}
	return z.Close()
}
