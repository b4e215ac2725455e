package server

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"penggerak/internal/school"
	schoolspage "penggerak/web/pages/schools"
)

// schools is the school store.
func (s *Server) schools() *school.Store { return school.NewStore(s.db) }

// adminSchools lists schools with filters (kabupaten/kota, jenjang, name or NPSN) and keyset
// pagination, above the import form.
func (s *Server) adminSchools(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := school.Filter{RegencyCode: q.Get("kabkota"), Jenjang: q.Get("jenjang"), Q: strings.TrimSpace(q.Get("q")), After: q.Get("after"), Limit: 50}
	page, err := s.schools().List(r.Context(), f)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	regs, err := s.regions.Regencies(r.Context(), "")
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, schoolspage.List(s.base(r, "school.title"), schoolspage.ListProps{Filter: f, Regencies: regs, Page: page}))
}

// importSchools checks an uploaded CSV/XLSX file completely and imports it only when every row
// is valid; otherwise it lists every problem by line and imports nothing.
func (s *Server) importSchools(w http.ResponseWriter, r *http.Request) {
	show := func(status int, p schoolspage.ImportProps) {
		s.render(w, r, status, schoolspage.ImportResult(s.base(r, "school.import.title"), p))
	}
	name, data, problem := readImportFile(w, r)
	props := schoolspage.ImportProps{FileName: name, FileProblem: problem}
	var records []school.Record
	if problem == nil {
		records, props.FileProblem = school.ParseFile(name, data)
	}
	if props.FileProblem != nil {
		status := http.StatusUnprocessableEntity
		if props.FileProblem.Key == "school.import.err.too_big" {
			status = http.StatusRequestEntityTooLarge
		}
		show(status, props)
		return
	}
	ref, err := s.schools().Reference(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	valid, problems := school.Validate(records, ref)
	if len(problems) > 0 {
		props.Problems = problems
		show(http.StatusUnprocessableEntity, props)
		return
	}
	res, err := s.schools().Upsert(r.Context(), actor(r), name, valid)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	props.Result = &res
	show(http.StatusOK, props)
}

// readImportFile reads the uploaded file (field "file") up to the import size limit.
func readImportFile(w http.ResponseWriter, r *http.Request) (string, []byte, *school.Problem) {
	tooBig := &school.Problem{Key: "school.import.err.too_big", Data: map[string]any{"MiB": school.MaxImportBytes >> 20}}
	noFile := &school.Problem{Key: "school.import.err.no_file"}
	r.Body = http.MaxBytesReader(w, r.Body, school.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(school.MaxImportBytes + 1<<20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return "", nil, tooBig
		}
		return "", nil, noFile
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, fh, err := r.FormFile("file")
	if err != nil {
		return "", nil, noFile
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, school.MaxImportBytes+1))
	if err != nil {
		return fh.Filename, nil, &school.Problem{Key: "school.import.err.unreadable"}
	}
	return fh.Filename, data, nil
}
