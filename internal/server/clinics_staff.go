package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/clinic"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/web/components"
	pages "penggerak/web/pages/clinic"
)

// Staff handlers of coaching clinics: Dinas in their region, BGP in their province, the
// national admin everywhere. Every query is limited to clinic.StaffScope in its SQL; an event
// outside the scope is a 404.

func staffScope(r *http.Request) clinic.Scope { return clinic.StaffScope(principal(r)) }

// staffClinic loads the event of the path inside the user's scope (outside it: ErrNotFound).
func (s *Server) staffClinic(r *http.Request) (clinic.Clinic, error) {
	id, ok := pathInt(r, "id")
	if !ok {
		return clinic.Clinic{}, errNoPath
	}
	return s.clinics.ForStaff(r.Context(), staffScope(r), id)
}

func (s *Server) staffClinics(w http.ResponseWriter, r *http.Request) error {
	list, err := s.clinics.StaffList(r.Context(), staffScope(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.StaffList(s.base(r, "clinic.staff.heading"), list))
	return nil
}

func (s *Server) clinicFormPage(w http.ResponseWriter, r *http.Request, status int, id int64, f clinic.Form, errs map[string]string) error {
	sc := staffScope(r)
	opts, err := s.regionOptions(r, func(p, g string) bool {
		if g == "" {
			return sc.National || slices.Contains(sc.Provinces, p)
		}
		return sc.Covers(p, g)
	})
	if err != nil {
		return err
	}
	key := "clinic.staff.new"
	if id != 0 {
		key = "clinic.staff.edit"
	}
	s.render(w, r, status, pages.Form(s.base(r, key), pages.FormProps{ID: id, Form: f, Errs: errs, Regions: opts}))
	return nil
}

func (s *Server) clinicNew(w http.ResponseWriter, r *http.Request) error {
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
	return s.clinicFormPage(w, r, http.StatusOK, 0, f, map[string]string{})
}

// validateClinic validates the form and checks that its region is inside the user's scope.
func validateClinic(r *http.Request, f clinic.Form) (clinic.Input, map[string]string) {
	in, errs := clinic.Validate(f)
	if errs["region"] == "" && !staffScope(r).Covers(in.ProvinceCode, in.RegencyCode) {
		errs["region"] = "clinic.err.region_scope"
	}
	return in, errs
}

func (s *Server) clinicCreate(w http.ResponseWriter, r *http.Request) error {
	var f clinic.Form
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	in, errs := validateClinic(r, f)
	if len(errs) > 0 {
		return s.clinicFormPage(w, r, http.StatusUnprocessableEntity, 0, f, errs)
	}
	id, err := s.clinics.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	s.flash(r, "clinic.flash.created")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(id, 10))
	return nil
}

func (s *Server) clinicEditPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	return s.clinicFormPage(w, r, http.StatusOK, c.ID, clinic.FormFrom(c), map[string]string{})
}

func (s *Server) clinicUpdate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	var f clinic.Form
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	in, errs := validateClinic(r, f)
	if len(errs) == 0 {
		err := s.clinics.Update(r.Context(), actor(r), staffScope(r), c.ID, in)
		if err == nil {
			s.flash(r, "clinic.flash.updated")
			redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
			return nil
		}
		key, refused := formMessage(err)
		if !refused || errors.Is(err, clinic.ErrState) {
			return err
		}
		field := "_form"
		if errors.Is(err, clinic.ErrCapacityBelow) {
			field = "capacity"
		}
		errs[field] = key
	}
	return s.clinicFormPage(w, r, http.StatusUnprocessableEntity, c.ID, f, errs)
}

func (s *Server) clinicManage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	return s.renderManage(w, r, http.StatusOK, c, clinic.RegisterForm{}, map[string]string{}, "")
}

func (s *Server) renderManage(w http.ResponseWriter, r *http.Request, status int, c clinic.Clinic, nom clinic.RegisterForm, errs map[string]string, cancelErr string) error {
	regs, err := s.clinics.Registrations(r.Context(), c.ID, "", true) // cancelled rows stay, with their status
	if err != nil {
		return err
	}
	fb, err := s.clinics.Feedback(r.Context(), c.ID)
	if err != nil {
		return err
	}
	b := s.baseHTMX(r, "clinic.staff.heading")
	b.Title = c.Title
	s.render(w, r, status, pages.Manage(b, pages.ManageProps{C: c, Regs: regs, Feedback: fb, Nominate: nom, Errs: errs, Now: s.now(), CancelError: cancelErr}))
	return nil
}

