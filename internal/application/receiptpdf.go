package application

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
	"github.com/johnfercher/maroto/v2/pkg/components/row"
	"github.com/johnfercher/maroto/v2/pkg/components/text"
	"github.com/johnfercher/maroto/v2/pkg/config"
	"github.com/johnfercher/maroto/v2/pkg/consts/align"
	"github.com/johnfercher/maroto/v2/pkg/consts/fontstyle"
	"github.com/johnfercher/maroto/v2/pkg/consts/pagesize"
	"github.com/johnfercher/maroto/v2/pkg/core"
	"github.com/johnfercher/maroto/v2/pkg/core/entity"
	"github.com/johnfercher/maroto/v2/pkg/props"
	"github.com/johnfercher/maroto/v2/pkg/repository"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"penggerak/internal/region"
)

// The receipt and the Pakta Integritas template are PDFs in Bahasa Indonesia with the Go fonts
// embedded (UTF-8 TrueType, BSD licence), as the clinic's letters are (internal/clinic/pdf.go).
const pdfFont = "go"

var pdfFonts = sync.OnceValues(func() ([]*entity.CustomFont, error) {
	return repository.New().
		AddUTF8FontFromBytes(pdfFont, fontstyle.Normal, goregular.TTF).
		AddUTF8FontFromBytes(pdfFont, fontstyle.Bold, gobold.TTF).
		Load()
})

func newPDF() (core.Maroto, error) {
	fonts, err := pdfFonts()
	if err != nil {
		return nil, err
	}
	return maroto.New(config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: pdfFont, Size: 10}).
		WithPageSize(pagesize.A4).WithLeftMargin(20).WithRightMargin(20).WithTopMargin(15).Build()), nil
}

func pdfLine(s string) core.Row { return text.NewAutoRow(s, props.Text{Top: 1, Bottom: 1}) }

func pdfHead(s string, size float64) core.Row {
	return text.NewAutoRow(s, props.Text{Style: fontstyle.Bold, Size: size, Top: 3, Bottom: 1})
}

func pdfBytes(m core.Maroto) ([]byte, error) {
	doc, err := m.Generate()
	if err != nil {
		return nil, err
	}
	return doc.GetBytes(), nil
}

// stamp formats t in zone tz ("02-01-2006 15:04 WIB").
func stamp(t time.Time, tz string) string {
	return region.FormatTime(t, tz)
}

// DateRange formats a stage's dates (stored as dates): "01-07-2026 – 14-07-2026", one date,
// or "" when neither is set.
func DateRange(from, to *time.Time) string {
	d := func(t *time.Time) string { return t.UTC().Format("02-01-2006") }
	switch {
	case from != nil && to != nil:
		return d(from) + " – " + d(to)
	case from != nil:
		return d(from)
	case to != nil:
		return d(to)
	}
	return ""
}

// nextText is the Indonesian text of a milestone for the PDF (the page takes it from the
// catalogue).
func nextText(m Milestone, tz string) string {
	when := DateRange(m.From, m.To)
	if when == "" {
		when = "tanggal diumumkan kemudian"
	}
	switch m.Key {
	case "closes":
		if m.Done {
			return "Pendaftaran ditutup " + stamp(*m.From, tz) + "."
		}
		return "Pendaftaran dibuka sampai " + stamp(*m.From, tz) + "; sebelum itu pendaftaran yang terkirim masih dapat ditarik."
	case "administrasi":
		return "Tahap 1 — verifikasi dokumen (verval) serta penilaian CV dan esai: " + when + "."
	case "simulasi":
		return "Tahap 2 — simulasi mengajar dan wawancara bagi yang lolos tahap 1: " + when + "."
	case "pembekalan":
		return "Pembekalan: " + when + ". Yang lulus mengonfirmasi keikutsertaan dengan Pakta Integritas bertanda tangan dalam " +
			strconv.Itoa(m.ConfirmDay) + " hari setelah pengumuman."
	}
	return "Pendidikan Guru Penggerak selama " + strconv.Itoa(m.Months) + " bulan."
}

