// Package pdfdoc has the PDF pieces shared by every feature that prints a document (coaching
// clinic letters, tickets and certificates; the Sertifikat Guru Penggerak): the embedded UTF-8
// fonts, an A4 document, text rows, QR codes, a certificate page layout and file names.
package pdfdoc

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/johnfercher/maroto/v2"
	"github.com/johnfercher/maroto/v2/pkg/components/col"
	"github.com/johnfercher/maroto/v2/pkg/components/image"
	"github.com/johnfercher/maroto/v2/pkg/components/line"
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

// FontFamily is the family name of the embedded Go fonts (BSD licence, UTF-8 TrueType from
// golang.org/x/image).
const FontFamily = "go"

// fontTTF is the embedded TrueType font of each style (bold italic is the bold face).
var fontTTF = map[fontstyle.Type][]byte{
	fontstyle.Normal: goregular.TTF, fontstyle.Bold: gobold.TTF,
	fontstyle.Italic: goitalic.TTF, fontstyle.BoldItalic: gobold.TTF,
}

// allStyles are the styles New embeds.
var allStyles = []fontstyle.Type{fontstyle.Normal, fontstyle.Bold, fontstyle.Italic, fontstyle.BoldItalic}

// docFonts are loaded once: a ZIP of letters or certificates makes one document per school or
// participant, and loading the fonts for each was most of its time.
var docFonts = sync.OnceValues(func() (map[fontstyle.Type]*entity.CustomFont, error) {
	r := repository.New()
	for _, st := range allStyles {
		r = r.AddUTF8FontFromBytes(FontFamily, st, fontTTF[st])
	}
	fonts, err := r.Load()
	if err != nil {
		return nil, err
	}
	byStyle := make(map[fontstyle.Type]*entity.CustomFont, len(fonts))
	for _, f := range fonts {
		byStyle[f.Style] = f
	}
	return byStyle, nil
})

// New is an A4 document (landscape or portrait) with the embedded fonts, 11 pt text, 20 mm side
// and 15 mm top margins.
func New(landscape bool) (core.Maroto, error) { return NewWithStyles(landscape, allStyles...) }

// NewWithStyles is New embedding only the given font styles (the normal style always). The PDF
// library parses, serialises and embeds every font a document is given, used or not, once per
// document: a ZIP of one document per school that needs only normal and bold text is about
// twice as fast with only those two.
func NewWithStyles(landscape bool, styles ...fontstyle.Type) (core.Maroto, error) {
	byStyle, err := docFonts()
	if err != nil {
		return nil, err
	}
	// Each document its own copy of the font bytes: the PDF library pads a table of the font
	// in place while it cuts the subset to embed (appending to a slice of the bytes it was given),
	// so documents built at once on shared bytes race on them.
	own := func(f *entity.CustomFont) *entity.CustomFont {
		return &entity.CustomFont{Family: f.Family, Style: f.Style, File: f.File, Bytes: bytes.Clone(f.Bytes)}
	}
	fonts := []*entity.CustomFont{own(byStyle[fontstyle.Normal])}
	for _, st := range styles {
		if f, ok := byStyle[st]; ok && st != fontstyle.Normal {
			fonts = append(fonts, own(f))
		}
	}
	b := config.NewBuilder().WithCustomFonts(fonts).WithDefaultFont(&props.Font{Family: FontFamily, Size: 11}).
		WithPageSize(pagesize.A4).WithLeftMargin(20).WithRightMargin(20).WithTopMargin(15)
	if landscape {
		b = b.WithOrientation(orientation.Horizontal)
	}
	return maroto.New(b.Build()), nil
}

// Para is a paragraph row (1 mm above and below unless ps gives other text properties).
func Para(s string, ps ...props.Text) core.Row {
	p := props.Text{Top: 1, Bottom: 1}
	if len(ps) > 0 {
		p = ps[0]
	}
	return text.NewAutoRow(s, p)
}

// Bold is a bold row of the given size and alignment.
func Bold(s string, size float64, a align.Type) core.Row {
	return text.NewAutoRow(s, props.Text{Style: fontstyle.Bold, Size: size, Align: a, Top: 1, Bottom: 1})
}

