package cohort

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"penggerak/internal/account"
	"penggerak/internal/imports"
	"penggerak/internal/region"
)

// Form is the cohort form as typed by the admin. Times are entered in WIB.
type Form struct {
	Number            string   `form:"number"`
	Name              string   `form:"name"`
	ProgramKind       string   `form:"program_kind"`
	OpensAt           string   `form:"opens_at"`
	ClosesAt          string   `form:"closes_at"`
	AdministrasiStart string   `form:"administrasi_start"`
	AdministrasiEnd   string   `form:"administrasi_end"`
	SimulasiStart     string   `form:"simulasi_start"`
	SimulasiEnd       string   `form:"simulasi_end"`
	PembekalanStart   string   `form:"pembekalan_start"`
	PembekalanEnd     string   `form:"pembekalan_end"`
	TrainingMonths    string   `form:"training_months"`
	MinYears          string   `form:"min_years"`
	Education         []string `form:"education"`
	Jenjang           []string `form:"jenjang"`
	MaxAge            string   `form:"max_age"`
	ExcludedRoles     []string `form:"excluded_roles"`
	CorrectionDays    string   `form:"correction_days"`
	ConfirmDays       string   `form:"confirm_days"`
	SheetDueDays      string   `form:"sheet_due_days"`
	Tahap2DueHours    string   `form:"tahap2_due_hours"`
	AppealDays        string   `form:"appeal_days"`
}

const (
	dateLayout     = "2006-01-02"
	dateTimeLayout = "2006-01-02T15:04"
)

// FormFrom fills the form from a stored cohort (times in WIB).
func FormFrom(c Cohort) Form {
	wib := region.Location("WIB")
	d := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(dateLayout)
	}
	f := Form{
		Number: strconv.Itoa(c.Number), Name: c.Name, ProgramKind: c.ProgramKind,
		OpensAt: c.RegistrationOpensAt.In(wib).Format(dateTimeLayout), ClosesAt: c.RegistrationClosesAt.In(wib).Format(dateTimeLayout),
		AdministrasiStart: d(c.AdministrasiStartsOn), AdministrasiEnd: d(c.AdministrasiEndsOn),
		SimulasiStart: d(c.SimulasiStartsOn), SimulasiEnd: d(c.SimulasiEndsOn),
		PembekalanStart: d(c.PembekalanStartsOn), PembekalanEnd: d(c.PembekalanEndsOn),
		TrainingMonths: strconv.Itoa(c.TrainingMonths), MinYears: strconv.Itoa(c.MinYearsTeaching),
		Education: c.EligibleEducation, Jenjang: c.EligibleJenjang, ExcludedRoles: account.RoleNames(c.ExcludedRoles),
		CorrectionDays: strconv.Itoa(c.CorrectionDays),
		ConfirmDays:    strconv.Itoa(c.ConfirmDays), SheetDueDays: strconv.Itoa(c.SheetDueDays),
		Tahap2DueHours: strconv.Itoa(c.Tahap2DueHours), AppealDays: strconv.Itoa(c.AppealDays),
	}
	if c.MaxAge != nil {
		f.MaxAge = strconv.Itoa(*c.MaxAge)
	}
	return f
}

// DefaultForm is the form of a new cohort with the Guru Penggerak defaults.
func DefaultForm() Form {
	return Form{ProgramKind: "cgp", TrainingMonths: "6", MinYears: "5", Education: []string{"S1", "D4", "S2", "S3"},
		Jenjang: []string{"PAUD", "SD", "SMP", "SMA", "SMK", "SLB"}, ExcludedRoles: account.RoleNames(ExcludableRoles), CorrectionDays: "0",
		ConfirmDays: strconv.Itoa(DefaultNumbers.ConfirmDays), SheetDueDays: strconv.Itoa(DefaultNumbers.SheetDueDays),
		Tahap2DueHours: strconv.Itoa(DefaultNumbers.Tahap2DueHours), AppealDays: strconv.Itoa(DefaultNumbers.AppealDays)}
}