func (s *Server) clinicPublish(w http.ResponseWriter, r *http.Request) error {
	return s.clinicAction(w, r, "clinic.flash.published", func(c clinic.Clinic) error {
		return s.clinics.Publish(r.Context(), actor(r), staffScope(r), c.ID)
	})
}

type cancelForm struct {
	Confirm string `form:"confirm"`
}

// clinicCancel cancels the event once the organiser ticked the confirmation: it emails every
// registrant and invited school and cannot be undone.
func (s *Server) clinicCancel(w http.ResponseWriter, r *http.Request) error {
	var f cancelForm
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	if f.Confirm != "yes" {
		return s.renderManage(w, r, http.StatusUnprocessableEntity, c, clinic.RegisterForm{}, map[string]string{}, "clinic.err.cancel_confirm")
	}
	err = s.clinics.Cancel(r.Context(), actor(r), staffScope(r), c.ID, s.now())
	if errors.Is(err, clinic.ErrFinished) {
		key, _ := formMessage(err)
		return s.renderManage(w, r, http.StatusConflict, c, clinic.RegisterForm{}, map[string]string{}, key)
	}
	if err != nil {
		return err
	}
	s.flash(r, "clinic.flash.event_cancelled")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
	return nil
}

func (s *Server) clinicAction(w http.ResponseWriter, r *http.Request, flash string, fn func(clinic.Clinic) error) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	if err := fn(c); err != nil {
		return err
	}
	s.flash(r, flash)
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
	return nil
}

func (s *Server) clinicNominate(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	var f clinic.RegisterForm
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	reg, errs := clinic.ValidateRegistrant(f, false)
	if len(errs) == 0 {
		reg.NominatedBy = principal(r).User.ID
		res, err := s.clinics.Register(r.Context(), c.ID, reg, s.now())
		if err == nil {
			s.flash(r, "clinic.flash.nominated."+res.Status)
			redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
			return nil
		}
		key, refused := formMessage(err)
		if !refused {
			return err
		}
		errs[registerErrorField(err)] = key
	}
	return s.renderManage(w, r, http.StatusUnprocessableEntity, c, f, errs, "")
}

// staffRegistration loads the registration {rid} of the event in the path (inside the scope);
// a registration of another event is ErrNotFound.
func (s *Server) staffRegistration(r *http.Request) (clinic.Clinic, clinic.Registration, error) {
	c, err := s.staffClinic(r)
	if err != nil {
		return c, clinic.Registration{}, err
	}
	rid, ok := pathInt(r, "rid")
	if !ok {
		return c, clinic.Registration{}, errNoPath
	}
	reg, err := s.clinics.Registration(r.Context(), rid)
	if err == nil && reg.ClinicID != c.ID {
		err = fmt.Errorf("registration of another event: %w", database.ErrNotFound)
	}
	return c, reg, err
}

// clinicCancelRegistrationPage asks the organiser to confirm cancelling a participant (the
// seat goes to the waiting list and the participant is told): nothing happens in one tap.
func (s *Server) clinicCancelRegistrationPage(w http.ResponseWriter, r *http.Request) error {
	c, reg, err := s.staffRegistration(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.CancelRegistration(s.base(r, "clinic.staff.cancel_reg_heading"), pages.CancelRegProps{C: c, R: reg}))
	return nil
}

func (s *Server) clinicCancelRegistration(w http.ResponseWriter, r *http.Request) error {
	c, reg, err := s.staffRegistration(r)
	if err != nil {
		return err
	}
	var f cancelForm
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	if f.Confirm != "yes" && reg.Status != clinic.RegCancelled {
		s.render(w, r, http.StatusUnprocessableEntity, pages.CancelRegistration(s.base(r, "clinic.staff.cancel_reg_heading"),
			pages.CancelRegProps{C: c, R: reg, Error: "clinic.err.reg_cancel_confirm"}))
		return nil
	}
	if _, err := s.clinics.CancelRegistrationBy(r.Context(), actor(r), reg.ID); err != nil {
		return err
	}
	s.flash(r, "clinic.flash.reg_cancelled")
	redirect(w, r, "/staf/klinik/"+strconv.FormatInt(c.ID, 10))
	return nil
}

