package cohort

import (
	"penggerak/internal/account"
	"slices"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)

var later = now.Add(time.Hour)

func openConfig() Config {
	max := 50
	return Config{
		Cohort: Cohort{Status: StatusPendaftaran, RegistrationOpensAt: now.Add(-time.Hour), RegistrationClosesAt: now.Add(time.Hour),
			Rules: Rules{MinYearsTeaching: 5, EligibleEducation: []string{"S1", "D4", "S2", "S3"}, EligibleJenjang: []string{"SD", "SMP"},
				MaxAge: &max, ExcludedRoles: []account.Role{account.RolePengajarPraktik, account.RoleAsesor, account.RoleFasilitator}}},
		Targets:   []Target{{RegencyCode: "16.01", Quota: 10}},
		Questions: []Question{{ID: 1}},
		Documents: []Document{{ID: 1}},
	}
}

func eligible() Applicant {
	return Applicant{HasProfile: true, RegencyCode: "16.01", Jenjang: "SD", YearsTeaching: 5, Education: "S1",
		BirthDate: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), Roles: []account.Role{account.RoleGuru}}
}

// Each rule fails on its own and is named exactly.
func TestEligibility(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config, *Applicant, *time.Time)
		want   []string
	}{
		{"eligible", func(*Config, *Applicant, *time.Time) {}, nil},
		{"no profile", func(_ *Config, a *Applicant, _ *time.Time) { *a = Applicant{Roles: []account.Role{account.RoleGuru}} }, []string{RuleProfile}},
		{"registration not yet open", func(_ *Config, _ *Applicant, n *time.Time) { *n = now.Add(-2 * time.Hour) }, []string{RuleRegistration}},
		{"registration closed at the deadline", func(c *Config, _ *Applicant, n *time.Time) { *n = c.RegistrationClosesAt }, []string{RuleRegistration}},
		{"one second before the deadline", func(c *Config, _ *Applicant, n *time.Time) { *n = c.RegistrationClosesAt.Add(-time.Second) }, nil},
		{"cohort still draft", func(c *Config, _ *Applicant, _ *time.Time) { c.Status = StatusDraft }, []string{RuleRegistration}},
		{"school outside targets", func(_ *Config, a *Applicant, _ *time.Time) { a.RegencyCode = "36.73" }, []string{RuleTarget}},
		{"jenjang not eligible", func(_ *Config, a *Applicant, _ *time.Time) { a.Jenjang = "SMA" }, []string{RuleJenjang}},
		{"too few years", func(_ *Config, a *Applicant, _ *time.Time) { a.YearsTeaching = 4 }, []string{RuleYears}},
		{"education D3", func(_ *Config, a *Applicant, _ *time.Time) { a.Education = "D3" }, []string{RuleEducation}},
		{"education D4 accepted", func(_ *Config, a *Applicant, _ *time.Time) { a.Education = "D4" }, nil},
		{"too old", func(_ *Config, a *Applicant, _ *time.Time) { a.BirthDate = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC) }, []string{RuleAge}},
		{"exactly the age limit", func(_ *Config, a *Applicant, _ *time.Time) {
			a.BirthDate = time.Date(1976, 11, 25, 0, 0, 0, 0, time.UTC)
		}, nil},
		{"no age limit", func(c *Config, a *Applicant, _ *time.Time) {
			c.MaxAge = nil
			a.BirthDate = time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC)
		}, nil},
		{"currently pengajar praktik", func(_ *Config, a *Applicant, _ *time.Time) { a.Roles = append(a.Roles, account.RolePengajarPraktik) }, []string{RuleRole}},
		{"asesor allowed when not excluded", func(c *Config, a *Applicant, _ *time.Time) {
			c.ExcludedRoles = []account.Role{account.RolePengajarPraktik}
			a.Roles = append(a.Roles, account.RoleAsesor)
		}, nil},
		{"several rules fail", func(_ *Config, a *Applicant, _ *time.Time) { a.YearsTeaching, a.Jenjang = 1, "SMK" }, []string{RuleJenjang, RuleYears}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, a, n := openConfig(), eligible(), now
			tt.change(&c, &a, &n)
			var got []string
			for _, f := range Eligibility(c, a, n) {
				got = append(got, f.Rule)
				if f.Key == "" {
					t.Errorf("rule %s has no message key", f.Rule)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("failing rules %v, want %v", got, tt.want)
			}
		})
	}
}

func TestAge(t *testing.T) {
	b := time.Date(1990, 6, 15, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		at   time.Time
		want int
	}{
		{time.Date(2026, 6, 14, 0, 0, 0, 0, time.UTC), 35},
		{time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC), 36},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 36},
	} {
		if got := Age(b, tt.at); got != tt.want {
			t.Errorf("Age at %v = %d, want %d", tt.at, got, tt.want)
		}
	}
}

func TestTransitionProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		next   Status
		want   []string
	}{
		{"draft to pendaftaran with everything", func(c *Config) { c.Status = StatusDraft }, StatusPendaftaran, nil},
		{"no targets", func(c *Config) { c.Status, c.Targets = StatusDraft, nil }, StatusPendaftaran, []string{"cohort.transition.no_targets"}},
		{"nothing configured", func(c *Config) { c.Status, c.Targets, c.Questions, c.Documents = StatusDraft, nil, nil, nil }, StatusPendaftaran,
			[]string{"cohort.transition.no_targets", "cohort.transition.no_questions", "cohort.transition.no_documents"}},
		{"skip a stage", func(c *Config) { c.Status = StatusDraft }, StatusSeleksi, []string{"cohort.transition.not_next"}},
		{"backwards", func(c *Config) { c.Status = StatusSeleksi }, StatusPendaftaran, []string{"cohort.transition.not_next"}},
		{"unknown", func(c *Config) {}, Status("x"), []string{"cohort.transition.not_next"}},
		{"pendidikan to selesai", func(c *Config) { c.Status = StatusPendidikan }, StatusSelesai, nil},
		{"seleksi while registration is open", func(c *Config) {}, StatusSeleksi, []string{"cohort.transition.registration_open"}},
		{"seleksi once registration closed", func(c *Config) { c.RegistrationClosesAt = now }, StatusSeleksi, nil},
		{"pembekalan without a published run", func(c *Config) { c.Status = StatusSeleksi }, StatusPembekalan, []string{"cohort.transition.no_published_run"}},
		{"pembekalan after publication", func(c *Config) { c.Status, c.PublishedRuns = StatusSeleksi, 1 }, StatusPembekalan, nil},
		{"pendidikan with every seat decided and attended", func(c *Config) { c.Status = StatusPembekalan }, StatusPendidikan, nil},
		{"pendidikan while a seat may still be confirmed", func(c *Config) { c.Status, c.OfferedUntil = StatusPembekalan, &later }, StatusPendidikan,
			[]string{"cohort.transition.seats_undecided"}},
		{"pendidikan once the last offer's deadline passed", func(c *Config) { c.Status, c.OfferedUntil = StatusPembekalan, &now }, StatusPendidikan, nil},
		{"pendidikan without recorded attendance", func(c *Config) { c.Status, c.UnattendedSeats = StatusPembekalan, 1 }, StatusPendidikan,
			[]string{"cohort.transition.attendance_missing"}},
		{"pendidikan with both", func(c *Config) { c.Status, c.OfferedUntil, c.UnattendedSeats = StatusPembekalan, &later, 3 }, StatusPendidikan,
			[]string{"cohort.transition.seats_undecided", "cohort.transition.attendance_missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openConfig()
			tt.change(&c)
			if got := TransitionProblems(c, tt.next, now); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	if NextStatus(StatusSelesai) != "" || NextStatus(StatusDraft) != StatusPendaftaran {
		t.Error("NextStatus")
	}
}

func TestParseTargetRows(t *testing.T) {
	known := map[string]bool{"16.01": true, "36.73": true, "62.71": true}
	tests := []struct {
		name      string
		csv       string
		wantN     int
		wantLines []int
	}{
		{"clean with header", "kode,kuota\n16.01,120\n36.73,80\n", 2, nil},
		{"semicolons and BOM", "\ufeffkode;kuota\n16.01;5\n", 1, nil},
		{"bad lines all reported", "kode,kuota\n16.01,120\n99.99,5\n36.73,abc\n16.01,3\n62.71\n", 0, []int{3, 4, 5, 6}},
		{"zero quota", "16.01,0\n", 0, []int{1}},
		{"empty", "kode,kuota\n", 0, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadCSV([]byte(tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			ts, errs := ParseTargetRows(rows, known)
			var lines []int
			for _, e := range errs {
				lines = append(lines, e.Line)
			}
			if !slices.Equal(lines, tt.wantLines) {
				t.Errorf("error lines %v, want %v (%v)", lines, tt.wantLines, errs)
			}
			if len(errs) == 0 && len(ts) != tt.wantN {
				t.Errorf("%d targets, want %d", len(ts), tt.wantN)
			}
		})
	}
}

func TestFormParse(t *testing.T) {
	f := DefaultForm()
	f.Number, f.Name, f.OpensAt, f.ClosesAt = "12", "Angkatan 12", "2026-11-01T08:00", "2026-12-01T23:59"
	c, errs := f.Parse()
	if len(errs) > 0 {
		t.Fatalf("errors %v", errs)
	}
	if c.RegistrationClosesAt.UTC().Hour() != 16 {
		t.Errorf("closing time not read as WIB: %v", c.RegistrationClosesAt.UTC())
	}
	f.ClosesAt, f.Jenjang, f.MaxAge = "2026-10-01T00:00", nil, "10"
	_, errs = f.Parse()
	for _, k := range []string{"closes_at", "jenjang", "max_age"} {
		if errs[k] == "" {
			t.Errorf("no error for %s: %v", k, errs)
		}
	}
	q, errs := QuestionForm{Prompt: "Ceritakan pengalaman Anda", MinChars: "500", MaxChars: "100"}.Parse()
	if errs["max_chars"] == "" {
		t.Errorf("max below min accepted: %+v", q)
	}
}

// The selesai guard (training, issue 10): a CGP without a graduation decision blocks it.
func TestTransitionSelesaiNeedsEveryCGPDecided(t *testing.T) {
	c := Config{Cohort: Cohort{Status: StatusPendidikan}, UndecidedCGPs: 1}
	if p := TransitionProblems(c, StatusSelesai, time.Now()); len(p) != 1 || p[0] != "cohort.transition.training_undecided" {
		t.Fatalf("problems %v", p)
	}
	c.UndecidedCGPs = 0
	if p := TransitionProblems(c, StatusSelesai, time.Now()); len(p) != 0 {
		t.Fatalf("problems %v", p)
	}
}
