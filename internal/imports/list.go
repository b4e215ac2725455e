package imports

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// List is an uploaded CSV list: the lines under its header, whose columns are found by name.
type List struct {
	// Lines are the records after the header; Lines[i] is line i+2 of the file.
	Lines [][]string
	cols  map[string]int
}

// ReadList reads a CSV list: UTF-8 with or without BOM, separated by `;` when the first line
// has more semicolons than commas (as Excel writes it in Indonesia), by `,` otherwise. The header
// must name every required column (case and spaces around a name do not matter) and at most max
// lines may follow it. A file that breaks one of these gives the Problem to show instead:
// unreadable, empty, the columns (columns is the list of them the message names), too many lines.
func ReadList(data []byte, max int, columns string, required ...string) (List, *Problem) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return List{}, &Problem{Key: "import.err.unreadable"}
	}
	if len(recs) == 0 {
		return List{}, &Problem{Key: "import.err.empty"}
	}
	l := List{Lines: recs[1:], cols: map[string]int{}}
	for i, h := range recs[0] {
		l.cols[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, c := range required {
		if _, ok := l.cols[c]; !ok {
			return List{}, &Problem{Line: 1, Key: "import.err.columns", Data: map[string]any{"Columns": columns}}
		}
	}
	if len(l.Lines) > max {
		return List{}, &Problem{Key: "import.err.too_many", Data: map[string]any{"Max": max}}
	}
	return l, nil
}

// Field is the value in column name of rec, one of l.Lines, with the spaces around it trimmed;
// "" when the list has no such column or the line stops short of it.
func (l List) Field(rec []string, name string) string {
	if i, ok := l.cols[name]; ok && i < len(rec) {
		return strings.TrimSpace(rec[i])
	}
	return ""
}
