package cohort

import (
	"penggerak/internal/account"
	"slices"
	"time"
)

// Applicant is what the eligibility rules look at: the teacher's profile, their school's
// kabupaten/kota and the roles they hold now.
type Applicant struct {
	HasProfile    bool
	RegencyCode   string
	Jenjang       string
	YearsTeaching int
	Education     string
	BirthDate     time.Time
	Roles         []account.Role
}

// Failure is one eligibility rule that fails: a message key and its data.
type Failure struct {
	Rule string
	Key  string
	Data map[string]any
}

// Rule names, one per eligibility rule.
const (
	RuleProfile      = "profile"
	RuleRegistration = "registration"
	RuleTarget       = "target"
	RuleJenjang      = "jenjang"
	RuleYears        = "years"
	RuleEducation    = "education"
	RuleAge          = "age"
	RuleRole         = "role"
)

// Eligibility checks every rule of the cohort for the applicant at now and returns the ones
// that fail, in a fixed order; an empty result means the teacher may apply.
func Eligibility(c Config, a Applicant, now time.Time) []Failure {
	var out []Failure
	if f, ok := checkRegistration(c.Cohort, now); !ok {
		out = append(out, f)
	}
	if !a.HasProfile {
		return append(out, Failure{Rule: RuleProfile, Key: "cohort.rule.profile"})
	}
	for _, check := range []func(Config, Applicant, time.Time) (Failure, bool){checkTarget, checkJenjang, checkYears, checkEducation, checkAge, checkRoles} {
		if f, ok := check(c, a, now); !ok {
			out = append(out, f)
		}
	}
	return out
}

func checkRegistration(c Cohort, now time.Time) (Failure, bool) {
	if c.RegistrationOpen(now) {
		return Failure{}, true
	}
	return Failure{Rule: RuleRegistration, Key: "cohort.rule.registration"}, false
}

func checkTarget(c Config, a Applicant, _ time.Time) (Failure, bool) {
	if c.HasTarget(a.RegencyCode) {
		return Failure{}, true
	}
	return Failure{Rule: RuleTarget, Key: "cohort.rule.target"}, false
}

func checkJenjang(c Config, a Applicant, _ time.Time) (Failure, bool) {
	if slices.Contains(c.EligibleJenjang, a.Jenjang) {
		return Failure{}, true
	}
	return Failure{Rule: RuleJenjang, Key: "cohort.rule.jenjang", Data: map[string]any{"Jenjang": a.Jenjang}}, false
}

func checkYears(c Config, a Applicant, _ time.Time) (Failure, bool) {
	if a.YearsTeaching >= c.MinYearsTeaching {
		return Failure{}, true
	}
	return Failure{Rule: RuleYears, Key: "cohort.rule.years", Data: map[string]any{"Min": c.MinYearsTeaching, "Have": a.YearsTeaching}}, false
}

func checkEducation(c Config, a Applicant, _ time.Time) (Failure, bool) {
	if slices.Contains(c.EligibleEducation, a.Education) {
		return Failure{}, true
	}
	return Failure{Rule: RuleEducation, Key: "cohort.rule.education", Data: map[string]any{"Education": a.Education}}, false
}

func checkAge(c Config, a Applicant, now time.Time) (Failure, bool) {
	if c.MaxAge == nil {
		return Failure{}, true
	}
	age := Age(a.BirthDate, now)
	if age <= *c.MaxAge {
		return Failure{}, true
	}
	return Failure{Rule: RuleAge, Key: "cohort.rule.age", Data: map[string]any{"Max": *c.MaxAge, "Age": age}}, false
}

func checkRoles(c Config, a Applicant, _ time.Time) (Failure, bool) {
	for _, r := range a.Roles {
		if slices.Contains(c.ExcludedRoles, r) {
			return Failure{Rule: RuleRole, Key: "cohort.rule.role", Data: map[string]any{"Role": string(r)}}, false
		}
	}
	return Failure{}, true
}

// Age is the age in whole years at now of someone born on birth.
func Age(birth, now time.Time) int {
	y := now.Year() - birth.Year()
	if now.Month() < birth.Month() || (now.Month() == birth.Month() && now.Day() < birth.Day()) {
		y--
	}
	return y
}
