package server

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"penggerak/internal/clinic"
	"penggerak/internal/database"
	"penggerak/web/i18n"
	pages "penggerak/web/pages/clinic"
)

// Teacher-facing handlers of coaching clinics: registering, the own registrations, the ticket
// links that manage a registration without an account, and the dashboard cards. The public
// list and event pages are in clinics_list.go, certificate verification in
// clinics_certificates.go, the staff handlers in clinics_staff.go and beside it.

// NewCatalogue looks the clinic mails' messages up in the i18n bundle, in the recipient's
// language (the server's store and the reminder job use it).
func NewCatalogue(b *i18n.Bundle) clinic.Catalogue {
	return func(lang, key string, data map[string]any) string { return b.Localizer(lang).T(key, data) }
}

// errNoPath is a path parameter that is not a positive number: the page does not exist.
var errNoPath = fmt.Errorf("path parameter: %w", database.ErrNotFound)

// openClinic loads the published (or cancelled) event of the path.
func (s *Server) openClinic(r *http.Request) (clinic.Clinic, error) {
	id, ok := pathInt(r, "id")
	if !ok {
		return clinic.Clinic{}, errNoPath
	}
	return s.clinics.Public(r.Context(), id)
}

func (s *Server) clinicRegisterForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.openClinic(r)
	if err != nil {
		return err
	}
	p := principal(r)
	if mine, err := s.clinics.Active(r.Context(), c.ID, p.User.ID); err == nil {
		redirect(w, r, "/tiket/"+s.clinics.Signer().Ticket(c.ID, mine.ID))
		return nil
	}
	prof, err := s.profiles().Get(r.Context(), p.User.ID)
	if err != nil && !errors.Is(err, database.ErrNotFound) {
		return err
	}
	f := clinic.RegisterForm{Name: p.User.Name, Email: p.User.Email, Phone: p.User.Phone, NPSN: prof.NPSN}
	errs := map[string]string{}
	if !c.Open(s.now()) {
		errs["_form"] = "clinic.register.closed"
	}
	return s.renderRegister(w, r, http.StatusOK, c, f, errs)
}

// renderRegister shows the registration form with the school the typed NPSN names (from the
// schools table) and whether the event's jenjang and region rules admit it.
func (s *Server) renderRegister(w http.ResponseWriter, r *http.Request, status int, c clinic.Clinic, f clinic.RegisterForm, errs map[string]string) error {
	p := principal(r)
	f.Name, f.Email = p.User.Name, p.User.Email
	props := pages.RegisterProps{C: c, Form: f, Errs: errs}
	if f.NPSN != "" && errs["npsn"] == "" {
		if sc, err := s.clinics.School(r.Context(), strings.ToUpper(strings.TrimSpace(f.NPSN))); err == nil {
			props.School = &sc
		} else if !errors.Is(err, clinic.ErrUnknownSchool) {
			return err
		}
	}
	s.render(w, r, status, pages.Register(s.base(r, "clinic.register.heading"), props))
	return nil
}

// registerErrorField is the field a refused registration's message belongs to.
func registerErrorField(err error) string {
	if errors.Is(err, clinic.ErrUnknownSchool) || errors.Is(err, clinic.ErrJenjang) || errors.Is(err, clinic.ErrRegion) || errors.Is(err, clinic.ErrSchoolFull) {
		return "npsn"
	}
	return "_form"
}

func (s *Server) clinicRegister(w http.ResponseWriter, r *http.Request) error {
	c, err := s.openClinic(r)
	if err != nil {
		return err
	}
	var f clinic.RegisterForm
	if !s.decode(w, r, &f) {
		return nil // decode has answered
	}
	p := principal(r)
	reg, errs := clinic.ValidateRegistrant(f, true) // name and email come from the account
	if len(errs) == 0 {
		reg.UserID = p.User.ID
		res, err := s.clinics.Register(r.Context(), c.ID, reg, s.now())
		if err == nil {
			s.flash(r, "clinic.flash.registered."+string(res.Status))
			redirect(w, r, "/tiket/"+s.clinics.Signer().Ticket(c.ID, res.ID))
			return nil
		}
		key, refused := formMessage(err)
		if !refused {
			return err
		}
		errs[registerErrorField(err)] = key
	}
	return s.renderRegister(w, r, http.StatusUnprocessableEntity, c, f, errs)
}

