// Package school holds the satuan pendidikan (schools) reference data: lookup by NPSN, search
// by name or NPSN, the admin list, and the all-or-nothing import from CSV or XLSX.
package school

import (
	"regexp"
	"strings"
	"time"
)

// School is a satuan pendidikan.
type School struct {
	NPSN          string    `db:"npsn"`
	Name          string    `db:"name"`
	Jenjang       string    `db:"jenjang"`
	Status        string    `db:"status"`
	RegencyCode   string    `db:"regency_code"`
	RegencyName   string    `db:"regency_name"`
	DistrictCode  string    `db:"district_code"`
	DistrictName  string    `db:"district_name"`
	Address       string    `db:"address"`
	Email         string    `db:"email"`
	PrincipalName string    `db:"principal_name"`
	UpdatedAt     time.Time `db:"updated_at"`
}

// Jenjangs are the education levels a school can have, in display order (DOMAIN.md: PAUD/TK,
// SD, SMP, SMA, SMK, SLB; madrasah MI/MTs/MA; non-school PKBM/SKB/LKP).
var Jenjangs = []string{"PAUD", "SD", "SMP", "SMA", "SMK", "SLB", "MI", "MTS", "MA", "PKBM", "SKB", "LKP"}

// ProvincialJenjang are the jenjang under a provincial Dinas (DOMAIN.md, Jurisdiction); every
// other jenjang (PAUD/TK, SD, SMP, and those DOMAIN.md assigns to no Dinas: madrasah, PKBM, SKB,
// LKP) stays with the kab/kota Dinas.
var ProvincialJenjang = []string{"SMA", "SMK", "SLB"}

// Statuses are negeri (public) and swasta (private).
var Statuses = []string{"negeri", "swasta"}

var (
	schoolNPSN    = regexp.MustCompile(`^\d{8}$`)
	nonSchoolNPSN = regexp.MustCompile(`^[PK]\d{7}$`)
	regencyCode   = regexp.MustCompile(`^\d{2}\.\d{2}$`)
	districtCode  = regexp.MustCompile(`^\d{2}\.\d{2}\.\d{2}$`)
)

// ValidNPSN reports whether npsn is a school NPSN (8 digits) or, when nonSchool is true, also a
// PKBM/SKB NPSN (P + 7 digits) or an LKP NPSN (K + 7 digits).
func ValidNPSN(npsn string, nonSchool bool) bool {
	if schoolNPSN.MatchString(npsn) {
		return true
	}
	return nonSchool && nonSchoolNPSN.MatchString(npsn)
}

// NonSchoolJenjang reports whether a jenjang is a non-school institution (PKBM, SKB, LKP).
func NonSchoolJenjang(j string) bool { return j == "PKBM" || j == "SKB" || j == "LKP" }

// NPSNFitsJenjang reports whether an NPSN has the form its jenjang requires: P for PKBM/SKB, K
// for LKP, 8 digits for every school.
func NPSNFitsJenjang(npsn, jenjang string) bool {
	switch jenjang {
	case "PKBM", "SKB":
		return nonSchoolNPSN.MatchString(npsn) && npsn[0] == 'P'
	case "LKP":
		return nonSchoolNPSN.MatchString(npsn) && npsn[0] == 'K'
	}
	return schoolNPSN.MatchString(npsn)
}

// NormalizeJenjang maps the spellings found in Dapodik exports (TK, PAUD/TK, MTs, SMALB, …) to
// a jenjang code; "" when unknown.
func NormalizeJenjang(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch s {
	case "TK", "PAUD/TK", "TK/PAUD", "KB", "RA", "TPA", "SPS":
		return "PAUD"
	case "SDLB", "SMPLB", "SMALB":
		return "SLB"
	}
	for _, j := range Jenjangs {
		if s == j {
			return j
		}
	}
	return ""
}

// NormalizeStatus maps Negeri/Swasta/N/S to negeri or swasta; "" when unknown.
func NormalizeStatus(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "negeri", "n":
		return "negeri"
	case "swasta", "s":
		return "swasta"
	}
	return ""
}

// NormalizeRegencyCode accepts 16.01 or 1601 (and 62.1, which a spreadsheet makes of 62.10) and
// returns NN.NN, or the input trimmed when it cannot be read.
func NormalizeRegencyCode(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case regencyCode.MatchString(s):
		return s
	case len(s) == 4 && allDigits(s):
		return s[:2] + "." + s[2:]
	case len(s) == 4 && s[2] == '.' && allDigits(s[:2]+s[3:]):
		return s + "0"
	}
	return s
}

// NormalizeDistrictCode accepts 16.01.14 or 160114 and returns NN.NN.NN, or the input trimmed.
func NormalizeDistrictCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 6 && allDigits(s) {
		return s[:2] + "." + s[2:4] + "." + s[4:]
	}
	return s
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