// Parse validates the form and returns the cohort it describes, or the errors per field
// (message keys).
func (f Form) Parse() (Cohort, map[string]string) {
	errs := map[string]string{}
	var c Cohort
	intIn := func(field, v string, lo, hi int, dst *int) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < lo || n > hi {
			errs[field] = "cohort.error.number_range"
			return
		}
		*dst = n
	}
	intIn("number", f.Number, 1, 999, &c.Number)
	c.Name = strings.TrimSpace(f.Name)
	if n := utf8.RuneCountInString(c.Name); n < 2 || n > 120 {
		errs["name"] = "form.required"
	}
	if !slices.Contains(ProgramKinds, f.ProgramKind) {
		errs["program_kind"] = "form.invalid"
	}
	c.ProgramKind = f.ProgramKind
	wib := region.Location("WIB")
	opens, err1 := time.ParseInLocation(dateTimeLayout, f.OpensAt, wib)
	if err1 != nil {
		errs["opens_at"] = "cohort.error.datetime"
	}
	closes, err2 := time.ParseInLocation(dateTimeLayout, f.ClosesAt, wib)
	if err2 != nil {
		errs["closes_at"] = "cohort.error.datetime"
	}
	if err1 == nil && err2 == nil && !closes.After(opens) {
		errs["closes_at"] = "cohort.error.closes_before_opens"
	}
	c.RegistrationOpensAt, c.RegistrationClosesAt = opens, closes
	date := func(field, v string) *time.Time {
		if strings.TrimSpace(v) == "" {
			return nil
		}
		t, err := time.Parse(dateLayout, v)
		if err != nil {
			errs[field] = "cohort.error.date"
			return nil
		}
		return &t
	}
	c.AdministrasiStartsOn, c.AdministrasiEndsOn = date("administrasi_start", f.AdministrasiStart), date("administrasi_end", f.AdministrasiEnd)
	c.SimulasiStartsOn, c.SimulasiEndsOn = date("simulasi_start", f.SimulasiStart), date("simulasi_end", f.SimulasiEnd)
	c.PembekalanStartsOn, c.PembekalanEndsOn = date("pembekalan_start", f.PembekalanStart), date("pembekalan_end", f.PembekalanEnd)
	for _, p := range [][3]any{
		{"administrasi_end", c.AdministrasiStartsOn, c.AdministrasiEndsOn},
		{"simulasi_end", c.SimulasiStartsOn, c.SimulasiEndsOn},
		{"pembekalan_end", c.PembekalanStartsOn, c.PembekalanEndsOn},
	} {
		a, b := p[1].(*time.Time), p[2].(*time.Time)
		if a != nil && b != nil && b.Before(*a) {
			errs[p[0].(string)] = "cohort.error.end_before_start"
		}
	}
	intIn("training_months", f.TrainingMonths, 1, 24, &c.TrainingMonths)
	intIn("min_years", f.MinYears, 0, 40, &c.MinYearsTeaching)
	c.EligibleEducation = only(f.Education, Educations)
	if len(c.EligibleEducation) == 0 {
		errs["education"] = "cohort.error.pick_one"
	}
	c.EligibleJenjang = only(f.Jenjang, Jenjangs)
	if len(c.EligibleJenjang) == 0 {
		errs["jenjang"] = "cohort.error.pick_one"
	}
	if strings.TrimSpace(f.MaxAge) != "" {
		var n int
		intIn("max_age", f.MaxAge, 20, 70, &n)
		c.MaxAge = &n
	}
	c.ExcludedRoles = only(f.ExcludedRoles, ExcludableRoles)
	intIn("correction_days", f.CorrectionDays, 0, 30, &c.CorrectionDays)
	intIn("confirm_days", f.ConfirmDays, 1, 60, &c.ConfirmDays)
	intIn("sheet_due_days", f.SheetDueDays, 1, 90, &c.SheetDueDays)
	intIn("tahap2_due_hours", f.Tahap2DueHours, 1, 720, &c.Tahap2DueHours)
	intIn("appeal_days", f.AppealDays, 1, 30, &c.AppealDays)
	return c, errs
}

func only[T ~string](vals []string, allowed []T) []T {
	out := []T{}
	for _, a := range allowed {
		if slices.Contains(vals, string(a)) {
			out = append(out, a)
		}
	}
	return out
}

// QuestionForm is a new essay question.
type QuestionForm struct {
	GroupName string `form:"group_name"`
	Prompt    string `form:"prompt"`
	MinChars  string `form:"min_chars"`
	MaxChars  string `form:"max_chars"`
}

