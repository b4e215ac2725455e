package filecheck

import (
	"errors"
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
