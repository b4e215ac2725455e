// Package clinic administers coaching clinics and sosialisasi organised by a Dinas Pendidikan
// (often with the BGP): events with days and sessions, invitations to schools, registration with
// a capacity, per-school slots and a waiting list, signed tickets, attendance per session,
// exports, certificates of attendance and feedback.
package clinic

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/region"
)

// Kinds of event.
const (
	KindCoachingClinic = "coaching_clinic"
	KindSosialisasi    = "sosialisasi"
)

// Modes of an event.
const (
	ModeOffline = "offline"
	ModeOnline  = "online"
	ModeHybrid  = "hybrid"
)

// Statuses of an event.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusCancelled = "cancelled"
)

// Statuses of a registration.
const (
	RegRegistered = "registered"
	RegWaiting    = "waiting"
	RegCancelled  = "cancelled"
)

// Kinds, Modes and Jenjangs list the accepted values in display order.
var (
	Kinds    = []string{KindCoachingClinic, KindSosialisasi}
	Modes    = []string{ModeOffline, ModeOnline, ModeHybrid}
	Jenjangs = []string{"PAUD", "SD", "SMP", "SMA", "SMK", "SLB"}
)

// Clinic is one event.
type Clinic struct {
	ID                 int64     `db:"id"`
	Kind               string    `db:"kind"`
	Title              string    `db:"title"`
	Description        string    `db:"description"`
	Organiser          string    `db:"organiser"`
	Partner            string    `db:"partner"`
	ProvinceCode       string    `db:"province_code"`
	RegencyCode        string    `db:"regency_code"` // "" for a province-level event
	RegionName         string    `db:"region_name"`
	Timezone           string    `db:"timezone"` // WIB, WITA or WIT
	Mode               string    `db:"mode"`
	Venue              string    `db:"venue"`
	MeetingLink        string    `db:"meeting_link"`
	Capacity           int       `db:"capacity"`
	SchoolSlots        int       `db:"school_slots"` // 0: no per-school limit
	Jenjang            []string  `db:"jenjang"`
	RegistrationOpens  time.Time `db:"registration_opens"`
	RegistrationCloses time.Time `db:"registration_closes"`
	ContactName        string    `db:"contact_name"`
	ContactPhone       string    `db:"contact_phone"`
	LetterNumber       string    `db:"letter_number"`
	SignatoryName      string    `db:"signatory_name"`
	SignatoryTitle     string    `db:"signatory_title"`
	Status             string    `db:"status"`
	CheckinBefore      int       `db:"checkin_before_minutes"` // check-in opens this long before a session
	CheckinAfter       int       `db:"checkin_after_minutes"`  // and closes this long after it ends
	MinSessions        int       `db:"min_sessions"`           // sessions attended for a certificate
	CreatedAt          time.Time `db:"created_at"`
	UpdatedAt          time.Time `db:"updated_at"`
	StartsAt           time.Time `db:"starts_at"` // first session
	EndsAt             time.Time `db:"ends_at"`   // end of the last session
	Registered         int       `db:"registered"`
	Waiting            int       `db:"waiting"`
	Sessions           []Session `db:"-"`
}

// RegionCode is the kabupaten/kota code, or the province code for a province-level event.
func (c Clinic) RegionCode() string {
	if c.RegencyCode != "" {
		return c.RegencyCode
	}
	return c.ProvinceCode
}

// Local converts t to the event's time zone.
func (c Clinic) Local(t time.Time) time.Time { return region.InZone(t, c.Timezone) }

// Open reports whether teachers may register at now.
func (c Clinic) Open(now time.Time) bool {
	return c.Status == StatusPublished && !now.Before(c.RegistrationOpens) && now.Before(c.RegistrationCloses)
}

// Over reports whether the last session has ended.
func (c Clinic) Over(now time.Time) bool { return !c.EndsAt.IsZero() && now.After(c.EndsAt) }

// CheckInWindow is when check-in to session se is accepted.
func (c Clinic) CheckInWindow(se Session) (from, until time.Time) {
	return se.StartsAt.Add(-time.Duration(c.CheckinBefore) * time.Minute), se.EndsAt.Add(time.Duration(c.CheckinAfter) * time.Minute)
}

// CheckInOpen reports whether check-in to session se is accepted at now.
func (c Clinic) CheckInOpen(se Session, now time.Time) bool {
	from, until := c.CheckInWindow(se)
	return !now.Before(from) && !now.After(until)
}

