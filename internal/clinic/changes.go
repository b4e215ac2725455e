package clinic

import (
	"slices"
	"strings"
)

// Change is one thing an edit changed that a teacher needs to know, written into the change
// notice in the recipient's language (words.change).
type Change struct {
	Field    string    // title, schedule, mode, venue, link, contact
	Value    string    // the new value (the mode's code for mode)
	Sessions []Session // the new schedule, for schedule
}

// Changes lists what an edit changed that a teacher needs to know: the title, the schedule,
// the mode, the venue, the meeting link and the contact person. Other edits (capacity, letter
// number, signatory, description...) list nothing, so saving the form without such a change
// emails nobody.
func Changes(old Clinic, in Input) []Change {
	var out []Change
	if in.Title != old.Title {
		out = append(out, Change{Field: "title", Value: in.Title})
	}
	if !sameSchedule(old.Sessions, in.Sessions) {
		out = append(out, Change{Field: "schedule", Sessions: sortedSessions(in.Sessions)})
	}
	if in.Mode != old.Mode {
		out = append(out, Change{Field: "mode", Value: in.Mode})
	}
	if in.Venue != old.Venue {
		out = append(out, Change{Field: "venue", Value: in.Venue})
	}
	if in.MeetingLink != old.MeetingLink {
		// The link itself is shown only to participants holding a seat, on their ticket.
		out = append(out, Change{Field: "link"})
	}
	if in.ContactName != old.ContactName || in.ContactPhone != old.ContactPhone {
		out = append(out, Change{Field: "contact", Value: strings.TrimSpace(in.ContactName + " " + in.ContactPhone)})
	}
	return out
}

func sortedSessions(in []Session) []Session {
	out := slices.Clone(in)
	slices.SortStableFunc(out, func(a, b Session) int { return a.StartsAt.Compare(b.StartsAt) })
	return out
}

func sameSchedule(a, b []Session) bool {
	a, b = sortedSessions(a), sortedSessions(b)
	return slices.EqualFunc(a, b, func(x, y Session) bool {
		return x.StartsAt.Equal(y.StartsAt) && x.EndsAt.Equal(y.EndsAt) && x.Title == y.Title
	})
}
