package server

import (
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/application"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	apppage "penggerak/web/pages/application"
)

// showApply is a cohort's page for applying: its eligibility rules for the teacher, and their
// application to it when they have one.
func (s *Server) showApply(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	cfg, err := s.cohorts.Config(r.Context(), idParam(r, "cohortID"))
	if err == nil && cfg.Status == cohort.StatusDraft {
		err = database.ErrNotFound
	}
	if err != nil {
		return err
	}
	prof, err := s.applications.Profile(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	mine, err := s.applications.Mine(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	props := apppage.ApplyProps{Cohort: cfg, Failures: cohort.Eligibility(cfg, prof.Applicant(p.Roles()), s.now()), TZ: prof.Timezone()}
	if a, ok := mine[cfg.ID]; ok {
		props.Existing = &a
	}
	s.render(w, r, http.StatusOK, apppage.Apply(s.base(r, "application.apply.title"), props))
	return nil
}

// startApplication starts (or reopens) the teacher's application to a cohort and opens its
// first step; an ineligible teacher goes back to the cohort's page with a message.
func (s *Server) startApplication(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	id, err := s.applications.Start(r.Context(), actor(r), p.User.ID, p.Roles(), idParam(r, "cohortID"), s.now())
	if errors.Is(err, application.ErrNotEligible) {
		s.flash(r, "application.flash.not_eligible")
		redirect(w, r, "/pendaftaran/"+chi.URLParam(r, "cohortID"))
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/lamaran/"+strconv.FormatInt(id, 10)+"/profil")
	return nil
}

// stepProps loads the teacher's own application for a step page.
func (s *Server) stepProps(r *http.Request, step string) (apppage.StepProps, error) {
	d, err := s.applications.Details(r.Context(), principal(r).User.ID, idParam(r, "id"))
	if err != nil {
		return apppage.StepProps{}, err
	}
	return apppage.StepProps{D: d, Step: step, TZ: d.Profile.Timezone(), Now: s.now(),
		Editable: d.Editable(s.now()), SaveTimeout: s.requestTimeout() * 4 / 3,
		CV: application.CVForm{Section: "umum"}}, nil
}

// renderStep renders a step page with status, after change has set what the request adds.
func (s *Server) renderStep(w http.ResponseWriter, r *http.Request, status int, step string, change func(*apppage.StepProps)) error {
	p, err := s.stepProps(r, step)
	if err != nil {
		return err
	}
	change(&p)
	s.render(w, r, status, apppage.StepPage(s.base(r, "application.step."+step), p))
	return nil
}

// showStep is one step of the teacher's application.
func (s *Server) showStep(w http.ResponseWriter, r *http.Request) error {
	step := chi.URLParam(r, "step")
	if step == "kirim" || step == "tarik" {
		// The address of a refused submit or withdrawal, reloaded: back to the review step.
		redirect(w, r, "/lamaran/"+chi.URLParam(r, "id")+"/tinjau")
		return nil
	}
	if !slices.Contains(application.StepSlugs, step) {
		return database.ErrNotFound
	}
	return s.renderStep(w, r, http.StatusOK, step, func(p *apppage.StepProps) {
		if step == "tinjau" && p.Editable {
			// The review says before the click what would keep the application from being sent.
			p.Problems = application.SubmitProblems(p.D)
		}
	})
}

// stepDone answers a step's store call: the next step with flash when it succeeded, else
// refuseStep's answer.
func (s *Server) stepDone(w http.ResponseWriter, r *http.Request, step string, err error, next, flash string) error {
	if err != nil {
		return s.refuseStep(w, r, step, err)
	}
	s.nextStep(w, r, next, flash)
	return nil
}

// refuseStep answers an error of a step's store call. A refusal the teacher can act on (a
// form message of errorKinds: the application is locked, registration closed, something
// missing) re-renders step with its status and message, or with the list of what is missing
// when err carries it; any other error is returned for s.handle.
func (s *Server) refuseStep(w http.ResponseWriter, r *http.Request, step string, err error) error {
	key, ok := formMessage(err)
	if !ok {
		return err
	}
	status, _, _ := knownError(err)
	var inc *application.IncompleteError
	return s.renderStep(w, r, status, step, func(p *apppage.StepProps) {
		if errors.As(err, &inc) {
			p.Problems = inc.Problems
		} else {
			p.Message = key
		}
	})
}

func (s *Server) nextStep(w http.ResponseWriter, r *http.Request, step, flash string) {
	if flash != "" {
		s.flash(r, flash)
	}
	redirect(w, r, "/lamaran/"+chi.URLParam(r, "id")+"/"+step)
}