// ReceiptPDF is the receipt as a PDF, from the submitted content, with what happens next.
func ReceiptPDF(r Receipt, now time.Time) ([]byte, error) {
	m, err := newPDF()
	if err != nil {
		return nil, err
	}
	tz := r.Timezone
	m.AddRows(
		text.NewAutoRow("TANDA TERIMA PENDAFTARAN", props.Text{Style: fontstyle.Bold, Size: 15, Align: align.Center}),
		text.NewAutoRow(r.Cohort.Name, props.Text{Style: fontstyle.Bold, Size: 12, Align: align.Center, Top: 1}),
		line.NewRow(4),
		pdfLine("Nomor pendaftaran: "+str(r.RegistrationNumber)),
		pdfLine("Nama: "+r.ApplicantName),
	)
	if r.SubmittedAt != nil {
		m.AddRows(pdfLine("Dikirim: " + stamp(*r.SubmittedAt, tz)))
	}
	m.AddRows(pdfLine("Checksum (SHA-256) isi yang dikirim: "+str(r.ReceiptChecksum)),
		pdfLine("Dicetak: "+stamp(now, tz)))
	if c := r.Content; c != nil {
		school := c.Profile.NPSN
		if c.Profile.SchoolName != "" {
			school = c.Profile.SchoolName + " (NPSN " + c.Profile.NPSN + ")"
		}
		m.AddRows(pdfLine("Sekolah: "+school), pdfLine("Jenjang: "+c.Profile.Jenjang+"; mata pelajaran: "+c.Profile.Subject))
		m.AddRows(pdfHead("Daftar riwayat hidup ("+strconv.Itoa(len(c.CV))+" isian)", 11))
		for _, e := range c.CV {
			s := "• " + e.Title
			if e.Organisation != "" {
				s += ", " + e.Organisation
			}
			m.AddRows(pdfLine(s))
		}
		m.AddRows(pdfHead("Esai", 11))
		for i, e := range c.Essays {
			p := e.Prompt
			if p == "" {
				p = "Esai " + strconv.Itoa(i+1)
			}
			m.AddRows(pdfLine(p + ": " + strconv.Itoa(len([]rune(e.Body))) + " karakter, " + strconv.Itoa(len(strings.Fields(e.Body))) + " kata"))
		}
		m.AddRows(pdfHead("Dokumen", 11))
		for _, d := range c.Documents {
			m.AddRows(pdfLine("• " + d.Name + ": " + d.FileName + " (" + strconv.Itoa((d.Size+1023)/1024) + " KB, SHA-256 " + d.SHA256 + ")"))
		}
		if c.ConsentVersion != "" {
			m.AddRows(pdfLine("Persetujuan pemrosesan data pribadi: versi " + c.ConsentVersion))
		}
	}
	m.AddRows(pdfHead("Yang terjadi berikutnya", 12))
	for _, ms := range Timeline(r.Cohort, now) {
		m.AddRows(pdfLine("• " + nextText(ms, tz)))
	}
	m.AddRows(row.New(4), pdfLine("Simpan tanda terima ini. Nomor pendaftaran dan checksum membuktikan isi yang Anda kirim."))
	return pdfBytes(m)
}

// PaktaTemplatePDF is the Pakta Integritas form a teacher offered a pembekalan seat prints,
// fills in, signs and uploads as a PDF scan.
func PaktaTemplatePDF() ([]byte, error) {
	m, err := newPDF()
	if err != nil {
		return nil, err
	}
	blank := "...................................................................."
	m.AddRows(
		text.NewAutoRow("PAKTA INTEGRITAS", props.Text{Style: fontstyle.Bold, Size: 15, Align: align.Center}),
		text.NewAutoRow("Calon Guru Penggerak", props.Text{Style: fontstyle.Bold, Size: 12, Align: align.Center, Top: 1}),
		line.NewRow(4),
		pdfLine("Saya yang bertanda tangan di bawah ini:"),
		pdfLine("Nama lengkap: "+blank),
		pdfLine("NIK: "+blank),
		pdfLine("NUPTK: "+blank),
		pdfLine("Sekolah dan NPSN: "+blank),
		pdfLine("Kabupaten/kota: "+blank),
		pdfLine("Angkatan: "+blank),
		pdfLine("Nomor pendaftaran: "+blank),
		row.New(3),
		pdfLine("dengan ini menyatakan bahwa saya:"),
	)
	for i, s := range []string{
		"memberikan data dan dokumen pendaftaran yang benar dan dapat dipertanggungjawabkan;",
		"bersedia mengikuti seluruh rangkaian pembekalan dan pendidikan Guru Penggerak sampai selesai, termasuk lokakarya dan pendampingan individu;",
		"tidak akan memberi atau menerima imbalan, hadiah atau gratifikasi dalam bentuk apa pun yang berkaitan dengan seleksi dan pendidikan ini;",
		"tidak melakukan plagiarisme dan mengerjakan tugas-tugas pendidikan secara mandiri dan jujur;",
		"mendapat izin kepala sekolah untuk mengikuti pendidikan ini;",
		"bersedia menerima sanksi sesuai ketentuan, termasuk dikeluarkan dari program, bila melanggar pernyataan ini.",
	} {
		m.AddRows(text.NewAutoRow(strconv.Itoa(i+1)+". "+s, props.Text{Left: 6, Top: 1, Bottom: 1}))
	}
	m.AddRows(
		row.New(4),
		pdfLine("Pakta Integritas ini saya buat dengan sadar dan tanpa paksaan."),
		row.New(6),
		text.NewAutoRow("........................., ....................", props.Text{Align: align.Right}),
		text.NewAutoRow("Yang menyatakan,", props.Text{Align: align.Right, Top: 2}),
		row.New(24),
		text.NewAutoRow("(................................................)", props.Text{Align: align.Right}),
		row.New(8),
		text.NewAutoRow("Isi, tanda tangani, pindai sebagai PDF, lalu unggah pada halaman Hasil seleksi saya sebelum batas konfirmasi.",
			props.Text{Size: 8, Top: 2}),
	)
	return pdfBytes(m)
}
