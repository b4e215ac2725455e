package pdp

import "testing"

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"3201010101900003": "3201••••••••0003",
		"1234567890123456": "1234••••••••3456",
		"12345":            "•••••",
		"":                 "",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
