package web

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func luminance(hex string) float64 {
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) == 3 {
		hex = string([]byte{hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]})
	}
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// The focus ring has at least 3:1 contrast (WCAG 1.4.11) against the white page and against
// the blue header, where its colour is overridden.
func TestFocusRingContrast(t *testing.T) {
	css, err := staticFS.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	s := string(css)
	ring := regexp.MustCompile(`:focus-visible[^{]*\{[^}]*outline:\s*3px solid (#[0-9a-fA-F]{3,6})`).FindStringSubmatch(s)
	header := regexp.MustCompile(`header\.top :focus-visible\s*\{\s*outline-color:\s*(#[0-9a-fA-F]{3,6})`).FindStringSubmatch(s)
	accent := regexp.MustCompile(`--accent:\s*(#[0-9a-fA-F]{6})`).FindStringSubmatch(s)
	if ring == nil || header == nil || accent == nil {
		t.Fatalf("focus ring rules not found: %v %v %v", ring, header, accent)
	}
	if c := contrast(ring[1], "#fff"); c < 3 {
		t.Errorf("focus ring %s on white: %.2f:1, want ≥ 3", ring[1], c)
	}
	if c := contrast(header[1], accent[1]); c < 3 {
		t.Errorf("focus ring %s on the header %s: %.2f:1, want ≥ 3", header[1], accent[1], c)
	}
	if c := contrast("#f5a623", "#fff"); c >= 3 {
		t.Errorf("the contrast formula is off: the old ring gave %.2f", c)
	}
}
