package school

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"maps"
	"net/mail"
	"path/filepath"
	"penggerak/internal/imports"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Import limits: a file larger or longer than these is refused whole.
const (
	MaxImportBytes = 5 << 20
	MaxImportRows  = 20000
)

// ImportColumns are the columns of an import file, in the order of the template. The first
// five are required.
var ImportColumns = []string{"npsn", "nama", "jenjang", "status", "kode_kabkota", "kode_kecamatan", "alamat", "email", "kepala_sekolah"}

const requiredColumns = 5

// Record is one data row of an import file: its line number (1 = the header) and its cells by
// column name.
type Record struct {
	Line   int
	Fields map[string]string
}

// Problem is a message (an i18n key with its data) about a whole file (line 0) or one line of
// it: the problem every import reports.
type Problem = imports.Problem

// ParseFile reads an import file: XLSX (first sheet) when it is a ZIP/OOXML file, otherwise
// CSV in UTF-8 (with or without BOM) separated by `,` or `;`. Blank rows are skipped. A problem
// with the file as a whole is returned as the second value.
func ParseFile(name string, data []byte) ([]Record, *Problem) {
	if len(data) > MaxImportBytes {
		return nil, &Problem{Key: "school.import.err.too_big", Data: map[string]any{"MiB": MaxImportBytes >> 20}}
	}
	var rows [][]string
	var lines []int
	var err error
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) || strings.EqualFold(filepath.Ext(name), ".xlsx") {
		rows, lines, err = readXLSX(data)
	} else {
		if !utf8.Valid(data) {
			return nil, &Problem{Key: "school.import.err.encoding"}
		}
		rows, lines, err = readCSV(data)
	}
	if errors.Is(err, errTooManyRows) {
		return nil, &Problem{Key: "school.import.err.too_many_rows", Data: map[string]any{"Max": MaxImportRows}}
	}
	if err != nil {
		return nil, &Problem{Key: "school.import.err.unreadable"}
	}
	if len(rows) == 0 {
		return nil, &Problem{Key: "school.import.err.empty"}
	}
	index := map[string]int{}
	for i, h := range rows[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := index[h]; !dup {
			index[h] = i
		}
	}
	var missing []string
	for _, c := range ImportColumns[:requiredColumns] {
		if _, ok := index[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, &Problem{Key: "school.import.err.columns", Data: map[string]any{"Columns": strings.Join(missing, ", ")}}
	}
	var out []Record
	for i, row := range rows[1:] {
		rec := Record{Line: lines[i+1], Fields: map[string]string{}}
		blank := true
		for _, c := range ImportColumns {
			if j, ok := index[c]; ok && j < len(row) {
				v := strings.TrimSpace(row[j])
				rec.Fields[c] = v
				if v != "" {
					blank = false
				}
			}
		}
		if !blank {
			out = append(out, rec)
		}
	}
	if len(out) == 0 {
		return nil, &Problem{Key: "school.import.err.empty"}
	}
	if len(out) > MaxImportRows {
		return nil, &Problem{Key: "school.import.err.too_many_rows", Data: map[string]any{"Max": MaxImportRows}}
	}
	return out, nil
}

var errTooManyRows = errors.New("too many rows")

func readCSV(data []byte) ([][]string, []int, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	first, _, _ := bytes.Cut(data, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var rows [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
		if len(rows) > MaxImportRows+1+1000 { // blank rows are skipped later; stop reading early
			return nil, nil, errTooManyRows
		}
	}
	return rows, lines, nil
}

func readXLSX(data []byte) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 64 << 20, UnzipXMLSizeLimit: 32 << 20})
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, errors.New("no sheet")
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, err
	}
	defer it.Close()
	var rows [][]string
	var lines []int
	line := 0
	for it.Next() {
		line++
		cols, err := it.Columns()
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, cols)
		lines = append(lines, line)
		if len(rows) > MaxImportRows+1+1000 {
			return nil, nil, errTooManyRows
		}
	}
	return rows, lines, it.Error()
}

