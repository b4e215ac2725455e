// Package profile holds the teacher profile (identity, school, employment) and its validation
// rules, and the personal data rights of a user (see, download, correct, ask for deletion).
package profile

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"penggerak/internal/school"
)

// Employment statuses of a teacher.
var EmploymentStatuses = []string{"PNS", "PPPK", "GTY", "honorer"}

// Educations are the highest education levels, lowest first.
var Educations = []string{"SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"}

// Input is the profile form as typed: every value is kept as a string so that it can be shown
// again unchanged when something is wrong.
type Input struct {
	NIK              string `form:"nik"`
	NUPTK            string `form:"nuptk"`
	NIP              string `form:"nip"`
	BirthDate        string `form:"birth_date"`
	Gender           string `form:"gender"`
	NPSN             string `form:"npsn"`
	PickedNPSN       string `form:"pilih_npsn"`
	Jenjang          string `form:"jenjang"`
	Subject          string `form:"subject"`
	EmploymentStatus string `form:"employment_status"`
	YearsTeaching    string `form:"years_teaching"`
	Education        string `form:"education"`
	// SchoolQuery is the text of the school search box.
	SchoolQuery string `form:"q"`
	// Op is "cari" when the search button was pressed (no save), "" to save.
	Op string `form:"op"`
}

// Profile is a teacher's stored profile.
type Profile struct {
	UserID           int64     `db:"user_id" json:"-"`
	NIK              string    `db:"nik" json:"nik"`
	NUPTK            string    `db:"nuptk" json:"nuptk"`
	NIP              string    `db:"nip" json:"nip"`
	BirthDate        time.Time `db:"birth_date" json:"birth_date"`
	Gender           string    `db:"gender" json:"gender"`
	NPSN             string    `db:"npsn" json:"npsn"`
	SchoolName       string    `db:"school_name" json:"school_name"`
	Jenjang          string    `db:"jenjang" json:"jenjang"`
	Subject          string    `db:"subject" json:"subject"`
	EmploymentStatus string    `db:"employment_status" json:"employment_status"`
	YearsTeaching    int       `db:"years_teaching" json:"years_teaching"`
	Education        string    `db:"education" json:"education"`
	UpdatedAt        time.Time `db:"updated_at" json:"updated_at"`
}

// InputOf turns a stored profile back into form values.
func InputOf(p Profile) Input {
	return Input{
		NIK: p.NIK, NUPTK: p.NUPTK, NIP: p.NIP, BirthDate: p.BirthDate.Format(time.DateOnly), Gender: p.Gender,
		NPSN: p.NPSN, Jenjang: p.Jenjang, Subject: p.Subject, EmploymentStatus: p.EmploymentStatus,
		YearsTeaching: strconv.Itoa(p.YearsTeaching), Education: p.Education,
	}
}

// Normalize trims the input, removes spaces and dots people type inside identifiers, and lets
// a school picked from the search results replace the NPSN field.
func Normalize(in Input) Input {
	digits := func(s string) string {
		return strings.NewReplacer(" ", "", ".", "", "-", "").Replace(strings.TrimSpace(s))
	}
	in.NIK, in.NUPTK, in.NIP = digits(in.NIK), digits(in.NUPTK), digits(in.NIP)
	if p := strings.TrimSpace(in.PickedNPSN); p != "" {
		in.NPSN = p
	}
	in.PickedNPSN = ""
	in.NPSN = strings.ToUpper(strings.TrimSpace(in.NPSN))
	in.BirthDate = strings.TrimSpace(in.BirthDate)
	in.Subject = strings.Join(strings.Fields(in.Subject), " ")
	in.YearsTeaching = strings.TrimSpace(in.YearsTeaching)
	in.SchoolQuery = strings.TrimSpace(in.SchoolQuery)
	return in
}

// NIKProvince returns the province part (first two digits) of a NIK, or "".
func NIKProvince(nik string) string {
	if len(nik) < 2 {
		return ""
	}
	return nik[:2]
}

// Checks are the facts from the database that validation needs.
type Checks struct {
	// ProvinceExists tells whether the NIK's first two digits are a known province code.
	ProvinceExists bool
	// SchoolExists tells whether the NPSN is a known school.
	SchoolExists bool
}

