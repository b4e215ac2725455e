package clinic

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
)

// Invitation is one invited school.
type Invitation struct {
	ClinicID      int64      `db:"clinic_id"`
	NPSN          string     `db:"npsn"`
	SchoolName    string     `db:"school_name"`
	PrincipalName string     `db:"principal_name"`
	Email         string     `db:"email"`
	Address       string     `db:"address"`
	InvitedAt     time.Time  `db:"invited_at"`
	EmailedAt     *time.Time `db:"emailed_at"`
	Registered    int        `db:"registered"` // active registrations from the school
}

// InviteFilter picks schools to invite: by kabupaten/kota, kecamatan, jenjang, and/or a pasted
// list of NPSN. Schools are always limited to the event's region.
type InviteFilter struct {
	Regency  string   `form:"regency"`
	District string   `form:"district"`
	Jenjang  []string `form:"jenjang"`
	NPSNList string   `form:"npsn_list"`
}

var npsnInText = regexp.MustCompile(`\b(\d{8}|[PK]\d{7})\b`)

// NPSNs extracts the NPSN found in a pasted list (one per line, or separated by commas or spaces).
func NPSNs(text string) []string {
	var out []string
	for _, m := range npsnInText.FindAllString(strings.ToUpper(text), -1) {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

// Empty reports whether no criterion was given.
func (f InviteFilter) Empty() bool {
	return f.Regency == "" && f.District == "" && len(f.Jenjang) == 0 && strings.TrimSpace(f.NPSNList) == ""
}

// InviteResult says what inviting did.
type InviteResult struct {
	Added    int      // schools newly invited
	Emailed  int      // invitation emails queued
	Unknown  []string // NPSN of the pasted list not found among the event's region's schools
	Selected int      // schools matching the filter
}

// Invite adds the schools matching f (inside the event's region) to the invited schools, and
// emails each newly invited school that has an email address. The event must be in sc.
func (s *Store) Invite(ctx context.Context, act audit.Actor, sc Scope, c Clinic, f InviteFilter) (InviteResult, error) {
	var res InviteResult
	list := NPSNs(f.NPSNList)
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		status, _, _, _, _, err := lock(ctx, tx, &sc, c.ID)
		if err != nil {
			return err
		}
		if status == StatusCancelled {
			return ErrState
		}
		rows, _ := tx.Query(ctx, `SELECT sc.npsn FROM schools sc JOIN regencies r ON r.code = sc.regency_code
			WHERE r.province_code = $1 AND ($2 = '' OR sc.regency_code = $2)
			AND ($3 = '' OR sc.regency_code = $3) AND ($4 = '' OR sc.district_code = $4)
			AND (cardinality($5::text[]) = 0 OR sc.jenjang = ANY($5))
			AND (cardinality($6::text[]) = 0 OR sc.npsn = ANY($6))
			ORDER BY sc.npsn LIMIT 5000`,
			c.ProvinceCode, c.RegencyCode, f.Regency, f.District, database.NonNil(f.Jenjang), database.NonNil(list))
		var found []string
		found, err = pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		res.Selected = len(found)
		for _, n := range list {
			if !slices.Contains(found, n) {
				res.Unknown = append(res.Unknown, n)
			}
		}
		rows, _ = tx.Query(ctx, `INSERT INTO clinic_invitations (clinic_id, npsn, school_name, principal_name, email, address)
			SELECT $1, npsn, name, principal_name, email, address FROM schools WHERE npsn = ANY($2)
			ON CONFLICT (clinic_id, npsn) DO NOTHING RETURNING npsn`, c.ID, database.NonNil(found))
		added, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		res.Added = len(added)
		rows, _ = tx.Query(ctx, `UPDATE clinic_invitations SET emailed_at = now()
			WHERE clinic_id = $1 AND npsn = ANY($2) AND email <> '' AND emailed_at IS NULL
			RETURNING npsn, school_name, principal_name, email,
				coalesce((SELECT u.language FROM users u WHERE u.email = lower(clinic_invitations.email)), 'id')`, c.ID, database.NonNil(added))
		type to struct{ NPSN, Name, Principal, Email, Lang string }
		tos, err := pgx.CollectRows(rows, pgx.RowToStructByPos[to])
		if err != nil {
			return err
		}
		for _, t := range tos {
			if err := mail.Enqueue(ctx, tx, s.invitationMail(c, t.Name, t.Principal, t.Email, t.Lang)); err != nil {
				return err
			}
		}
		res.Emailed = len(tos)
		return audit.Record(ctx, tx, act, audit.Entry{Action: "clinic.invite", ObjectType: "clinic", ObjectID: strconv.FormatInt(c.ID, 10),
			Detail: map[string]any{"added": res.Added, "emailed": res.Emailed}})
	})
	return res, err
}

