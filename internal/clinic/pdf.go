package clinic

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/page"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/extension"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/orientation"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
)

// The PDFs embed the Go fonts (BSD licence, UTF-8 TrueType from golang.org/x/image).
const fontFamily = "go"

// docFonts are loaded once: a ZIP of letters or certificates makes one document per school or
// participant, and loading the fonts for each was most of its time.
var docFonts = sync.OnceValues(func() ([]*entity.CustomFont, error) {
	return repository.New().
		AddUTF8FontFromBytes(fontFamily, fontstyle.Normal, goregular.TTF).
		AddUTF8FontFromBytes(fontFamily, fontstyle.Bold, gobold.TTF).
		AddUTF8FontFromBytes(fontFamily, fontstyle.Italic, goitalic.TTF).
		AddUTF8FontFromBytes(fontFamily, fontstyle.BoldItalic, gobold.TTF).
		Load()
})

func newDoc(landscape bool) (core.Maroto, error) {
	fonts, err := docFonts()
	if err != nil {
		return nil, err
	}
	b := config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: fontFamily, Size: 11}).
		WithPageSize(pagesize.A4).WithLeftMargin(20).WithRightMargin(20).WithTopMargin(15)
	if landscape {
		b = b.WithOrientation(orientation.Horizontal)
	}
	return maroto.New(b.Build()), nil
}

func para(s string, ps ...props.Text) core.Row {
	p := props.Text{Top: 1, Bottom: 1}
	if len(ps) > 0 {
		p = ps[0]
	}
	return text.NewAutoRow(s, p)
}

func bold(s string, size float64, a align.Type) core.Row {
	return text.NewAutoRow(s, props.Text{Style: fontstyle.Bold, Size: size, Align: a, Top: 1, Bottom: 1})
}

func space(h float64) core.Row { return row.New(h) }

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

func dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func dateTime(c Clinic, t time.Time) string {
	l := c.Local(t)
	return TanggalID(l) + " pukul " + l.Format("15.04") + " " + c.Timezone
}

// LettersPDF is one PDF with a surat undangan per invited school, one school per page.
func (s *Store) LettersPDF(c Clinic, invs []Invitation, issued time.Time) ([]byte, error) {
	m, err := newDoc(false)
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

// LettersZIP writes a ZIP with one PDF letter per invited school (surat-undangan-<NPSN>.pdf).
func (s *Store) LettersZIP(w io.Writer, c Clinic, invs []Invitation, issued time.Time) error {
	z := zip.NewWriter(w)
	for _, inv := range invs {
		b, err := s.LettersPDF(c, []Invitation{inv}, issued)
		if err != nil {
			return err
		}
		// The issue time as the entry's date: without it, file managers show 1980 (or 1979).
		f, err := z.CreateHeader(&zip.FileHeader{Name: "surat-undangan-" + inv.NPSN + ".pdf", Method: zip.Deflate, Modified: issued})
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			return err
		}
	}
	return z.Close()
}

// QRPNG is a QR code image of content.
func QRPNG(content string, size int) ([]byte, error) {
	return qrcode.Encode(content, qrcode.Medium, size)
}

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
	case RegRegistered:
		m.AddRows(
			para("Status: TERDAFTAR", props.Text{Style: fontstyle.Bold, Top: 1, Bottom: 1}),
			para("Kode tiket: "+FormatCode(r.Code), props.Text{Style: fontstyle.Bold, Size: 14, Top: 2, Bottom: 2}),
			image.NewFromBytesRow(70, qr, extension.Png, props.Rect{Center: true, Percent: 100}),
			para("Tunjukkan kode QR ini kepada panitia saat presensi di setiap sesi.", props.Text{Align: align.Center, Top: 2}),
		)
	case RegWaiting:
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
	if c.MeetingLink != "" && r.Status == RegRegistered {
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
	m, err := newDoc(true)
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

// CertificatesZIP is a ZIP with one certificate PDF per registration
// (sertifikat-<code>-<name>.pdf).
func (s *Store) CertificatesZIP(c Clinic, regs []Registration, issued time.Time) ([]byte, error) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, r := range regs {
		pdf, err := s.CertificatesPDF(c, []Registration{r})
		if err != nil {
			return nil, err
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: "sertifikat-" + FormatCode(r.CertCode) + "-" + fileSafe(r.Name) + ".pdf", Method: zip.Deflate, Modified: issued})
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(pdf); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// fileSafe keeps letters and digits of a name for a file name ("Siti Aminah, S.Pd." → "Siti-Aminah-SPd").
func fileSafe(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		switch {
		case (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
			dash = false
		case r == ' ' || r == '-' || r == '_':
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// certificateRows is one certificate page. Landscape A4: 297 × 210 mm, 15 mm top margin; the
// rows fill the page down to the signature block.
func (s *Store) certificateRows(c Clinic, r Registration) ([]core.Row, error) {
	qr, err := QRPNG(s.VerifyURL(r.CertCode), 384)
	if err != nil {
		return nil, err
	}
	org := c.Organiser
	if c.Partner != "" {
		org += " bersama " + c.Partner
	}
	dates := TanggalID(c.Local(c.StartsAt))
	if end := TanggalID(c.Local(c.EndsAt)); end != dates {
		dates += " s.d. " + end
	}
	return []core.Row{
		line.NewRow(2, props.Line{Thickness: 1.2}),
		space(14),
		bold("SERTIFIKAT", 40, align.Center),
		text.NewAutoRow("Nomor verifikasi: "+FormatCode(r.CertCode), props.Text{Align: align.Center, Top: 3, Size: 12}),
		space(14),
		text.NewAutoRow("diberikan kepada", props.Text{Align: align.Center, Style: fontstyle.Italic, Size: 14}),
		bold(r.Name, 28, align.Center),
		text.NewAutoRow(r.SchoolName+" (NPSN "+r.NPSN+")", props.Text{Align: align.Center, Size: 14, Top: 2}),
		space(10),
		text.NewAutoRow("atas kehadirannya sebagai peserta "+EventPhrase(c)+" yang diselenggarakan oleh "+
			org+" pada "+dates+" ("+strconv.Itoa(r.Attended)+" dari "+strconv.Itoa(len(c.Sessions))+" sesi).", props.Text{Align: align.Center, Size: 14, Left: 15, Right: 15}),
		space(14),
		row.New(48).Add(
			image.NewFromBytesCol(2, qr, extension.Png, props.Rect{Percent: 100}),
			text.NewCol(5, "Periksa keaslian sertifikat ini di "+s.VerifyURL(r.CertCode)+" atau pindai kode QR.", props.Text{Size: 10, Top: 18, Left: 3}),
			col.New(5).Add(
				text.New(dash(c.SignatoryTitle), props.Text{Align: align.Center, Top: 2, Size: 12}),
				text.New(dash(c.SignatoryName), props.Text{Align: align.Center, Top: 36, Style: fontstyle.Bold, Size: 12}),
			),
		),
		line.NewRow(4, props.Line{Thickness: 1.2}),
	}, nil
}

// LettersZIPBytes is LettersZIP into memory.
func (s *Store) LettersZIPBytes(c Clinic, invs []Invitation, issued time.Time) ([]byte, error) {
	var b bytes.Buffer
	err := s.LettersZIP(&b, c, invs, issued)
	return b.Bytes(), err
}
