package clinic

import (
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
)

func validForm() Form {
	return Form{
		Kind: KindCoachingClinic, Title: "Coaching Clinic CGP Angkatan 10", Organiser: "Dinas Pendidikan Kabupaten OKU",
		Partner: "BGP Sumatera Selatan", Region: "16.01", Mode: ModeOffline, Venue: "SMPN 1 OKU", Capacity: "100",
		SchoolSlots: "2", Jenjang: []string{"SD", "SMP"}, Opens: "2024-04-01T08:00", Closes: "2024-04-20T23:59",
		Sessions: []SessionForm{{Date: "2024-04-26", Start: "08:00", End: "12:00", Title: "Pembukaan"}, {}},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Form)
		field string
		key   string
	}{
		{"valid", func(*Form) {}, "", ""},
		{"capacity zero", func(f *Form) { f.Capacity = "0" }, "capacity", "clinic.err.capacity"},
		{"capacity text", func(f *Form) { f.Capacity = "seratus" }, "capacity", "clinic.err.capacity"},
		{"end before start", func(f *Form) { f.Sessions[0].End = "07:00" }, "sessions[0].end", "clinic.err.end_before_start"},
		{"window reversed", func(f *Form) { f.Closes = "2024-03-01T08:00" }, "closes", "clinic.err.window_order"},
		{"no session", func(f *Form) { f.Sessions = nil }, "sessions", "clinic.err.no_session"},
		{"online without link", func(f *Form) { f.Mode = ModeOnline }, "meeting_link", "clinic.err.link"},
		{"offline without venue", func(f *Form) { f.Venue = "" }, "venue", "clinic.err.venue"},
		{"bad region", func(f *Form) { f.Region = "OKU" }, "region", "clinic.err.region"},
		{"no jenjang", func(f *Form) { f.Jenjang = nil }, "jenjang", "clinic.err.jenjang"},
		{"title short", func(f *Form) { f.Title = "CC" }, "title", "clinic.err.title_short"},
		{"negative slots", func(f *Form) { f.SchoolSlots = "-1" }, "school_slots", "clinic.err.slots"},
		// Limits count characters and refuse what is over them, never cut it (a cut in the middle
		// of "é" would be invalid UTF-8 on its way to the database, and the typed text lost).
		{"contact name over 200 characters", func(f *Form) { f.ContactName = strings.Repeat("a", 199) + "éé" }, "contact_name", "form.too_long"},
		{"signatory title over 200", func(f *Form) { f.SignatoryTitle = strings.Repeat("x", 201) }, "signatory_title", "form.too_long"},
		{"partner over 200", func(f *Form) { f.Partner = strings.Repeat("ü", 201) }, "partner", "form.too_long"},
		{"venue over 300", func(f *Form) { f.Venue = strings.Repeat("v", 301) }, "venue", "form.too_long"},
		{"session title over 200", func(f *Form) { f.Sessions[0].Title = strings.Repeat("é", 201) }, "sessions[0].title", "form.too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := validForm()
			tt.edit(&f)
			in, errs := Validate(f)
			if tt.field == "" {
				if len(errs) != 0 {
					t.Fatalf("errors %v", errs)
				}
				if in.RegencyCode != "16.01" || in.ProvinceCode != "16" || len(in.Sessions) != 1 || in.Capacity != 100 {
					t.Fatalf("input %+v", in)
				}
				// 08:00 WIB is 01:00 UTC.
				if got := in.Sessions[0].StartsAt.UTC().Format("15:04"); got != "01:00" {
					t.Errorf("session start in UTC %s, want 01:00", got)
				}
				return
			}
			if errs[tt.field] != tt.key {
				t.Errorf("errs[%s] = %q, want %q (all: %v)", tt.field, errs[tt.field], tt.key, errs)
			}
		})
	}
}

func TestValidateTimeZone(t *testing.T) {
	f := validForm()
	f.Region = "62" // Kalimantan Tengah: WIB too; Bali 51 is WITA
	f.Region = "51"
	in, errs := Validate(f)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if got := in.Sessions[0].StartsAt.UTC().Format("15:04"); got != "00:00" {
		t.Errorf("08:00 WITA = %s UTC, want 00:00", got)
	}
}

