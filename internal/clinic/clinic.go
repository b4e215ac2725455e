// Package clinic administers coaching clinics and sosialisasi organised by a Dinas Pendidikan
// (often with the BGP): events with days and sessions, invitations to schools, registration with
// a capacity, per-school slots and a waiting list, signed tickets, attendance per session,
// exports, certificates of attendance and feedback.
package clinic

import (
	"slices"
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

// Status is an event's status.
type Status string

// Statuses of an event.
const (
	StatusDraft     Status = "draft"
	StatusPublished Status = "published"
	StatusCancelled Status = "cancelled"
)

// RegistrationStatus is where a registration stands: a seat, a place on the waiting list, or
// cancelled.
type RegistrationStatus string

// Statuses of a registration.
const (
	RegistrationRegistered RegistrationStatus = "registered"
	RegistrationWaiting    RegistrationStatus = "waiting"
	RegistrationCancelled  RegistrationStatus = "cancelled"
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
	Status             Status    `db:"status"`
	CheckinBefore      int       `db:"checkin_before_minutes"` // check-in opens this long before a session
	CheckinAfter       int       `db:"checkin_after_minutes"`  // and closes this long after it ends
	MinSessions        int       `db:"min_sessions"`           // sessions attended for a certificate
	// ReminderHours is how long before a session its participants are reminded (nil: the
	// configured default; 0: no reminders).
	ReminderHours *int      `db:"reminder_hours"`
	CreatedAt     time.Time `db:"created_at"`
	UpdatedAt     time.Time `db:"updated_at"`
	StartsAt      time.Time `db:"starts_at"` // first session
	EndsAt        time.Time `db:"ends_at"`   // end of the last session
	Registered    int       `db:"registered"`
	Waiting       int       `db:"waiting"`
	Sessions      []Session `db:"-"`
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
	return c.Status == StatusPublished && c.Over(now) && r.Status == RegistrationRegistered &&
		r.Attended >= c.RequiredSessions() && r.RevokedAt == nil
}

// CertificateEarned reports whether registration r earned a certificate at now, whether or not
// it was revoked since (a revoked certificate still exists: its verification says revoked).
func (c Clinic) CertificateEarned(r Registration, now time.Time) bool {
	r.RevokedAt = nil
	return c.CertificateDue(r, now)
}

// FeedbackOpen reports whether registration r may give feedback at now: it held a seat and the
// event took place and is over.
func (c Clinic) FeedbackOpen(r Registration, now time.Time) bool {
	return r.Status == RegistrationRegistered && c.Over(now) && c.Status != StatusCancelled
}

// CanCancel reports whether registration r may still be cancelled by its holder at now: it is
// not cancelled and the event is not over (after it, attendance and certificates stand).
func (c Clinic) CanCancel(r Registration, now time.Time) bool {
	return r.Status != RegistrationCancelled && !c.Over(now)
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

// Placement is the status of a new registration given the seats already taken: registered
// while seats remain, otherwise waiting.
func Placement(registered, capacity int) RegistrationStatus {
	if registered < capacity {
		return RegistrationRegistered
	}
	return RegistrationWaiting
}

// Promotions returns how many waiting registrants move up when seats free up.
func Promotions(registered, capacity, waiting int) int {
	free := capacity - registered
	if free <= 0 {
		return 0
	}
	return min(free, waiting)
}