// invitationMail writes the invitation of a school, in the language of an account holding the
// school's address (Indonesian otherwise).
func (s *Store) invitationMail(c Clinic, school, principal, to, lang string) mail.Message {
	w := s.in(lang)
	head := w.T("clinic.mail.invitation.head", map[string]any{"School": school})
	if principal != "" {
		head += " (" + principal + ")"
	}
	org := c.Organiser
	if c.Partner != "" {
		org = w.T("clinic.mail.invitation.with", map[string]any{"Organiser": c.Organiser, "Partner": c.Partner})
	}
	return s.compose(lang, to, "clinic.mail.invitation", map[string]any{"Head": head, "Organiser": org,
		"Teachers": w.teachers(c), "Event": w.phrase(c), "EventName": w.name(c), "Schedule": w.schedule(c),
		"Register": s.baseURL + "/klinik/" + strconv.FormatInt(c.ID, 10), "Contact": strings.TrimSpace(c.ContactName + " " + c.ContactPhone)})
}

// Invitations lists an event's invited schools with how many of their teachers registered.
func (s *Store) Invitations(ctx context.Context, clinicID int64) ([]Invitation, error) {
	rows, _ := s.db.Query(ctx, `SELECT i.clinic_id, i.npsn, i.school_name, i.principal_name, i.email, i.address, i.invited_at, i.emailed_at,
		(SELECT count(*) FROM clinic_registrations g WHERE g.clinic_id = i.clinic_id AND g.npsn = i.npsn AND g.status <> 'cancelled')::int AS registered
		FROM clinic_invitations i WHERE i.clinic_id = $1 ORDER BY i.school_name, i.npsn`, clinicID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Invitation])
}

// KindLabel is the Indonesian name of an event kind, for letters and emails.
func KindLabel(kind string) string {
	if kind == KindSosialisasi {
		return "Sosialisasi"
	}
	return "Coaching Clinic"
}

// EventName is the event's name as letters and tickets say it: its kind followed by its title,
// unless the title already starts with the kind ("Coaching Clinic CGP Angkatan 10" is not
// written "Coaching Clinic Coaching Clinic CGP Angkatan 10").
func EventName(c Clinic) string {
	if titleHasKind(c) {
		return c.Title
	}
	return KindLabel(c.Kind) + " " + c.Title
}

// EventPhrase is the event inside a sentence: Coaching Clinic "Title", or just "Title" when the
// title already names the kind.
func EventPhrase(c Clinic) string {
	if titleHasKind(c) {
		return "\"" + c.Title + "\""
	}
	return KindLabel(c.Kind) + " \"" + c.Title + "\""
}

func titleHasKind(c Clinic) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(c.Title)), strings.ToLower(KindLabel(c.Kind)))
}

// ModeLabel is the Indonesian name of a mode, for letters and emails.
func ModeLabel(mode string) string {
	switch mode {
	case ModeOnline:
		return "Daring (online)"
	case ModeHybrid:
		return "Hybrid (tatap muka dan daring)"
	}
	return "Tatap muka"
}

// TeachersToSend says how many teachers a school is asked to send.
func TeachersToSend(c Clinic) string {
	if c.SchoolSlots > 0 {
		return strconv.Itoa(c.SchoolSlots) + " (" + Terbilang(c.SchoolSlots) + ") orang guru"
	}
	return "guru yang berminat"
}

// Terbilang spells small numbers in Indonesian (for letters): 1 → "satu".
func Terbilang(n int) string {
	words := []string{"nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return strconv.Itoa(n)
}

var (
	bulan = []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	hari  = []string{"Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"}
)

// TanggalID formats a date in Indonesian: "Jumat, 26 April 2024".
func TanggalID(t time.Time) string {
	return hari[t.Weekday()] + ", " + strconv.Itoa(t.Day()) + " " + bulan[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// TanggalSingkat formats a date in Indonesian without the day name: "26 April 2024".
func TanggalSingkat(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + bulan[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// ScheduleText is the schedule of an event as lines of text, in its time zone.
func ScheduleText(c Clinic) string {
	var b strings.Builder
	for _, d := range Days(c.Sessions, c.Timezone) {
		b.WriteString(TanggalID(d.Date) + "\n")
		for _, s := range d.Sessions {
			b.WriteString("  " + c.Local(s.StartsAt).Format("15.04") + "–" + c.Local(s.EndsAt).Format("15.04") + " " + c.Timezone)
			if s.Title != "" {
				b.WriteString("  " + s.Title)
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("Bentuk: " + ModeLabel(c.Mode) + "\n")
	if c.Venue != "" {
		b.WriteString("Tempat: " + c.Venue + "\n")
	}
	if c.MeetingLink != "" { // the link itself only on a registered participant's ticket
		b.WriteString("Tautan pertemuan daring: diberikan kepada peserta terdaftar pada tiketnya.\n")
	}
	return b.String()
}
