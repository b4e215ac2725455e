package server

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/clinic"
	"penggerak/web/components"
	pages "penggerak/web/pages/clinic"
)

// Staff handlers of coaching clinics: Dinas in their region, BGP in their province, the
// national admin everywhere. Every query is limited to clinic.StaffScope in its SQL; an event
// outside the scope is a 404.

func staffScope(r *http.Request) clinic.Scope { return clinic.StaffScope(principal(r)) }

// staffClinic loads the event of the path inside the user's scope.
func (s *Server) staffClinic(w http.ResponseWriter, r *http.Request) (clinic.Clinic, bool) {
	id, ok := pathInt(r, "id")
	if !ok {
		s.notFound(w, r)
		return clinic.Clinic{}, false
	}
	c, err := s.clinics.ForStaff(r.Context(), staffScope(r), id)
	if err != nil {
		s.serveError(w, r, err)
		return c, false
	}
	return c, true
}

func (s *Server) staffClinics(w http.ResponseWriter, r *http.Request) {
	list, err := s.clinics.StaffList(r.Context(), staffScope(r))
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.StaffList(s.base(r, "clinic.staff.heading"), list))
}

func (s *Server) clinicFormPage(w http.ResponseWriter, r *http.Request, status int, id int64, f clinic.Form, errs map[string]string) {
	sc := staffScope(r)
	opts, err := s.regionOptions(r, func(p, g string) bool {
		if g == "" {
			return sc.National || containsStr(sc.Provinces, p)
		}
		return sc.Covers(p, g)
	})
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	key := "clinic.staff.new"
	if id != 0 {
		key = "clinic.staff.edit"
	}
	s.render(w, r, status, pages.Form(s.base(r, key), pages.FormProps{ID: id, Form: f, Errs: errs, Regions: opts}))
}

func containsStr(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (s *Server) clinicNew(w http.ResponseWriter, r *http.Request) {
	f := clinic.Form{Kind: clinic.KindCoachingClinic, Mode: clinic.ModeOffline, SchoolSlots: "1"}
	p := principal(r)
	if g := p.Scopes(account.RoleDinas); len(g) > 0 {
		f.Region = g[0].ProvinceCode
		if g[0].RegencyCode != "" {
			f.Region = g[0].RegencyCode
		}
	} else if g := p.Scopes(account.RoleBGP); len(g) > 0 {
		f.Region = g[0].ProvinceCode
	}
	s.clinicFormPage(w, r, http.StatusOK, 0, f, map[string]string{})
}

// validateClinic validates the form and checks that its region is inside the user's scope.
func validateClinic(r *http.Request, f clinic.Form) (clinic.Input, map[string]string) {
	in, errs := clinic.Validate(f)
	if errs["region"] == "" && !staffScope(r).Covers(in.ProvinceCode, in.RegencyCode) {
		errs["region"] = "clinic.err.region_scope"
	}
	return in, errs
}

func (s *Server) clinicCreate(w http.ResponseWriter, r *http.Request) {
	var f clinic.Form
	if !s.decode(w, r, &f) {
		return
	}
	in, errs := validateClinic(r, f)
	if len(errs) > 0 {
		s.clinicFormPage(w, r, http.StatusUnprocessableEntity, 0, f, errs)
		return
	}
	id, err := s.clinics.Create(r.Context(), actor(r), in)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "clinic.flash.created")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(id, 10))
}

func (s *Server) clinicEditPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	s.clinicFormPage(w, r, http.StatusOK, c.ID, clinic.FormFrom(c), map[string]string{})
}

func (s *Server) clinicUpdate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	var f clinic.Form
	if !s.decode(w, r, &f) {
		return
	}
	in, errs := validateClinic(r, f)
	if len(errs) == 0 {
		err := s.clinics.Update(r.Context(), actor(r), staffScope(r), c.ID, in)
		switch {
		case err == nil:
			s.flash(r, "clinic.flash.updated")
			redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
			return
		case errors.Is(err, clinic.ErrCapacityBelow):
			errs["capacity"] = "clinic.err.capacity_below"
		case errors.Is(err, clinic.ErrSessionHasAttendance):
			errs["_form"] = "clinic.err.session_attended"
		default:
			s.serveError(w, r, err)
			return
		}
	}
	s.clinicFormPage(w, r, http.StatusUnprocessableEntity, c.ID, f, errs)
}

