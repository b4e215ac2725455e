package imports

import (
	"bytes"
	"encoding/csv"
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
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return nil, []Problem{{Key: "import.err.unreadable"}}
	}
	if len(recs) == 0 {
		return nil, []Problem{{Key: "import.err.empty"}}
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	ei, ok1 := col["email"]
	wi, ok2 := col["wilayah"]
	if !ok1 || !ok2 {
		return nil, []Problem{{Line: 1, Key: "import.err.columns", Data: map[string]any{"Columns": "email, wilayah"}}}
	}
	if len(recs)-1 > MaxAssessorRows {
		return nil, []Problem{{Key: "import.err.too_many", Data: map[string]any{"Max": MaxAssessorRows}}}
	}
	var rows []AssessorRow
	var problems []Problem
	seen := map[string]int{}
	for i, rec := range recs[1:] {
		line := i + 2
		get := func(k int) string {
			if k < len(rec) {
				return strings.TrimSpace(rec[k])
			}
			return ""
		}
		email, where := strings.ToLower(get(ei)), get(wi)
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
