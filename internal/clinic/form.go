package clinic

// The event form and the registration form as typed, and their validation.

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"penggerak/internal/region"
)

// SessionForm is one session row of the event form.
type SessionForm struct {
	ID    int64  `form:"id"`
	Title string `form:"title"`
	Date  string `form:"date"`  // 2024-04-26
	Start string `form:"start"` // 08:00
	End   string `form:"end"`   // 12:00
}

// Blank reports whether the row was left empty.
func (s SessionForm) Blank() bool {
	return strings.TrimSpace(s.Title+s.Date+s.Start+s.End) == ""
}

// Form is the event form as typed.
type Form struct {
	Kind           string        `form:"kind"`
	Title          string        `form:"title"`
	Description    string        `form:"description"`
	Organiser      string        `form:"organiser"`
	Partner        string        `form:"partner"`
	Region         string        `form:"region"` // "16" or "16.01"
	Mode           string        `form:"mode"`
	Venue          string        `form:"venue"`
	MeetingLink    string        `form:"meeting_link"`
	Capacity       string        `form:"capacity"`
	SchoolSlots    string        `form:"school_slots"`
	Jenjang        []string      `form:"jenjang"`
	Opens          string        `form:"opens"`  // 2024-04-01T08:00
	Closes         string        `form:"closes"` // 2024-04-20T23:59
	ContactName    string        `form:"contact_name"`
	ContactPhone   string        `form:"contact_phone"`
	LetterNumber   string        `form:"letter_number"`
	SignatoryName  string        `form:"signatory_name"`
	SignatoryTitle string        `form:"signatory_title"`
	CheckinBefore  string        `form:"checkin_before"` // minutes
	CheckinAfter   string        `form:"checkin_after"`  // minutes
	MinSessions    string        `form:"min_sessions"`
	ReminderHours  string        `form:"reminder_hours"` // hours before a session; empty: the default
	Sessions       []SessionForm `form:"sessions"`
}

// Input is a validated event.
type Input struct {
	Kind, Title, Description, Organiser, Partner string
	ProvinceCode, RegencyCode                    string
	Mode, Venue, MeetingLink                     string
	Capacity, SchoolSlots                        int
	Jenjang                                      []string
	Opens, Closes                                time.Time
	ContactName, ContactPhone                    string
	LetterNumber, SignatoryName, SignatoryTitle  string
	CheckinBefore, CheckinAfter, MinSessions     int
	ReminderHours                                *int // nil: the configured default
	Sessions                                     []Session
}

var regionCode = regexp.MustCompile(`^\d{2}(\.\d{2})?$`)

const (
	dateLayout     = "2006-01-02"
	clockLayout    = "15:04"
	datetimeLayout = "2006-01-02T15:04"
)

// Validate checks the form; times are read in the time zone of the event's province. It
// returns the input and a message key per invalid field. Each part of the form is checked by
// its own function below, in the order the form shows them.
func Validate(f Form) (Input, map[string]string) {
	errs := map[string]string{}
	in := Input{
		Kind: f.Kind, Title: strings.TrimSpace(f.Title), Description: strings.TrimSpace(f.Description),
		Organiser: strings.TrimSpace(f.Organiser), Partner: strings.TrimSpace(f.Partner),
		Mode: f.Mode, Venue: strings.TrimSpace(f.Venue), MeetingLink: strings.TrimSpace(f.MeetingLink),
		ContactName: strings.TrimSpace(f.ContactName), ContactPhone: strings.TrimSpace(f.ContactPhone),
		LetterNumber: strings.TrimSpace(f.LetterNumber), SignatoryName: strings.TrimSpace(f.SignatoryName),
		SignatoryTitle: strings.TrimSpace(f.SignatoryTitle),
	}
	validateTexts(&in, errs)
	validatePlace(&in, f.Region, errs)
	validateNumbers(&in, f, errs)
	loc := region.Location(region.Timezone(in.ProvinceCode))
	okClose := validateWindow(&in, f.Opens, f.Closes, loc, errs)
	validateSessions(&in, f.Sessions, loc, errs)
	if len(in.Sessions) > 0 && errs["min_sessions"] == "" && in.MinSessions > len(in.Sessions) {
		errs["min_sessions"] = "clinic.err.min_sessions_over"
	}
	if len(in.Sessions) > 0 && okClose && in.Closes.After(in.Sessions[len(in.Sessions)-1].EndsAt) {
		errs["closes"] = "clinic.err.closes_after_event"
	}
	return in, errs
}

// runes counts the characters of s, as the form's limits are stated in characters.
func runes(s string) int { return utf8.RuneCountInString(s) }