func TestStatusAndPromotions(t *testing.T) {
	for _, tt := range []struct {
		reg, cap int
		want     RegistrationStatus
	}{{0, 1, RegistrationRegistered}, {99, 100, RegistrationRegistered}, {100, 100, RegistrationWaiting}, {101, 100, RegistrationWaiting}} {
		if got := Placement(tt.reg, tt.cap); got != tt.want {
			t.Errorf("Placement(%d,%d) = %s", tt.reg, tt.cap, got)
		}
	}
	for _, tt := range []struct{ reg, cap, wait, want int }{{99, 100, 5, 1}, {100, 100, 5, 0}, {90, 100, 5, 5}, {90, 100, 0, 0}, {120, 100, 3, 0}} {
		if got := Promotions(tt.reg, tt.cap, tt.wait); got != tt.want {
			t.Errorf("Promotions(%d,%d,%d) = %d, want %d", tt.reg, tt.cap, tt.wait, got, tt.want)
		}
	}
}

func TestSigner(t *testing.T) {
	s := NewSigner("secret-one-0123456789abcdefghijklmnop")
	tok := s.Ticket(7, 42)
	if strings.Contains(tok, "42.") == false || !LooksLikeToken(tok) {
		t.Fatalf("token %q", tok)
	}
	c, r, err := s.Verify(tok)
	if err != nil || c != 7 || r != 42 {
		t.Fatalf("verify: %d %d %v", c, r, err)
	}
	for _, bad := range []string{
		strings.Replace(tok, ".42.", ".43.", 1), // altered id
		"t1.7.42.AAAAAAAAAAAAAAAAAAAAAAAA",      // forged mac
		NewSigner("another-secret-0123456789abcdefghij").Ticket(7, 42),
		"42", "", "t1.7.42",
	} {
		if _, _, err := s.Verify(bad); err != ErrBadToken {
			t.Errorf("Verify(%q) = %v, want ErrBadToken", bad, err)
		}
	}
}

func TestEscapeAndCodes(t *testing.T) {
	if got := NormalizeCode(" k7q4-m2xp "); got != "K7Q4M2XP" {
		t.Errorf("NormalizeCode = %q", got)
	}
	if got := FormatCode("K7Q4M2XP"); got != "K7Q4-M2XP" {
		t.Errorf("FormatCode = %q", got)
	}
	if got := NPSNs("10600001, 10600002\n10600001 P1234567 123"); strings.Join(got, " ") != "10600001 10600002 P1234567" {
		t.Errorf("NPSNs = %v", got)
	}
}

func TestStaffScope(t *testing.T) {
	p := &account.Principal{Grants: []account.Grant{
		{Role: account.RoleDinas, Scope: account.Scope{ProvinceCode: "36", RegencyCode: "36.73"}},
		{Role: account.RoleBGP, Scope: account.Scope{ProvinceCode: "16"}},
	}}
	sc := StaffScope(p)
	for _, tt := range []struct {
		prov, reg string
		want      bool
	}{{"36", "36.73", true}, {"36", "", false}, {"36", "36.01", false}, {"16", "16.01", true}, {"16", "", true}, {"62", "", false}} {
		if got := sc.Covers(tt.prov, tt.reg); got != tt.want {
			t.Errorf("Covers(%s,%s) = %v", tt.prov, tt.reg, got)
		}
	}
	if !StaffScope(&account.Principal{Grants: []account.Grant{{Role: account.RoleAdmin}}}).Covers("94", "94.01") {
		t.Error("admin is national")
	}
}

func TestDays(t *testing.T) {
	base := time.Date(2024, 4, 26, 1, 0, 0, 0, time.UTC) // 08:00 WIB
	ss := []Session{{StartsAt: base, EndsAt: base.Add(3 * time.Hour)}, {StartsAt: base.Add(5 * time.Hour), EndsAt: base.Add(7 * time.Hour)},
		{StartsAt: base.Add(24 * time.Hour), EndsAt: base.Add(26 * time.Hour)}, {StartsAt: base.Add(48 * time.Hour), EndsAt: base.Add(50 * time.Hour)}}
	days := Days(ss, "WIB")
	if len(days) != 3 || len(days[0].Sessions) != 2 || TanggalID(days[0].Date) != "Jumat, 26 April 2024" {
		t.Fatalf("days %+v", days)
	}
}

