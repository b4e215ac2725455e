// Package filecheck checks uploaded files by their content, never by their name or the
// type the browser declares (SECURITY.md 13). Every feature that accepts a PDF uses it:
// recruitment documents (internal/application) and the Pakta Integritas (internal/selection).
package filecheck

import (
	"bytes"
	"errors"
)

// Reasons an upload is refused.
var (
	ErrEmpty  = errors.New("filecheck: empty file")
	ErrTooBig = errors.New("filecheck: file too big")
	ErrNotPDF = errors.New("filecheck: not a PDF")
)

// pdfMagic starts every PDF file, whatever its name says.
var pdfMagic = []byte("%PDF-")

// PDF returns nil when data is a non-empty PDF of at most maxBytes bytes (checked by its
// magic bytes), or ErrEmpty, ErrTooBig or ErrNotPDF.
func PDF(data []byte, maxBytes int) error {
	return PDFStream(data, int64(len(data)), int64(maxBytes))
}

// PDFStream is PDF for content received as a stream (storage.Spool): head is its first bytes,
// size its length.
func PDFStream(head []byte, size, maxBytes int64) error {
	switch {
	case size == 0:
		return ErrEmpty
	case size > maxBytes:
		return ErrTooBig
	case !bytes.HasPrefix(head, pdfMagic):
		return ErrNotPDF
	}
	return nil
}
