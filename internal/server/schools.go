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
		s.serverError(w, r, err)
		return
	}
	regs, err := s.regions.Regencies(r.Context(), "")
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, schoolspage.List(s.base(r, "school.title"), schoolspage.ListProps{Filter: f, Regencies: regs, Page: page}))
}

// importSchools checks an uploaded CSV/XLSX file completely and imports it only when every row
// is valid; otherwise it lists every problem by line and imports nothing.
func (s *Server) importSchools(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, p schoolspage.ImportProps) {
		s.render(w, r, status, schoolspage.ImportResult(s.base(r, "school.import.title"), p))
	}
	tooBig := &school.Problem{Key: "school.import.err.too_big", Data: map[string]any{"MiB": school.MaxImportBytes >> 20}}
	r.Body = http.MaxBytesReader(w, r.Body, school.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(school.MaxImportBytes + 1<<20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			fail(http.StatusRequestEntityTooLarge, schoolspage.ImportProps{FileProblem: tooBig})
			return
		}
		fail(http.StatusUnprocessableEntity, schoolspage.ImportProps{FileProblem: &school.Problem{Key: "school.import.err.no_file"}})
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, fh, err := r.FormFile("file")
	if err != nil {
		fail(http.StatusUnprocessableEntity, schoolspage.ImportProps{FileProblem: &school.Problem{Key: "school.import.err.no_file"}})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, school.MaxImportBytes+1))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	props := schoolspage.ImportProps{FileName: fh.Filename}
	records, problem := school.ParseFile(fh.Filename, data)
	if problem != nil {
		props.FileProblem = problem
		status := http.StatusUnprocessableEntity
		if problem.Key == tooBig.Key {
			status = http.StatusRequestEntityTooLarge
		}
		fail(status, props)
		return
	}
	ref, err := s.schools().Reference(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	valid, problems := school.Validate(records, ref)
	if len(problems) > 0 {
		props.Problems = problems
		fail(http.StatusUnprocessableEntity, props)
		return
	}
	res, err := s.schools().Upsert(r.Context(), actor(r), fh.Filename, valid)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	props.Result = &res
	s.render(w, r, http.StatusOK, schoolspage.ImportResult(s.base(r, "school.import.title"), props))
}