// Parse validates the question.
func (f QuestionForm) Parse() (Question, map[string]string) {
	errs := map[string]string{}
	q := Question{GroupName: strings.TrimSpace(f.GroupName), Prompt: strings.TrimSpace(f.Prompt)}
	if n := utf8.RuneCountInString(q.Prompt); n < 5 || n > 2000 {
		errs["prompt"] = "form.required"
	}
	if utf8.RuneCountInString(q.GroupName) > 120 {
		errs["group_name"] = "form.too_long"
	}
	var err error
	if q.MinChars, err = strconv.Atoi(strings.TrimSpace(f.MinChars)); err != nil || q.MinChars < 0 {
		errs["min_chars"] = "cohort.error.number_range"
	}
	if q.MaxChars, err = strconv.Atoi(strings.TrimSpace(f.MaxChars)); err != nil || q.MaxChars < 1 || q.MaxChars > 20000 {
		errs["max_chars"] = "cohort.error.number_range"
	} else if q.MaxChars < q.MinChars {
		errs["max_chars"] = "cohort.error.max_below_min"
	}
	return q, errs
}

// DocumentForm is a new required document.
type DocumentForm struct {
	Name     string `form:"name"`
	Guidance string `form:"guidance"`
	Required bool   `form:"required"`
	MaxMB    string `form:"max_mb"`
}

// Parse validates the document.
func (f DocumentForm) Parse() (Document, map[string]string) {
	errs := map[string]string{}
	d := Document{Name: strings.TrimSpace(f.Name), Guidance: strings.TrimSpace(f.Guidance), Required: f.Required}
	if n := utf8.RuneCountInString(d.Name); n < 2 || n > 200 {
		errs["name"] = "form.required"
	}
	if utf8.RuneCountInString(d.Guidance) > 2000 {
		errs["guidance"] = "form.too_long"
	}
	mb, err := strconv.Atoi(strings.TrimSpace(f.MaxMB))
	if err != nil || mb < 1 || mb > 20 {
		errs["max_mb"] = "cohort.error.number_range"
	}
	d.MaxBytes = mb << 20
	return d, errs
}

// ImportError is one bad line of a targets file: the problem every import reports.
type ImportError = imports.Problem

var regencyCode = regexp.MustCompile(`^\d{2}\.\d{2}$`)

// MaxImportRows bounds a targets file (there are 514 kabupaten/kota).
const MaxImportRows = 1000

// ParseTargetRows checks rows of `kode,kuota` (a header line is allowed) against the known
// kabupaten/kota codes. It returns every bad line; the targets are only usable when there are
// no errors (all or nothing).
func ParseTargetRows(rows [][]string, known map[string]bool) ([]Target, []ImportError) {
	var out []Target
	var errs []ImportError
	seen := map[string]int{}
	if len(rows) > MaxImportRows {
		return nil, []ImportError{{Line: MaxImportRows + 1, Key: "cohort.import.too_many", Data: map[string]any{"Max": MaxImportRows}}}
	}
	for i, row := range rows {
		line := i + 1
		if len(row) == 0 || (len(row) == 1 && strings.TrimSpace(row[0]) == "") {
			continue
		}
		code := strings.TrimSpace(strings.TrimPrefix(row[0], "\ufeff"))
		if i == 0 && strings.EqualFold(code, "kode") {
			continue
		}
		if len(row) < 2 {
			errs = append(errs, ImportError{Line: line, Key: "cohort.import.columns"})
			continue
		}
		if !regencyCode.MatchString(code) || !known[code] {
			errs = append(errs, ImportError{Line: line, Key: "cohort.import.unknown_code", Data: map[string]any{"Code": code}})
			continue
		}
		q, err := strconv.Atoi(strings.TrimSpace(row[1]))
		if err != nil || q < 1 || q > 100000 {
			errs = append(errs, ImportError{Line: line, Key: "cohort.import.bad_quota", Data: map[string]any{"Quota": strings.TrimSpace(row[1])}})
			continue
		}
		if prev, dup := seen[code]; dup {
			errs = append(errs, ImportError{Line: line, Key: "cohort.import.duplicate", Data: map[string]any{"Code": code, "First": prev}})
			continue
		}
		seen[code] = line
		out = append(out, Target{RegencyCode: code, Quota: q})
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, ImportError{Line: 1, Key: "cohort.import.empty"})
	}
	return out, errs
}

// ReadCSV reads a CSV of targets, separated by commas or semicolons (Indonesian Excel).
func ReadCSV(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	firstLine, _, _ := strings.Cut(string(b), "\n")
	if strings.Contains(firstLine, ";") && !strings.Contains(firstLine, ",") {
		r.Comma = ';'
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		rows = append(rows, rec)
		if len(rows) > MaxImportRows+1 {
			return rows, nil
		}
	}
}
