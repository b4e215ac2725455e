package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"penggerak/internal/clinic"
	"penggerak/internal/database"
	pages "penggerak/web/pages/clinic"
)

// Check-in at an event by the staff: by ticket code or QR scan, or by ticking names on the list
// of a session, and the live counts.

// session picks the session of the ?sesi= query (the first one by default).
func sessionOf(r *http.Request, c clinic.Clinic) (clinic.Session, bool) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("sesi"), 10, 64)
	for _, se := range c.Sessions {
		if se.ID == id || (id == 0 && len(c.Sessions) > 0) {
			return se, true
		}
	}
	return clinic.Session{}, false
}

func (s *Server) clinicCheckInPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	return s.renderCheckIn(w, r, http.StatusOK, c, pages.CheckInProps{Q: r.URL.Query().Get("q")})
}

// errNoSession is a ?sesi= that names no session of the event.
var errNoSession = fmt.Errorf("session: %w", database.ErrNotFound)

func (s *Server) renderCheckIn(w http.ResponseWriter, r *http.Request, status int, c clinic.Clinic, p pages.CheckInProps) error {
	se, ok := sessionOf(r, c)
	if !ok {
		return errNoSession
	}
	var err error
	if c, err = s.clinics.ForStaff(r.Context(), staffScope(r), c.ID); err != nil { // fresh counts
		return err
	}
	p.C, p.Session = c, se
	if p.Regs, err = s.clinics.Registrations(r.Context(), c.ID, p.Q, false); err != nil {
		return err
	}
	if p.Present, err = s.clinics.Present(r.Context(), se.ID); err != nil {
		return err
	}
	s.render(w, r, status, pages.CheckIn(s.baseHTMX(r, "clinic.checkin.heading"), p))
	return nil
}

type checkInForm struct {
	Code   string `form:"code"`
	Method string `form:"method"`
}

// clinicCheckIn checks in a scanned or typed ticket; a refusal (errorKinds: forged, another
// event, unknown code, not holding a seat, outside the window) is shown on the check-in page
// with its status, the typed code kept so that it can be corrected.
func (s *Server) clinicCheckIn(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	var f checkInForm
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	se, ok := sessionOf(r, c)
	if !ok {
		return errNoSession
	}
	method := "code"
	if f.Method == "scan" || clinic.LooksLikeToken(f.Code) {
		method = "scan"
	}
	res, err := s.clinics.CheckIn(r.Context(), c.ID, se.ID, f.Code, method, principal(r).User.ID, s.now())
	p := pages.CheckInProps{Message: "clinic.checkin.ok", Level: "ok", Name: res.Registration.Name}
	status := http.StatusOK
	if err == nil && res.Already {
		p.Message, p.Level = "clinic.checkin.already", "warn"
	} else if err != nil {
		st, key, known := knownError(err)
		if !known || st != http.StatusUnprocessableEntity {
			return err
		}
		status, p.Message, p.Level = st, key, "error"
		p.Code = f.Code // shown again so a mistyped code can be corrected
	}
	return s.renderCheckIn(w, r, status, c, p)
}

type tickForm struct {
	Reg []int64 `form:"reg"`
}

func (s *Server) clinicCheckInList(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	var f tickForm
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	se, ok := sessionOf(r, c)
	if !ok {
		return errNoSession
	}
	if _, err := s.clinics.CheckInList(r.Context(), c.ID, se.ID, f.Reg, principal(r).User.ID, s.now()); errors.Is(err, clinic.ErrCheckInClosed) {
		key, _ := formMessage(err)
		return s.renderCheckIn(w, r, http.StatusUnprocessableEntity, c, pages.CheckInProps{Message: key, Level: "error"})
	} else if err != nil {
		return err
	}
	s.flash(r, "clinic.flash.ticked")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10)+"/presensi?sesi="+strconv.FormatInt(se.ID, 10))
	return nil
}

func (s *Server) clinicCounts(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Counts(c))
	return nil
}