// Validate checks the normalized input. It returns the profile to store and a map of field →
// message key for everything wrong (empty when the input is valid).
func Validate(in Input, now time.Time, c Checks) (Profile, map[string]string) {
	errs := map[string]string{}
	p := Profile{NIK: in.NIK, NUPTK: in.NUPTK, NIP: in.NIP, Gender: in.Gender, NPSN: in.NPSN, Jenjang: in.Jenjang,
		Subject: in.Subject, EmploymentStatus: in.EmploymentStatus, Education: in.Education}

	if in.Gender != "L" && in.Gender != "P" {
		errs["gender"] = "profile.gender.required"
	}
	birth, err := time.Parse(time.DateOnly, in.BirthDate)
	switch {
	case in.BirthDate == "":
		errs["birth_date"] = "form.required"
	case err != nil:
		errs["birth_date"] = "profile.birth_date.invalid"
	case birth.After(now.AddDate(-17, 0, 0)) || birth.Before(now.AddDate(-80, 0, 0)):
		errs["birth_date"] = "profile.birth_date.range"
	default:
		p.BirthDate = birth
	}
	if key := CheckNIK(in.NIK, c.ProvinceExists, p.BirthDate, in.Gender); key != "" {
		errs["nik"] = key
	}

	if !contains(EmploymentStatuses, in.EmploymentStatus) {
		errs["employment_status"] = "profile.employment_status.required"
	}
	civil := in.EmploymentStatus == "PNS" || in.EmploymentStatus == "PPPK"
	switch {
	case in.NUPTK == "" && civil:
		errs["nuptk"] = "profile.nuptk.required_civil"
	case in.NUPTK != "" && !isDigits(in.NUPTK, 16):
		errs["nuptk"] = "profile.nuptk.format"
	}
	if key := CheckNIP(in.NIP, civil, p.BirthDate, in.Gender); key != "" {
		errs["nip"] = key
	}

	switch {
	case in.NPSN == "":
		errs["npsn"] = "profile.npsn.required"
	case !school.ValidNPSN(in.NPSN, true):
		errs["npsn"] = "profile.npsn.format"
	case !c.SchoolExists:
		errs["npsn"] = "profile.npsn.unknown"
	}
	if !contains(school.Jenjangs, in.Jenjang) {
		errs["jenjang"] = "profile.jenjang.required"
	}
	if n := utf8.RuneCountInString(in.Subject); n < 2 || n > 100 {
		errs["subject"] = "profile.subject.required"
	}
	years, err := strconv.Atoi(in.YearsTeaching)
	switch {
	case in.YearsTeaching == "":
		errs["years_teaching"] = "form.required"
	case err != nil || years < 0 || years > 60:
		errs["years_teaching"] = "profile.years_teaching.range"
	case !p.BirthDate.IsZero() && years > now.Year()-p.BirthDate.Year()-15:
		errs["years_teaching"] = "profile.years_teaching.age"
	default:
		p.YearsTeaching = years
	}
	if !contains(Educations, in.Education) {
		errs["education"] = "profile.education.required"
	}
	return p, errs
}

// CheckNIK validates a NIK as DOMAIN.md says: 16 digits = province(2) kabupaten/kota(2)
// kecamatan(2) DDMMYY(6, day+40 for women) serial(4). The province must exist; the date must be
// a real date and, when birth date and gender are known, agree with them. The region part is
// not compared with the address (it is the place of first registration). It returns "" when
// the NIK is valid, otherwise the message key saying which part is wrong.
func CheckNIK(nik string, provinceExists bool, birth time.Time, gender string) string {
	switch {
	case nik == "":
		return "profile.nik.required"
	case !isDigits(nik, len(nik)):
		return "profile.nik.digits"
	case len(nik) != 16:
		return "profile.nik.length"
	case !provinceExists:
		return "profile.nik.province"
	case nik[2:4] == "00":
		return "profile.nik.regency"
	case nik[4:6] == "00":
		return "profile.nik.district"
	case nik[12:16] == "0000":
		return "profile.nik.serial"
	}
	day, _ := strconv.Atoi(nik[6:8])
	month, _ := strconv.Atoi(nik[8:10])
	yy, _ := strconv.Atoi(nik[10:12])
	female := day > 40
	if female {
		day -= 40
	}
	if month < 1 || month > 12 {
		return "profile.nik.month"
	}
	// A real day of that month; 29 February is checked against a leap year (2000) because the
	// century is unknown, and against the birth year below.
	if day < 1 || day > time.Date(2000, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return "profile.nik.day"
	}
	switch {
	case gender == "P" && !female:
		return "profile.nik.gender_female"
	case gender == "L" && female:
		return "profile.nik.gender_male"
	}
	if !birth.IsZero() && (birth.Day() != day || int(birth.Month()) != month || birth.Year()%100 != yy) {
		return "profile.nik.birth_date"
	}
	return ""
}

// CheckNIP validates a NIP (18 digits: birth date YYYYMMDD, appointment YYYYMM, gender 1/2,
// serial 3). It is required for PNS and PPPK and must be empty for everyone else. It returns
// "" when valid, otherwise a message key.
func CheckNIP(nip string, civil bool, birth time.Time, gender string) string {
	switch {
	case nip == "" && civil:
		return "profile.nip.required"
	case nip == "":
		return ""
	case !civil:
		return "profile.nip.not_civil"
	case !isDigits(nip, 18):
		return "profile.nip.format"
	case !birth.IsZero() && nip[:8] != birth.Format("20060102"):
		return "profile.nip.birth_date"
	case (gender == "L" && nip[14] != '1') || (gender == "P" && nip[14] != '2'):
		return "profile.nip.gender"
	}
	return ""
}

func isDigits(s string, n int) bool {
	if len(s) != n || n == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