// validateTexts checks the kind and the free-text fields: the title and organiser are required,
// every text has a length limit (refused with a message, never cut, so nothing typed is lost).
func validateTexts(in *Input, errs map[string]string) {
	if !slices.Contains(Kinds, in.Kind) {
		errs["kind"] = "form.required"
	}
	switch n := runes(in.Title); {
	case n == 0:
		errs["title"] = "form.required"
	case n < 3:
		errs["title"] = "clinic.err.title_short"
	case n > 200:
		errs["title"] = "form.too_long"
	}
	if runes(in.Description) > 5000 {
		errs["description"] = "form.too_long"
	}
	if n := runes(in.Organiser); n < 3 || n > 200 {
		errs["organiser"] = "form.required"
	}
	for _, x := range []struct {
		key string
		v   string
	}{{"partner", in.Partner}, {"contact_name", in.ContactName}, {"contact_phone", in.ContactPhone},
		{"letter_number", in.LetterNumber}, {"signatory_name", in.SignatoryName}, {"signatory_title", in.SignatoryTitle}} {
		if runes(x.v) > 200 {
			errs[x.key] = "form.too_long"
		}
	}
}

// validatePlace checks where the event is: its region (a province "16" or a kab/kota "16.01"),
// its mode, and the venue or meeting link the mode needs.
func validatePlace(in *Input, regionField string, errs map[string]string) {
	r := strings.TrimSpace(regionField)
	if !regionCode.MatchString(r) {
		errs["region"] = "clinic.err.region"
	} else {
		in.ProvinceCode = r[:2]
		if len(r) == 5 {
			in.RegencyCode = r
		}
	}
	if !slices.Contains(Modes, in.Mode) {
		errs["mode"] = "form.required"
	}
	if (in.Mode == ModeOffline || in.Mode == ModeHybrid) && in.Venue == "" {
		errs["venue"] = "clinic.err.venue"
	}
	if runes(in.Venue) > 300 {
		errs["venue"] = "form.too_long"
	}
	if in.Mode == ModeOnline || in.Mode == ModeHybrid || in.MeetingLink != "" {
		if u, err := url.Parse(in.MeetingLink); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.MeetingLink) > 1000 {
			errs["meeting_link"] = "clinic.err.link"
		}
	}
}

// validateNumbers checks the capacity, the per-school slots, the jenjang, the check-in window
// around each session, the minimum sessions for a certificate and the reminder hours; the
// optional ones keep their defaults when left empty.
func validateNumbers(in *Input, f Form, errs map[string]string) {
	if n, err := strconv.Atoi(strings.TrimSpace(f.Capacity)); err != nil || n < 1 || n > 100000 {
		errs["capacity"] = "clinic.err.capacity"
	} else {
		in.Capacity = n
	}
	if strings.TrimSpace(f.SchoolSlots) == "" {
		in.SchoolSlots = 0
	} else if n, err := strconv.Atoi(strings.TrimSpace(f.SchoolSlots)); err != nil || n < 0 || n > 1000 {
		errs["school_slots"] = "clinic.err.slots"
	} else {
		in.SchoolSlots = n
	}
	for _, j := range f.Jenjang {
		if !slices.Contains(Jenjangs, j) {
			errs["jenjang"] = "form.invalid"
		} else if !slices.Contains(in.Jenjang, j) {
			in.Jenjang = append(in.Jenjang, j)
		}
	}
	if len(in.Jenjang) == 0 && errs["jenjang"] == "" {
		errs["jenjang"] = "clinic.err.jenjang"
	}
	in.CheckinBefore, in.CheckinAfter, in.MinSessions = 60, 60, 1
	for _, x := range []struct {
		v        string
		key      string
		dst      *int
		min, max int
	}{{f.CheckinBefore, "checkin_before", &in.CheckinBefore, 0, 720}, {f.CheckinAfter, "checkin_after", &in.CheckinAfter, 0, 720},
		{f.MinSessions, "min_sessions", &in.MinSessions, 1, 100}} {
		if strings.TrimSpace(x.v) == "" {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(x.v)); err != nil || n < x.min || n > x.max {
			errs[x.key] = "clinic.err." + x.key
		} else {
			*x.dst = n
		}
	}
	if v := strings.TrimSpace(f.ReminderHours); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > MaxReminderHours {
			errs["reminder_hours"] = "clinic.err.reminder_hours"
		} else {
			in.ReminderHours = &n
		}
	}
}

// validateWindow checks the registration window, read in the event's time zone; it reports
// whether the closing time could be read.
func validateWindow(in *Input, opens, closes string, loc *time.Location, errs map[string]string) bool {
	var okOpen, okClose bool
	if t, err := time.ParseInLocation(datetimeLayout, strings.TrimSpace(opens), loc); err != nil {
		errs["opens"] = "clinic.err.datetime"
	} else {
		in.Opens, okOpen = t, true
	}
	if t, err := time.ParseInLocation(datetimeLayout, strings.TrimSpace(closes), loc); err != nil {
		errs["closes"] = "clinic.err.datetime"
	} else {
		in.Closes, okClose = t, true
	}
	if okOpen && okClose && !in.Closes.After(in.Opens) {
		errs["closes"] = "clinic.err.window_order"
	}
	return okClose
}

