// Package deletion holds the national admin's pages for personal-data deletion requests.
package deletion

import (
	"penggerak/internal/profile"
)

// Props is what the deletion request page shows. Form holds the values of the one form that
// was posted with problems (FormID is its request id, 0 for none).
type Props struct {
	Open   []profile.DeletionItem
	Done   []profile.DeletionItem
	FormID int64
	Note   string
	Errors map[string]string
}

// noteFor is the typed note of request id when its form came back with problems.
func (p Props) noteFor(id int64) string {
	if p.FormID == id {
		return p.Note
	}
	return ""
}

// errorFor is the message key of a field of request id's form.
func (p Props) errorFor(id int64, field string) string {
	if p.FormID == id {
		return p.Errors[field]
	}
	return ""
}

func outcomeKey(o string) string { return "deletion.outcome." + o }
