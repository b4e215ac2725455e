// Package clinic has the pages of coaching clinics and sosialisasi: the public list and event
// page, registration and tickets, the staff pages to manage events, invitations and check-in,
// and the certificate verification page.
package clinic

import (
	"context"
	"strconv"
	"time"

	"penggerak/internal/clinic"
	"penggerak/web/components"
	"penggerak/web/i18n"
)

// ListProps is the public list of upcoming events.
type ListProps struct {
	Region   string
	Regions  []components.Option
	Q        string // the search as typed (event name, place, organiser, region)
	Items    []clinic.Clinic
	SignedIn bool // shows the link to the user's registrations
	// OwnRegion is true when Region was preselected as the kabupaten/kota of the teacher's school.
	OwnRegion bool
}

// DetailProps is the public page of one event.
type DetailProps struct {
	C        clinic.Clinic
	Now      time.Time
	SignedIn bool
	Mine     *clinic.Registration
	MyTicket string // path of the user's ticket
}

// RegisterProps is the registration form.
type RegisterProps struct {
	C    clinic.Clinic
	Form clinic.RegisterForm
	Errs map[string]string
	// School is the school the typed NPSN names in the schools table (nil: none typed or unknown).
	School *clinic.SchoolRef
}

// TicketProps is a registrant's ticket page.
type TicketProps struct {
	C         clinic.Clinic
	R         clinic.Registration
	Path      string // /tiket/<token>
	QR        string // data: URL of the QR image
	Now       time.Time
	Rating    string
	Comment   string
	Errs      map[string]string
	Delivered bool
	// CancelError is the message key shown when the cancellation was not confirmed.
	CancelError string
	// Manage: the viewer may cancel and give feedback (the signed-in owner or a fresh emailed
	// link); anyone else holding the ticket link only sees it.
	Manage bool
	// CertificateDue: the event is over and the registrant earned a certificate.
	CertificateDue bool
}

// CancelRegProps is the organiser's confirmation before cancelling a participant.
type CancelRegProps struct {
	C     clinic.Clinic
	R     clinic.Registration
	Error string
}

// CertificatesProps is the organiser's list of an event's certificates.
type CertificatesProps struct {
	C     clinic.Clinic
	Certs []clinic.Registration
	Now   time.Time
}

// RevokeProps is the confirmation (with a reason) before revoking a certificate.
type RevokeProps struct {
	C       clinic.Clinic
	R       clinic.Registration
	Reason  string
	Confirm bool
	Errs    map[string]string
}

// MineItem is one of the user's registrations.
type MineItem struct {
	R    clinic.Registration
	Path string
}

// VerifyProps is the certificate verification page.
type VerifyProps struct {
	Code    string
	Cert    *clinic.Certificate
	Checked bool
}

// FormProps is the create/edit event form.
type FormProps struct {
	ID      int64 // 0 for a new event
	Form    clinic.Form
	Errs    map[string]string
	Regions []components.Option
}

// ManageProps is the organiser's page of an event.
type ManageProps struct {
	C        clinic.Clinic
	Regs     []clinic.Registration
	Feedback clinic.FeedbackSummary
	Nominate clinic.RegisterForm
	Errs     map[string]string
	Now      time.Time
	// CancelError is the message key shown when the event's cancellation was not confirmed.
	CancelError string
}

// InviteProps is the page to invite schools.
type InviteProps struct {
	C           clinic.Clinic
	Filter      clinic.InviteFilter
	Regencies   []components.Option
	Districts   []components.Option
	Invitations []clinic.Invitation
	Result      *clinic.InviteResult
}

// CheckInProps is the check-in page of one session.
type CheckInProps struct {
	C       clinic.Clinic
	Session clinic.Session
	Message string // message key of the last check-in
	Name    string // registrant of the last check-in
	Level   string // "ok", "warn" or "error"
	Code    string // the refused code, shown again to correct it
	Q       string
	Regs    []clinic.Registration
	Present map[int64]bool
}

// Jenjangs are the selectable jenjang.
func jenjangOptions() []components.Option {
	var out []components.Option
	for _, j := range clinic.Jenjangs {
		out = append(out, components.Option{Value: j, Label: j})
	}
	return out
}

func when(ctx context.Context, c clinic.Clinic, t time.Time) string {
	l := c.Local(t)
	if i18n.Lang(ctx) == "en" {
		return l.Format("Mon 2 Jan 2006, 15:04") + " " + c.Timezone
	}
	return clinic.TanggalID(l) + ", " + l.Format("15.04") + " " + c.Timezone
}

func day(ctx context.Context, t time.Time) string {
	if i18n.Lang(ctx) == "en" {
		return t.Format("Monday 2 January 2006")
	}
	return clinic.TanggalID(t)
}

func clock(c clinic.Clinic, s clinic.Session) string {
	return c.Local(s.StartsAt).Format("15.04") + "–" + c.Local(s.EndsAt).Format("15.04") + " " + c.Timezone
}

func idPath(c clinic.Clinic) string { return "/klinik/" + components.Int(c.ID) }
func staffPath(c clinic.Clinic, rest string) string {
	return "/staf/klinik/" + components.Int(c.ID) + rest
}

func has(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func sessionRows(f clinic.Form) []clinic.SessionForm {
	rows := append([]clinic.SessionForm{}, f.Sessions...)
	for len(rows) > 0 && rows[len(rows)-1].Blank() && rows[len(rows)-1].ID == 0 {
		rows = rows[:len(rows)-1] // trailing empty rows; indexes of the others are kept
	}
	n := max(len(rows)+2, 3)
	for len(rows) < n {
		rows = append(rows, clinic.SessionForm{})
	}
	return rows
}

func sname(i int, field string) string { return "sessions[" + strconv.Itoa(i) + "]." + field }

func avg(f clinic.FeedbackSummary) string { return strconv.FormatFloat(f.Average, 'f', 1, 64) }

// ownRegionHint explains a region filter preselected from the teacher's school.
func ownRegionHint(p ListProps) string {
	if p.OwnRegion {
		return "clinic.hint.own_region"
	}
	return ""
}