// validateSessions checks each session row that is not left blank (a date, a start before the
// end, a title within its limit) and keeps the valid ones in time order; an event needs one.
func validateSessions(in *Input, rows []SessionForm, loc *time.Location, errs map[string]string) {
	for i, s := range rows {
		if s.Blank() {
			continue
		}
		key := "sessions[" + strconv.Itoa(i) + "]."
		day, err := time.ParseInLocation(dateLayout, strings.TrimSpace(s.Date), loc)
		if err != nil {
			errs[key+"date"] = "clinic.err.date"
			continue
		}
		start, err1 := time.Parse(clockLayout, strings.TrimSpace(s.Start))
		end, err2 := time.Parse(clockLayout, strings.TrimSpace(s.End))
		if err1 != nil {
			errs[key+"start"] = "clinic.err.time"
		}
		if err2 != nil {
			errs[key+"end"] = "clinic.err.time"
		}
		if err1 != nil || err2 != nil {
			continue
		}
		st := day.Add(time.Duration(start.Hour())*time.Hour + time.Duration(start.Minute())*time.Minute)
		en := day.Add(time.Duration(end.Hour())*time.Hour + time.Duration(end.Minute())*time.Minute)
		if !en.After(st) {
			errs[key+"end"] = "clinic.err.end_before_start"
			continue
		}
		title := strings.TrimSpace(s.Title)
		if runes(title) > 200 {
			errs[key+"title"] = "form.too_long"
			continue
		}
		in.Sessions = append(in.Sessions, Session{ID: s.ID, Title: title, StartsAt: st, EndsAt: en})
	}
	if len(in.Sessions) == 0 && !hasSessionError(errs) {
		errs["sessions"] = "clinic.err.no_session"
	}
	slices.SortStableFunc(in.Sessions, func(a, b Session) int { return a.StartsAt.Compare(b.StartsAt) })
}

func hasSessionError(errs map[string]string) bool {
	for k := range errs {
		if strings.HasPrefix(k, "sessions[") {
			return true
		}
	}
	return false
}

// FormFrom fills the form from a stored event (for editing).
func FormFrom(c Clinic) Form {
	f := Form{
		Kind: c.Kind, Title: c.Title, Description: c.Description, Organiser: c.Organiser, Partner: c.Partner,
		Region: c.RegionCode(), Mode: c.Mode, Venue: c.Venue, MeetingLink: c.MeetingLink,
		Capacity: strconv.Itoa(c.Capacity), SchoolSlots: strconv.Itoa(c.SchoolSlots), Jenjang: c.Jenjang,
		Opens: c.Local(c.RegistrationOpens).Format(datetimeLayout), Closes: c.Local(c.RegistrationCloses).Format(datetimeLayout),
		ContactName: c.ContactName, ContactPhone: c.ContactPhone, LetterNumber: c.LetterNumber,
		SignatoryName: c.SignatoryName, SignatoryTitle: c.SignatoryTitle,
		CheckinBefore: strconv.Itoa(c.CheckinBefore), CheckinAfter: strconv.Itoa(c.CheckinAfter), MinSessions: strconv.Itoa(c.MinSessions),
		ReminderHours: reminderText(c.ReminderHours),
	}
	for _, s := range c.Sessions {
		st, en := c.Local(s.StartsAt), c.Local(s.EndsAt)
		f.Sessions = append(f.Sessions, SessionForm{ID: s.ID, Title: s.Title, Date: st.Format(dateLayout), Start: st.Format(clockLayout), End: en.Format(clockLayout)})
	}
	return f
}

// RegisterForm is what a teacher types (or staff type for a nomination). A teacher registering
// themselves types only the NPSN of their school and a phone number: the name comes from their
// account and the school's name and jenjang from the schools table. Staff nominating a teacher
// also type the teacher's name and email.
type RegisterForm struct {
	Name  string `form:"name"`
	Email string `form:"email"`
	Phone string `form:"phone"`
	NPSN  string `form:"npsn"`
}

var (
	npsnPattern  = regexp.MustCompile(`^(\d{8}|[PK]\d{7})$`)
	emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phonePattern = regexp.MustCompile(`^(\+62|62|0)8\d{7,12}$`)
)

// ValidateRegistrant checks a registration form; self is a teacher registering themselves
// (name and email come from the account, not the form).
func ValidateRegistrant(f RegisterForm, self bool) (Registrant, map[string]string) {
	errs := map[string]string{}
	r := Registrant{
		Name: strings.TrimSpace(f.Name), Email: strings.ToLower(strings.TrimSpace(f.Email)),
		Phone: strings.ReplaceAll(strings.TrimSpace(f.Phone), " ", ""), NPSN: strings.ToUpper(strings.TrimSpace(f.NPSN)),
	}
	if self {
		r.Name, r.Email = "", ""
	} else {
		if n := len([]rune(r.Name)); n < 2 || n > 120 {
			errs["name"] = "form.required"
		}
		if !emailPattern.MatchString(r.Email) || len(r.Email) > 200 {
			errs["email"] = "clinic.err.email"
		}
	}
	if r.Phone != "" && !phonePattern.MatchString(r.Phone) {
		errs["phone"] = "clinic.err.phone"
	}
	if !npsnPattern.MatchString(r.NPSN) {
		errs["npsn"] = "clinic.err.npsn"
	}
	return r, errs
}
