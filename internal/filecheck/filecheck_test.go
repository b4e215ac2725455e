package filecheck

import (
	"bytes"
	"compress/zlib"
	"errors"
	"strings"
	"testing"
)

func TestPDF(t *testing.T) {
	pdf := []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n")
	tests := []struct {
		name string
		data []byte
		max  int
		want error
	}{
		{"pdf", pdf, 1024, nil},
		{"exactly the limit", append([]byte("%PDF-"), make([]byte, 1019)...), 1024, nil},
		{"one byte over", append([]byte("%PDF-"), make([]byte, 1020)...), 1024, ErrTooBig},
		{"png renamed", []byte("\x89PNG\r\n\x1a\n0000"), 1024, ErrNotPDF},
		{"html renamed", []byte("<html><script>alert(1)</script>"), 1024, ErrNotPDF},
		{"text claiming pdf later", []byte("hello %PDF-"), 1024, ErrNotPDF},
		{"leading space", []byte(" %PDF-1.4"), 1024, ErrNotPDF},
		{"empty", nil, 1024, ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PDF(tt.data, tt.max); !errors.Is(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("PDF = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPDFActiveContent(t *testing.T) {
	deflate := func(s string) string {
		var b bytes.Buffer
		w := zlib.NewWriter(&b)
		_, _ = w.Write([]byte(s))
		_ = w.Close()
		return b.String()
	}
	head := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	tests := []struct {
		name string
		data string
		want error
	}{
		{"plain scan", head + "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n3 0 obj\n<< /Length 9 >>\nstream\n" + deflate("BT (Ijazah S1) Tj ET") + "\nendstream\n", nil},
		{"text mentioning JavaScript", head + "4 0 obj\n<< /Length 5 >>\nstream\nBT (belajar JavaScript) Tj ET\nendstream\n", nil},
		{"OpenAction JavaScript", head + "1 0 obj\n<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n", ErrActive},
		{"JS spelled in hex", head + "1 0 obj\n<< /S /J#61vaScript /#4A#53 (x) >>\nendobj\n", ErrActive},
		{"launch action", head + "1 0 obj\n<< /Type /Action /S /Launch /F (cmd.exe) >>\nendobj\n", ErrActive},
		{"JavaScript inside an object stream", head + "5 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n" + deflate("<< /S /JavaScript /JS (this.exportDataObject()) >>") + "\nendstream\n", ErrActive},
		{"XFA form", head + "1 0 obj\n<< /AcroForm << /XFA 7 0 R >> >>\nendobj\n", ErrActive},
		{"HTML polyglot", head + "<html><body><script>alert(document.cookie)</script></body></html>\n", ErrActive},
		{"HTML polyglot in capitals", head + "<!DOCTYPE HTML><SVG onload=alert(1)>\n", ErrActive},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PDF([]byte(tt.data), 1<<20); !errors.Is(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("PDF = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCleanFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ijazah.pdf", "ijazah.pdf"},
		{"Ijazah S1 – Siti.pdf", "Ijazah S1 – Siti.pdf"},
		{"C:\\Users\\siti\\ktp.pdf", "ktp.pdf"},
		{"../../etc/passwd", "passwd"},
		{"ktp\x00.pdf", "ktp.pdf"},
		{"ktp\x1b[31m.pdf", "ktp[31m.pdf"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"a\u2066b\u2069\u200Fc\u200B.pdf", "abc.pdf"},
		{"\xff\xfeberkas.pdf", "berkas.pdf"},
		{"\u202E", "berkas.pdf"},
		{"", "berkas.pdf"},
		{strings.Repeat("a", 300) + ".pdf", strings.Repeat("a", 116) + ".pdf"},
	}
	for _, tt := range tests {
		if got := CleanFileName(tt.in, "berkas.pdf"); got != tt.want {
			t.Errorf("CleanFileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Compressed stream bodies are not searched for HTML: random bytes may spell "<svg".
func TestPDFStreamBytesAreNotHTML(t *testing.T) {
	data := "%PDF-1.4\n1 0 obj\n<< /Length 20 /Filter /DCTDecode >>\nstream\n\xff\xd8<svg<html\xff\xd9\nendstream\nendobj\n"
	if err := PDF([]byte(data), 1<<20); err != nil {
		t.Errorf("PDF = %v, want nil", err)
	}
}
