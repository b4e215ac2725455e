package clinic

import (
	"io"
	"strconv"

	"penggerak/internal/export"
)

// ExportHeader is the header row of the attendance export; one column per session follows.
func ExportHeader(c Clinic) []string {
	h := []string{"No", "Nama", "Sekolah", "NPSN", "Jenjang", "Status"}
	for i, s := range c.Sessions {
		label := "Sesi " + strconv.Itoa(i+1) + " " + c.Local(s.StartsAt).Format("02/01 15.04")
		h = append(h, label)
	}
	return h
}

func exportRecord(i int, r AttendanceRow) []any {
	status := "Terdaftar"
	if r.Status == RegWaiting {
		status = "Daftar tunggu"
	}
	rec := []any{i + 1, r.Name, r.SchoolName, r.NPSN, r.Jenjang, export.Plain(status)}
	for _, p := range r.Present {
		if p {
			rec = append(rec, export.Plain("Hadir"))
		} else {
			rec = append(rec, export.Plain("-"))
		}
	}
	return rec
}

// WriteExport writes the attendance list in the format with the shared export writers
// (internal/export: formula injection neutralised, CSV with a BOM and `;`).
func WriteExport(w io.Writer, f export.Format, c Clinic, rows []AttendanceRow) error {
	xw, err := export.New(f, w, "Presensi")
	if err != nil {
		return err
	}
	if err := xw.Header(ExportHeader(c)); err != nil {
		return err
	}
	for i, r := range rows {
		if err := xw.Row(exportRecord(i, r)); err != nil {
			return err
		}
	}
	return xw.Close()
}

// WriteCSV writes the attendance list as CSV (UTF-8 with a byte order mark, `;` between fields).
func WriteCSV(w io.Writer, c Clinic, rows []AttendanceRow) error {
	return WriteExport(w, export.CSV, c, rows)
}

// WriteXLSX writes the attendance list as an XLSX workbook with excelize's StreamWriter.
func WriteXLSX(w io.Writer, c Clinic, rows []AttendanceRow) error {
	return WriteExport(w, export.XLSX, c, rows)
}
