// Package token makes the random values the program hands out: secrets that travel in links
// (sign-in, download and certificate tokens), names of stored files and preview keys, and
// short codes that people type.
package token

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
)

// URL returns n random bytes as unpadded base64url: ceil(4n/3) characters from A–Z, a–z, 0–9,
// "-" and "_", safe in a path or a query (24 bytes give 32 characters, 32 bytes give 43).
func URL(n int) string { return base64.RawURLEncoding.EncodeToString(bytes(n)) }

// Hex returns n random bytes as lower-case hex: 2n characters, safe as a file name.
func Hex(n int) string { return hex.EncodeToString(bytes(n)) }

// Code returns n characters drawn uniformly from alphabet (at most 256 distinct bytes), for a
// code a person reads off a page and types.
func Code(n int, alphabet string) string {
	if len(alphabet) == 0 || len(alphabet) > 256 {
		panic("token: alphabet must have 1 to 256 characters")
	}
	// Bytes at or above limit are drawn again, so that every character is equally likely
	// whatever the alphabet's length (limit is 256 when the length divides 256).
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	for len(out) < n {
		for _, b := range bytes(n - len(out)) {
			if int(b) < limit {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// bytes returns n bytes from crypto/rand, whose Read never fails (it aborts the program
// when the system's generator cannot be read).
func bytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
