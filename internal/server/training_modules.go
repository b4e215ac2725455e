package server

import (
	"io"
	"net/http"
	"slices"

	"penggerak/internal/cohort"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: the fasilitator's classes, module progress and the LMS import.

// fasClasses lists the groups of the fasilitator's own classes.
func (s *Server) fasClasses(w http.ResponseWriter, r *http.Request) {
	gs, err := s.trainingStore().Classes(r.Context(), principal(r).User.ID)
	var ps []training.Progress
	if err == nil {
		ps, err = s.fasProgress(r)
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, trainingpage.Classes(s.base(r, "training.fas.title"), trainingpage.MentorProps{Groups: gs, Progress: ps}))
}

// maxProgressImport is the largest LMS export accepted (bytes).
const maxProgressImport = 2 << 20

func (s *Server) fasProgress(r *http.Request) ([]training.Progress, error) {
	return s.trainingStore().ClassProgress(r.Context(), principal(r).User.ID)
}

// progressPage shows the modules of one CGP of the fasilitator's classes; anyone else's 404.
func (s *Server) progressPage(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "participant")
	if !ok {
		s.notFound(w, r)
		return
	}
	ps, err := s.fasProgress(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	for _, p := range ps {
		if p.ParticipantID == id {
			score, err := s.trainingStore().Assessment(r.Context(), id, "fasilitator")
			var st training.Settings
			if err == nil {
				st, err = s.trainingStore().SettingsOf(r.Context(), id)
			}
			if err != nil {
				s.serveError(w, r, err)
				return
			}
			s.render(w, r, http.StatusOK, trainingpage.ProgressForm(s.base(r, "training.fas.title"),
				trainingpage.ProgressProps{Progress: p, Score: score, Pass: st.AssessmentPass}))
			return
		}
	}
	s.notFound(w, r)
}

// saveProgress records the ticked modules of one CGP (the others are not done).
func (s *Server) saveProgress(w http.ResponseWriter, r *http.Request) {
	id, ok := pathInt(r, "participant")
	if !ok {
		s.notFound(w, r)
		return
	}
	var f struct {
		Modules []int `form:"modul"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	ps, err := s.fasProgress(r)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	var items []training.ProgressItem
	for _, p := range ps {
		if p.ParticipantID != id {
			continue
		}
		done := map[int]bool{}
		for _, m := range f.Modules {
			done[m] = true
		}
		for m := 1; m <= p.Modules; m++ {
			items = append(items, training.ProgressItem{ParticipantID: id, Module: m, Done: done[m]})
		}
	}
	if len(items) == 0 {
		s.notFound(w, r)
		return
	}
	if err := s.trainingStore().ApplyProgress(r.Context(), actor(r), principal(r).User.ID, items, "manual"); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.progress")
	redirect(w, r, "/kelas")
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, trainingpage.Import(s.base(r, "training.import.title"), trainingpage.ImportProps{}))
}

// importPreview reads an LMS export (CSV or XLSX, by content), matches each row to a CGP of the
// fasilitator's classes by email or NUPTK, and shows the preview or every row's problem.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) {
	show := func(status int, p trainingpage.ImportProps) {
		s.render(w, r, status, trainingpage.Import(s.base(r, "training.import.title"), p))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxProgressImport+1<<20)
	if err := r.ParseMultipartForm(maxProgressImport + 1<<20); err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, fh, err := r.FormFile("file")
	if err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxProgressImport+1))
	if err != nil || len(data) > maxProgressImport {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.too_big"})
		return
	}
	raw, err := cohort.ReadFile(fh.Filename, data)
	if err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return
	}
	if len(raw) > training.MaxProgressRows { // the reader stops after its own row limit
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.too_many"})
		return
	}
	ps, err := s.fasProgress(r)
	if err != nil || len(ps) == 0 {
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.no_class"})
		return
	}
	maxModules := 0
	for _, p := range ps {
		maxModules = max(maxModules, p.Modules)
	}
	rows, errs := training.ParseProgress(raw, maxModules)
	matched, unknown, err := s.trainingStore().MatchProgress(r.Context(), principal(r).User.ID, rows)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	errs = append(errs, unknown...)
	slices.SortFunc(errs, func(a, b training.RowError) int { return a.Line - b.Line })
	if len(errs) > 0 {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{Rows: matched, Errors: errs})
		return
	}
	show(http.StatusOK, trainingpage.ImportProps{Rows: matched, Items: training.EncodeItems(matched)})
}

// importCommit applies a previewed import, all or nothing (checked again against the classes).
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Items string `form:"items"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	items, ok := training.DecodeItems(f.Items)
	if !ok {
		s.clientError(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	if err := s.trainingStore().ApplyProgress(r.Context(), actor(r), principal(r).User.ID, items, "impor"); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "training.flash.imported")
	redirect(w, r, "/kelas")
}
