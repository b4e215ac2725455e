// Package pdfdoctest reads generated PDFs back in tests with poppler-utils (pdftotext,
// pdfinfo), so a test asserts on what a reader of the document sees. A machine without
// poppler-utils fails the test loudly (.ci/run installs it).
package pdfdoctest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// write checks that b is a PDF and writes it to a file of the test's.
func write(t testing.TB, b []byte) string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.40q", b)
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s (apt install poppler-utils): %v", name, err)
	}
	return string(out)
}

// Text is the PDF's text with every run of white space made one space, for "contains" checks.
func Text(t testing.TB, b []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(run(t, "pdftotext", write(t, b), "-")), " ")
}

// Layout is the PDF's text laid out as on the page (pdftotext -layout), for checks of where
// things stand.
func Layout(t testing.TB, b []byte) string {
	t.Helper()
	return run(t, "pdftotext", "-layout", write(t, b), "-")
}

// Info is what pdfinfo says of the PDF (pages, page size, …).
func Info(t testing.TB, b []byte) string {
	t.Helper()
	return run(t, "pdfinfo", write(t, b))
}