// Space is an empty row h mm high.
func Space(h float64) core.Row { return row.New(h) }

// QRPNG is a QR code image of content.
func QRPNG(content string, size int) ([]byte, error) {
	return qrcode.Encode(content, qrcode.Medium, size)
}

// Dash is s, or "-" when s is blank.
func Dash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

// FileSafe keeps letters and digits of a name for a file name ("Siti Aminah, S.Pd." →
// "Siti-Aminah-SPd").
func FileSafe(name string) string {
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

// Certificate is what one certificate page shows, top to bottom.
type Certificate struct {
	Title      string // "SERTIFIKAT"
	TitleSize  float64
	NumberLine string // "Nomor verifikasi: …"
	Given      string // "diberikan kepada"
	Recipient  string
	Subline    string // under the name (school, kab/kota)
	Body       string // the centred paragraph saying what for
	// Gap is the space above the signature block (mm; CertificatePage: 14 when 0); for
	// AddCertificate the largest gap tried.
	Gap            float64
	VerifyURL      string // the QR code's content
	VerifyText     string // beside the QR code
	SignatoryTitle string
	SignatoryName  string
}

// CertificatePage is one certificate page. Landscape A4: 297 × 210 mm, 15 mm top margin; the
// rows fill the page down to the signature block.
func CertificatePage(c Certificate) ([]core.Row, error) {
	bottom, err := certificateBottom(c)
	if err != nil {
		return nil, err
	}
	gap := c.Gap
	if gap == 0 {
		gap = 14
	}
	return append(append(certificateTop(c), Space(gap)), bottom...), nil
}

// bottomHeight is the height of the signature block and the bottom rule (mm).
const bottomHeight = 48 + 4

// AddCertificate adds c as the only page of m with the gap above the signature block as large
// as fits on the page (at most c.Gap, at least 4 mm), so a long name or school still fits on one
// page and a short one does not leave the bottom of the page empty.
func AddCertificate(m core.Maroto, c Certificate) error {
	bottom, err := certificateBottom(c)
	if err != nil {
		return err
	}
	m.AddRows(certificateTop(c)...)
	gap := c.Gap
	for gap > 4 && !m.FitlnCurrentPage(gap+bottomHeight+0.5) {
		gap -= 2
	}
	m.AddRows(Space(gap))
	m.AddRows(bottom...)
	return nil
}

func certificateTop(c Certificate) []core.Row {
	size := c.TitleSize
	if size == 0 {
		size = 40
	}
	return []core.Row{
		line.NewRow(2, props.Line{Thickness: 1.2}),
		Space(14),
		Bold(c.Title, size, align.Center),
		text.NewAutoRow(c.NumberLine, props.Text{Align: align.Center, Top: 3, Size: 12}),
		Space(14),
		text.NewAutoRow(c.Given, props.Text{Align: align.Center, Style: fontstyle.Italic, Size: 14}),
		Bold(c.Recipient, 28, align.Center),
		text.NewAutoRow(c.Subline, props.Text{Align: align.Center, Size: 14, Top: 2}),
		Space(10),
		text.NewAutoRow(c.Body, props.Text{Align: align.Center, Size: 14, Left: 15, Right: 15}),
	}
}

func certificateBottom(c Certificate) ([]core.Row, error) {
	qr, err := QRPNG(c.VerifyURL, 384)
	if err != nil {
		return nil, err
	}
	return []core.Row{
		row.New(48).Add(
			image.NewFromBytesCol(2, qr, extension.Png, props.Rect{Percent: 100}),
			text.NewCol(5, c.VerifyText, props.Text{Size: 10, Top: 18, Left: 3}),
			col.New(5).Add(
				text.New(Dash(c.SignatoryTitle), props.Text{Align: align.Center, Top: 2, Size: 12}),
				text.New(Dash(c.SignatoryName), props.Text{Align: align.Center, Top: 36, Style: fontstyle.Bold, Size: 12}),
			),
		),
		line.NewRow(4, props.Line{Thickness: 1.2}),
	}, nil
}

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Tanggal is a date in Indonesian without the day name, in t's location: "26 April 2024".
func Tanggal(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + bulan[t.Month()-1] + " " + strconv.Itoa(t.Year())
}
