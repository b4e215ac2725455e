package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"penggerak/internal/imports"
	"penggerak/internal/school"
	"penggerak/web/i18n"
	importpage "penggerak/web/pages/imports"
	schoolspage "penggerak/web/pages/schools"
)

// schools is the school store.
func (s *Server) schools() *school.Store { return school.NewStore(s.db) }

// adminSchools lists schools with filters (kabupaten/kota, jenjang, name or NPSN) and keyset
// pagination, above the import form.
func (s *Server) adminSchools(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := school.Filter{RegencyCode: q.Get("kabkota"), Jenjang: q.Get("jenjang"), Q: strings.TrimSpace(q.Get("q")), After: q.Get("after"), Limit: 50}
	page, err := s.schools().List(r.Context(), f)
	if err != nil {
		return err
	}
	regs, err := s.regions.Regencies(r.Context(), "")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, schoolspage.List(s.base(r, "school.title"), schoolspage.ListProps{Filter: f, Regencies: regs, Page: page}))
	return nil
}

// importSchools checks an uploaded CSV/XLSX file completely and imports it only when every row
// is valid; otherwise it lists every problem by line and imports nothing.
func (s *Server) importSchools(w http.ResponseWriter, r *http.Request) error {
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
		return nil
	}
	ref, err := s.schools().Reference(r.Context())
	if err != nil {
		return err
	}
	valid, problems := school.Validate(records, ref)
	if len(problems) > 0 {
		props.Problems = problems
		show(http.StatusUnprocessableEntity, props)
		return nil
	}
	res, err := s.schools().Upsert(r.Context(), actor(r), name, valid)
	if err != nil {
		return err
	}
	props.Result = &res
	show(http.StatusOK, props)
	return nil
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

// School import with a preview (issue 13): the upload is parsed and validated into a preview
// stored under a token (internal/imports); the admin reads it and commits it once.

func (s *Server) imports() *imports.Store { return imports.NewStore(s.db) }

// schoolPreview is what a school import preview keeps.
type schoolPreview struct {
	Schools  []school.School
	Problems []school.Problem
}

func (s *Server) importSchoolsPreview(w http.ResponseWriter, r *http.Request) error {
	name, data, problem := readImportFile(w, r)
	var records []school.Record
	if problem == nil {
		records, problem = school.ParseFile(name, data)
	}
	if problem != nil {
		status := http.StatusUnprocessableEntity
		if problem.Key == "school.import.err.too_big" {
			status = http.StatusRequestEntityTooLarge
		}
		s.render(w, r, status, schoolspage.ImportResult(s.base(r, "school.import.title"), schoolspage.ImportProps{FileName: name, FileProblem: problem}))
		return nil
	}
	ref, err := s.schools().Reference(r.Context())
	if err != nil {
		return err
	}
	valid, problems := school.Validate(records, ref)
	token, err := s.imports().Save(r.Context(), imports.KindSchools, principal(r).User.ID, name, len(records), len(problems),
		schoolPreview{Schools: valid, Problems: problems})
	if err != nil {
		return err
	}
	redirect(w, r, "/admin/sekolah/impor/"+token)
	return nil
}

// renderSchoolPreview shows a stored school import preview.
func (s *Server) renderSchoolPreview(w http.ResponseWriter, r *http.Request, status int, result string) error {
	token := chi.URLParam(r, "token")
	p, err := s.imports().Load(r.Context(), token, imports.KindSchools, principal(r).User.ID)
	if err != nil {
		return err
	}
	var sp schoolPreview
	if err := json.Unmarshal(p.Payload, &sp); err != nil {
		return err
	}
	props := importpage.PreviewProps{Heading: i18n.T(r.Context(), "import.schools.title"), Action: "/admin/sekolah/impor/" + token,
		Source: p.Source, Rows: p.Rows, Committed: p.CommittedAt != nil, Result: result, Back: "/admin/sekolah",
		Columns: []string{"NPSN", "Nama", "Jenjang", "Status", "Kab/kota", "Kecamatan"}}
	previewTable(r.Context(), &props, sp.Schools, func(sc school.School) []string {
		return []string{sc.NPSN, sc.Name, sc.Jenjang, sc.Status, sc.RegencyCode, sc.DistrictCode}
	}, sp.Problems)
	s.render(w, r, status, importpage.Preview(s.base(r, "import.schools.title"), props))
	return nil
}

func (s *Server) importSchoolsShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderSchoolPreview(w, r, http.StatusOK, "")
}

func (s *Server) importSchoolsCommit(w http.ResponseWriter, r *http.Request) error {
	var res school.ImportResult
	token := chi.URLParam(r, "token")
	err := s.imports().Commit(r.Context(), token, imports.KindSchools, principal(r).User.ID, func(tx pgx.Tx, payload []byte) error {
		var sp schoolPreview
		if err := json.Unmarshal(payload, &sp); err != nil {
			return err
		}
		var err error
		res, err = school.NewStore(tx).Upsert(r.Context(), actor(r), "pratinjau "+token[:8], sp.Schools)
		return err
	})
	switch {
	case errors.Is(err, imports.ErrCommitted):
		return s.renderSchoolPreview(w, r, http.StatusConflict, i18n.T(r.Context(), "import.preview.again"))
	case errors.Is(err, imports.ErrHasProblems):
		return s.renderSchoolPreview(w, r, http.StatusConflict, i18n.T(r.Context(), "import.preview.nothing"))
	case err != nil:
		return err
	default:
		return s.renderSchoolPreview(w, r, http.StatusOK, i18n.T(r.Context(), "import.schools.done",
			map[string]any{"Inserted": res.Inserted, "Updated": res.Updated}))
	}
}
