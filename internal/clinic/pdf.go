package clinic

import (
	"archive/zip"
	"bytes"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/props"

	"penggerak/internal/pdfdoc"
)

// The PDF pieces (fonts, document, rows, QR, certificate layout) are the shared pdfdoc ones.
func newDoc(landscape bool) (core.Maroto, error) { return pdfdoc.New(landscape) }

// newLetterDoc is the portrait document of letters: their text is normal and bold only, and a
// document embeds (and the PDF library parses and serialises) every font it is given.
func newLetterDoc() (core.Maroto, error) { return pdfdoc.NewWithStyles(false, fontstyle.Bold) }

func para(s string, ps ...props.Text) core.Row { return pdfdoc.Para(s, ps...) }

func bold(s string, size float64, a align.Type) core.Row { return pdfdoc.Bold(s, size, a) }

func space(h float64) core.Row { return pdfdoc.Space(h) }

func scheduleRows(c Clinic) []core.Row {
	var rows []core.Row
	for _, d := range Days(c.Sessions, c.Timezone) {
		rows = append(rows, text.NewAutoRow(TanggalID(d.Date), props.Text{Style: fontstyle.Bold, Left: 8, Top: 1}))
		for _, s := range d.Sessions {
			t := c.Local(s.StartsAt).Format("15.04") + "–" + c.Local(s.EndsAt).Format("15.04") + " " + c.Timezone
			if s.Title != "" {
				t += "   " + s.Title
			}
			rows = append(rows, text.NewAutoRow(t, props.Text{Left: 14}))
		}
	}
	return rows
}

// letterRows is one surat undangan addressed to the kepala sekolah of an invited school.
func (s *Store) letterRows(c Clinic, inv Invitation, issued time.Time) []core.Row {
	rows := []core.Row{
		bold(strings.ToUpper(c.Organiser), 14, align.Center),
		text.NewAutoRow(c.RegionName, props.Text{Align: align.Center}),
		line.NewRow(4),
		text.NewAutoRow(c.RegionName+", "+TanggalSingkat(c.Local(issued)), props.Text{Align: align.Right}),
		para("Nomor: " + dash(c.LetterNumber)),
		para("Lampiran: -"),
		para("Perihal: Undangan " + EventName(c)),
		space(4),
		para("Yth. Kepala " + inv.SchoolName),
	}
	if inv.PrincipalName != "" {
		rows = append(rows, para(inv.PrincipalName))
	}
	rows = append(rows, para("NPSN "+inv.NPSN), para("di tempat"), space(4), para("Dengan hormat,"))
	org := c.Organiser
	if c.Partner != "" {
		org += " bersama " + c.Partner
	}
	rows = append(rows,
		para(org+" menyelenggarakan "+EventPhrase(c)+". "+
			"Sehubungan dengan itu, kami mengundang Bapak/Ibu Kepala Sekolah untuk menugaskan "+TeachersToSend(c)+
			" mengikuti kegiatan tersebut, yang akan dilaksanakan pada:", props.Text{Top: 1, Bottom: 1}))
	rows = append(rows, scheduleRows(c)...)
	rows = append(rows, para("Bentuk kegiatan: "+ModeLabel(c.Mode)))
	if c.Venue != "" {
		rows = append(rows, para("Tempat: "+c.Venue))
	}
	if c.MeetingLink != "" {
		// The meeting link goes only to registered participants (on their ticket), not to a letter
		// that is passed around.
		rows = append(rows, para("Tautan pertemuan daring: dikirim kepada peserta terdaftar melalui tiket masing-masing."))
	}
	rows = append(rows,
		para("Cara mendaftar: guru yang ditugaskan mendaftar sendiri melalui "+s.baseURL+"/klinik/"+strconv.FormatInt(c.ID, 10)+
			" (masuk dengan akun Penggerak) antara "+dateTime(c, c.RegistrationOpens)+" dan "+dateTime(c, c.RegistrationCloses)+
			", atau Kepala Sekolah menyampaikan nama guru kepada narahubung. Kapasitas "+strconv.Itoa(c.Capacity)+
			" peserta; pendaftar setelah kuota penuh masuk daftar tunggu.", props.Text{Top: 2, Bottom: 1}))
	if c.ContactName != "" || c.ContactPhone != "" {
		rows = append(rows, para("Narahubung: "+c.ContactName+" "+c.ContactPhone))
	}
	rows = append(rows,
		para("Demikian undangan ini kami sampaikan. Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.", props.Text{Top: 2, Bottom: 1}),
		space(6),
		text.NewAutoRow(dash(c.SignatoryTitle), props.Text{Align: align.Right}),
		space(18),
		text.NewAutoRow(dash(c.SignatoryName), props.Text{Align: align.Right, Style: fontstyle.Bold}),
	)
	return rows
}

