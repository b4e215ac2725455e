package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/web/components"
	cohortpage "penggerak/web/pages/cohort"
)

func (s *Server) cohortList(w http.ResponseWriter, r *http.Request) {
	list, err := s.cohorts.List(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, cohortpage.List(s.base(r, "cohort.list.title"), cohortpage.ListProps{Cohorts: list}))
}

func (s *Server) cohortNew(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, cohortpage.FormPage(s.base(r, "cohort.new.title"), cohortpage.FormProps{Form: cohort.DefaultForm()}))
}

func (s *Server) cohortCreate(w http.ResponseWriter, r *http.Request) {
	var f cohort.Form
	if !s.decode(w, r, &f) {
		return
	}
	c, errs := f.Parse()
	if len(errs) == 0 {
		id, err := s.cohorts.Create(r.Context(), actor(r), c)
		if err == nil {
			s.flash(r, "cohort.flash.created")
			redirect(w, r, "/admin/angkatan/"+strconv.FormatInt(id, 10))
			return
		}
		if !errors.Is(err, database.ErrConflict) {
			s.serveError(w, r, err)
			return
		}
		errs["number"] = "cohort.error.number_taken"
	}
	s.render(w, r, http.StatusUnprocessableEntity, cohortpage.FormPage(s.base(r, "cohort.new.title"), cohortpage.FormProps{Form: f, Errors: errs}))
}

func (s *Server) cohortEdit(w http.ResponseWriter, r *http.Request) {
	c, err := s.cohorts.Get(r.Context(), idParam(r, "id"))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, cohortpage.FormPage(s.base(r, "cohort.edit.title"), cohortpage.FormProps{ID: c.ID, Form: cohort.FormFrom(c)}))
}

func (s *Server) cohortUpdate(w http.ResponseWriter, r *http.Request) {
	id := idParam(r, "id")
	var f cohort.Form
	if !s.decode(w, r, &f) {
		return
	}
	c, errs := f.Parse()
	if len(errs) == 0 {
		err := s.cohorts.Update(r.Context(), actor(r), id, c)
		if err == nil {
			s.flash(r, "cohort.flash.saved")
			redirect(w, r, "/admin/angkatan/"+strconv.FormatInt(id, 10))
			return
		}
		if !errors.Is(err, database.ErrConflict) {
			s.serveError(w, r, err)
			return
		}
		errs["number"] = "cohort.error.number_taken"
	}
	s.render(w, r, http.StatusUnprocessableEntity, cohortpage.FormPage(s.base(r, "cohort.edit.title"), cohortpage.FormProps{ID: id, Form: f, Errors: errs}))
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

func (s *Server) cohortDetail(w http.ResponseWriter, r *http.Request) {
	s.renderCohortDetail(w, r, http.StatusOK, func(*cohortpage.DetailProps) {})
}

func (s *Server) renderCohortDetail(w http.ResponseWriter, r *http.Request, status int, change func(*cohortpage.DetailProps)) {
	p, err := s.cohortDetailProps(r, idParam(r, "id"))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	change(&p)
	s.render(w, r, status, cohortpage.Detail(s.base(r, "cohort.detail.title"), p))
}

// backToCohort redirects to the cohort page with a flash message.
func (s *Server) backToCohort(w http.ResponseWriter, r *http.Request, key string) {
	s.flash(r, key)
	redirect(w, r, "/admin/angkatan/"+chi.URLParam(r, "id"))
}

type targetForm struct {
	RegencyCode string `form:"regency_code"`
	Quota       string `form:"quota"`
}

func (s *Server) cohortSetTarget(w http.ResponseWriter, r *http.Request) {
	var f targetForm
	if !s.decode(w, r, &f) {
		return
	}
	known, err := s.cohorts.RegencyCodes(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	ts, bad := cohort.ParseTargetRows([][]string{{f.RegencyCode, f.Quota}}, known)
	if len(bad) > 0 {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) {
			p.TargetError, p.TargetForm = bad[0].Key, cohortpage.TargetForm{RegencyCode: f.RegencyCode, Quota: f.Quota}
		})
		return
	}
	if err := s.cohorts.SetTarget(r.Context(), actor(r), idParam(r, "id"), ts[0]); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.target_saved")
}