// RequiredSessions is how many sessions a registrant must attend for a certificate: the
// organiser's minimum, never more than the event has.
func (c Clinic) RequiredSessions() int {
	n := max(c.MinSessions, 1)
	if len(c.Sessions) > 0 && n > len(c.Sessions) {
		n = len(c.Sessions)
	}
	return n
}

// CertificateDue reports whether registration r earns a certificate at now: the event took
// place (not cancelled) and is over, r held a seat and attended at least the required sessions,
// and the certificate was not revoked.
func (c Clinic) CertificateDue(r Registration, now time.Time) bool {
	return c.Status == StatusPublished && c.Over(now) && r.Status == RegRegistered &&
		r.Attended >= c.RequiredSessions() && r.RevokedAt == nil
}

// TicketValid reports whether a ticket link (not a freshly emailed one) still opens the
// registration at now: until a day after the event's last session.
func (c Clinic) TicketValid(now time.Time) bool {
	return c.EndsAt.IsZero() || !now.After(c.EndsAt.Add(TicketGrace))
}

// TicketGrace is how long after the event a ticket link keeps working.
const TicketGrace = 24 * time.Hour

// SchoolRef is a school of the schools table, as a registration sees it.
type SchoolRef struct {
	NPSN         string
	Name         string
	Jenjang      string
	RegencyCode  string
	ProvinceCode string
}

// Eligible checks the event's jenjang and region rules for a teacher of school sc: the school's
// jenjang is one the event is for, and the school lies in the event's kabupaten/kota (or its
// province, for a province-level event).
func (c Clinic) Eligible(sc SchoolRef) error {
	if !slices.Contains(c.Jenjang, sc.Jenjang) {
		return ErrJenjang
	}
	if c.RegencyCode != "" && sc.RegencyCode != c.RegencyCode {
		return ErrRegion
	}
	if c.RegencyCode == "" && sc.ProvinceCode != c.ProvinceCode {
		return ErrRegion
	}
	return nil
}

// Full reports whether every seat is taken.
func (c Clinic) Full() bool { return c.Registered >= c.Capacity }

// Session is one session of an event on one day.
type Session struct {
	ID       int64     `db:"id"`
	ClinicID int64     `db:"clinic_id"`
	Title    string    `db:"title"`
	StartsAt time.Time `db:"starts_at"`
	EndsAt   time.Time `db:"ends_at"`
	Present  int       `db:"present"`
}

// Day groups the sessions of one calendar day in the event's time zone.
type Day struct {
	Date     time.Time
	Sessions []Session
}

// Days groups sessions (ordered by start) by local date.
func Days(sessions []Session, tz string) []Day {
	var out []Day
	for _, s := range sessions {
		d := region.InZone(s.StartsAt, tz)
		date := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, d.Location())
		if len(out) == 0 || !out[len(out)-1].Date.Equal(date) {
			out = append(out, Day{Date: date})
		}
		out[len(out)-1].Sessions = append(out[len(out)-1].Sessions, s)
	}
	return out
}

// Scope is the part of the country a staff user manages clinics in.
type Scope struct {
	National  bool
	Provinces []string
	Regencies []string
}

// StaffScope is the union of the principal's admin (national), BGP (province) and Dinas
// (province or kabupaten/kota) grants.
func StaffScope(p *account.Principal) Scope {
	var s Scope
	if p == nil {
		return s
	}
	s.National = p.Has(account.RoleAdmin)
	for _, g := range p.Scopes(account.RoleBGP) {
		s.Provinces = append(s.Provinces, g.ProvinceCode)
	}
	for _, g := range p.Scopes(account.RoleDinas) {
		if g.RegencyCode != "" {
			s.Regencies = append(s.Regencies, g.RegencyCode)
		} else if g.ProvinceCode != "" {
			s.Provinces = append(s.Provinces, g.ProvinceCode)
		}
	}
	if s.Provinces == nil {
		s.Provinces = []string{}
	}
	if s.Regencies == nil {
		s.Regencies = []string{}
	}
	return s
}

// Covers reports whether the scope includes an event held in province (and regency, "" for a
// province-level event).
func (s Scope) Covers(province, regency string) bool {
	if s.National || slices.Contains(s.Provinces, province) {
		return true
	}
	return regency != "" && slices.Contains(s.Regencies, regency)
}

