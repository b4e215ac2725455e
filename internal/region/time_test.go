package region

import (
	"testing"
	"time"
)

func TestFormatTime(t *testing.T) {
	at := time.Date(2027, 1, 5, 1, 30, 0, 0, time.UTC)
	for tz, want := range map[string]string{
		"WIB":  "05-01-2027 08:30 WIB",
		"WITA": "05-01-2027 09:30 WITA",
		"WIT":  "05-01-2027 10:30 WIT",
		"":     "05-01-2027 08:30 WIB", // an unknown zone is written, and named, as WIB
		"XYZ":  "05-01-2027 08:30 WIB",
	} {
		if got := FormatTime(at, tz); got != want {
			t.Errorf("FormatTime(%q) = %q, want %q", tz, got, want)
		}
	}
}
