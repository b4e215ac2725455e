package apptest

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
)

// PageProblems parses an HTML page and lists what breaks assistive technology however the
// page looks: an id used twice (a label or aria-describedby then points at another form's
// field), a label for an id that does not exist, an empty table header cell, and a table
// wrapper that scrolls sideways without being reachable by keyboard. Every page a Client
// receives is checked (see Do), so each existing page test checks its pages.
func PageProblems(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return []string{"unparsable HTML: " + err.Error()}
	}
	var problems []string
	ids := map[string]int{}
	var labelFors []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
			}
			if id, ok := attrs["id"]; ok {
				ids[id]++
			}
			switch n.Data {
			case "label":
				if f := attrs["for"]; f != "" {
					labelFors = append(labelFors, f)
				}
			case "th":
				if strings.TrimSpace(textOf(n)) == "" && attrs["aria-label"] == "" {
					problems = append(problems, "an empty <th>")
				}
			case "div":
				if hasClass(attrs["class"], "table-wrap") && (attrs["tabindex"] != "0" || attrs["role"] != "region" || attrs["aria-label"] == "" && attrs["aria-labelledby"] == "") {
					problems = append(problems, "a .table-wrap without tabindex=0, role=region and a label")
				}
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "hx-") {
					problems = append(problems, fmt.Sprintf("attribute %s (not valid HTML; use data-%s)", a.Key, a.Key))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for id, n := range ids {
		if n > 1 {
			problems = append(problems, fmt.Sprintf("id %q used %d times", id, n))
		}
	}
	for _, f := range labelFors {
		if ids[f] == 0 {
			problems = append(problems, fmt.Sprintf("label for %q, an id that is not on the page", f))
		}
	}
	return problems
}

func hasClass(class, want string) bool {
	for _, c := range strings.Fields(class) {
		if c == want {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}
