package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	apppage "penggerak/web/pages/application"
)

// submitApplication submits the application once the teacher ticked the confirmation: a
// submitted application is locked (a one-tap submit with JavaScript off was possible before).
func (s *Server) submitApplication(w http.ResponseWriter, r *http.Request) error {
	if !confirmed(r) {
		return s.renderStep(w, r, http.StatusUnprocessableEntity, "tinjau", func(p *apppage.StepProps) {
			p.Errors = map[string]string{"confirm-submit": "application.submit.confirm_required"}
		})
	}
	if _, err := s.applications.Submit(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), s.now()); err != nil {
		return s.refuseStep(w, r, "tinjau", err)
	}
	s.flash(r, "application.flash.submitted")
	redirect(w, r, "/lamaran/"+chi.URLParam(r, "id")+"/tanda-terima")
	return nil
}

// withdrawApplication withdraws the application once the teacher ticked the confirmation.
func (s *Server) withdrawApplication(w http.ResponseWriter, r *http.Request) error {
	if !confirmed(r) {
		return s.renderStep(w, r, http.StatusUnprocessableEntity, "tinjau", func(p *apppage.StepProps) {
			p.Errors = map[string]string{"confirm-withdraw": "application.withdraw.confirm_required"}
		})
	}
	if err := s.applications.Withdraw(r.Context(), actor(r), principal(r).User.ID, idParam(r, "id"), s.now()); err != nil {
		return s.refuseStep(w, r, "tinjau", err)
	}
	s.flash(r, "application.flash.withdrawn")
	redirect(w, r, "/dasbor")
	return nil
}
