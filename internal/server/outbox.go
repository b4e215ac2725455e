package server

import (
	"errors"
	"net/http"
	"strconv"

	"penggerak/internal/mail"
	selectionpage "penggerak/web/pages/selection"
)

// staffOutbox is the national admin's outbox (works in production): every mail with its status,
// attempts and last error, newest first, filtered by status; no bodies (they may carry
// sign-in links).
func (s *Server) staffOutbox(w http.ResponseWriter, r *http.Request) error {
	status := r.URL.Query().Get("status")
	switch status {
	case mail.StatusHeld, mail.StatusPending, mail.StatusFailed, mail.StatusSent:
	default:
		status = ""
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("hal"))
	page = min(max(page, 1), 10000)
	ms, counts, err := mail.List(r.Context(), s.db, status, page)
	if err != nil {
		return err
	}
	p := selectionpage.MailboxProps{Mails: ms, Counts: counts, Status: status, Page: page}
	if len(ms) > mail.PageSize {
		p.Mails, p.More = ms[:mail.PageSize], true
	}
	s.render(w, r, http.StatusOK, selectionpage.Mailbox(s.base(r, "mailbox.title"), p))
	return nil
}

// mailReview shows the held decision mails (count, samples per kind, outcome and language,
// recipients by outcome) and the form that releases them at once.
func (s *Server) mailReview(w http.ResponseWriter, r *http.Request) error {
	return s.renderMailReview(w, r, http.StatusOK, "")
}

func (s *Server) renderMailReview(w http.ResponseWriter, r *http.Request, status int, errKey string) error {
	rv, err := mail.HeldReview(r.Context(), s.db)
	if err != nil {
		return err
	}
	s.render(w, r, status, selectionpage.MailReview(s.base(r, "mailbox.review.title"), selectionpage.MailReviewProps{Review: rv, Error: errKey}))
	return nil
}

// releaseMail releases every held mail up to the newest one the admin reviewed (one confirmed
// action; audited in mail.Release); the decisions they report reach their applicants then, and
// seat offers' confirmation windows start (selection.Store.ReleaseMail).
func (s *Server) releaseMail(w http.ResponseWriter, r *http.Request) error {
	if s.askConfirm(w, r, "mailbox.review.release", "mailbox.review.confirm_hint", "/admin/surat/tinjau") {
		return nil
	}
	var f struct {
		UpTo int64 `form:"up_to"`
	}
	if !s.decode(w, r, &f) {
		return nil
	}
	if _, err := s.sel().ReleaseMail(r.Context(), actor(r), f.UpTo, s.now()); err != nil {
		if errors.Is(err, mail.ErrNothingHeld) {
			return s.renderMailReview(w, r, http.StatusConflict, "mailbox.review.error.nothing")
		}
		return err
	}
	s.flash(r, "mailbox.review.released")
	redirect(w, r, "/admin/surat")
	return nil
}