func (s *Server) clinicManage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	s.renderManage(w, r, http.StatusOK, c, clinic.RegisterForm{}, map[string]string{}, "")
}

func (s *Server) renderManage(w http.ResponseWriter, r *http.Request, status int, c clinic.Clinic, nom clinic.RegisterForm, errs map[string]string, cancelErr string) {
	regs, err := s.clinics.Registrations(r.Context(), c.ID, "", true) // cancelled rows stay, with their status
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	fb, err := s.clinics.Feedback(r.Context(), c.ID)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	b := s.baseHTMX(r, "clinic.staff.heading")
	b.Title = c.Title
	s.render(w, r, status, pages.Manage(b, pages.ManageProps{C: c, Regs: regs, Feedback: fb, Nominate: nom, Errs: errs, Now: s.now(), CancelError: cancelErr}))
}

func (s *Server) clinicPublish(w http.ResponseWriter, r *http.Request) {
	s.clinicAction(w, r, "clinic.flash.published", func(c clinic.Clinic) error {
		return s.clinics.Publish(r.Context(), actor(r), staffScope(r), c.ID)
	})
}

type cancelForm struct {
	Confirm string `form:"confirm"`
}

// clinicCancel cancels the event once the organiser ticked the confirmation: it emails every
// registrant and invited school and cannot be undone.
func (s *Server) clinicCancel(w http.ResponseWriter, r *http.Request) {
	var f cancelForm
	if !s.decode(w, r, &f) {
		return
	}
	if f.Confirm != "yes" {
		c, ok := s.staffClinic(w, r)
		if ok {
			s.renderManage(w, r, http.StatusUnprocessableEntity, c, clinic.RegisterForm{}, map[string]string{}, "clinic.err.cancel_confirm")
		}
		return
	}
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	err := s.clinics.Cancel(r.Context(), actor(r), staffScope(r), c.ID, s.now())
	if errors.Is(err, clinic.ErrFinished) {
		s.renderManage(w, r, http.StatusConflict, c, clinic.RegisterForm{}, map[string]string{}, "clinic.err.cancel_finished")
		return
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "clinic.flash.event_cancelled")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
}

func (s *Server) clinicAction(w http.ResponseWriter, r *http.Request, flash string, fn func(clinic.Clinic) error) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	if err := fn(c); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, flash)
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
}

func (s *Server) clinicNominate(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	var f clinic.RegisterForm
	if !s.decode(w, r, &f) {
		return
	}
	reg, errs := clinic.ValidateRegistrant(f, false)
	if len(errs) == 0 {
		reg.NominatedBy = principal(r).User.ID
		res, err := s.clinics.Register(r.Context(), c.ID, reg, s.now())
		if err == nil {
			s.flash(r, "clinic.flash.nominated."+res.Status)
			redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
			return
		}
		key, known := registerErrorKey(err)
		if !known {
			s.serveError(w, r, err)
			return
		}
		errs[registerErrorField(err)] = key
	}
	s.renderManage(w, r, http.StatusUnprocessableEntity, c, f, errs, "")
}

// staffRegistration loads the registration {rid} of the event in the path (inside the scope).
func (s *Server) staffRegistration(w http.ResponseWriter, r *http.Request) (clinic.Clinic, clinic.Registration, bool) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return c, clinic.Registration{}, false
	}
	rid, ok := pathInt(r, "rid")
	if !ok {
		s.notFound(w, r)
		return c, clinic.Registration{}, false
	}
	reg, err := s.clinics.Registration(r.Context(), rid)
	if err != nil || reg.ClinicID != c.ID {
		s.notFound(w, r)
		return c, reg, false
	}
	return c, reg, true
}

