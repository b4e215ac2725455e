package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/imports"
	"penggerak/web/components"
	"penggerak/web/i18n"
	cohortpage "penggerak/web/pages/cohort"
	importpage "penggerak/web/pages/imports"
)

// Cohort administration (national admin). Every handler returns its error to s.handle, which
// answers it through serveError; a form with problems is re-rendered here with what was typed.

func (s *Server) cohortList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.cohorts.List(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, cohortpage.List(s.base(r, "cohort.list.title"), cohortpage.ListProps{Cohorts: list}))
	return nil
}

func (s *Server) cohortNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, cohortpage.FormPage(s.base(r, "cohort.new.title"), cohortpage.FormProps{Form: cohort.DefaultForm()}))
}

func (s *Server) cohortCreate(w http.ResponseWriter, r *http.Request) error {
	var f cohort.Form
	if !s.decode(w, r, &f) {
		return nil
	}
	c, errs := f.Parse()
	if len(errs) == 0 {
		id, err := s.cohorts.Create(r.Context(), actor(r), c)
		if err == nil {
			s.flash(r, "cohort.flash.created")
			redirect(w, r, cohortPath(id, ""))
			return nil
		}
		if !errors.Is(err, database.ErrConflict) {
			return err
		}
		errs["number"] = "cohort.error.number_taken"
	}
	s.render(w, r, http.StatusUnprocessableEntity, cohortpage.FormPage(s.base(r, "cohort.new.title"), cohortpage.FormProps{Form: f, Errors: errs}))
	return nil
}

func (s *Server) cohortEdit(w http.ResponseWriter, r *http.Request) error {
	c, err := s.cohorts.Get(r.Context(), idParam(r, "id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, cohortpage.FormPage(s.base(r, "cohort.edit.title"), cohortpage.FormProps{ID: c.ID, Form: cohort.FormFrom(c)}))
	return nil
}

func (s *Server) cohortUpdate(w http.ResponseWriter, r *http.Request) error {
	id := idParam(r, "id")
	var f cohort.Form
	if !s.decode(w, r, &f) {
		return nil
	}
	c, errs := f.Parse()
	if len(errs) == 0 {
		err := s.cohorts.Update(r.Context(), actor(r), id, c)
		if err == nil {
			s.flash(r, "cohort.flash.saved")
			redirect(w, r, cohortPath(id, ""))
			return nil
		}
		if !errors.Is(err, database.ErrConflict) {
			return err
		}
		errs["number"] = "cohort.error.number_taken"
	}
	s.render(w, r, http.StatusUnprocessableEntity, cohortpage.FormPage(s.base(r, "cohort.edit.title"), cohortpage.FormProps{ID: id, Form: f, Errors: errs}))
	return nil
}

// cohortPath is the address of cohort id's page, or of one of its sub-pages (suffix "/…").
func cohortPath(id int64, suffix string) string {
	return "/admin/angkatan/" + strconv.FormatInt(id, 10) + suffix
}

// cohortDetailProps loads what the cohort page shows.
func (s *Server) cohortDetailProps(r *http.Request, id int64) (cohortpage.DetailProps, error) {
	cfg, err := s.cohorts.Config(r.Context(), id)
	if err != nil {
		return cohortpage.DetailProps{}, err
	}
	regs, err := s.regions.Regencies(r.Context(), "")
	if err != nil {
		return cohortpage.DetailProps{}, err
	}
	p := cohortpage.DetailProps{Config: cfg, Question: cohort.QuestionForm{MinChars: "100", MaxChars: "2000"}, Document: cohort.DocumentForm{MaxMB: "2", Required: true}}
	for _, rg := range regs {
		p.Regencies = append(p.Regencies, components.Option{Value: rg.Code, Label: rg.Code + " " + rg.Name})
	}
	if next := cohort.NextStatus(cfg.Status); next != "" {
		p.Next = next
		p.Problems = cohort.TransitionProblems(cfg, next, s.now())
	}
	p.Assessors, err = s.applications.Assessors(r.Context(), id)
	return p, err
}

func (s *Server) cohortDetail(w http.ResponseWriter, r *http.Request) error {
	return s.renderCohortDetail(w, r, http.StatusOK, func(*cohortpage.DetailProps) {})
}

func (s *Server) renderCohortDetail(w http.ResponseWriter, r *http.Request, status int, change func(*cohortpage.DetailProps)) error {
	p, err := s.cohortDetailProps(r, idParam(r, "id"))
	if err != nil {
		return err
	}
	change(&p)
	s.render(w, r, status, cohortpage.Detail(s.base(r, "cohort.detail.title"), p))
	return nil
}

// backToCohort redirects to the cohort page with a flash message.
func (s *Server) backToCohort(w http.ResponseWriter, r *http.Request, key string) error {
	s.flash(r, key)
	redirect(w, r, "/admin/angkatan/"+chi.URLParam(r, "id"))
	return nil
}

type targetForm struct {
	RegencyCode string `form:"regency_code"`
	Quota       string `form:"quota"`
}

func (s *Server) cohortSetTarget(w http.ResponseWriter, r *http.Request) error {
	var f targetForm
	if !s.decode(w, r, &f) {
		return nil
	}
	known, err := s.cohorts.RegencyCodes(r.Context())
	if err != nil {
		return err
	}
	ts, bad := cohort.ParseTargetRows([][]string{{f.RegencyCode, f.Quota}}, known)
	if len(bad) > 0 {
		return s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) {
			p.TargetError, p.TargetForm = bad[0].Key, cohortpage.TargetForm{RegencyCode: f.RegencyCode, Quota: f.Quota}
		})
	}
	if err := s.cohorts.SetTarget(r.Context(), actor(r), idParam(r, "id"), ts[0]); err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.target_saved")
}

