package clinic

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
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

func exportRecord(i int, r AttendanceRow) []string {
	status := "Terdaftar"
	if r.Status == RegWaiting {
		status = "Daftar tunggu"
	}
	rec := []string{strconv.Itoa(i + 1), Escape(r.Name), Escape(r.SchoolName), Escape(r.NPSN), Escape(r.Jenjang), status}
	for _, p := range r.Present {
		if p {
			rec = append(rec, "Hadir")
		} else {
			rec = append(rec, "-")
		}
	}
	return rec
}

// WriteCSV writes the attendance list as CSV with a UTF-8 byte order mark (so Excel reads the
// names right); cells that could start a formula are escaped.
func WriteCSV(w io.Writer, c Clinic, rows []AttendanceRow) error {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(ExportHeader(c)); err != nil {
		return err
	}
	for i, r := range rows {
		if err := cw.Write(exportRecord(i, r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the attendance list as an XLSX workbook with excelize's StreamWriter.
func WriteXLSX(w io.Writer, c Clinic, rows []AttendanceRow) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Presensi"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	toRow := func(rec []string) []any {
		out := make([]any, len(rec))
		for i, v := range rec {
			out[i] = v
		}
		return out
	}
	if err := sw.SetRow("A1", toRow(ExportHeader(c))); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, toRow(exportRecord(i, r))); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
