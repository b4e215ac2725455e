package server

import (
	"errors"
	"net/http"

	"penggerak/internal/database"
	"penggerak/internal/training"
	trainingpage "penggerak/web/pages/training"
)

// training: appointments of PP and fasilitator, the proposed groups, hand edits and confirmation.

// trainingAppoint appoints a PP or fasilitator in a kab/kota of the BGP's province.
func (s *Server) trainingAppoint(w http.ResponseWriter, r *http.Request) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	var f struct {
		User    string `form:"user"`
		Role    string `form:"role"`
		Regency string `form:"regency"`
		Cap     string `form:"cap"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	form := trainingpage.AppointForm{User: f.User, Role: f.Role, Regency: f.Regency, Cap: f.Cap}
	a, errs := training.ParseAppointment(f.User, f.Role, f.Regency, f.Cap)
	if len(errs) == 0 && a.Regency[:2] != prov {
		errs["regency"] = "training.error.regency"
	}
	if len(errs) == 0 {
		_, err := s.trainingStore().Appoint(r.Context(), actor(r), bgpScope(principal(r)), id, a)
		switch {
		case errors.Is(err, training.ErrNoGrant):
			errs["user"] = "training.error.no_grant"
		case errors.Is(err, training.ErrAppointed):
			errs["user"] = "training.error.appointed"
		case err != nil:
			return err
		}
	}
	if len(errs) > 0 {
		form.Errors = errs
		return s.renderProvince(w, r, http.StatusUnprocessableEntity, trainingpage.ProvinceProps{Appoint: form})
	}
	s.flash(r, "training.flash.appointed")
	redirect(w, r, provinceBack(r, id, prov, ""))
	return nil
}

// trainingPropose replaces the province's proposal with a new one.
func (s *Server) trainingPropose(w http.ResponseWriter, r *http.Request) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	if _, err := s.trainingStore().Propose(r.Context(), actor(r), bgpScope(principal(r)), id, prov); err != nil {
		return err
	}
	s.flash(r, "training.flash.proposed")
	redirect(w, r, provinceBack(r, id, prov, "#kelompok"))
	return nil
}

// editProblems turns a store error of a hand edit into the form's problems; ok false means the
// error was not a rule (the caller returns it).
func editProblems(err error, form *trainingpage.EditForm) bool {
	var pe *training.ProblemError
	if errors.As(err, &pe) {
		form.Problems = pe.Problems
		for _, p := range pe.Problems {
			if p == training.ProblemReasonMissing {
				form.Errors = map[string]string{"reason": training.ProblemReasonMissing}
			}
		}
		return true
	}
	return false
}

// trainingMove moves a CGP into a group (the rules checked; a reason for confirmed groups).
func (s *Server) trainingMove(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Participant string `form:"participant"`
		Group       string `form:"group"`
		Reason      string `form:"reason"`
	}
	form := trainingpage.EditForm{Errors: map[string]string{}}
	return s.groupEdit(w, r, &f, func() func() error {
		form.Participant, form.Group, form.Reason = f.Participant, f.Group, f.Reason
		pid, gid := parseID(f.Participant), parseID(f.Group)
		if pid == 0 {
			form.Errors["participant"] = "training.error.participant"
		}
		if gid == 0 {
			form.Errors["group"] = "training.error.group"
		}
		return func() error {
			return s.trainingStore().Move(r.Context(), actor(r), bgpScope(principal(r)), pid, gid, f.Reason)
		}
	}, &form, "training.flash.moved", func(p *trainingpage.ProvinceProps) { p.Move = form })
}

// trainingSwapPP gives a group another PP (the rules checked; a reason for confirmed groups).
func (s *Server) trainingSwapPP(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Group  string `form:"swap_group"`
		Mentor string `form:"mentor"`
		Reason string `form:"reason"`
	}
	form := trainingpage.EditForm{Errors: map[string]string{}}
	return s.groupEdit(w, r, &f, func() func() error {
		form.Group, form.Mentor, form.Reason = f.Group, f.Mentor, f.Reason
		gid, mid := parseID(f.Group), parseID(f.Mentor)
		if gid == 0 {
			form.Errors["group"] = "training.error.group"
		}
		if mid == 0 {
			form.Errors["mentor"] = "training.error.mentor"
		}
		return func() error {
			return s.trainingStore().SetPP(r.Context(), actor(r), bgpScope(principal(r)), gid, mid, f.Reason)
		}
	}, &form, "training.flash.swapped", func(p *trainingpage.ProvinceProps) { p.SwapPP = form })
}

// groupEdit is the one sequence of a BGP's hand edit of a group (a move or a PP swap): decode
// the form into dst, let check fill form (and its field errors) and return the store call,
// check the reason's length, then apply it: on success the flash and the province page at the
// group; a broken rule or a field error re-renders the province page with the form as typed
// (placed by show).
func (s *Server) groupEdit(w http.ResponseWriter, r *http.Request, dst any, check func() func() error,
	form *trainingpage.EditForm, flash string, show func(*trainingpage.ProvinceProps)) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	if !s.decode(w, r, dst) {
		return nil
	}
	apply := check()
	if len(form.Reason) > 500 {
		form.Errors["reason"] = "training.error.reason_long"
	}
	if len(form.Errors) == 0 {
		err := apply()
		if err == nil {
			s.flash(r, flash)
			redirect(w, r, provinceBack(r, id, prov, "#kelompok-"+form.Group))
			return nil
		}
		if !editProblems(err, form) {
			return err
		}
	}
	var p trainingpage.ProvinceProps
	show(&p)
	return s.renderProvince(w, r, http.StatusUnprocessableEntity, p)
}

func (s *Server) trainingConfirmPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderConfirm(w, r, http.StatusOK, trainingpage.ConfirmProps{})
}

func (s *Server) renderConfirm(w http.ResponseWriter, r *http.Request, status int, p trainingpage.ConfirmProps) error {
	id, prov, ok := trainingPath(r)
	if !ok || !containsString(bgpScope(principal(r)).Provinces, prov) {
		return database.ErrNotFound
	}
	var err error
	if p.View, err = s.trainingStore().Province(r.Context(), bgpScope(principal(r)), id, prov); err != nil {
		return err
	}
	s.render(w, r, status, trainingpage.Confirm(s.base(r, "training.confirm.title"), p))
	return nil
}

// trainingConfirm confirms the province's proposed groups (checkbox required) and mails the
// CGPs and their PPs in their own language.
func (s *Server) trainingConfirm(w http.ResponseWriter, r *http.Request) error {
	id, prov, ok := trainingPath(r)
	if !ok {
		return database.ErrNotFound
	}
	var f struct {
		Sure string `form:"sure"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if f.Sure != "1" {
		return s.renderConfirm(w, r, http.StatusUnprocessableEntity, trainingpage.ConfirmProps{Error: "training.error.sure"})
	}
	_, err := s.trainingStore().Confirm(r.Context(), actor(r), bgpScope(principal(r)), id, prov, s.trainingMails().Group, s.now())
	var pe *training.ProblemError
	switch {
	case errors.As(err, &pe):
		return s.renderConfirm(w, r, http.StatusUnprocessableEntity, trainingpage.ConfirmProps{Problems: pe.Problems})
	case err != nil:
		return err
	}
	s.flash(r, "training.flash.confirmed")
	redirect(w, r, provinceBack(r, id, prov, ""))
	return nil
}

// trainingGroup shows a group to staff of its region, its PP, its fasilitator and its members;
// anyone else gets 404.
func (s *Server) trainingGroup(w http.ResponseWriter, r *http.Request) error {
	id, ok := pathInt(r, "group")
	if !ok {
		return database.ErrNotFound
	}
	g, h, err := s.trainingStore().Group(r.Context(), viewer(principal(r)), id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, trainingpage.Group(s.base(r, "training.group.title"), trainingpage.GroupProps{Group: g, History: h, Contacts: true}))
	return nil
}
