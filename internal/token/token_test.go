package token

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for _, tt := range []struct{ n, chars int }{{24, 32}, {32, 43}} {
		seen := map[string]bool{}
		for range 200 {
			tok := URL(tt.n)
			if len(tok) != tt.chars {
				t.Fatalf("URL(%d) = %q: %d characters, want %d", tt.n, tok, len(tok), tt.chars)
			}
			b, err := base64.RawURLEncoding.DecodeString(tok)
			if err != nil || len(b) != tt.n {
				t.Fatalf("URL(%d) = %q does not decode to %d bytes: %v", tt.n, tok, tt.n, err)
			}
			if seen[tok] {
				t.Fatalf("URL(%d) repeated %q", tt.n, tok)
			}
			seen[tok] = true
		}
	}
}

func TestHex(t *testing.T) {
	a, b := Hex(16), Hex(16)
	if len(a) != 32 || a == b {
		t.Fatalf("Hex(16) = %q, %q", a, b)
	}
	if raw, err := hex.DecodeString(a); err != nil || len(raw) != 16 || strings.ToLower(a) != a {
		t.Fatalf("Hex(16) = %q is not 16 bytes of lower-case hex: %v", a, err)
	}
}

func TestCode(t *testing.T) {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	counts := map[rune]int{}
	for range 2000 {
		c := Code(12, alphabet)
		if len(c) != 12 {
			t.Fatalf("Code(12) = %q", c)
		}
		for _, r := range c {
			if !strings.ContainsRune(alphabet, r) {
				t.Fatalf("Code(12) = %q has %q, not in the alphabet", c, r)
			}
			counts[r]++
		}
	}
	// 24000 draws over 32 characters: 750 each on average; every one appears and none is
	// far off (the bound is about 9 standard deviations).
	for _, r := range alphabet {
		if counts[r] < 500 || counts[r] > 1000 {
			t.Errorf("character %q drawn %d times of 24000", r, counts[r])
		}
	}
	// An alphabet whose length does not divide 256 still gives only its characters.
	for range 100 {
		if c := Code(8, "abc"); strings.Trim(c, "abc") != "" || len(c) != 8 {
			t.Fatalf("Code(8, abc) = %q", c)
		}
	}
}
