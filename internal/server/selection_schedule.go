package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"penggerak/internal/selection"
	selectionpage "penggerak/web/pages/selection"
)

// schedulePage shows the tahap 2 scheduling form and the cohort's sessions.
func (s *Server) schedulePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderSchedule(w, r, http.StatusOK, selection.ScheduleForm{DayStart: "08:00", DayEnd: "16:00", Minutes: "75", Break: "15", Mode: "daring"}, nil)
}

func (s *Server) renderSchedule(w http.ResponseWriter, r *http.Request, status int, f selection.ScheduleForm, errs map[string]string) error {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return nil
	}
	c, err := s.sel().Cohort(r.Context(), id)
	if err != nil {
		return err
	}
	slots, err := s.sel().CohortSlots(r.Context(), id)
	if err != nil {
		return err
	}
	s.render(w, r, status, selectionpage.Schedule(s.base(r, "selection.schedule.title"),
		selectionpage.ScheduleProps{Cohort: c, Form: f, Errors: errs, Slots: slots}))
	return nil
}

// scheduleTahap2 plans sessions for everyone who passed tahap 1.
func (s *Server) scheduleTahap2(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return nil
	}
	var f selection.ScheduleForm
	if !s.decode(w, r, &f) {
		return nil
	}
	win, errs := f.Parse()
	if len(errs) > 0 {
		return s.renderSchedule(w, r, http.StatusUnprocessableEntity, f, errs)
	}
	if _, err := s.sel().ScheduleTahap2(r.Context(), actor(r), id, win, f.Mode, f.Location); err != nil {
		return err
	}
	s.flash(r, "selection.schedule.done")
	redirect(w, r, "/admin/seleksi/"+strconv.FormatInt(id, 10)+"/jadwal")
	return nil
}

// approveReschedule moves a session to the new time the admin picked (WIB).
func (s *Server) approveReschedule(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "slot")
	if !ok {
		return nil
	}
	var f struct {
		Start string `form:"start"` // YYYY-MM-DDTHH:MM (datetime-local), WIB
		Back  string `form:"back"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	start, err := time.ParseInLocation("2006-01-02T15:04", f.Start, time.FixedZone("WIB", 7*3600))
	if err != nil || start.Before(s.now()) {
		s.clientError(w, r, http.StatusUnprocessableEntity, "selection.error.new_time")
		return nil
	}
	if err := s.sel().ApproveReschedule(r.Context(), actor(r), id, start); err != nil {
		return err
	}
	s.flash(r, "selection.schedule.moved")
	redirect(w, r, safeNext(f.Back, "/admin/seleksi"))
	return nil
}

// markSlot records attendance or a no-show.
func (s *Server) markSlot(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "slot")
	if !ok {
		return nil
	}
	var f struct {
		Status selection.SlotStatus `form:"status"`
		Back   string               `form:"back"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if err := s.sel().MarkSlot(r.Context(), actor(r), id, f.Status); err != nil {
		return err
	}
	s.flash(r, "selection.schedule.marked")
	redirect(w, r, safeNext(f.Back, "/admin/seleksi"))
	return nil
}

// requestReschedule records the applicant's one request to move their session.
func (s *Server) requestReschedule(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "slot")
	if !ok {
		return nil
	}
	var f struct {
		Reason string `form:"reason"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if n := len([]rune(strings.TrimSpace(f.Reason))); n < 5 || n > 1000 {
		s.clientError(w, r, http.StatusUnprocessableEntity, "selection.error.reason")
		return nil
	}
	if err := s.sel().RequestReschedule(r.Context(), actor(r), principal(r).User.ID, id, f.Reason, s.now()); err != nil {
		return err
	}
	s.flash(r, "selection.schedule.requested")
	redirect(w, r, "/seleksi/saya")
	return nil
}
