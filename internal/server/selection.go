package server

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/database"
	"penggerak/internal/selection"
	"penggerak/web/i18n"
	"penggerak/web/layout"
	selectionpage "penggerak/web/pages/selection"
)

// maxPakta bounds the Pakta Integritas upload. Every deadline of the selection (sheet due days,
// tahap 2 due hours, confirmation days, appeal window) is the cohort's configuration
// (selection.Program), never a constant here.
const maxPakta = selection.MaxPakta

func (s *Server) sel() *selection.Store { return selection.NewStore(s.db).WithLetter(s.letter) }

// stageParam reads the selection stage the path names; an unknown stage is
// database.ErrNotFound (s.handle answers 404).
func stageParam(r *http.Request) (selection.Stage, error) {
	st := selection.Stage(chi.URLParam(r, "stage"))
	if !st.Valid() {
		return "", fmt.Errorf("stage %q: %w", st, database.ErrNotFound)
	}
	return st, nil
}

// stageCohort reads the cohort and the stage a selection path names and loads the cohort. ok
// is false with err when the path names no valid id or stage (database.ErrNotFound: 404) or
// when the cohort cannot be loaded (e.g. not found).
func (s *Server) stageCohort(_ http.ResponseWriter, r *http.Request) (c selection.CohortRow, st selection.Stage, ok bool, err error) {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return c, "", false, fmt.Errorf("cohort %q: %w", chi.URLParam(r, "cohort"), database.ErrNotFound)
	}
	if st, err = stageParam(r); err != nil {
		return c, "", false, err
	}
	c, err = s.sel().Cohort(r.Context(), id)
	return c, st, err == nil, err
}

// selectionHome lists cohorts for the national admin.
func (s *Server) selectionHome(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.sel().Cohorts(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.Home(s.base(r, "selection.home.title"), cs))
	return nil
}

// selectionCohort is a cohort's selection overview: rubrics, assignment, runs.
func (s *Server) selectionCohort(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return nil
	}
	return s.renderSelectionCohort(w, r, http.StatusOK, id, func(*selectionpage.CohortProps) {})
}

// renderSelectionCohort renders a cohort's selection overview with status; change fills in a
// refused run form.
func (s *Server) renderSelectionCohort(w http.ResponseWriter, r *http.Request, status int, id int64, change func(*selectionpage.CohortProps)) error {
	ctx := r.Context()
	c, err := s.sel().Cohort(ctx, id)
	if err != nil {
		return err
	}
	p := selectionpage.CohortProps{Cohort: c, Rubrics: map[selection.Stage]bool{}}
	for _, st := range selection.Stages {
		_, err := s.sel().LoadRubric(ctx, id, st)
		p.Rubrics[st] = err == nil
	}
	if p.Runs, err = s.sel().CohortRuns(ctx, id); err != nil {
		return err
	}
	change(&p)
	s.render(w, r, status, selectionpage.Cohort(s.base(r, "selection.cohort.title"), p))
	return nil
}

// remindersPage shows a cohort's reminder offsets.
func (s *Server) remindersPage(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		return err
	}
	rem, err := s.sel().CohortReminders(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.Reminders(s.base(r, "selection.reminders.title"), selectionpage.RemindersProps{Cohort: c, Form: selection.FormOf(rem)}))
	return nil
}

// saveReminders stores a cohort's reminder offsets; a refused form re-renders with what was typed.
func (s *Server) saveReminders(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		return err
	}
	var f selection.ReminderForm
	if !s.decode(w, r, &f) {
		return nil
	}
	rem, errs := f.Parse()
	if errs != nil {
		s.render(w, r, http.StatusUnprocessableEntity, selectionpage.Reminders(s.base(r, "selection.reminders.title"),
			selectionpage.RemindersProps{Cohort: c, Form: f, Errors: errs}))
		return nil
	}
	if err := s.sel().SaveReminders(r.Context(), actor(r), id, rem); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.reminders.saved", "/admin/seleksi/"+strconv.FormatInt(id, 10))
}

// rubricPage shows the rubric form of a cohort's stage.
func (s *Server) rubricPage(w http.ResponseWriter, r *http.Request) error {
	c, st, ok, err := s.stageCohort(w, r)
	if !ok {
		return err
	}
	p := selectionpage.RubricProps{Cohort: c, Stage: st, Form: selection.RubricForm{PassingGrade: "60", Threshold: "15"}}
	if sr, err := s.sel().LoadRubric(r.Context(), c.ID, st); err == nil {
		p.Form = selection.RubricForm{PassingGrade: strconv.FormatFloat(sr.Rubric.PassingGrade, 'f', -1, 64),
			Threshold: strconv.FormatFloat(sr.Rubric.Threshold, 'f', -1, 64), AvoidSameRegency: sr.AvoidSameRegency,
			Criteria: selection.CriteriaText(sr.Rubric.Criteria)}
	}
	s.render(w, r, http.StatusOK, selectionpage.RubricPage(s.rubricBase(r, c, st), p))
	return nil
}

// saveRubric stores a rubric (national admin only).
func (s *Server) saveRubric(w http.ResponseWriter, r *http.Request) error {
	c, st, ok, err := s.stageCohort(w, r)
	if !ok {
		return err
	}
	var f selection.RubricForm
	if !s.decode(w, r, &f) {
		return nil
	}
	rub, errs := f.Parse()
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, selectionpage.RubricPage(s.rubricBase(r, c, st),
			selectionpage.RubricProps{Cohort: c, Stage: st, Form: f, Errors: errs}))
		return nil
	}
	if err := s.sel().SaveRubric(r.Context(), actor(r), c.ID, st, rub, f.AvoidSameRegency); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.rubric.saved", "/admin/seleksi/"+strconv.FormatInt(c.ID, 10))
}

// rubricBase titles a rubric page by its stage and cohort ("Rubrik: Tahap 1 — CV dan esai ·
// Angkatan 11"), so the three rubric pages of a cohort are told apart in tabs and history.
func (s *Server) rubricBase(r *http.Request, c selection.CohortRow, st selection.Stage) layout.Base {
	b := s.base(r, "selection.rubric.title")
	b.Title += ": " + i18n.T(r.Context(), "selection.stage."+string(st)) + " · " + c.Name
	return b
}
