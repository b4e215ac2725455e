package server

import (
	"net/http"
	"sort"

	confirmpage "penggerak/web/pages/confirm"
)

// confirmed reports whether the POSTed form carries the ticked confirmation of an irreversible
// action (components.ConfirmBox: confirm=yes). Checked on the server, so it holds without
// JavaScript; a form without it is shown again with a message and nothing is done.
func confirmed(r *http.Request) bool { return r.PostFormValue("confirm") == "yes" }

// askConfirm answers an irreversible action posted without the ticked confirmation: nothing is
// done, and a confirmation page (422) says what would happen (lead, a message key) and posts
// the same fields again with the box; back is the page the action came from. It reports whether
// the action must stop here.
func (s *Server) askConfirm(w http.ResponseWriter, r *http.Request, heading, lead, back string) bool {
	if confirmed(r) {
		return false
	}
	p := confirmpage.Props{Heading: heading, Lead: lead, Action: r.URL.RequestURI(), Back: back}
	if r.PostFormValue("confirm") != "" || r.PostFormValue("_asked") != "" {
		p.Error = "confirm.required"
	}
	for name, vs := range r.PostForm {
		if name == "confirm" || name == "_asked" {
			continue
		}
		for _, v := range vs {
			p.Fields = append(p.Fields, confirmpage.Field{Name: name, Value: v})
		}
	}
	sort.Slice(p.Fields, func(i, j int) bool { return p.Fields[i].Name < p.Fields[j].Name })
	p.Fields = append(p.Fields, confirmpage.Field{Name: "_asked", Value: "1"})
	s.render(w, r, http.StatusUnprocessableEntity, confirmpage.Page(s.base(r, heading), p))
	return true
}