func (s *Server) clinicInvitePage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	return s.renderInvite(w, r, c, clinic.InviteFilter{}, nil)
}

func (s *Server) renderInvite(w http.ResponseWriter, r *http.Request, c clinic.Clinic, f clinic.InviteFilter, res *clinic.InviteResult) error {
	ctx := r.Context()
	invs, err := s.clinics.Invitations(ctx, c.ID)
	if err != nil {
		return err
	}
	p := pages.InviteProps{C: c, Filter: f, Invitations: invs, Result: res}
	regs, err := s.regions.Regencies(ctx, c.ProvinceCode)
	if err != nil {
		return err
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
			return err
		}
		for _, d := range ds {
			p.Districts = append(p.Districts, components.Option{Value: d.Code, Label: d.Name})
		}
	}
	s.render(w, r, http.StatusOK, pages.Invite(s.base(r, "clinic.invite.heading"), p))
	return nil
}

func (s *Server) clinicInvite(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	var f clinic.InviteFilter
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	// Every newly invited school with an address is emailed at once, and a sent mail cannot be
	// taken back: asked first, without JavaScript too (issue 11).
	if c.Status != clinic.StatusCancelled && s.askConfirm(w, r, "clinic.invite.confirm.heading", "clinic.invite.confirm.lead", "/staf/klinik/"+strconv.FormatInt(c.ID, 10)+"/undangan") {
		return nil
	}
	res, err := s.clinics.Invite(r.Context(), actor(r), staffScope(r), c, f)
	if err != nil {
		return err
	}
	return s.renderInvite(w, r, c, f, &res)
}

func (s *Server) clinicLetters(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	invs, err := s.clinics.Invitations(r.Context(), c.ID)
	if err != nil {
		return err
	}
	name := "surat-undangan-" + strconv.FormatInt(c.ID, 10)
	if strings.HasSuffix(r.URL.Path, ".zip") {
		b, err := s.clinics.LettersZIPBytes(c, invs, s.now())
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/zip")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.zip"`)
		w.Header().Set("Cache-Control", "private, no-store") // names and schools of the invited
		_, _ = w.Write(b)
		return nil
	}
	b, err := s.clinics.LettersPDF(c, invs, s.now())
	if err != nil {
		return err
	}
	sendPDF(w, name+".pdf", b)
	return nil
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

// clinicExport sends the attendance list (presensi.xlsx|csv) or the registrant list
// (peserta.xlsx|csv) of an event in the scope. The rows stream from the database cursor into a
// temporary file (never the whole list in memory), the export is audited (clinic.export with the
// list, format and rows), then the file is sent; nothing is sent when the query or the audit
// fails.
func (s *Server) clinicExport(w http.ResponseWriter, r *http.Request) error {
	c, err := s.staffClinic(r)
	if err != nil {
		return err
	}
	base := path.Base(r.URL.Path) // presensi.xlsx, peserta.csv
	list, ext, _ := strings.Cut(base, ".")
	f, ok := export.ParseFormat(ext)
	if !ok {
		return errNoPath
	}
	write := s.clinics.StreamAttendance
	if list == "peserta" {
		write = s.clinics.StreamRegistrants
	}
	tmp, err := os.CreateTemp("", "klinik-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	xw, err := export.New(f, tmp, map[string]string{"presensi": "Presensi", "peserta": "Peserta"}[list])
	if err != nil {
		return err
	}
	n, err := write(r.Context(), c, xw)
	if err == nil {
		err = xw.Close()
	}
	if err == nil {
		err = s.clinics.RecordExport(r.Context(), actor(r), c.ID, list, string(f), n)
	}
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+list+"-"+strconv.FormatInt(c.ID, 10)+"."+string(f)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.Copy(w, tmp)
	return nil
}