// Validate checks every record against the rules and the region reference, and returns the
// schools to write, or every problem found with its line number. All or nothing: when there
// is any problem, no school is returned.
func Validate(records []Record, ref Reference) ([]School, []Problem) {
	var problems []Problem
	seen := map[string]int{}
	schools := make([]School, 0, len(records))
	for _, rec := range records {
		f := rec.Fields
		add := func(key string, data map[string]any) {
			for k, v := range data { // a refused cell is quoted back in part only
				if s, ok := v.(string); ok && utf8.RuneCountInString(s) > 60 {
					data[k] = string([]rune(s)[:60]) + "…"
				}
			}
			problems = append(problems, Problem{Line: rec.Line, Key: key, Data: data})
		}
		// A cell holding a control character (a NUL byte, say) or text that is not UTF-8 cannot
		// be stored: the line is refused with the column named, and the file is not imported.
		for _, c := range ImportColumns {
			if v := f[c]; !cleanCell(v) {
				add("school.import.row.bad_text", map[string]any{"Column": c})
				f = maps.Clone(f)
				f[c] = strings.Map(func(r rune) rune {
					if r < 0x20 || r == 0x7f || r == utf8.RuneError {
						return -1
					}
					return r
				}, strings.ToValidUTF8(v, ""))
			}
		}
		sc := School{
			NPSN:          strings.ToUpper(f["npsn"]),
			Name:          strings.Join(strings.Fields(f["nama"]), " "),
			Jenjang:       NormalizeJenjang(f["jenjang"]),
			Status:        NormalizeStatus(f["status"]),
			RegencyCode:   NormalizeRegencyCode(f["kode_kabkota"]),
			DistrictCode:  NormalizeDistrictCode(f["kode_kecamatan"]),
			Address:       f["alamat"],
			Email:         strings.ToLower(f["email"]),
			PrincipalName: strings.Join(strings.Fields(f["kepala_sekolah"]), " "),
		}
		switch {
		case sc.NPSN == "":
			add("school.import.row.npsn_missing", nil)
		case !ValidNPSN(sc.NPSN, true):
			add("school.import.row.npsn_bad", map[string]any{"NPSN": sc.NPSN})
		case sc.Jenjang != "" && !NPSNFitsJenjang(sc.NPSN, sc.Jenjang):
			add("school.import.row.npsn_jenjang", map[string]any{"NPSN": sc.NPSN, "Jenjang": sc.Jenjang})
		default:
			if first, dup := seen[sc.NPSN]; dup {
				add("school.import.row.npsn_duplicate", map[string]any{"NPSN": sc.NPSN, "Line": first})
			} else {
				seen[sc.NPSN] = rec.Line
			}
		}
		if n := utf8.RuneCountInString(sc.Name); n < 3 || n > 200 {
			add("school.import.row.name", nil)
		}
		if sc.Jenjang == "" {
			add("school.import.row.jenjang", map[string]any{"Value": f["jenjang"], "Allowed": strings.Join(Jenjangs, ", ")})
		}
		if sc.Status == "" {
			add("school.import.row.status", map[string]any{"Value": f["status"]})
		}
		switch {
		case sc.RegencyCode == "":
			add("school.import.row.regency_missing", nil)
		case !ref.Regencies[sc.RegencyCode]:
			add("school.import.row.regency_unknown", map[string]any{"Code": sc.RegencyCode})
		}
		if sc.DistrictCode != "" {
			reg, ok := ref.Districts[sc.DistrictCode]
			switch {
			case !ok:
				add("school.import.row.district_unknown", map[string]any{"Code": sc.DistrictCode})
			case reg != sc.RegencyCode:
				add("school.import.row.district_elsewhere", map[string]any{"Code": sc.DistrictCode, "Regency": sc.RegencyCode})
			}
		}
		if sc.Email != "" {
			if a, err := mail.ParseAddress(sc.Email); err != nil || a.Address != sc.Email || len(sc.Email) > 200 {
				add("school.import.row.email", map[string]any{"Value": sc.Email})
			}
		}
		if utf8.RuneCountInString(sc.Address) > 500 || utf8.RuneCountInString(sc.PrincipalName) > 120 {
			add("school.import.row.too_long", nil)
		}
		schools = append(schools, sc)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return schools, nil
}

// cleanCell reports whether v is valid UTF-8 without control characters other than tab and
// newline.
func cleanCell(v string) bool {
	if !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
	}
	return true
}

// LineLabel formats a line number for messages.
func LineLabel(n int) string { return strconv.Itoa(n) }
