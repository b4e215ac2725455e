package profile

import (
	"testing"
	"time"
)

var born = time.Date(1988, 5, 14, 0, 0, 0, 0, time.UTC)

func TestCheckNIK(t *testing.T) {
	tests := []struct {
		name     string
		nik      string
		province bool
		birth    time.Time
		gender   string
		want     string
	}{
		{"woman, day+40", "1601145405880001", true, born, "P", ""},
		{"man", "3673011405880002", true, born, "L", ""},
		{"no birth date or gender yet", "1601145405880001", true, time.Time{}, "", ""},
		{"empty", "", true, born, "P", "profile.nik.required"},
		{"letters", "16011454058800AB", true, born, "P", "profile.nik.digits"},
		{"too short", "160114540588001", true, born, "P", "profile.nik.length"},
		{"too long", "16011454058800011", true, born, "P", "profile.nik.length"},
		{"unknown province", "9901145405880001", false, born, "P", "profile.nik.province"},
		{"regency 00", "1600145405880001", true, born, "P", "profile.nik.regency"},
		{"district 00", "1601005405880001", true, born, "P", "profile.nik.district"},
		{"serial 0000", "1601145405880000", true, born, "P", "profile.nik.serial"},
		{"day 00", "1601140005880001", true, time.Time{}, "", "profile.nik.day"},
		{"day 32", "1601143205880001", true, time.Time{}, "", "profile.nik.day"},
		{"day 72 (woman 32)", "1601147205880001", true, time.Time{}, "", "profile.nik.day"},
		{"31 April", "1601143104880001", true, time.Time{}, "", "profile.nik.day"},
		{"month 13", "1601141413880001", true, time.Time{}, "", "profile.nik.month"},
		{"month 00", "1601141400880001", true, time.Time{}, "", "profile.nik.month"},
		{"chose woman, NIK of a man", "1601141405880001", true, born, "P", "profile.nik.gender_female"},
		{"chose man, NIK of a woman", "1601145405880001", true, born, "L", "profile.nik.gender_male"},
		{"other birth day", "1601145505880001", true, born, "P", "profile.nik.birth_date"},
		{"other birth month", "1601145406880001", true, born, "P", "profile.nik.birth_date"},
		{"other birth year", "1601145405890001", true, born, "P", "profile.nik.birth_date"},
		{"29 February", "1601142902920001", true, time.Date(1992, 2, 29, 0, 0, 0, 0, time.UTC), "L", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckNIK(tt.nik, tt.province, tt.birth, tt.gender); got != tt.want {
				t.Errorf("CheckNIK(%s) = %q, want %q", tt.nik, got, tt.want)
			}
		})
	}
}

func TestCheckNIP(t *testing.T) {
	tests := []struct {
		name   string
		nip    string
		civil  bool
		gender string
		want   string
	}{
		{"PNS woman", "198805142010012003", true, "P", ""},
		{"PNS man", "198805142010011003", true, "L", ""},
		{"honorer without NIP", "", false, "P", ""},
		{"PNS without NIP", "", true, "P", "profile.nip.required"},
		{"honorer with NIP", "198805142010012003", false, "P", "profile.nip.not_civil"},
		{"17 digits", "19880514201001200", true, "P", "profile.nip.format"},
		{"other birth date", "198805152010012003", true, "P", "profile.nip.birth_date"},
		{"gender digit", "198805142010011003", true, "P", "profile.nip.gender"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckNIP(tt.nip, tt.civil, born, tt.gender); got != tt.want {
				t.Errorf("CheckNIP(%s) = %q, want %q", tt.nip, got, tt.want)
			}
		})
	}
}

func validInput() Input {
	return Input{NIK: "1601145405880001", NUPTK: "7846766667130082", NIP: "198805142010012003", BirthDate: "1988-05-14",
		Gender: "P", NPSN: "10601001", Jenjang: "SD", Subject: "Guru Kelas", EmploymentStatus: "PNS", YearsTeaching: "15", Education: "S1"}
}

