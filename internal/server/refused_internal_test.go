package server

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"
)

// A kept refusal survives the session as it was rendered; one too large to keep is refused
// (the page is then answered at the POST address), and a damaged value is not served.
func TestKeptRefusalEncoding(t *testing.T) {
	page := []byte(strings.Repeat(`<p class="field-error">Berkas bukan PDF.</p>`, 2000))
	v, ok := encodeRefused(keptPage{status: 422, user: 7, at: "/lamaran/3/dokumen?x=1", body: page})
	if !ok || len(v) > len(page)/10 {
		t.Fatalf("kept %v, %d bytes for a %d-byte page", ok, len(v), len(page))
	}
	k, ok := decodeRefused(v)
	if !ok || k.status != 422 || k.user != 7 || k.at != "/lamaran/3/dokumen?x=1" || !bytes.Equal(k.body, page) {
		t.Fatalf("round trip: %v %d %d %q, body equal %v", ok, k.status, k.user, k.at, bytes.Equal(k.body, page))
	}
	noise := make([]byte, maxRefusedKept+1) // does not compress
	_, _ = rand.Read(noise)
	if _, ok := encodeRefused(keptPage{status: 422, at: "/", body: noise}); ok {
		t.Error("a page over the bound was kept")
	}
	for _, bad := range []string{"", v[:len(v)/2], "\x01" + v[1:]} {
		if _, ok := decodeRefused(bad); ok {
			t.Errorf("damaged value %.20q decoded", bad)
		}
	}
}
