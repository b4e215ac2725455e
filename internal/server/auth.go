package server

import (
	"errors"
	"math"
	"net/http"

	"penggerak/internal/account"
	"penggerak/web/i18n"
	"penggerak/web/pages/public"
)

// Session keys: who is signed in, and the credential tag of their password at sign-in (a
// password reset or change elsewhere ends the session).
const (
	sessionUserID     = "user_id"
	sessionCredential = "credential"
)

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if principal(r) != nil {
		redirect(w, r, "/dasbor")
		return
	}
	f := public.SignInForm{Next: safeNext(r.URL.Query().Get("next"), "")}
	s.render(w, r, http.StatusOK, public.SignIn(s.base(r, "signin.title"), f, nil, ""))
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) error {
	var f public.SignInForm
	if !s.decode(w, r, &f) {
		return nil
	}
	errs := map[string]string{}
	if f.Email == "" {
		errs["email"] = "form.required"
	}
	if f.Password == "" {
		errs["password"] = "form.required"
	}
	// Length first: nothing longer is hashed, queried or stored (issue 8, defect 4).
	if len(f.Email) > account.MaxEmailLen {
		errs["email"] = "form.too_long"
		f.Email = f.Email[:account.MaxEmailLen]
	}
	if len(f.Password) > account.MaxPasswordInBytes {
		errs["password"] = "form.too_long"
	}
	if len(errs) > 0 {
		f.Password = ""
		s.render(w, r, http.StatusUnprocessableEntity, public.SignIn(s.base(r, "signin.title"), f, errs, ""))
		return nil
	}
	u, err := s.accounts.AuthenticateAt(r.Context(), f.Email, f.Password, clientIP(r), s.now())
	f.Password = ""
	var limited *account.RateLimitError
	switch {
	case errors.As(err, &limited):
		msg := rateLimitMessage(r, limited)
		w.Header().Set("Retry-After", itoa(int(math.Ceil(limited.RetryAfter.Seconds()))))
		s.render(w, r, http.StatusTooManyRequests, public.SignIn(s.base(r, "signin.title"), f, nil, msg))
		return nil
	case errors.Is(err, account.ErrNotVerified):
		f.Unverified = true
		msg := i18n.T(r.Context(), "signin.unverified")
		s.render(w, r, http.StatusForbidden, public.SignIn(s.base(r, "signin.title"), f, nil, msg))
		return nil
	case err != nil && s.busy(r, err):
		w.Header().Set("Retry-After", "10")
		msg := i18n.T(r.Context(), "error.busy")
		s.render(w, r, http.StatusServiceUnavailable, public.SignIn(s.base(r, "signin.title"), f, nil, msg))
		return nil
	case errors.Is(err, account.ErrBadCredentials):
		msg := i18n.T(r.Context(), "signin.failed")
		s.render(w, r, http.StatusUnauthorized, public.SignIn(s.base(r, "signin.title"), f, nil, msg))
		return nil
	case err != nil:
		return err
	}
	if err := s.startSession(r, u); err != nil {
		return err
	}
	s.flash(r, "signin.done")
	redirect(w, r, safeNext(f.Next, "/dasbor"))
	return nil
}

// rateLimitMessage says how long to wait: seconds for an account's short delay, minutes for a
// long one or for an address past its failure limit.
func rateLimitMessage(r *http.Request, limited *account.RateLimitError) string {
	seconds := int(math.Ceil(limited.RetryAfter.Seconds()))
	m := int(math.Ceil(limited.RetryAfter.Minutes()))
	switch {
	case limited.Address:
		return i18n.T(r.Context(), "signin.address_limited", map[string]any{"Minutes": m})
	case seconds > 90:
		return i18n.T(r.Context(), "signin.rate_limited", map[string]any{"Minutes": m})
	}
	return i18n.T(r.Context(), "signin.wait_seconds", map[string]any{"Seconds": seconds})
}

// startSession signs u in with a fresh session token (no session fixation).
func (s *Server) startSession(r *http.Request, u account.User) error {
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	p, err := s.accounts.Principal(r.Context(), u.ID)
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessionUserID, u.ID)
	s.sessions.Put(r.Context(), sessionCredential, p.CredentialTag)
	s.sessions.Put(r.Context(), "lang", u.Language)
	return nil
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := s.sessions.GetString(ctx, "lang")
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, "lang", lang)
	s.flash(r, "signout.done")
	redirect(w, r, "/")
	return nil
}

// setLanguage switches the interface language and goes back to the page the user was on.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) error {
	var f struct {
		Lang string `form:"lang"`
		Next string `form:"next"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if f.Lang != "en" {
		f.Lang = "id"
	}
	s.sessions.Put(r.Context(), "lang", f.Lang)
	if p := principal(r); p != nil {
		if err := s.accounts.SetLanguage(r.Context(), p.User.ID, f.Lang); err != nil {
			return err
		}
	}
	redirect(w, r, safeNext(f.Next, "/"))
	return nil
}
