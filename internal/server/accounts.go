package server

import (
	"errors"
	"math"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/account"
	"penggerak/internal/mail"
	"penggerak/web/i18n"
	"penggerak/web/pages/accounts"
)

// Pages that ask for an email address to send a link to.
var (
	resendPage = accounts.EmailPage{Heading: "resend.heading", Lead: "resend.lead", Action: "/verifikasi/kirim-ulang", Submit: "resend.submit"}
	forgotPage = accounts.EmailPage{Heading: "forgot.heading", Lead: "forgot.lead", Action: "/lupa-sandi", Submit: "forgot.submit"}
)

func (s *Server) signUpPage(w http.ResponseWriter, r *http.Request) error {
	if principal(r) != nil {
		redirect(w, r, "/dasbor")
		return nil
	}
	s.render(w, r, http.StatusOK, accounts.SignUp(s.base(r, "signup.title"), account.SignUpForm{}, nil))
	return nil
}

func (s *Server) signUp(w http.ResponseWriter, r *http.Request) error {
	if principal(r) != nil {
		redirect(w, r, "/dasbor")
		return nil
	}
	var f account.SignUpForm
	if !s.decode(w, r, &f) {
		return nil
	}
	nu, errs := account.ValidateSignUp(f)
	if errs == nil {
		// The same answer whether or not the email is registered: the mail says which.
		_, err := s.accounts.SignUp(r.Context(), nu, clientIP(r), s.now(), s.linkMail(r, "verify", "/verifikasi/"), s.takenMail(r))
		var limited *account.RequestError
		switch {
		case errors.As(err, &limited):
			w.Header().Set("Retry-After", itoa(int(limited.RetryAfter.Seconds())))
			f.Password, f.PasswordConfirm = "", ""
			s.render(w, r, http.StatusTooManyRequests, accounts.SignUp(s.base(r, "signup.title"), f, map[string]string{"_form": "signup.rate_limited"}))
			return nil
		case err != nil && s.busy(r, err):
			w.Header().Set("Retry-After", "10")
			f.Password, f.PasswordConfirm = "", ""
			s.render(w, r, http.StatusServiceUnavailable, accounts.SignUp(s.base(r, "signup.title"), f, map[string]string{"_form": "signup.busy"}))
			return nil
		case err != nil:
			return err
		}
	}
	if errs != nil {
		f.Password, f.PasswordConfirm = "", ""
		s.render(w, r, http.StatusUnprocessableEntity, accounts.SignUp(s.base(r, "signup.title"), f, errs))
		return nil
	}
	s.flash(r, "signup.done")
	redirect(w, r, "/verifikasi/kirim-ulang")
	return nil
}

// takenMail composes the mail sent to a registered address when someone signs up with it, in
// the account owner's language (the visitor who typed the address may be someone else).
func (s *Server) takenMail(r *http.Request) account.Composer {
	return func(u account.User, _ string) mail.Message {
		l := s.i18n.Localizer(u.Language)
		data := map[string]any{"Name": u.Name, "SignIn": s.cfg.BaseURL + "/masuk", "Link": s.cfg.BaseURL + "/lupa-sandi"}
		return mail.Message{To: u.Email, Subject: l.T("mail.signup_taken.subject"), Body: l.T("mail.signup_taken.body", data),
			Kind: "mail.signup_taken", Lang: l.Lang()}
	}
}

// linkMail composes the mail carrying an emailed link (kind "verify" or "reset"): a password
// reset in the account owner's language; a verification link in the language of the request
// (the person who just signed up, or asked again, is reading the page).
func (s *Server) linkMail(r *http.Request, kind, path string) account.Composer {
	reqLang := i18n.From(r.Context()).Lang()
	return func(u account.User, token string) mail.Message {
		lang := reqLang
		if kind == "reset" && u.Language != "" {
			lang = u.Language
		}
		l := s.i18n.Localizer(lang)
		data := map[string]any{"Name": u.Name, "Link": s.cfg.BaseURL + path + token}
		return mail.Message{To: u.Email, Subject: l.T("mail." + kind + ".subject"), Body: l.T("mail."+kind+".body", data),
			Kind: "mail." + kind, Lang: l.Lang()}
	}
}

