package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"penggerak/internal/account"
	"penggerak/internal/clinic"
	"penggerak/internal/database"
	pages "penggerak/web/pages/clinic"
)

// Staff handlers of coaching clinics: Dinas in their region, BGP in their province, the
// national admin everywhere. Every query is limited to clinic.StaffScope in its SQL; an event
// outside the scope is a 404. This file holds the event itself and its participants
// (nominations, cancelled registrations); invitations are in clinics_invite.go, check-in in
// clinics_checkin.go, exports in clinics_export.go, the participant import in clinics_import.go
// and certificates in clinics_certificates.go.

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
			s.flash(r, "clinic.flash.nominated."+string(res.Status))
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
	if f.Confirm != "yes" && reg.Status != clinic.RegistrationCancelled {
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