func (s *Server) clinicMine(w http.ResponseWriter, r *http.Request) error {
	regs, err := s.clinics.ByUser(r.Context(), principal(r).User.ID)
	if err != nil {
		return err
	}
	items := make([]pages.MineItem, len(regs))
	for i, g := range regs {
		items[i] = pages.MineItem{R: g, Path: "/tiket/" + s.clinics.Signer().Ticket(g.ClinicID, g.ID)}
	}
	s.render(w, r, http.StatusOK, pages.Mine(s.base(r, "clinic.mine.heading"), items))
	return nil
}

// ticketAccess is what a ticket link lets its holder do.
type ticketAccess struct {
	Path   string // /tiket/<token>
	Token  string
	Owner  bool // the signed-in user is the registrant
	Fresh  bool // an emailed link still valid
	Manage bool // may cancel and give feedback: the owner or a fresh emailed link
}

// ticket loads the registration and event named by the signed token in the path. Whoever holds
// a ticket link (the QR's token) sees the ticket until a day after the event; the signed-in
// owner always does. Cancelling and feedback need the owner or a freshly emailed link. A
// forged token is a 404; an expired one shows how to get a fresh link (410). ok is false when
// the expired page was rendered (err is nil then).
func (s *Server) ticket(w http.ResponseWriter, r *http.Request) (clinic.Clinic, clinic.Registration, ticketAccess, bool, error) {
	token := chi.URLParam(r, "token")
	acc := ticketAccess{Path: "/tiket/" + token, Token: token}
	reg, fresh, err := s.clinics.ByToken(r.Context(), token, s.now())
	if errors.Is(err, clinic.ErrBadToken) {
		return clinic.Clinic{}, reg, acc, false, fmt.Errorf("ticket: %w", database.ErrNotFound)
	}
	if err != nil && !errors.Is(err, clinic.ErrExpiredLink) {
		return clinic.Clinic{}, reg, acc, false, err
	}
	expired := err != nil
	c, err := s.clinics.ByID(r.Context(), reg.ClinicID)
	if err != nil {
		return c, reg, acc, false, err
	}
	if p := principal(r); p != nil && reg.UserID != nil && *reg.UserID == p.User.ID {
		acc.Owner = true
	}
	acc.Fresh = fresh
	acc.Manage = acc.Owner || acc.Fresh
	if !acc.Owner && (expired || (!fresh && !c.TicketValid(s.now()))) {
		s.render(w, r, http.StatusGone, pages.TicketExpired(s.base(r, "clinic.ticket.expired_heading"), pages.TicketProps{C: c, R: reg, Path: acc.Path}))
		return c, reg, acc, false, nil
	}
	return c, reg, acc, true, nil
}

func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request) error {
	c, reg, acc, ok, err := s.ticket(w, r)
	if !ok {
		return err
	}
	return s.renderTicket(w, r, http.StatusOK, pages.TicketProps{C: c, R: reg, Path: acc.Path, Manage: acc.Manage})
}

func (s *Server) renderTicket(w http.ResponseWriter, r *http.Request, status int, p pages.TicketProps) error {
	if p.R.Status == clinic.RegistrationRegistered { // a waiting-list place has no QR to check in with
		png, err := clinic.QRPNG(s.clinics.Signer().Ticket(p.C.ID, p.R.ID), 256)
		if err != nil {
			return err
		}
		p.QR = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	}
	p.Now = s.now()
	p.CertificateDue = p.C.CertificateDue(p.R, p.Now)
	if p.Errs == nil {
		p.Errs = map[string]string{}
	}
	if p.Rating == "" && p.R.Rating > 0 {
		p.Rating = strconv.Itoa(p.R.Rating)
	}
	s.render(w, r, status, pages.Ticket(s.base(r, "clinic.ticket.heading"), p))
	return nil
}

// ticketLink emails a fresh link to the registration's own address (whoever holds the ticket may
// ask; only the registrant's mailbox receives it), at most one every few minutes.
func (s *Server) ticketLink(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	reg, _, err := s.clinics.ByToken(r.Context(), token, s.now())
	if errors.Is(err, clinic.ErrBadToken) {
		return fmt.Errorf("ticket: %w", database.ErrNotFound)
	}
	if err != nil && !errors.Is(err, clinic.ErrExpiredLink) {
		return err
	}
	switch err := s.clinics.SendLink(r.Context(), reg.ID, s.now()); {
	case err == nil:
		s.flash(r, "clinic.flash.link_sent")
	case errors.Is(err, clinic.ErrLinkTooSoon):
		s.flash(r, "clinic.flash.link_too_soon")
	default:
		return err
	}
	redirect(w, r, "/tiket/"+token)
	return nil
}