func (s *Server) cohortRemoveTarget(w http.ResponseWriter, r *http.Request) error {
	var f targetForm
	if !s.decode(w, r, &f) {
		return nil
	}
	if err := s.cohorts.RemoveTarget(r.Context(), actor(r), idParam(r, "id"), f.RegencyCode); err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.target_removed")
}

// targetsPreview is what a targets import preview keeps: the cohort it is for, whether it
// replaces every target, and the parsed rows or the problems per line.
type targetsPreview struct {
	CohortID int64
	Replace  bool
	Targets  []cohort.Target
	Problems []cohort.ImportError
}

// cohortImportTargets reads a CSV or XLSX of kode,kuota into a preview (issue 13): nothing is
// stored for the cohort until the admin has read it and commits it. A file that cannot be read
// at all is reported on the cohort page.
func (s *Server) cohortImportTargets(w http.ResponseWriter, r *http.Request) error {
	fileProblem := func(key string) error {
		return s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.ImportError = key })
	}
	id := idParam(r, "id")
	if _, err := s.cohorts.Get(r.Context(), id); err != nil {
		return err
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return fileProblem("cohort.import.no_file")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, 2<<20+1))
	if err != nil || len(data) > 2<<20 {
		return fileProblem("cohort.import.too_big")
	}
	rows, err := cohort.ReadFile(hdr.Filename, data)
	if err != nil {
		return fileProblem("cohort.import.unreadable")
	}
	known, err := s.cohorts.RegencyCodes(r.Context())
	if err != nil {
		return err
	}
	ts, bad := cohort.ParseTargetRows(rows, known)
	n := len(ts)
	if len(bad) > 0 {
		n = len(rows)
	}
	token, err := s.imports().Save(r.Context(), imports.KindTargets, principal(r).User.ID, hdr.Filename, n, len(bad),
		targetsPreview{CohortID: id, Replace: r.FormValue("replace") == "1", Targets: ts, Problems: bad})
	if err != nil {
		return err
	}
	redirect(w, r, cohortPath(id, "/sasaran/impor/"+token))
	return nil
}

// loadTargetsPreview reads the preview of the path's token for the path's cohort: a token of
// another user, another kind or another cohort is not found.
func (s *Server) loadTargetsPreview(r *http.Request) (imports.Preview, targetsPreview, error) {
	var tp targetsPreview
	p, err := s.imports().Load(r.Context(), chi.URLParam(r, "token"), imports.KindTargets, principal(r).User.ID)
	if err != nil {
		return p, tp, err
	}
	if err := json.Unmarshal(p.Payload, &tp); err != nil {
		return p, tp, err
	}
	if tp.CohortID != idParam(r, "id") {
		return p, tp, database.ErrNotFound
	}
	return p, tp, nil
}

func (s *Server) renderTargetsPreview(w http.ResponseWriter, r *http.Request, status int, result string) error {
	p, tp, err := s.loadTargetsPreview(r)
	if err != nil {
		return err
	}
	regs, err := s.regions.Regencies(r.Context(), "")
	if err != nil {
		return err
	}
	names := make(map[string]string, len(regs))
	for _, rg := range regs {
		names[rg.Code] = rg.Name
	}
	heading := i18n.T(r.Context(), "cohort.import.preview.title")
	mode := "cohort.import.preview.merge"
	if tp.Replace {
		mode = "cohort.import.preview.replace"
	}
	props := importpage.PreviewProps{Heading: heading, Note: i18n.T(r.Context(), mode),
		Action: cohortPath(tp.CohortID, "/sasaran/impor/"+p.Token), Source: p.Source, Rows: p.Rows,
		Committed: p.CommittedAt != nil, Result: result, Back: cohortPath(tp.CohortID, ""),
		Columns: []string{i18n.T(r.Context(), "cohort.import.col.code"), i18n.T(r.Context(), "cohort.import.col.name"), i18n.T(r.Context(), "cohort.import.col.quota")}}
	previewTable(r.Context(), &props, tp.Targets, func(t cohort.Target) []string {
		return []string{t.RegencyCode, names[t.RegencyCode], strconv.Itoa(t.Quota)}
	}, tp.Problems)
	s.render(w, r, status, importpage.Preview(s.base(r, "cohort.import.preview.title"), props))
	return nil
}

