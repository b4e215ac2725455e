package components

import (
	"strconv"
	"time"

	"penggerak/internal/region"
)

// Int writes an integer in decimal, for templ text and attributes.
func Int[T ~int | ~int32 | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

// WIB writes a moment on the Jakarta clock ("05-01-2027 09:00 WIB"), for staff pages whose
// figures are national.
func WIB(t time.Time) string { return region.FormatTime(t, "WIB") }