func dash(s string) string { return pdfdoc.Dash(s) }

func dateTime(c Clinic, t time.Time) string {
	l := c.Local(t)
	return TanggalID(l) + " pukul " + l.Format("15.04") + " " + c.Timezone
}

// LettersPDF is one PDF with a surat undangan per invited school, one school per page.
func (s *Store) LettersPDF(c Clinic, invs []Invitation, issued time.Time) ([]byte, error) {
	m, err := newLetterDoc()
	if err != nil {
		return nil, err
	}
	for _, inv := range invs {
		m.AddPages(page.New().Add(s.letterRows(c, inv, issued)...))
	}
	if len(invs) == 0 {
		m.AddRows(para("Belum ada sekolah yang diundang."))
	}
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// LettersZIP writes a ZIP with one PDF letter per invited school (surat-undangan-<NPSN>.pdf),
// the letters built in parallel and written in the order of invs.
func (s *Store) LettersZIP(w io.Writer, c Clinic, invs []Invitation, issued time.Time) error {
	return writeZIPInOrder(w, len(invs), issued,
		func(i int) string { return "surat-undangan-" + invs[i].NPSN + ".pdf" },
		func(i int) ([]byte, error) { return s.LettersPDF(c, invs[i:i+1], issued) })
}

// zipWorkers is how many documents of a ZIP are built at once: one PDF is CPU work only (a
// few tens of milliseconds), so one per core, and no more than 4 so that one download does not
// take every core of a larger server from the other requests.
func zipWorkers() int { return min(runtime.GOMAXPROCS(0), 4) }

// writeZIPInOrder writes a ZIP of n entries, entry i named name(i) with the bytes build(i),
// dated modified. The entries are built by zipWorkers goroutines and written in order as each
// is ready; at most 2 × workers built entries wait in memory. The first error stops the rest.
func writeZIPInOrder(w io.Writer, n int, modified time.Time, name func(int) string, build func(int) ([]byte, error)) error {
	type result struct {
		b   []byte
		err error
	}
	workers := min(zipWorkers(), max(n, 1))
	results := make([]chan result, n)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	next := make(chan int)
	window := make(chan struct{}, 2*workers) // a token per entry built or being built, not yet written
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(next)
		for i := range n {
			select {
			case window <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case next <- i:
			case <-stop:
				return
			}
		}
	}()
	for range workers {
		go func() {
			for i := range next {
				b, err := build(i)
				results[i] <- result{b, err}
			}
		}()
	}
	z := zip.NewWriter(w)
	for i := range n {
		r := <-results[i]
		<-window
		if r.err != nil {
			return r.err
		}
		// The issue time as the entry's date: without it, file managers show 1980 (or 1979).
		f, err := z.CreateHeader(&zip.FileHeader{Name: name(i), Method: zip.Deflate, Modified: modified})
		if err != nil {
			return err
		}
		if _, err := f.Write(r.b); err != nil {
			return err
		}
	}
	return z.Close()
}

// QRPNG is a QR code image of content.
func QRPNG(content string, size int) ([]byte, error) { return pdfdoc.QRPNG(content, size) }

