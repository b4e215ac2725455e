package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/audit"
	"penggerak/internal/selection"
	"penggerak/internal/storage"
	selectionpage "penggerak/web/pages/selection"
)

// myResult shows the applicant's published results with the full breakdown and pembekalan.
func (s *Server) myResult(w http.ResponseWriter, r *http.Request) error {
	return s.renderMyResult(w, r, http.StatusOK, nil)
}

// renderMyResult renders the results page with status and the errors of a refused seat action.
func (s *Server) renderMyResult(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) error {
	return s.renderMyResultWith(w, r, status, errs, selectionpage.AppealInput{}, nil)
}

// renderMyResultWith renders the results page with a refused appeal form as typed and its errors.
func (s *Server) renderMyResultWith(w http.ResponseWriter, r *http.Request, status int, errs map[string]string,
	appeal selectionpage.AppealInput, appealErrs map[string]string) error {
	uid := principal(r).User.ID
	bs, err := s.sel().MyResults(r.Context(), uid)
	if err != nil {
		return err
	}
	slots, err := s.sel().MySlots(r.Context(), uid)
	if err != nil {
		return err
	}
	s.render(w, r, status, selectionpage.MyResult(s.base(r, "selection.my.title"), bs, slots, s.now(), errs,
		selectionpage.MyAppeal{Input: appeal, Errors: appealErrs}))
	return nil
}

// confirmSeat confirms participation with the signed Pakta Integritas (PDF).
func (s *Server) confirmSeat(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "seat")
	if !ok {
		return nil
	}
	if err := s.sel().CheckSeat(r.Context(), principal(r).User.ID, id); err != nil {
		return err
	}
	refused := func(status int) error {
		return s.renderMyResult(w, r, status, map[string]string{"pakta-" + strconv.FormatInt(id, 10): "selection.error.pakta"})
	}
	sp, _, err := receiveUpload(r, "pakta", maxPakta)
	switch {
	case errors.Is(err, storage.ErrTooBig):
		return refused(http.StatusRequestEntityTooLarge)
	case err != nil:
		return refused(http.StatusUnprocessableEntity)
	}
	defer sp.Close()
	pdf, err := io.ReadAll(sp.Reader()) // at most maxPakta, checked while it arrived
	if err != nil {
		return err
	}
	err = s.sel().Confirm(r.Context(), actor(r), principal(r).User.ID, id, pdf, s.files, s.now())
	if errors.Is(err, selection.ErrNotPDF) {
		return refused(http.StatusUnprocessableEntity)
	}
	if errors.Is(err, selection.ErrPaktaTooBig) {
		s.clientError(w, r, http.StatusRequestEntityTooLarge, "selection.error.pakta")
		return nil
	}
	if err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.seat.confirmed", "/seleksi/saya")
}

// declineSeat gives up the applicant's seat.
func (s *Server) declineSeat(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "seat")
	if !ok {
		return nil
	}
	if err := s.sel().CheckSeat(r.Context(), principal(r).User.ID, id); err != nil {
		return err
	}
	var f struct {
		Sure bool `form:"yakin"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if !f.Sure { // withdrawing gives the seat away for good: one stray tap must not do it
		return s.renderMyResult(w, r, http.StatusUnprocessableEntity, map[string]string{"decline-" + strconv.FormatInt(id, 10): "selection.seat.decline_unsure"})
	}
	now := s.now()
	if err := s.sel().Decline(r.Context(), actor(r), principal(r).User.ID, id, now, s.cfg.BaseURL); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.seat.declined", "/seleksi/saya")
}

// seatsPage lists a run's pembekalan seats for the admin.
func (s *Server) seatsPage(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return nil
	}
	seats, err := s.sel().Seats(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, selectionpage.Seats(s.base(r, "selection.seats.title"), id, seats))
	return nil
}

// expireSeats frees seats past their deadline and moves up cadangan.
func (s *Server) expireSeats(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return nil
	}
	if s.askConfirm(w, r, "selection.seats.expire", "selection.seats.expire_hint", "/admin/seleksi/hasil/"+strconv.FormatInt(id, 10)+"/pembekalan") {
		return nil
	}
	now := s.now()
	if _, err := s.sel().ExpireOverdue(r.Context(), actor(r), now, s.cfg.BaseURL); err != nil {
		return err
	}
	return s.flashRedirect(w, r, "selection.seats.expired", "/admin/seleksi/hasil/"+strconv.FormatInt(id, 10)+"/pembekalan")
}

// attendSeat records briefing attendance: the applicant becomes a CGP of the cohort.
func (s *Server) attendSeat(w http.ResponseWriter, r *http.Request) error {
	return s.recordBriefing(w, r, s.sel().RecordAttendance, "selection.seats.attended")
}

// absentSeat records that a confirmed participant did not attend the briefing.
func (s *Server) absentSeat(w http.ResponseWriter, r *http.Request) error {
	// Absent means the participant does not become a CGP: a confirmation page first.
	if s.askConfirm(w, r, "selection.seats.absent_heading", "selection.seats.absent_hint", "/admin/seleksi/hasil/"+chi.URLParam(r, "run")+"/pembekalan") {
		return nil
	}
	return s.recordBriefing(w, r, s.sel().RecordAbsence, "selection.seats.absent_recorded")
}

// recordBriefing records attendance or absence for the seat of the run in the URL.
func (s *Server) recordBriefing(w http.ResponseWriter, r *http.Request,
	record func(context.Context, audit.Actor, int64, int64, time.Time) error, flashKey string) error {
	run, ok := s.idParam(w, r, "run")
	seat, ok2 := s.idParam(w, r, "seat")
	if !ok || !ok2 {
		return nil
	}
	if err := record(r.Context(), actor(r), run, seat, s.now()); err != nil {
		return err
	}
	return s.flashRedirect(w, r, flashKey, "/admin/seleksi/hasil/"+strconv.FormatInt(run, 10)+"/pembekalan")
}
