// Package filecheck checks uploaded files by their content, never by their name or the
// type the browser declares (SECURITY.md 13). Every feature that accepts a PDF uses it:
// recruitment documents (internal/application) and the Pakta Integritas (internal/selection).
package filecheck

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Reasons an upload is refused.
var (
	ErrEmpty  = errors.New("filecheck: empty file")
	ErrTooBig = errors.New("filecheck: file too big")
	ErrNotPDF = errors.New("filecheck: not a PDF")
	// ErrActive is a PDF that carries JavaScript, a launch action (opening another program or
	// file) or HTML that a browser could run if the file were ever shown as a page.
	ErrActive = errors.New("filecheck: PDF with active content")
)

// pdfMagic starts every PDF file, whatever its name says.
var pdfMagic = []byte("%PDF-")

// PDF returns nil when data is a non-empty PDF of at most maxBytes bytes (checked by its
// magic bytes) without active content, or ErrEmpty, ErrTooBig, ErrNotPDF or ErrActive.
func PDF(data []byte, maxBytes int) error {
	return PDFStream(data, int64(len(data)), int64(maxBytes), bytes.NewReader(data))
}

// PDFStream is PDF for content received as a stream (storage.Spool): head is its first bytes,
// size its length, content the whole of it. The size and the magic bytes are checked first;
// only a file within maxBytes is read for active content.
func PDFStream(head []byte, size, maxBytes int64, content io.Reader) error {
	switch {
	case size == 0:
		return ErrEmpty
	case size > maxBytes:
		return ErrTooBig
	case !bytes.HasPrefix(head, pdfMagic):
		return ErrNotPDF
	}
	data, err := io.ReadAll(io.LimitReader(content, maxBytes))
	if err != nil {
		return err
	}
	if hasHTML(data) || hasActiveNames(data, int(maxBytes)) {
		return ErrActive
	}
	return nil
}

// htmlMarkers are tags a browser would run or render if the bytes were sniffed as HTML (a
// "polyglot" that is a PDF and a web page at once). A PDF's own structure (everything outside
// its streams) never holds them; stream bodies are skipped, since compressed bytes could match
// a short marker by chance.
var htmlMarkers = [][]byte{[]byte("<html"), []byte("<script"), []byte("<body"), []byte("<iframe"),
	[]byte("<svg"), []byte("<!doctype"), []byte("<object"), []byte("<embed"), []byte("javascript:")}

func hasHTML(data []byte) bool {
	for len(data) > 0 {
		seg := data
		if i := bytes.Index(data, []byte("stream")); i >= 0 && !bytes.HasPrefix(data[i-min(i, 3):], []byte("endstream")) {
			seg = data[:i]
			if end := bytes.Index(data[i:], []byte("endstream")); end >= 0 {
				data = data[i+end+len("endstream"):]
			} else {
				data = nil
			}
		} else if i >= 0 {
			seg, data = data[:i+len("stream")], data[i+len("stream"):]
		} else {
			data = nil
		}
		lower := bytes.ToLower(seg)
		for _, m := range htmlMarkers {
			if bytes.Contains(lower, m) {
				return true
			}
		}
	}
	return false
}

// activeNames are the PDF names of actions that run code or open something outside the
// document: JavaScript, launching a program, and the XFA forms that carry scripts.
var activeNames = map[string]bool{"JavaScript": true, "JS": true, "Launch": true, "XFA": true, "RichMedia": true}

// hasActiveNames looks for those names in the file and in every Flate-compressed stream (PDF
// 1.5 object streams hide dictionaries there). Names are decoded first (#4A#53 spells JS).
// Decompression stops at budget bytes in all, so a compression bomb cannot exhaust memory.
func hasActiveNames(data []byte, budget int) bool {
	if namesActive(data) {
		return true
	}
	budget *= 4
	rest := data
	for {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			return false
		}
		rest = rest[i+len("stream"):]
		if bytes.HasPrefix(rest, []byte("\r\n")) {
			rest = rest[2:]
		} else if bytes.HasPrefix(rest, []byte("\n")) || bytes.HasPrefix(rest, []byte("\r")) {
			rest = rest[1:]
		} else {
			continue // "endstream" or the word inside text
		}
		end := bytes.Index(rest, []byte("endstream"))
		if end < 0 {
			end = len(rest)
		}
		zr, err := zlib.NewReader(bytes.NewReader(rest[:end]))
		if err != nil {
			continue
		}
		out, _ := io.ReadAll(io.LimitReader(zr, int64(budget)+1))
		_ = zr.Close()
		budget -= len(out)
		if namesActive(out) || budget <= 0 {
			return true // a stream that inflates past the budget is refused too
		}
		rest = rest[end:]
	}
}

// namesActive reports whether b holds one of activeNames as a PDF name token.
func namesActive(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '/' {
			continue
		}
		j := i + 1
		var name []byte
		for j < len(b) && !isDelimiter(b[j]) {
			if b[j] == '#' && j+2 < len(b) && isHex(b[j+1]) && isHex(b[j+2]) {
				name = append(name, unhex(b[j+1])<<4|unhex(b[j+2]))
				j += 3
				continue
			}
			name = append(name, b[j])
			j++
		}
		if activeNames[string(name)] {
			return true
		}
		i = j - 1
	}
	return false
}

func isDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\f', 0, '/', '<', '>', '[', ']', '(', ')', '{', '}', '%':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// maxNameRunes bounds a stored file name.
const maxNameRunes = 120

// CleanFileName is the name of an uploaded file as it may be stored and shown: the last path
// element only, without control characters, bidirectional overrides and isolates (which make
// "gpj.exe" look like "exe.jpg"), zero-width characters or invalid UTF-8, at most 120
// characters, keeping the extension. An empty result becomes fallback.
func CleanFileName(name, fallback string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			return -1
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return -1 // bidirectional embedding, override, isolate and marks
		case r == 0x200b, r == 0x200c, r == 0x200d, r == 0xfeff, r == 0x2060:
			return -1 // zero-width characters
		case unicode.Is(unicode.Cf, r):
			return -1 // any other invisible format character
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == "/" || name == ".." {
		name = ""
	}
	if utf8.RuneCountInString(name) > maxNameRunes {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:maxNameRunes-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "" {
		return fallback
	}
	return name
}
