package imports

import (
	"net/mail"
	"strings"
	"unicode/utf8"

	"penggerak/internal/account"
)

// KindAssessors is the import of an assessor list: e-mail and scope → an asesor role grant.
const KindAssessors = "assessors"

// MaxAssessorRows bounds an assessor list.
const MaxAssessorRows = 5000

// Problem is a message key (with data) about one line of an upload (0: the whole file).
type Problem struct {
	Line int
	Key  string
	Data map[string]any
}

// AssessorRow is one line of an assessor list: who, and where they assess.
type AssessorRow struct {
	Line  int
	Email string
	Scope account.Scope
	// UserID and Name are filled by the caller once the account is found.
	UserID int64
	Name   string
}

// ParseAssessors reads a CSV assessor list (UTF-8, with or without BOM, `;` or `,`) with the
// columns email and wilayah ("" national, "16" a province, "16.01" a kab/kota), and checks each
// line's shape; accounts and rights are checked by the caller.
func ParseAssessors(data []byte) ([]AssessorRow, []Problem) {
	list, p := ReadList(data, MaxAssessorRows, "email, wilayah", "email", "wilayah")
	if p != nil {
		return nil, []Problem{*p}
	}
	var rows []AssessorRow
	var problems []Problem
	seen := map[string]int{}
	for i, rec := range list.Lines {
		line := i + 2
		email, where := strings.ToLower(list.Field(rec, "email")), list.Field(rec, "wilayah")
		if email == "" && where == "" {
			continue
		}
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
			problems = append(problems, Problem{Line: line, Key: "import.err.email", Data: map[string]any{"Value": Excerpt(email)}})
			continue
		}
		sc, ok := account.ParseScope(where)
		if !ok {
			problems = append(problems, Problem{Line: line, Key: "import.err.scope", Data: map[string]any{"Value": Excerpt(where)}})
			continue
		}
		key := email + "|" + sc.Value()
		if prev, dup := seen[key]; dup {
			problems = append(problems, Problem{Line: line, Key: "import.err.duplicate", Data: map[string]any{"Line": prev}})
			continue
		}
		seen[key] = line
		rows = append(rows, AssessorRow{Line: line, Email: email, Scope: sc})
	}
	return rows, problems
}

// maxExcerpt is how many characters of a refused value a problem quotes back.
const maxExcerpt = 60

// Excerpt is the part of a refused value a problem quotes back: at most maxExcerpt characters,
// cut with "…", so a cell of megabytes is neither stored in the preview nor shown whole.
func Excerpt(s string) string {
	if utf8.RuneCountInString(s) <= maxExcerpt {
		return s
	}
	r := []rune(s)
	return string(r[:maxExcerpt]) + "…"
}
