package server

import (
	"io"
	"net/http"
	"slices"

	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: the fasilitator's classes, module progress and the LMS import.

// fasClasses lists the groups of the fasilitator's own classes.
func (s *Server) fasClasses(w http.ResponseWriter, r *http.Request) error {
	gs, err := s.trainingStore().Classes(r.Context(), principal(r).User.ID)
	var ps []training.Progress
	if err == nil {
		ps, err = s.fasProgress(r)
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.Classes(s.base(r, "training.fas.title"), trainingpage.MentorProps{Groups: gs, Progress: ps}))
	return nil
}

// maxProgressImport is the largest LMS export accepted (bytes).
const maxProgressImport = 2 << 20

func (s *Server) fasProgress(r *http.Request) ([]training.Progress, error) {
	return s.trainingStore().ClassProgress(r.Context(), principal(r).User.ID)
}

// progressPage shows the modules of one CGP of the fasilitator's classes; anyone else's 404.
func (s *Server) progressPage(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "participant")
	if !ok {
		return database.ErrNotFound
	}
	ps, err := s.fasProgress(r)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.ParticipantID == id {
			score, err := s.trainingStore().Assessment(r.Context(), id, "fasilitator")
			var st training.Settings
			if err == nil {
				st, err = s.trainingStore().SettingsOf(r.Context(), id)
			}
			if err != nil {
				return err
			}
			s.render(w, r, http.StatusOK, trainingpage.ProgressForm(s.base(r, "training.fas.title"),
				trainingpage.ProgressProps{Progress: p, Score: score, Pass: st.AssessmentPass}))
			return nil
		}
	}
	return database.ErrNotFound
}

// saveProgress records the ticked modules of one CGP (the others are not done).
func (s *Server) saveProgress(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Modules []int `form:"modul"`
	}
	id, ok, err := s.pathForm(w, r, "participant", &f)
	if !ok {
		return err
	}
	ps, err := s.fasProgress(r)
	if err != nil {
		return err
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
		return database.ErrNotFound
	}
	if err := s.trainingStore().ApplyProgress(r.Context(), actor(r), principal(r).User.ID, items, "manual"); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "training.flash.progress", "/kelas")
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, trainingpage.Import(s.base(r, "training.import.title"), trainingpage.ImportProps{}))
	return nil
}

// importPreview reads an LMS export (CSV or XLSX, by content), matches each row to a CGP of the
// fasilitator's classes by email or NUPTK, and shows the preview or every row's problem.
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) error {
	show := func(status int, p trainingpage.ImportProps) {
		s.render(w, r, status, trainingpage.Import(s.base(r, "training.import.title"), p))
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxProgressImport+1<<20)
	if err := r.ParseMultipartForm(maxProgressImport + 1<<20); err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return nil
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	file, fh, err := r.FormFile("file")
	if err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return nil
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxProgressImport+1))
	if err != nil || len(data) > maxProgressImport {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.too_big"})
		return nil
	}
	raw, err := cohort.ReadFile(fh.Filename, data)
	if err != nil {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.file"})
		return nil
	}
	if len(raw) > training.MaxProgressRows { // the reader stops after its own row limit
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.too_many"})
		return nil
	}
	ps, err := s.fasProgress(r)
	if err != nil || len(ps) == 0 {
		if err != nil {
			return err
		}
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{FileError: "training.import.error.no_class"})
		return nil
	}
	maxModules := 0
	for _, p := range ps {
		maxModules = max(maxModules, p.Modules)
	}
	rows, errs := training.ParseProgress(raw, maxModules)
	matched, unknown, err := s.trainingStore().MatchProgress(r.Context(), principal(r).User.ID, rows)
	if err != nil {
		return err
	}
	errs = append(errs, unknown...)
	slices.SortFunc(errs, func(a, b training.RowError) int { return a.Line - b.Line })
	if len(errs) > 0 {
		show(http.StatusUnprocessableEntity, trainingpage.ImportProps{Rows: matched, Errors: errs})
		return nil
	}
	show(http.StatusOK, trainingpage.ImportProps{Rows: matched, Items: training.EncodeItems(matched)})
	return nil
}

// importCommit applies a previewed import, all or nothing (checked again against the classes).
func (s *Server) importCommit(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Items string `form:"items"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	items, ok := training.DecodeItems(f.Items)
	if !ok {
		return errBadRequest
	}
	if err := s.trainingStore().ApplyProgress(r.Context(), actor(r), principal(r).User.ID, items, "impor"); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "training.flash.imported", "/kelas")
}