func (s *Server) resendVerificationPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, accounts.RequestLink(s.base(r, "resend.title"), resendPage, accounts.EmailForm{}, nil))
	return nil
}

func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request) error {
	return s.requestLink(w, r, account.PurposeVerifyEmail, resendPage, "resend.title", s.linkMail(r, "verify", "/verifikasi/"))
}

func (s *Server) forgotPasswordPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, accounts.RequestLink(s.base(r, "forgot.title"), forgotPage, accounts.EmailForm{}, nil))
	return nil
}

func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	return s.requestLink(w, r, account.PurposeResetPassword, forgotPage, "forgot.title", s.linkMail(r, "reset", "/atur-ulang-sandi/"))
}

// requestLink handles the email form of p: the answer is the same whether or not the account
// exists; only a malformed address or too many requests give another page.
func (s *Server) requestLink(w http.ResponseWriter, r *http.Request, purpose account.Purpose, p accounts.EmailPage, title string, compose account.Composer) error {
	var f accounts.EmailForm
	if !s.decode(w, r, &f) {
		return nil
	}
	if key := account.CheckEmail(account.NormalizeEmail(f.Email)); key != "" {
		s.render(w, r, http.StatusUnprocessableEntity, accounts.RequestLink(s.base(r, title), p, f, map[string]string{"email": key}))
		return nil
	}
	err := s.accounts.RequestLink(r.Context(), purpose, f.Email, clientIP(r), s.now(), compose)
	var limited *account.RequestError
	switch {
	case errors.As(err, &limited):
		p.Message = i18n.T(r.Context(), "link.rate_limited", map[string]any{"Minutes": minutes(limited.RetryAfter)})
		w.Header().Set("Retry-After", itoa(int(limited.RetryAfter.Seconds())))
		s.render(w, r, http.StatusTooManyRequests, accounts.RequestLink(s.base(r, title), p, f, nil))
		return nil
	case err != nil:
		return err
	}
	s.flash(r, string(purpose)+".sent")
	redirect(w, r, p.Action)
	return nil
}

func minutes(d time.Duration) int { return int(math.Ceil(d.Minutes())) }

// verifyEmailPage shows the button of an emailed verification link; opening it changes nothing.
func (s *Server) verifyEmailPage(w http.ResponseWriter, r *http.Request) error {
	tok := chi.URLParam(r, "token")
	if err := s.accounts.CheckToken(r.Context(), account.PurposeVerifyEmail, tok, s.now()); err != nil {
		return s.linkProblem(w, r, account.PurposeVerifyEmail, err)
	}
	s.render(w, r, http.StatusOK, accounts.VerifyEmail(s.base(r, "verify.title"), tok))
	return nil
}

func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.accounts.VerifyEmail(r.Context(), chi.URLParam(r, "token"), s.now()); err != nil {
		return s.linkProblem(w, r, account.PurposeVerifyEmail, err)
	}
	s.flash(r, "verify.done")
	redirect(w, r, "/masuk")
	return nil
}

// linkProblem explains an unusable emailed link (unknown 404, used or expired 410) and offers
// a new one.
func (s *Server) linkProblem(w http.ResponseWriter, r *http.Request, purpose account.Purpose, err error) error {
	status, key := http.StatusGone, "link.expired"
	switch {
	case errors.Is(err, account.ErrTokenInvalid):
		status, key = http.StatusNotFound, "link.invalid"
	case errors.Is(err, account.ErrTokenUsed):
		key = "link.used." + string(purpose)
	case errors.Is(err, account.ErrTokenExpired):
	default:
		return err
	}
	href, label := "/verifikasi/kirim-ulang", "resend.heading"
	if purpose == account.PurposeResetPassword {
		href, label = "/lupa-sandi", "forgot.again"
	}
	s.render(w, r, status, accounts.LinkProblem(s.base(r, "link.heading"), key, href, label))
	return nil
}