// Status of a new registration given the seats already taken: registered while seats remain,
// otherwise waiting.
func Status(registered, capacity int) string {
	if registered < capacity {
		return RegRegistered
	}
	return RegWaiting
}

// Promotions returns how many waiting registrants move up when seats free up.
func Promotions(registered, capacity, waiting int) int {
	free := capacity - registered
	if free <= 0 {
		return 0
	}
	return min(free, waiting)
}

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
	Sessions                                     []Session
}

var regionCode = regexp.MustCompile(`^\d{2}(\.\d{2})?$`)

const (
	dateLayout     = "2006-01-02"
	clockLayout    = "15:04"
	datetimeLayout = "2006-01-02T15:04"
)

// Validate checks the form; times are read in the time zone of the event's province. It
// returns the input and a message key per invalid field.
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
	if !slices.Contains(Kinds, in.Kind) {
		errs["kind"] = "form.required"
	}
	switch n := len([]rune(in.Title)); {
	case n == 0:
		errs["title"] = "form.required"
	case n < 3:
		errs["title"] = "clinic.err.title_short"
	case n > 200:
		errs["title"] = "form.too_long"
	}
	if len(in.Description) > 5000 {
		errs["description"] = "form.too_long"
	}
	if n := len([]rune(in.Organiser)); n < 3 || n > 200 {
		errs["organiser"] = "form.required"
	}
	if len(in.Partner) > 200 {
		errs["partner"] = "form.too_long"
	}
	r := strings.TrimSpace(f.Region)
	if !regionCode.MatchString(r) {
		errs["region"] = "clinic.err.region"
	} else {
		in.ProvinceCode = r[:2]
		if len(r) == 5 {
			in.RegencyCode = r
		}
	}
	tz := region.Timezone(in.ProvinceCode)
	if !slices.Contains(Modes, in.Mode) {
		errs["mode"] = "form.required"
	}
	if (in.Mode == ModeOffline || in.Mode == ModeHybrid) && in.Venue == "" {
		errs["venue"] = "clinic.err.venue"
	}
	if in.Mode == ModeOnline || in.Mode == ModeHybrid || in.MeetingLink != "" {
		if u, err := url.Parse(in.MeetingLink); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs["meeting_link"] = "clinic.err.link"
		}
	}
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
	if len(in.Jenjang) == 0 && errs["jenjang"] == "" {
		errs["jenjang"] = "clinic.err.jenjang"
	}
	loc := region.Location(tz)
	var okOpen, okClose bool
	if t, err := time.ParseInLocation(datetimeLayout, strings.TrimSpace(f.Opens), loc); err != nil {
		errs["opens"] = "clinic.err.datetime"
	} else {
		in.Opens, okOpen = t, true
	}
	if t, err := time.ParseInLocation(datetimeLayout, strings.TrimSpace(f.Closes), loc); err != nil {
		errs["closes"] = "clinic.err.datetime"
	} else {
		in.Closes, okClose = t, true
	}
	if okOpen && okClose && !in.Closes.After(in.Opens) {
		errs["closes"] = "clinic.err.window_order"
	}
	for i, s := range f.Sessions {
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
		if len(s.Title) > 200 {
			errs[key+"title"] = "form.too_long"
			continue
		}
		in.Sessions = append(in.Sessions, Session{ID: s.ID, Title: strings.TrimSpace(s.Title), StartsAt: st, EndsAt: en})
	}
	if len(in.Sessions) == 0 && !hasSessionError(errs) {
		errs["sessions"] = "clinic.err.no_session"
	}
	slices.SortStableFunc(in.Sessions, func(a, b Session) int { return a.StartsAt.Compare(b.StartsAt) })
	if len(in.Sessions) > 0 && errs["min_sessions"] == "" && in.MinSessions > len(in.Sessions) {
		errs["min_sessions"] = "clinic.err.min_sessions_over"
	}
	if len(in.Sessions) > 0 && okClose && in.Closes.After(in.Sessions[len(in.Sessions)-1].EndsAt) {
		errs["closes"] = "clinic.err.closes_after_event"
	}
	for _, f := range []*string{&in.ContactName, &in.ContactPhone, &in.LetterNumber, &in.SignatoryName, &in.SignatoryTitle} {
		if len(*f) > 200 {
			*f = (*f)[:200]
		}
	}
	return in, errs
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
