package server

import (
	"errors"
	"net/http"
	"strconv"

	"penggerak/internal/database"
	"penggerak/internal/selection"
	selectionpage "penggerak/web/pages/selection"
)

// autoAssign assigns two assessors to every eligible application of a stage.
func (s *Server) autoAssign(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return nil
	}
	st, err := stageParam(r)
	if err != nil {
		return err
	}
	if _, err := s.sel().AutoAssign(r.Context(), actor(r), id, st, s.now()); err != nil {
		return err
	}
	s.flash(r, "selection.assign.done")
	redirect(w, r, "/admin/seleksi/"+strconv.FormatInt(id, 10)+"/beban")
	return nil
}

// workload shows each assessor's assigned, done and overdue sheets, and the sheets to reassign.
func (s *Server) workload(w http.ResponseWriter, r *http.Request) error {
	if err := s.renderWorkload(w, r, http.StatusOK, func(*selectionpage.WorkloadProps) {}); err != nil {
		return err
	}
	return nil
}

// renderWorkload renders a cohort's workload page; change fills in the bulk move's form or result.
func (s *Server) renderWorkload(w http.ResponseWriter, r *http.Request, status int, change func(*selectionpage.WorkloadProps)) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	ctx := r.Context()
	c, err := s.sel().Cohort(ctx, id)
	if err != nil {
		return err
	}
	p := selectionpage.WorkloadProps{Cohort: c}
	if p.Workloads, err = s.sel().Workloads(ctx, id, s.now()); err != nil {
		return err
	}
	if p.Sheets, err = s.sel().CohortSheets(ctx, id); err != nil {
		return err
	}
	if p.Regencies, err = s.applications.TargetRegencies(ctx, id); err != nil {
		return err
	}
	change(&p)
	s.render(w, r, status, selectionpage.Workload(s.base(r, "selection.workload.title"), p))
	return nil
}

// moveSheets moves every unstarted tahap 1 sheet, or tahap 2 session, of one assessor
// (optionally one kab/kota) to another at once. Unconfirmed, it stores nothing and shows what
// the move would do with the confirmation to tick; a refused form re-renders with what was chosen.
func (s *Server) moveSheets(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "cohort")
	if !ok {
		return database.ErrNotFound
	}
	var f selection.MoveForm
	if !s.decode(w, r, &f) {
		return nil
	}
	m, errs := f.Parse()
	if errs == nil {
		dry := !confirmed(r)
		res, err := s.sel().ReassignSheets(r.Context(), actor(r), id, m, dry)
		switch {
		case errors.Is(err, database.ErrConflict):
			errs = map[string]string{"to": "verval.move.error.to"}
		case err != nil:
			return err
		case dry:
			return s.renderWorkload(w, r, http.StatusOK, func(p *selectionpage.WorkloadProps) { p.Move, p.Preview = f, &res })
		default:
			return s.renderWorkload(w, r, http.StatusOK, func(p *selectionpage.WorkloadProps) { p.Moved = &res })
		}
	}
	return s.renderWorkload(w, r, http.StatusUnprocessableEntity, func(p *selectionpage.WorkloadProps) { p.Move, p.MoveErrors = f, errs })
}

// reassign moves an unsubmitted sheet to another assessor.
func (s *Server) reassign(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "sheet")
	if !ok {
		return nil
	}
	var f struct {
		Assessor int64  `form:"assessor"`
		Back     string `form:"back"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if err := s.sel().Reassign(r.Context(), actor(r), id, f.Assessor); err != nil {
		return err
	}
	s.flash(r, "selection.assign.moved")
	redirect(w, r, safeNext(f.Back, "/admin/seleksi"))
	return nil
}