func (s *Server) cohortTargetsPreview(w http.ResponseWriter, r *http.Request) error {
	return s.renderTargetsPreview(w, r, http.StatusOK, "")
}

// cohortCommitTargets applies a clean preview once, in one transaction with the preview's
// commit mark: a second commit of the same preview changes nothing.
func (s *Server) cohortCommitTargets(w http.ResponseWriter, r *http.Request) error {
	_, tp, err := s.loadTargetsPreview(r)
	if err != nil {
		return err
	}
	err = s.imports().Commit(r.Context(), chi.URLParam(r, "token"), imports.KindTargets, principal(r).User.ID, func(tx pgx.Tx, _ []byte) error {
		return s.cohorts.WithTx(tx).SetTargets(r.Context(), actor(r), tp.CohortID, tp.Targets, tp.Replace)
	})
	switch {
	case errors.Is(err, imports.ErrCommitted):
		return s.renderTargetsPreview(w, r, http.StatusConflict, i18n.T(r.Context(), "import.preview.again"))
	case errors.Is(err, imports.ErrHasProblems):
		return s.renderTargetsPreview(w, r, http.StatusConflict, i18n.T(r.Context(), "import.preview.nothing"))
	case err != nil:
		return err
	}
	s.flash(r, "cohort.flash.imported")
	redirect(w, r, cohortPath(tp.CohortID, ""))
	return nil
}

func (s *Server) cohortAddQuestion(w http.ResponseWriter, r *http.Request) error {
	var f cohort.QuestionForm
	if !s.decode(w, r, &f) {
		return nil
	}
	q, errs := f.Parse()
	if len(errs) > 0 {
		return s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.Question, p.QuestionErrors = f, errs })
	}
	if err := s.cohorts.AddQuestion(r.Context(), actor(r), idParam(r, "id"), q); err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.question_added")
}

func (s *Server) cohortRemoveQuestion(w http.ResponseWriter, r *http.Request) error {
	if err := s.cohorts.RemoveQuestion(r.Context(), actor(r), idParam(r, "id"), idParam(r, "qid")); err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.removed")
}

func (s *Server) cohortAddDocument(w http.ResponseWriter, r *http.Request) error {
	var f cohort.DocumentForm
	if !s.decode(w, r, &f) {
		return nil
	}
	d, errs := f.Parse()
	if len(errs) > 0 {
		return s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.Document, p.DocumentErrors = f, errs })
	}
	if err := s.cohorts.AddDocument(r.Context(), actor(r), idParam(r, "id"), d); err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.document_added")
}

func (s *Server) cohortRemoveDocument(w http.ResponseWriter, r *http.Request) error {
	if err := s.cohorts.RemoveDocument(r.Context(), actor(r), idParam(r, "id"), idParam(r, "did")); err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.removed")
}

func (s *Server) cohortTransition(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		To string `form:"to"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if s.askConfirm(w, r, "cohort.lifecycle.title", "cohort.lifecycle.confirm_hint", "/admin/angkatan/"+chi.URLParam(r, "id")) {
		return nil
	}
	err := s.cohorts.Transition(r.Context(), actor(r), idParam(r, "id"), cohort.Status(f.To), s.now())
	var blocked *cohort.ErrTransition
	if errors.As(err, &blocked) {
		return s.renderCohortDetail(w, r, http.StatusConflict, func(p *cohortpage.DetailProps) { p.Problems, p.ShowProblems = blocked.Problems, true })
	}
	if err != nil {
		return err
	}
	return s.backToCohort(w, r, "cohort.flash.transitioned")
}

func (s *Server) cohortCopy(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Number string `form:"number"`
		Name   string `form:"name"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Number))
	name := strings.TrimSpace(f.Name)
	if err != nil || n < 1 || n > 999 || len(name) < 2 || len(name) > 120 {
		return s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) {
			p.CopyError, p.CopyNumber, p.CopyName = "cohort.copy.invalid", f.Number, f.Name
		})
	}
	id, err := s.cohorts.Copy(r.Context(), actor(r), idParam(r, "id"), n, name)
	if errors.Is(err, database.ErrConflict) {
		return s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) {
			p.CopyError, p.CopyNumber, p.CopyName = "cohort.error.number_taken", f.Number, f.Name
		})
	}
	if err != nil {
		return err
	}
	s.flash(r, "cohort.flash.copied")
	redirect(w, r, cohortPath(id, ""))
	return nil
}