func (s *Server) resetPasswordPage(w http.ResponseWriter, r *http.Request) error {
	tok := chi.URLParam(r, "token")
	if err := s.accounts.CheckToken(r.Context(), account.PurposeResetPassword, tok, s.now()); err != nil {
		return s.linkProblem(w, r, account.PurposeResetPassword, err)
	}
	s.render(w, r, http.StatusOK, accounts.ResetPassword(s.base(r, "reset.title"), tok, nil))
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	tok := chi.URLParam(r, "token")
	var f accounts.ResetForm
	if !s.decode(w, r, &f) {
		return nil
	}
	if err := s.accounts.CheckToken(r.Context(), account.PurposeResetPassword, tok, s.now()); err != nil {
		return s.linkProblem(w, r, account.PurposeResetPassword, err)
	}
	if errs := account.ValidateNewPassword(f.Password, f.PasswordConfirm); errs != nil {
		s.render(w, r, http.StatusUnprocessableEntity, accounts.ResetPassword(s.base(r, "reset.title"), tok, errs))
		return nil
	}
	if _, err := s.accounts.ResetPassword(r.Context(), tok, f.Password, s.now()); err != nil {
		return s.linkProblem(w, r, account.PurposeResetPassword, err)
	}
	s.flash(r, "reset.done")
	redirect(w, r, "/masuk")
	return nil
}

func (s *Server) changePasswordPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, accounts.ChangePassword(s.base(r, "change.title"), nil, ""))
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var f accounts.ChangeForm
	if !s.decode(w, r, &f) {
		return nil
	}
	errs := account.ValidateNewPassword(f.Password, f.PasswordConfirm)
	if f.Current == "" {
		errs = withError(errs, "current_password", "form.required")
	}
	if errs == nil {
		err := s.accounts.ChangePassword(r.Context(), principal(r).User.ID, f.Current, f.Password, clientIP(r), s.now())
		var limited *account.RateLimitError
		switch {
		case errors.Is(err, account.ErrBadCredentials):
			errs = withError(errs, "current_password", "change.wrong_current")
		case errors.As(err, &limited):
			msg := rateLimitMessage(r, limited)
			s.render(w, r, http.StatusTooManyRequests, accounts.ChangePassword(s.base(r, "change.title"), nil, msg))
			return nil
		case err != nil:
			return err
		}
	}
	if errs != nil {
		s.render(w, r, http.StatusUnprocessableEntity, accounts.ChangePassword(s.base(r, "change.title"), errs, ""))
		return nil
	}
	// This session stays signed in, with a new token; every other session ends.
	if err := s.startSession(r, principal(r).User); err != nil {
		return err
	}
	s.flash(r, "change.done")
	redirect(w, r, "/dasbor")
	return nil
}

// withError returns errs (made when nil) with field set to key.
func withError(errs map[string]string, field, key string) map[string]string {
	if errs == nil {
		errs = map[string]string{}
	}
	errs[field] = key
	return errs
}

// devOutbox lists the latest mails, their links clickable (development only).
func (s *Server) devOutbox(w http.ResponseWriter, r *http.Request) error {
	stored, err := mail.Latest(r.Context(), s.db, 100)
	if err != nil {
		return err
	}
	out := make([]accounts.OutboxMail, len(stored))
	for i, m := range stored {
		status := "outbox.pending"
		switch {
		case m.SentAt != nil:
			status = "outbox.sent"
		case m.LastError != "":
			status = "outbox.failed"
		}
		out[i] = accounts.OutboxMail{To: m.To, Subject: m.Subject, At: m.CreatedAt.UTC().Format("2006-01-02 15:04:05 UTC"),
			Status: status, Error: m.LastError, Body: accounts.Segments(m.Body, s.cfg.BaseURL)}
	}
	s.render(w, r, http.StatusOK, accounts.Outbox(s.base(r, "outbox.title"), out))
	return nil
}
