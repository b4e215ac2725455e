package accounts

import (
	"regexp"
	"strings"
)

// Segment is a piece of a plain-text mail body: text, or a link (Href set).
type Segment struct {
	Text string
	Href string
}

var linkRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// Segments splits a plain-text body into text and links, so the outbox page can make the
// links clickable. A link to baseURL becomes a local path, so it works on whatever address the
// development server listens on.
func Segments(body, baseURL string) []Segment {
	var out []Segment
	last := 0
	for _, m := range linkRE.FindAllStringIndex(body, -1) {
		if m[0] > last {
			out = append(out, Segment{Text: body[last:m[0]]})
		}
		link := strings.TrimRight(body[m[0]:m[1]], ".,;:!?)")
		end := m[0] + len(link)
		href := link
		if baseURL != "" && strings.HasPrefix(link, baseURL+"/") {
			href = strings.TrimPrefix(link, baseURL)
		}
		out = append(out, Segment{Text: link, Href: href})
		last = end
	}
	if last < len(body) {
		out = append(out, Segment{Text: body[last:]})
	}
	return out
}