// TestValidateReminderHours: empty leaves the reminder to the configured default, 0..336 is
// the event's own offset (0: none), anything else is a field message and the typed text stays.
func TestValidateReminderHours(t *testing.T) {
	for _, tc := range []struct {
		typed string
		want  *int
		err   bool
	}{{"", nil, false}, {"0", ptr(0), false}, {" 48 ", ptr(48), false}, {"337", nil, true}, {"-1", nil, true}, {"sehari", nil, true}} {
		f := validForm()
		f.ReminderHours = tc.typed
		in, errs := Validate(f)
		if tc.err != (errs["reminder_hours"] == "clinic.err.reminder_hours") || len(errs) > 1 {
			t.Errorf("%q: errors %v", tc.typed, errs)
			continue
		}
		if !tc.err && ((in.ReminderHours == nil) != (tc.want == nil) || (tc.want != nil && *in.ReminderHours != *tc.want)) {
			t.Errorf("%q: ReminderHours = %v, want %v", tc.typed, in.ReminderHours, tc.want)
		}
		c := Clinic{ReminderHours: in.ReminderHours}
		if !tc.err && FormFrom(c).ReminderHours != strings.TrimSpace(tc.typed) {
			t.Errorf("%q: the form shows %q again", tc.typed, FormFrom(c).ReminderHours)
		}
	}
	if d := (Clinic{}).ReminderOffset(DefaultReminder); d != 24*time.Hour {
		t.Errorf("default offset %v", d)
	}
}

func ptr(n int) *int { return &n }

// TestRegistrationRules: the rules the ticket page, its handlers and the certificate store share.
func TestRegistrationRules(t *testing.T) {
	end := time.Date(2026, 12, 10, 5, 0, 0, 0, time.UTC)
	c := Clinic{Status: StatusPublished, EndsAt: end, MinSessions: 1, Sessions: []Session{{ID: 1}}}
	before, after := end.Add(-time.Hour), end.Add(time.Hour)
	revoked := end
	seat := Registration{Status: RegistrationRegistered, Attended: 1}
	for _, tc := range []struct {
		name                          string
		c                             Clinic
		r                             Registration
		now                           time.Time
		cancel, feedback, earned, due bool
	}{
		{"before the event", c, seat, before, true, false, false, false},
		{"after the event", c, seat, after, false, true, true, true},
		{"after, revoked", c, Registration{Status: RegistrationRegistered, Attended: 1, RevokedAt: &revoked}, after, false, true, true, false},
		{"after, absent", c, Registration{Status: RegistrationRegistered}, after, false, true, false, false},
		{"waiting", c, Registration{Status: RegistrationWaiting}, after, false, false, false, false},
		{"cancelled", c, Registration{Status: RegistrationCancelled}, before, false, false, false, false},
		{"event cancelled", Clinic{Status: StatusCancelled, EndsAt: end}, seat, after, false, false, false, false},
	} {
		if got := tc.c.CanCancel(tc.r, tc.now); got != tc.cancel {
			t.Errorf("%s: CanCancel = %v", tc.name, got)
		}
		if got := tc.c.FeedbackOpen(tc.r, tc.now); got != tc.feedback {
			t.Errorf("%s: FeedbackOpen = %v", tc.name, got)
		}
		if got := tc.c.CertificateEarned(tc.r, tc.now); got != tc.earned {
			t.Errorf("%s: CertificateEarned = %v", tc.name, got)
		}
		if got := tc.c.CertificateDue(tc.r, tc.now); got != tc.due {
			t.Errorf("%s: CertificateDue = %v", tc.name, got)
		}
	}
}

// TestValidateKeepsMultibyteText: 200 characters of a multi-byte script are within the limit
// (the limits are in characters, not bytes) and are kept whole.
func TestValidateKeepsMultibyteText(t *testing.T) {
	f := validForm()
	f.ContactName = strings.Repeat("é", 200)
	f.Title = strings.Repeat("ü", 200)
	in, errs := Validate(f)
	if len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	if in.ContactName != f.ContactName || in.Title != f.Title {
		t.Fatalf("text changed: %q / %q", in.ContactName, in.Title)
	}
}
