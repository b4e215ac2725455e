// Package help has the applicants' help and contact page (Bantuan) and the admins' pages that
// edit its contacts.
package help

import (
	"penggerak/internal/help"
)

// Props is the help page.
type Props struct {
	National help.Contact
	// Mine is the contact of the signed-in teacher's province (nil when not known).
	Mine *help.Contact
	// Provinces are the provinces whose BGP has entered a contact.
	Provinces []help.Contact
	// CanEdit shows the link to the contacts' edit pages (admin, BGP).
	CanEdit bool
}

// AdminProps is the list of contacts for those who edit them.
type AdminProps struct {
	Contacts []help.Contact
	Editor   help.Editor
}

// FormProps is the edit form of one contact.
type FormProps struct {
	Contact help.Contact
	Form    help.Form
	Errors  map[string]string
}

// FAQ lists the question numbers of the help page (help.faq.<n>.q / .a in the catalogue).
var FAQ = []int{1, 2, 3, 4, 5, 6, 7, 8}

func editURL(c help.Contact) string { return "/staf/bantuan/" + c.Scope() }

func telURL(phone string) string {
	out := []rune{}
	for i, r := range phone {
		if r >= '0' && r <= '9' || (r == '+' && i == 0) {
			out = append(out, r)
		}
	}
	return "tel:" + string(out)
}