func sendPDF(w http.ResponseWriter, name string, b []byte) {
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

func (s *Server) ticketPDF(w http.ResponseWriter, r *http.Request) error {
	return s.ticketFile(w, r, func(c clinic.Clinic, reg clinic.Registration) (string, []byte, error) {
		if reg.Status == clinic.RegistrationCancelled {
			return "", nil, fmt.Errorf("ticket of a cancelled registration: %w", database.ErrNotFound)
		}
		b, err := s.clinics.TicketPDF(c, reg)
		return "tiket-" + clinic.FormatCode(reg.Code) + ".pdf", b, err
	})
}

func (s *Server) ticketCertificate(w http.ResponseWriter, r *http.Request) error {
	return s.ticketFile(w, r, func(c clinic.Clinic, reg clinic.Registration) (string, []byte, error) {
		if !c.CertificateDue(reg, s.now()) {
			return "", nil, clinic.ErrNoCertificate
		}
		b, err := s.clinics.CertificatePDF(c, reg)
		return "sertifikat-" + clinic.FormatCode(reg.CertCode) + ".pdf", b, err
	})
}

// ticketFile sends the PDF that file makes for the ticket's event and registration, under the
// name it gives; file's error (a refusal or a failure) is the handler's.
func (s *Server) ticketFile(w http.ResponseWriter, r *http.Request, file func(clinic.Clinic, clinic.Registration) (string, []byte, error)) error {
	c, reg, _, ok, err := s.ticket(w, r)
	if !ok {
		return err
	}
	name, b, err := file(c, reg)
	if err != nil {
		return err
	}
	sendPDF(w, name, b)
	return nil
}

// ownTicket is s.ticket for a POST by the ticket's owner (signed in, or through a fresh emailed
// link), decoding the form into f; it gives the ticket's path. ok is false when the request is
// answered: err is clinic.ErrOwnerOnly for a link that may only show the ticket, or s.ticket's
// error, or nil when decode has answered.
func (s *Server) ownTicket(w http.ResponseWriter, r *http.Request, f any) (c clinic.Clinic, reg clinic.Registration, path string, ok bool, err error) {
	c, reg, acc, ok, err := s.ticket(w, r)
	if !ok {
		return c, reg, "", false, err
	}
	if !acc.Manage {
		return c, reg, "", false, clinic.ErrOwnerOnly
	}
	return c, reg, acc.Path, s.decode(w, r, f), nil
}

// ticketCancel cancels a registration once the teacher ticked the confirmation (the seat goes
// to the waiting list and cannot be taken back).
func (s *Server) ticketCancel(w http.ResponseWriter, r *http.Request) error {
	var f cancelForm
	c, reg, path, ok, err := s.ownTicket(w, r, &f)
	if !ok {
		return err
	}
	if reg.Status != clinic.RegistrationCancelled && !c.CanCancel(reg, s.now()) {
		return clinic.ErrRegistrationOver
	}
	if f.Confirm != "yes" && reg.Status != clinic.RegistrationCancelled {
		return s.renderTicket(w, r, http.StatusUnprocessableEntity, pages.TicketProps{C: c, R: reg, Path: path, Manage: true, CancelError: "clinic.err.ticket_cancel_confirm"})
	}
	if _, err := s.clinics.CancelRegistration(r.Context(), reg.ID); err != nil {
		return err
	}
	s.flash(r, "clinic.flash.cancelled")
	redirect(w, r, path)
	return nil
}

type feedbackForm struct {
	Rating  string `form:"rating"`
	Comment string `form:"comment"`
}

func (s *Server) ticketFeedback(w http.ResponseWriter, r *http.Request) error {
	var f feedbackForm
	c, reg, path, ok, err := s.ownTicket(w, r, &f)
	if !ok {
		return err
	}
	if !c.FeedbackOpen(reg, s.now()) {
		return clinic.ErrFeedbackNotYet
	}
	errs := map[string]string{}
	rating, err := strconv.Atoi(f.Rating)
	if err != nil || rating < 1 || rating > 5 {
		errs["rating"] = "clinic.err.rating"
	}
	comment := strings.TrimSpace(f.Comment)
	if len([]rune(comment)) > 2000 {
		errs["comment"] = "form.too_long"
	}
	if len(errs) > 0 {
		return s.renderTicket(w, r, http.StatusUnprocessableEntity, pages.TicketProps{C: c, R: reg, Path: path, Manage: true, Rating: f.Rating, Comment: f.Comment, Errs: errs})
	}
	if err := s.clinics.SaveFeedback(r.Context(), reg.ID, rating, comment); err != nil {
		return err
	}
	s.flash(r, "clinic.feedback.thanks")
	redirect(w, r, path)
	return nil
}
