package server

import (
	"io"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"

	"penggerak/internal/export"
)

// clinicExport sends the attendance list (presensi.xlsx|csv) or the registrant list
// (peserta.xlsx|csv) of an event in the scope. The rows stream from the database cursor into a
// temporary file (never the whole list in memory), the export is audited (clinic.export with the
// list, format and rows), then the file is sent; nothing is sent when the query or the audit
// fails.
func (s *Server) clinicExport(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	base := path.Base(r.URL.Path) // presensi.xlsx, peserta.csv
	list, ext, _ := strings.Cut(base, ".")
	f, ok := export.ParseFormat(ext)
	if !ok {
		return errNoPath
	}
	write := s.clinics.StreamAttendance
	if list == "peserta" {
		write = s.clinics.StreamRegistrants
	}
	tmp, err := os.CreateTemp("", "klinik-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	xw, err := export.New(f, tmp, map[string]string{"presensi": "Presensi", "peserta": "Peserta"}[list])
	if err != nil {
		return err
	}
	n, err := write(r.Context(), c, xw)
	if err == nil {
		err = xw.Close()
	}
	if err == nil {
		err = s.clinics.RecordExport(r.Context(), actor(r), c.ID, list, string(f), n)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+list+"-"+strconv.FormatInt(c.ID, 10)+"."+string(f)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.Copy(w, tmp)
	return nil
}