func (s *Server) cohortRemoveTarget(w http.ResponseWriter, r *http.Request) {
	var f targetForm
	if !s.decode(w, r, &f) {
		return
	}
	if err := s.cohorts.RemoveTarget(r.Context(), actor(r), idParam(r, "id"), f.RegencyCode); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.target_removed")
}

// cohortImportTargets reads a CSV or XLSX of kode,kuota; every bad line is reported and nothing
// is stored until the file is clean.
func (s *Server) cohortImportTargets(w http.ResponseWriter, r *http.Request) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.ImportError = "cohort.import.no_file" })
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, 2<<20+1))
	if err != nil || len(data) > 2<<20 {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.ImportError = "cohort.import.too_big" })
		return
	}
	rows, err := cohort.ReadFile(hdr.Filename, data)
	if err != nil {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.ImportError = "cohort.import.unreadable" })
		return
	}
	known, err := s.cohorts.RegencyCodes(r.Context())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	ts, bad := cohort.ParseTargetRows(rows, known)
	if len(bad) > 0 {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.ImportErrors = bad })
		return
	}
	if err := s.cohorts.SetTargets(r.Context(), actor(r), idParam(r, "id"), ts, r.FormValue("replace") == "1"); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.imported")
}

func (s *Server) cohortAddQuestion(w http.ResponseWriter, r *http.Request) {
	var f cohort.QuestionForm
	if !s.decode(w, r, &f) {
		return
	}
	q, errs := f.Parse()
	if len(errs) > 0 {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.Question, p.QuestionErrors = f, errs })
		return
	}
	if err := s.cohorts.AddQuestion(r.Context(), actor(r), idParam(r, "id"), q); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.question_added")
}

func (s *Server) cohortRemoveQuestion(w http.ResponseWriter, r *http.Request) {
	if err := s.cohorts.RemoveQuestion(r.Context(), actor(r), idParam(r, "id"), idParam(r, "qid")); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.removed")
}

func (s *Server) cohortAddDocument(w http.ResponseWriter, r *http.Request) {
	var f cohort.DocumentForm
	if !s.decode(w, r, &f) {
		return
	}
	d, errs := f.Parse()
	if len(errs) > 0 {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) { p.Document, p.DocumentErrors = f, errs })
		return
	}
	if err := s.cohorts.AddDocument(r.Context(), actor(r), idParam(r, "id"), d); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.document_added")
}

func (s *Server) cohortRemoveDocument(w http.ResponseWriter, r *http.Request) {
	if err := s.cohorts.RemoveDocument(r.Context(), actor(r), idParam(r, "id"), idParam(r, "did")); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.removed")
}

func (s *Server) cohortTransition(w http.ResponseWriter, r *http.Request) {
	var f struct {
		To string `form:"to"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	if s.askConfirm(w, r, "cohort.lifecycle.title", "cohort.lifecycle.confirm_hint", "/admin/angkatan/"+chi.URLParam(r, "id")) {
		return
	}
	err := s.cohorts.Transition(r.Context(), actor(r), idParam(r, "id"), cohort.Status(f.To), s.now())
	var blocked *cohort.ErrTransition
	if errors.As(err, &blocked) {
		s.renderCohortDetail(w, r, http.StatusConflict, func(p *cohortpage.DetailProps) { p.Problems, p.ShowProblems = blocked.Problems, true })
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.backToCohort(w, r, "cohort.flash.transitioned")
}

func (s *Server) cohortCopy(w http.ResponseWriter, r *http.Request) {
	var f struct {
		Number string `form:"number"`
		Name   string `form:"name"`
	}
	if !s.decode(w, r, &f) {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(f.Number))
	name := strings.TrimSpace(f.Name)
	if err != nil || n < 1 || n > 999 || len(name) < 2 || len(name) > 120 {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) {
			p.CopyError, p.CopyNumber, p.CopyName = "cohort.copy.invalid", f.Number, f.Name
		})
		return
	}
	id, err := s.cohorts.Copy(r.Context(), actor(r), idParam(r, "id"), n, name)
	if errors.Is(err, database.ErrConflict) {
		s.renderCohortDetail(w, r, http.StatusUnprocessableEntity, func(p *cohortpage.DetailProps) {
			p.CopyError, p.CopyNumber, p.CopyName = "cohort.error.number_taken", f.Number, f.Name
		})
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "cohort.flash.copied")
	redirect(w, r, "/admin/angkatan/"+strconv.FormatInt(id, 10))
}
