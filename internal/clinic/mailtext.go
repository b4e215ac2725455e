package clinic

// Mails of the clinics feature in the recipient's language: every subject, body and phrase is a
// message of the i18n catalogues (web/i18n/clinic.*.toml, keys clinic.mail.*), looked up through
// the Catalogue the server wires in with WithCatalogue.

import (
	"strconv"
	"strings"
	"time"

	"penggerak/internal/mail"
	"penggerak/internal/region"
)

// Catalogue looks a message key up in a language ("id", "en"), filled in with data.
type Catalogue func(lang, key string, data map[string]any) string

// WithCatalogue returns the store writing its mails from cat.
func (s *Store) WithCatalogue(cat Catalogue) *Store {
	c := *s
	c.cat = cat
	return &c
}

// langSQL is the language of a registration's person (their account's, Indonesian without one);
// g is the registrations alias.
const langSQL = `coalesce((SELECT u.language FROM users u WHERE u.id = g.user_id), 'id')`

// words is the catalogue in one language.
type words struct {
	lang string
	cat  Catalogue
}

func (s *Store) in(lang string) words {
	if lang != "en" {
		lang = "id"
	}
	return words{lang: lang, cat: s.cat}
}

// T is the message key in the language; without a catalogue it is the key itself.
func (w words) T(key string, data map[string]any) string {
	if w.cat == nil {
		return key
	}
	return w.cat(w.lang, key, data)
}

// date is a long date: "Jumat, 26 April 2024" or "Friday, 26 April 2024".
func (w words) date(t time.Time) string {
	if w.lang == "en" {
		return t.Format("Monday, 2 January 2006")
	}
	return TanggalID(t)
}

func (w words) kind(c Clinic) string { return w.T("clinic.mail.kind."+c.Kind, nil) }

// hasKind reports whether the title already starts with the kind (in either language), so that
// it is not written twice ("Coaching Clinic Coaching Clinic …").
func (w words) hasKind(c Clinic) bool {
	t := strings.ToLower(strings.TrimSpace(c.Title))
	return strings.HasPrefix(t, strings.ToLower(KindLabel(c.Kind))) || strings.HasPrefix(t, strings.ToLower(w.kind(c)))
}

// name is the event's name: its kind followed by its title.
func (w words) name(c Clinic) string {
	if w.hasKind(c) {
		return c.Title
	}
	return w.kind(c) + " " + c.Title
}

// phrase is the event inside a sentence: Coaching Clinic "Title".
func (w words) phrase(c Clinic) string {
	if w.hasKind(c) {
		return "\"" + c.Title + "\""
	}
	return w.kind(c) + " \"" + c.Title + "\""
}

func (w words) teachers(c Clinic) string {
	if c.SchoolSlots > 0 {
		return w.T("clinic.mail.teachers", map[string]any{"N": c.SchoolSlots, "Words": Terbilang(c.SchoolSlots)})
	}
	return w.T("clinic.mail.teachers_any", nil)
}

// sessions lists sessions by day in time zone tz, each line after indent, a session's title
// after sep.
func (w words) sessions(list []Session, tz, indent, sep string) string {
	var b strings.Builder
	for _, d := range Days(list, tz) {
		b.WriteString(indent + w.date(d.Date) + "\n")
		for _, s := range d.Sessions {
			b.WriteString(indent + "  " + region.InZone(s.StartsAt, tz).Format("15.04") + "–" + region.InZone(s.EndsAt, tz).Format("15.04") + " " + tz)
			if s.Title != "" {
				b.WriteString(sep + s.Title)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// schedule is the event's schedule, mode, venue and whether there is a meeting link.
func (w words) schedule(c Clinic) string {
	var b strings.Builder
	b.WriteString(w.sessions(c.Sessions, c.Timezone, "", "  "))
	b.WriteString(w.T("clinic.mail.schedule.mode", map[string]any{"Mode": w.T("clinic.mail.mode."+c.Mode, nil)}) + "\n")
	if c.Venue != "" {
		b.WriteString(w.T("clinic.mail.schedule.venue", map[string]any{"Venue": c.Venue}) + "\n")
	}
	if c.MeetingLink != "" { // the link itself only on a registered participant's ticket
		b.WriteString(w.T("clinic.mail.schedule.link", nil) + "\n")
	}
	return b.String()
}

// change is one line of a change notice.
func (w words) change(ch Change, tz string) string {
	switch ch.Field {
	case "schedule":
		return w.T("clinic.mail.change.schedule", nil) + "\n" + strings.TrimRight(w.sessions(ch.Sessions, tz, "  ", " "), "\n")
	case "mode":
		return w.T("clinic.mail.change.mode", map[string]any{"Value": w.T("clinic.mail.mode."+ch.Value, nil)})
	case "link":
		return w.T("clinic.mail.change.link", nil)
	}
	v := ch.Value
	if v == "" {
		v = w.T("clinic.mail.none", nil)
	}
	return w.T("clinic.mail.change."+ch.Field, map[string]any{"Value": v})
}

// compose writes the mail key (key.subject, key.body) to to in lang; data gets BaseURL.
func (s *Store) compose(lang, to, key string, data map[string]any) mail.Message {
	w := s.in(lang)
	data["BaseURL"] = s.baseURL
	return mail.Message{To: to, Subject: w.T(key+".subject", data), Body: w.T(key+".body", data)}
}

// regMail writes the mail key about registration r to its holder, in their language, with
// Name, Title, Code, Ticket and Position filled in besides data.
func (s *Store) regMail(r Registration, key string, data map[string]any) mail.Message {
	d := map[string]any{"Name": r.Name, "Title": r.ClinicTitle, "Code": FormatCode(r.Code),
		"Ticket": s.TicketURL(r.ClinicID, r.ID), "Position": strconv.Itoa(r.Position)}
	for k, v := range data {
		d[k] = v
	}
	return s.compose(r.Lang, r.Email, key, d)
}
