package clinic

import (
	"slices"
	"strings"
)

// Changes lists, in Indonesian for the registrants' email, what an edit changed that a teacher
// needs to know: the title, the schedule, the mode, the venue, the meeting link and the contact
// person. Other edits (capacity, letter number, signatory, description...) list nothing, so
// saving the form without such a change emails nobody.
func Changes(old Clinic, in Input) []string {
	var out []string
	if in.Title != old.Title {
		out = append(out, "Judul: "+in.Title)
	}
	if !sameSchedule(old.Sessions, in.Sessions) {
		next := old
		next.Sessions = sortedSessions(in.Sessions)
		var b strings.Builder
		b.WriteString("Jadwal baru:\n")
		for _, d := range Days(next.Sessions, next.Timezone) {
			b.WriteString("  " + TanggalID(d.Date) + "\n")
			for _, s := range d.Sessions {
				b.WriteString("    " + next.Local(s.StartsAt).Format("15.04") + "–" + next.Local(s.EndsAt).Format("15.04") + " " + next.Timezone)
				if s.Title != "" {
					b.WriteString(" " + s.Title)
				}
				b.WriteString("\n")
			}
		}
		out = append(out, strings.TrimRight(b.String(), "\n"))
	}
	if in.Mode != old.Mode {
		out = append(out, "Bentuk kegiatan: "+ModeLabel(in.Mode))
	}
	if in.Venue != old.Venue {
		out = append(out, "Tempat: "+orNone(in.Venue))
	}
	if in.MeetingLink != old.MeetingLink {
		// The link itself is shown only to participants holding a seat, on their ticket.
		out = append(out, "Tautan pertemuan daring diperbarui: lihat tiket Anda (hanya untuk peserta terdaftar).")
	}
	if in.ContactName != old.ContactName || in.ContactPhone != old.ContactPhone {
		out = append(out, "Narahubung: "+orNone(strings.TrimSpace(in.ContactName+" "+in.ContactPhone)))
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(tidak ada)"
	}
	return s
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