// TicketPDF is a registrant's ticket with the QR code of its signed token.
func (s *Store) TicketPDF(c Clinic, r Registration) ([]byte, error) {
	m, err := newDoc(false)
	if err != nil {
		return nil, err
	}
	qr, err := QRPNG(s.signer.Ticket(c.ID, r.ID), 512)
	if err != nil {
		return nil, err
	}
	m.AddRows(
		bold("TIKET PESERTA", 16, align.Center),
		bold(EventName(c), 13, align.Center),
		text.NewAutoRow(c.Organiser, props.Text{Align: align.Center}),
		line.NewRow(4),
		para("Nama: "+r.Name),
		para("Sekolah: "+r.SchoolName+" (NPSN "+r.NPSN+", "+r.Jenjang+")"),
	)
	switch r.Status {
	case RegistrationRegistered:
		m.AddRows(
			para("Status: TERDAFTAR", props.Text{Style: fontstyle.Bold, Top: 1, Bottom: 1}),
			para("Kode tiket: "+FormatCode(r.Code), props.Text{Style: fontstyle.Bold, Size: 14, Top: 2, Bottom: 2}),
			image.NewFromBytesRow(70, qr, extension.Png, props.Rect{Center: true, Percent: 100}),
			para("Tunjukkan kode QR ini kepada panitia saat presensi di setiap sesi.", props.Text{Align: align.Center, Top: 2}),
		)
	case RegistrationWaiting:
		// A waiting-list place is not a seat: no code and no QR to check in with.
		m.AddRows(
			para("Status: DAFTAR TUNGGU nomor "+strconv.Itoa(r.Position), props.Text{Style: fontstyle.Bold, Size: 14, Top: 2, Bottom: 1}),
			para("Ini bukan tiket masuk. Anda belum mendapat kursi; jika ada peserta yang membatalkan, Anda otomatis naik dan kami kabari melalui surel, lalu tiket dengan kode QR dapat diunduh.", props.Text{Top: 1, Bottom: 2}),
		)
	default:
		m.AddRows(para("Status: DIBATALKAN", props.Text{Style: fontstyle.Bold, Top: 1, Bottom: 1}))
	}
	m.AddRows(space(3))
	m.AddRows(scheduleRows(c)...)
	m.AddRows(para("Bentuk: " + ModeLabel(c.Mode)))
	if c.Venue != "" {
		m.AddRows(para("Tempat: " + c.Venue))
	}
	if c.MeetingLink != "" && r.Status == RegistrationRegistered {
		m.AddRows(para("Tautan: " + c.MeetingLink))
	}
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// VerifyURL is the public page that checks a certificate's code.
func (s *Store) VerifyURL(code string) string {
	return s.baseURL + "/sertifikat?kode=" + FormatCode(code)
}

// CertificatePDF is a certificate of attendance with its verification code and QR.
func (s *Store) CertificatePDF(c Clinic, r Registration) ([]byte, error) {
	return s.CertificatesPDF(c, []Registration{r})
}

// CertificatesPDF is one PDF with a certificate per registration, one per page.
func (s *Store) CertificatesPDF(c Clinic, regs []Registration) ([]byte, error) {
	// The certificate layout has normal, bold and italic text (pdfdoc.Certificate).
	m, err := pdfdoc.NewWithStyles(true, fontstyle.Bold, fontstyle.Italic)
	if err != nil {
		return nil, err
	}
	for _, r := range regs {
		rows, err := s.certificateRows(c, r)
		if err != nil {
			return nil, err
		}
		m.AddPages(page.New().Add(rows...))
	}
	if len(regs) == 0 {
		m.AddRows(para("Belum ada sertifikat."))
	}
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// CertificatesZIP writes a ZIP with one certificate PDF per registration
// (sertifikat-<code>-<name>.pdf), built in parallel and written in the order of regs.
func (s *Store) CertificatesZIP(w io.Writer, c Clinic, regs []Registration, issued time.Time) error {
	return writeZIPInOrder(w, len(regs), issued,
		func(i int) string {
			return "sertifikat-" + FormatCode(regs[i].CertCode) + "-" + fileSafe(regs[i].Name) + ".pdf"
		},
		func(i int) ([]byte, error) { return s.CertificatesPDF(c, regs[i:i+1]) })
}

// fileSafe keeps letters and digits of a name for a file name.
func fileSafe(name string) string { return pdfdoc.FileSafe(name) }

// certificateRows is one certificate page (the shared landscape A4 layout).
func (s *Store) certificateRows(c Clinic, r Registration) ([]core.Row, error) {
	org := c.Organiser
	if c.Partner != "" {
		org += " bersama " + c.Partner
	}
	dates := TanggalID(c.Local(c.StartsAt))
	if end := TanggalID(c.Local(c.EndsAt)); end != dates {
		dates += " s.d. " + end
	}
	return pdfdoc.CertificatePage(pdfdoc.Certificate{
		Title:      "SERTIFIKAT",
		NumberLine: "Nomor verifikasi: " + FormatCode(r.CertCode),
		Given:      "diberikan kepada",
		Recipient:  r.Name,
		Subline:    r.SchoolName + " (NPSN " + r.NPSN + ")",
		Body: "atas kehadirannya sebagai peserta " + EventPhrase(c) + " yang diselenggarakan oleh " +
			org + " pada " + dates + " (" + strconv.Itoa(r.Attended) + " dari " + strconv.Itoa(len(c.Sessions)) + " sesi).",
		VerifyURL:      s.VerifyURL(r.CertCode),
		VerifyText:     "Periksa keaslian sertifikat ini di " + s.VerifyURL(r.CertCode) + " atau pindai kode QR.",
		SignatoryTitle: c.SignatoryTitle,
		SignatoryName:  c.SignatoryName,
	})
}

// LettersZIPBytes is LettersZIP into memory.
func (s *Store) LettersZIPBytes(c Clinic, invs []Invitation, issued time.Time) ([]byte, error) {
	var b bytes.Buffer
	err := s.LettersZIP(&b, c, invs, issued)
	return b.Bytes(), err
}