// clinicCancelRegistrationPage asks the organiser to confirm cancelling a participant (the
// seat goes to the waiting list and the participant is told): nothing happens in one tap.
func (s *Server) clinicCancelRegistrationPage(w http.ResponseWriter, r *http.Request) {
	c, reg, ok := s.staffRegistration(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, pages.CancelRegistration(s.base(r, "clinic.staff.cancel_reg_heading"), pages.CancelRegProps{C: c, R: reg}))
}

func (s *Server) clinicCancelRegistration(w http.ResponseWriter, r *http.Request) {
	c, reg, ok := s.staffRegistration(w, r)
	if !ok {
		return
	}
	var f cancelForm
	if !s.decode(w, r, &f) {
		return
	}
	if f.Confirm != "yes" && reg.Status != clinic.RegCancelled {
		s.render(w, r, http.StatusUnprocessableEntity, pages.CancelRegistration(s.base(r, "clinic.staff.cancel_reg_heading"),
			pages.CancelRegProps{C: c, R: reg, Error: "clinic.err.reg_cancel_confirm"}))
		return
	}
	if _, err := s.clinics.CancelRegistrationBy(r.Context(), actor(r), reg.ID); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "clinic.flash.reg_cancelled")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
}

func (s *Server) clinicInvitePage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	s.renderInvite(w, r, c, clinic.InviteFilter{}, nil)
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, c clinic.Clinic, f clinic.InviteFilter, res *clinic.InviteResult) {
	ctx := r.Context()
	invs, err := s.clinics.Invitations(ctx, c.ID)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	p := pages.InviteProps{C: c, Filter: f, Invitations: invs, Result: res}
	regs, err := s.regions.Regencies(ctx, c.ProvinceCode)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	for _, g := range regs {
		p.Regencies = append(p.Regencies, components.Option{Value: g.Code, Label: g.Name})
	}
	if reg := c.RegencyCode; reg != "" || f.Regency != "" {
		if reg == "" {
			reg = f.Regency
		}
		ds, err := s.regions.Districts(ctx, reg)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		for _, d := range ds {
			p.Districts = append(p.Districts, components.Option{Value: d.Code, Label: d.Name})
		}
	}
	s.render(w, r, http.StatusOK, pages.Invite(s.base(r, "clinic.invite.heading"), p))
}

func (s *Server) clinicInvite(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	var f clinic.InviteFilter
	if !s.decode(w, r, &f) {
		return
	}
	res, err := s.clinics.Invite(r.Context(), actor(r), staffScope(r), c, f)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.renderInvite(w, r, c, f, &res)
}

func (s *Server) clinicLetters(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	invs, err := s.clinics.Invitations(r.Context(), c.ID)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	name := "surat-undangan-" + strconv.FormatInt(c.ID, 10)
	if strings.HasSuffix(r.URL.Path, ".zip") {
		b, err := s.clinics.LettersZIPBytes(c, invs, s.now())
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.zip"`)
		w.Header().Set("Cache-Control", "private, no-store") // names and schools of the invited
		_, _ = w.Write(b)
		return
	}
	b, err := s.clinics.LettersPDF(c, invs, s.now())
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	sendPDF(w, name+".pdf", b)
}

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

func (s *Server) clinicCheckInPage(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	s.renderCheckIn(w, r, http.StatusOK, c, pages.CheckInProps{Q: r.URL.Query().Get("q")})
}

func (s *Server) renderCheckIn(w http.ResponseWriter, r *http.Request, status int, c clinic.Clinic, p pages.CheckInProps) {
	se, ok := sessionOf(r, c)
	if !ok {
		s.notFound(w, r)
		return
	}
	var err error
	if c, err = s.clinics.ForStaff(r.Context(), staffScope(r), c.ID); err != nil { // fresh counts
		s.serveError(w, r, err)
		return
	}
	p.C, p.Session = c, se
	if p.Regs, err = s.clinics.Registrations(r.Context(), c.ID, p.Q, false); err != nil {
		s.serveError(w, r, err)
		return
	}
	if p.Present, err = s.clinics.Present(r.Context(), se.ID); err != nil {
		s.serveError(w, r, err)
		return
	}
	s.render(w, r, status, pages.CheckIn(s.baseHTMX(r, "clinic.checkin.heading"), p))
}

