package accounts

import (
	"reflect"
	"testing"
)

func TestSegments(t *testing.T) {
	base := "http://localhost:8080"
	cases := []struct {
		body string
		want []Segment
	}{
		{"Halo.", []Segment{{Text: "Halo."}}},
		{"Buka http://localhost:8080/verifikasi/abc.\nTerima kasih", []Segment{
			{Text: "Buka "}, {Text: "http://localhost:8080/verifikasi/abc", Href: "/verifikasi/abc"}, {Text: ".\nTerima kasih"}}},
		{"Lihat https://example.org/x?y=1", []Segment{{Text: "Lihat "}, {Text: "https://example.org/x?y=1", Href: "https://example.org/x?y=1"}}},
		{"javascript:alert(1) http://localhost:8080.evil/x", []Segment{
			{Text: "javascript:alert(1) "}, {Text: "http://localhost:8080.evil/x", Href: "http://localhost:8080.evil/x"}}},
	}
	for _, tc := range cases {
		if got := Segments(tc.body, base); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Segments(%q) =\n%#v\nwant\n%#v", tc.body, got, tc.want)
		}
	}
}
