package application

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CVForm is one new CV entry as typed.
type CVForm struct {
	Section      string `form:"section"`
	Title        string `form:"title"`
	Organisation string `form:"organisation"`
	YearFrom     string `form:"year_from"`
	YearTo       string `form:"year_to"`
	Description  string `form:"description"`
}

// Parse validates a CV entry.
func (f CVForm) Parse() (CVEntry, map[string]string) {
	errs := map[string]string{}
	e := CVEntry{Section: f.Section, Title: strings.TrimSpace(f.Title), Organisation: strings.TrimSpace(f.Organisation), Description: strings.TrimSpace(f.Description)}
	valid := false
	for _, s := range CVSections {
		valid = valid || s == f.Section
	}
	if !valid {
		errs["section"] = "form.invalid"
	}
	if n := utf8.RuneCountInString(e.Title); n < 2 || n > 200 {
		errs["title"] = "form.required"
	}
	if utf8.RuneCountInString(e.Organisation) > 200 {
		errs["organisation"] = "form.too_long"
	}
	if utf8.RuneCountInString(e.Description) > 2000 {
		errs["description"] = "form.too_long"
	}
	year := func(field, v string) *int {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1950 || n > 2100 {
			errs[field] = "application.cv.year"
			return nil
		}
		return &n
	}
	e.YearFrom, e.YearTo = year("year_from", f.YearFrom), year("year_to", f.YearTo)
	if e.YearFrom != nil && e.YearTo != nil && *e.YearTo < *e.YearFrom {
		errs["year_to"] = "application.cv.year_order"
	}
	return e, errs
}

// FormOf is the form of an existing entry, for its edit form.
func FormOf(e CVEntry) CVForm {
	f := CVForm{Section: e.Section, Title: e.Title, Organisation: e.Organisation, Description: e.Description}
	if e.YearFrom != nil {
		f.YearFrom = strconv.Itoa(*e.YearFrom)
	}
	if e.YearTo != nil {
		f.YearTo = strconv.Itoa(*e.YearTo)
	}
	return f
}

// DecisionForm is an assessor's verdict on one document.
type DecisionForm struct {
	Verdict Verdict `form:"verdict"`
	Reason  string  `form:"reason"`
	Note    string  `form:"note"`
}

// Validate returns the errors of a decision (message keys per field).
func (f DecisionForm) Validate() map[string]string {
	errs := map[string]string{}
	switch f.Verdict {
	case VerdictValid:
	case VerdictInvalid:
		if !slices.Contains(VervalReasons, f.Reason) {
			errs["reason"] = "verval.error.reason"
		}
		if f.Reason == "lainnya" && strings.TrimSpace(f.Note) == "" {
			errs["note"] = "verval.error.note"
		}
	default:
		errs["verdict"] = "verval.error.verdict"
	}
	if utf8.RuneCountInString(f.Note) > 1000 {
		errs["note"] = "form.too_long"
	}
	return errs
}