type checkInForm struct {
	Code   string `form:"code"`
	Method string `form:"method"`
}

// checkInMessage maps a check-in outcome to its message, level and status.
func checkInMessage(res clinic.CheckIn, err error) (key, level string, status int) {
	switch {
	case err == nil && res.Already:
		return "clinic.checkin.already", "warn", http.StatusOK
	case err == nil:
		return "clinic.checkin.ok", "ok", http.StatusOK
	case errors.Is(err, clinic.ErrBadToken):
		return "clinic.checkin.forged", "error", http.StatusUnprocessableEntity
	case errors.Is(err, clinic.ErrOtherEvent):
		return "clinic.checkin.other_event", "error", http.StatusUnprocessableEntity
	case errors.Is(err, clinic.ErrUnknownCode):
		return "clinic.checkin.unknown", "error", http.StatusUnprocessableEntity
	case errors.Is(err, clinic.ErrNotRegistered):
		return "clinic.checkin.not_registered", "error", http.StatusUnprocessableEntity
	case errors.Is(err, clinic.ErrCheckInClosed):
		return "clinic.checkin.closed", "error", http.StatusUnprocessableEntity
	}
	return "", "", 0
}

func (s *Server) clinicCheckIn(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	var f checkInForm
	if !s.decode(w, r, &f) {
		return
	}
	se, ok := sessionOf(r, c)
	if !ok {
		s.notFound(w, r)
		return
	}
	method := "code"
	if f.Method == "scan" || clinic.LooksLikeToken(f.Code) {
		method = "scan"
	}
	res, err := s.clinics.CheckIn(r.Context(), c.ID, se.ID, f.Code, method, principal(r).User.ID, s.now())
	key, level, status := checkInMessage(res, err)
	if status == 0 {
		s.serveError(w, r, err)
		return
	}
	p := pages.CheckInProps{Message: key, Level: level, Name: res.Registration.Name}
	if level == "error" {
		p.Code = f.Code // shown again so a mistyped code can be corrected
	}
	s.renderCheckIn(w, r, status, c, p)
}

type tickForm struct {
	Reg []int64 `form:"reg"`
}

func (s *Server) clinicCheckInList(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	var f tickForm
	if !s.decode(w, r, &f) {
		return
	}
	se, ok := sessionOf(r, c)
	if !ok {
		s.notFound(w, r)
		return
	}
	if _, err := s.clinics.CheckInList(r.Context(), c.ID, se.ID, f.Reg, principal(r).User.ID, s.now()); errors.Is(err, clinic.ErrCheckInClosed) {
		s.renderCheckIn(w, r, http.StatusUnprocessableEntity, c, pages.CheckInProps{Message: "clinic.checkin.closed", Level: "error"})
		return
	} else if err != nil {
		s.serveError(w, r, err)
		return
	}
	s.flash(r, "clinic.flash.ticked")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10)+"/presensi?sesi="+strconv.FormatInt(se.ID, 10))
}

func (s *Server) clinicCounts(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, pages.Counts(c))
}

func (s *Server) clinicExport(w http.ResponseWriter, r *http.Request) {
	c, ok := s.staffClinic(w, r)
	if !ok {
		return
	}
	rows, err := s.clinics.Attendance(r.Context(), c)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	var buf bytes.Buffer
	name := "presensi-" + strconv.FormatInt(c.ID, 10)
	if strings.HasSuffix(r.URL.Path, ".csv") {
		err = clinic.WriteCSV(&buf, c, rows)
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		name += ".csv"
	} else {
		err = clinic.WriteXLSX(&buf, c, rows)
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		name += ".xlsx"
	}
	if err == nil {
		err = s.clinics.RecordExport(r.Context(), actor(r), c.ID, name[strings.LastIndex(name, ".")+1:], len(rows))
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = buf.WriteTo(w)
}
