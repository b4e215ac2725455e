// Package pdp has the helpers for personal data under UU 27/2022 (Pelindungan Data Pribadi):
// masking identifiers for lists and exports.
package pdp

// Mask keeps the first 4 and last 4 characters of an identifier such as a NIK or NUPTK and
// replaces the rest with dots: 3201••••••••0003. Short values are masked whole.
func Mask(id string) string {
	r := []rune(id)
	if len(r) <= 8 {
		out := make([]rune, len(r))
		for i := range out {
			out[i] = '•'
		}
		return string(out)
	}
	out := make([]rune, len(r))
	for i := range r {
		if i < 4 || i >= len(r)-4 {
			out[i] = r[i]
		} else {
			out[i] = '•'
		}
	}
	return string(out)
}
