// Package export writes lists as spreadsheets for Excel: XLSX through excelize's StreamWriter
// and CSV with a UTF-8 byte order mark and `;` between fields (Indonesian Excel reads `,` as the
// decimal separator). Rows are streamed: a list of 250,000 rows is written row by row from the
// database cursor, never held whole in memory. Every text cell that could start a formula is
// neutralised (SECURITY.md 14).
package export

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/xuri/excelize/v2"

	"penggerak/internal/database"
)

// Format is a file format of an export.
type Format string

// The formats an export can be written in.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// ParseFormat reads a format from a file extension or a query value ("xlsx", "csv"; XLSX when
// empty). ok is false for anything else.
func ParseFormat(s string) (Format, bool) {
	switch strings.ToLower(strings.TrimPrefix(s, ".")) {
	case "", "xlsx":
		return XLSX, true
	case "csv":
		return CSV, true
	}
	return "", false
}

// ContentType is the MIME type of the format.
func (f Format) ContentType() string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Escape neutralises a text cell that a spreadsheet would read as a formula (it starts with
// = + - @, a tab or a carriage return) by putting an apostrophe before it.
func Escape(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Plain is fixed text from the program (a status word, a "-" for absent): written as is,
// never escaped. User-entered text must stay a string.
type Plain string

// Writer writes one sheet: a header row, then data rows. Cells may be string (escaped), the
// integer and float kinds, bool, time.Time (written as "2006-01-02 15:04" in its location),
// *string, *time.Time and nil (an empty cell).
type Writer interface {
	Header(cols []string) error
	Row(cells []any) error
	// Close finishes the file and writes what is still buffered.
	Close() error
}

// New returns a writer of the format onto w; sheet names the XLSX sheet.
func New(f Format, w io.Writer, sheet string) (Writer, error) {
	if f == CSV {
		return NewCSV(w)
	}
	return NewXLSX(w, sheet)
}

// TimeLayout is how times are written in exports.
const TimeLayout = "2006-01-02 15:04"

// float64er is a decoded numeric (pgtype.Numeric) that can be read as a float.
type float64er interface {
	Float64Value() (pgtype.Float8, error)
}

// normalize turns database values into the cell kinds the writers know: numerics become
// float64, NULL numerics nil.
func normalize(v any) any {
	if n, ok := v.(float64er); ok {
		f, err := n.Float64Value()
		if err != nil || !f.Valid {
			return nil
		}
		return f.Float64
	}
	return v
}

// text turns a cell into its text for CSV.
func text(v any) string {
	switch x := normalize(v).(type) {
	case nil:
		return ""
	case string:
		return Escape(x)
	case Plain:
		return string(x)
	case *string:
		if x == nil {
			return ""
		}
		return Escape(*x)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		// Indonesian Excel reads a comma as the decimal separator.
		return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
	case bool:
		if x {
			return "ya"
		}
		return "tidak"
	case time.Time:
		if x.IsZero() {
			return ""
		}
		return x.Format(TimeLayout)
	case *time.Time:
		if x == nil {
			return ""
		}
		return x.Format(TimeLayout)
	}
	return Escape(fmt.Sprint(v))
}

// csvWriter writes CSV with a BOM and `;`.
type csvWriter struct {
	cw  *csv.Writer
	rec []string
	n   int
}

// NewCSV returns a CSV writer: UTF-8 with a byte order mark, `;` between fields.
func NewCSV(w io.Writer) (Writer, error) {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	return &csvWriter{cw: cw}, nil
}

func (c *csvWriter) Header(cols []string) error {
	rec := make([]string, len(cols))
	for i, s := range cols {
		rec[i] = Escape(s)
	}
	return c.cw.Write(rec)
}

func (c *csvWriter) Row(cells []any) error {
	c.rec = c.rec[:0]
	for _, v := range cells {
		c.rec = append(c.rec, text(v))
	}
	if err := c.cw.Write(c.rec); err != nil {
		return err
	}
	// Flush now and then so the bytes leave for the client instead of piling up.
	if c.n++; c.n%512 == 0 {
		c.cw.Flush()
		return c.cw.Error()
	}
	return nil
}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	return c.cw.Error()
}

// xlsxWriter writes one sheet with excelize's StreamWriter (rows beyond its chunk size go to a
// temporary file, not to memory).
type xlsxWriter struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	w    io.Writer
	row  int
	vals []any
}

// NewXLSX returns an XLSX writer of one sheet named sheet.
func NewXLSX(w io.Writer, sheet string) (Writer, error) {
	f := excelize.NewFile()
	if sheet == "" {
		sheet = "Data"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxWriter{f: f, sw: sw, w: w}, nil
}

func (x *xlsxWriter) Header(cols []string) error {
	cells := make([]any, len(cols))
	for i, s := range cols {
		cells[i] = Escape(s)
	}
	return x.setRow(cells)
}

func (x *xlsxWriter) setRow(cells []any) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, cells)
}

func (x *xlsxWriter) Row(cells []any) error {
	x.vals = x.vals[:0]
	for _, v := range cells {
		switch c := normalize(v).(type) {
		case nil:
			x.vals = append(x.vals, nil)
		case int, int32, int64, float64:
			x.vals = append(x.vals, c)
		default:
			x.vals = append(x.vals, text(c))
		}
	}
	return x.setRow(x.vals)
}

func (x *xlsxWriter) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.w)
}

// ErrTooMany is returned by Stream when a list has more rows than the limit given.
var ErrTooMany = errors.New("export: too many rows")

// Stream writes every row of a query to w: scan reads the current row into cells (reusing the
// slice is fine), so only one row is in memory at a time. It returns how many rows were
// written. The caller closes w (Stream closes rows).
func Stream(rows pgx.Rows, w Writer, scan func(pgx.Rows) ([]any, error)) (int, error) {
	defer rows.Close()
	n := 0
	for rows.Next() {
		cells, err := scan(rows)
		if err != nil {
			return n, err
		}
		if err := w.Row(cells); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// QueryTimeout bounds the query of one export: a cursor over 250,000 rows stays open while the
// file is written (about half a minute for XLSX), beyond the pool's ordinary statement timeout.
const QueryTimeout = "10min"

// StreamQuery runs sql in a read-only transaction with QueryTimeout and streams its rows into
// w (see Stream). It returns how many rows were written.
func StreamQuery(ctx context.Context, db database.DB, w Writer, scan func(pgx.Rows) ([]any, error), sql string, args ...any) (int, error) {
	n := 0
	err := database.Tx(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET TRANSACTION READ ONLY`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = '`+QueryTimeout+`'`); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		n, err = Stream(rows, w, scan)
		return err
	})
	return n, err
}

// Values is a scan for Stream that takes the row's values as pgx decodes them.
func Values(rows pgx.Rows) ([]any, error) { return rows.Values() }