func TestValidate(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	ok := Checks{ProvinceExists: true, SchoolExists: true}
	tests := []struct {
		name   string
		change func(*Input)
		checks Checks
		want   map[string]string
	}{
		{"valid PNS", func(*Input) {}, ok, map[string]string{}},
		{"honorer without NUPTK or NIP", func(in *Input) { in.EmploymentStatus, in.NUPTK, in.NIP = "honorer", "", "" }, ok, map[string]string{}},
		{"PPPK without NUPTK", func(in *Input) { in.EmploymentStatus, in.NUPTK = "PPPK", "" }, ok, map[string]string{"nuptk": "profile.nuptk.required_civil"}},
		{"NUPTK 15 digits", func(in *Input) { in.NUPTK = "784676666713008" }, ok, map[string]string{"nuptk": "profile.nuptk.format"}},
		{"GTY with NIP", func(in *Input) { in.EmploymentStatus = "GTY" }, ok, map[string]string{"nip": "profile.nip.not_civil"}},
		{"everything empty", func(in *Input) { *in = Input{} }, ok, map[string]string{
			"nik": "profile.nik.required", "birth_date": "form.required", "gender": "profile.gender.required",
			"employment_status": "profile.employment_status.required", "npsn": "profile.npsn.required",
			"jenjang": "profile.jenjang.required", "subject": "profile.subject.required",
			"years_teaching": "form.required", "education": "profile.education.required"}},
		{"bad date", func(in *Input) { in.BirthDate = "14/05/1988" }, ok, map[string]string{"birth_date": "profile.birth_date.invalid"}},
		{"too young", func(in *Input) { in.BirthDate = "2015-05-14" }, ok, map[string]string{"birth_date": "profile.birth_date.range"}},
		{"unknown province", func(*Input) {}, Checks{SchoolExists: true}, map[string]string{"nik": "profile.nik.province"}},
		{"unknown school", func(*Input) {}, Checks{ProvinceExists: true}, map[string]string{"npsn": "profile.npsn.unknown"}},
		{"NPSN format", func(in *Input) { in.NPSN = "1234" }, ok, map[string]string{"npsn": "profile.npsn.format"}},
		{"PKBM NPSN", func(in *Input) { in.NPSN = "P1234567" }, ok, map[string]string{}},
		{"years negative", func(in *Input) { in.YearsTeaching = "-1" }, ok, map[string]string{"years_teaching": "profile.years_teaching.range"}},
		{"years beyond age", func(in *Input) { in.YearsTeaching = "30" }, ok, map[string]string{"years_teaching": "profile.years_teaching.age"}},
		{"unknown education", func(in *Input) { in.Education = "S4" }, ok, map[string]string{"education": "profile.education.required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validInput()
			tt.change(&in)
			p, errs := Validate(Normalize(in), now, tt.checks)
			if len(errs) != len(tt.want) {
				t.Fatalf("errors %v, want %v", errs, tt.want)
			}
			for k, v := range tt.want {
				if errs[k] != v {
					t.Errorf("%s: %q, want %q", k, errs[k], v)
				}
			}
			if len(errs) == 0 && (p.NIK != in.NIK || p.BirthDate.IsZero()) {
				t.Errorf("profile not filled: %+v", p)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	in := Normalize(Input{NIK: " 1601 1454 0588 0001 ", NUPTK: "7846-7666-6713-0082", NPSN: "p1234567", PickedNPSN: " 10601001 ", Subject: "  Guru   Kelas "})
	if in.NIK != "1601145405880001" || in.NUPTK != "7846766667130082" || in.NPSN != "10601001" || in.Subject != "Guru Kelas" {
		t.Errorf("Normalize: %+v", in)
	}
	if in := Normalize(Input{NPSN: "p1234567"}); in.NPSN != "P1234567" {
		t.Errorf("NPSN upper-cased: %q", in.NPSN)
	}
}

func TestChangedFields(t *testing.T) {
	p, _ := Validate(Normalize(validInput()), time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), Checks{ProvinceExists: true, SchoolExists: true})
	if got := ChangedFields(nil, p); len(got) != 11 {
		t.Errorf("new profile: %v", got)
	}
	q := p
	q.Subject, q.YearsTeaching = "Matematika", 16
	if got := ChangedFields(&p, q); len(got) != 2 || got[0] != "subject" || got[1] != "years_teaching" {
		t.Errorf("changed: %v", got)
	}
	if got := ChangedFields(&p, p); len(got) != 0 {
		t.Errorf("unchanged: %v", got)
	}
}
