package server

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// TestStreamDownload: a ZIP streamed to the client arrives whole when it is made whole; one that
// fails before its first byte still gets the error page (and none of the download's headers);
// one that fails after it reaches the client as a broken download (the body ends in a read
// error), never as a shorter ZIP that opens. Through recoverPanics, as every route is.
func TestStreamDownload(t *testing.T) {
	s := &Server{log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	boom := errors.New("boom")
	// entries writes n incompressible 64 KiB entries, then fails with fail (nil: closes the ZIP).
	entries := func(n int, fail error) func(io.Writer) error {
		return func(w io.Writer) error {
			z := zip.NewWriter(w)
			for i := range n {
				f, err := z.Create(strconv.Itoa(i) + ".pdf")
				if err != nil {
					return err
				}
				b := make([]byte, 64<<10)
				_, _ = rand.Read(b)
				if _, err := f.Write(b); err != nil {
					return err
				}
			}
			if fail != nil {
				return fail
			}
			return z.Close()
		}
	}
	cases := map[string]func(io.Writer) error{"whole": entries(3, nil), "before": entries(0, boom), "after": entries(3, boom)}
	srv := httptest.NewServer(s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := func() error { zipHeaders(w, "surat.zip", "private, no-store"); return nil }
		if err := s.streamDownload(w, r, start, cases[r.URL.Query().Get("case")]); err != nil {
			http.Error(w, "Terjadi kesalahan", http.StatusInternalServerError)
		}
	})))
	defer srv.Close()
	get := func(c string) (*http.Response, []byte, error) {
		t.Helper()
		res, err := srv.Client().Get(srv.URL + "/?case=" + c)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		return res, body, err
	}

	res, body, err := get("whole")
	if err != nil || res.StatusCode != 200 || res.Header.Get("Cache-Control") != "private, no-store" || res.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("whole: %d %v %v", res.StatusCode, res.Header, err)
	}
	if zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err != nil || len(zr.File) != 3 {
		t.Fatalf("whole ZIP does not open with 3 entries: %v", err)
	}

	res, body, err = get("before")
	if err != nil || res.StatusCode != 500 || res.Header.Get("Content-Disposition") != "" || !bytes.Contains(body, []byte("Terjadi kesalahan")) {
		t.Fatalf("failure before the first byte: %d %v %q %v", res.StatusCode, res.Header, body, err)
	}

	res, body, err = get("after")
	if res.StatusCode != 200 || len(body) == 0 {
		t.Fatalf("failure after the first byte: status %d, %d bytes", res.StatusCode, len(body))
	}
	if err == nil {
		t.Fatalf("a download cut mid-stream read as complete (%d bytes)", len(body))
	}
	if _, zerr := zip.NewReader(bytes.NewReader(body), int64(len(body))); zerr == nil {
		t.Fatal("a download cut mid-stream opens as a ZIP")
	}
}
