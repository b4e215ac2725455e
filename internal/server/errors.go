package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/clinic"
	"penggerak/internal/database"
	"penggerak/internal/region"
	"penggerak/internal/selection"
	"penggerak/web/pages/public"
	selectionpage "penggerak/web/pages/selection"
)

// serverError logs err and shows the friendly 500 page (or 503 while the database is
// unreachable). The user never sees err itself.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away (closed the tab, lost the connection): nobody is left to
		// read a page, and it is not a fault of ours. 499 is what nginx logs for this.
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "client closed request",
			slog.String("method", r.Method), slog.String("request_id", middleware.GetReqID(r.Context())))
		w.WriteHeader(499)
		return
	}
	status, key := http.StatusInternalServerError, "error.500"
	if s.busy(r, err) {
		s.log.LogAttrs(r.Context(), slog.LevelWarn, "busy", slog.String("error", err.Error()),
			slog.String("method", r.Method), slog.String("request_id", middleware.GetReqID(r.Context())))
		s.busyPage(w, r)
		return
	}
	if dbUnavailable(err) {
		status, key = http.StatusServiceUnavailable, "error.503"
		w.Header().Set("Retry-After", "30")
	}
	s.log.LogAttrs(r.Context(), slog.LevelError, "server error", slog.String("error", err.Error()),
		slog.String("method", r.Method), slog.String("request_id", middleware.GetReqID(r.Context())))
	s.errorPage(w, r, status, key)
}

// busy reports whether err means this instance is saturated rather than broken: every
// password-hashing slot taken (account.ErrBusy), no pool connection free within
// DATABASE_ACQUIRE_TIMEOUT, the request's own deadline (REQUEST_TIMEOUT) passed, or a
// statement cancelled by statement_timeout. The answer is "busy, try again", with what was
// typed kept.
func (s *Server) busy(r *http.Request, err error) bool {
	var pgErr *pgconn.PgError
	return errors.Is(err, account.ErrBusy) || database.PoolBusy(r.Context(), err) ||
		(errors.Is(err, context.DeadlineExceeded) && errors.Is(r.Context().Err(), context.DeadlineExceeded)) ||
		(errors.As(err, &pgErr) && pgErr.Code == "57014")
}

// busyPage answers 503 with Retry-After and keeps what was typed: a posted form comes back as
// a form of hidden fields that sends the same values again (never passwords or files), a page
// offers to reload. An htmx request gets the same status, which its script shows as "not
// saved".
func (s *Server) busyPage(w http.ResponseWriter, r *http.Request) {
	// The request's deadline may have passed: the page is rendered all the same.
	r = r.WithContext(context.WithoutCancel(r.Context()))
	w.Header().Set("Retry-After", "10")
	var p public.Busy
	if r.Method == http.MethodPost {
		p.Action = r.URL.RequestURI()
		ct := r.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/form-data") {
			p.Files = true
		} else if r.PostForm == nil {
			_ = r.ParseForm()
		}
		names := make([]string, 0, len(r.PostForm))
		for k := range r.PostForm {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if strings.Contains(k, "password") {
				continue
			}
			for _, v := range r.PostForm[k] {
				p.Fields = append(p.Fields, public.BusyField{Name: k, Value: v})
			}
		}
	}
	s.render(w, r, http.StatusServiceUnavailable, public.BusyPage(s.base(r, "error.title"), p))
}

// clientError shows an error page with status and the message key.
func (s *Server) clientError(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.errorPage(w, r, status, key)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "error.404")
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusForbidden, "error.403")
}

// errorKind is what the user is told for one kind of error a store returns.
type errorKind struct {
	err    error
	status int
	key    string // message key: a page-level message, or a form message when the form is re-rendered
}

// errorKinds is the one table from the errors stores return to the status and message the
// user sees. The first match wins, so specific kinds come before the general ones they wrap
// (several wrap database.ErrConflict).
var errorKinds = []errorKind{
	{application.ErrLocked, http.StatusConflict, "application.error.locked"},
	{application.ErrClosed, http.StatusConflict, "application.error.closed"},
	// shown on the step: submit lists what is missing (IncompleteError), confirming the
	// profile says there is none yet
	{application.ErrIncomplete, http.StatusUnprocessableEntity, "application.profile.missing"},
	{selection.ErrLocked, http.StatusConflict, "selection.error.locked"},
	{selection.ErrTooFewAssessors, http.StatusConflict, "selection.error.too_few"},
	{selection.ErrScoringPending, http.StatusConflict, "selection.error.scoring_pending"},
	{selection.ErrAppealDecided, http.StatusConflict, "selection.appeal.error.decided"},
	{selection.ErrRescorePending, http.StatusConflict, "selection.appeal.error.rescore_pending"},
	// coaching clinics: a refused registration, edit or check-in (shown on its form), or a page
	{clinic.ErrDuplicate, http.StatusConflict, "clinic.err.duplicate"},
	{clinic.ErrSchoolFull, http.StatusConflict, "clinic.err.school_full"},
	{clinic.ErrClosed, http.StatusConflict, "clinic.register.closed"},
	{clinic.ErrUnknownSchool, http.StatusConflict, "clinic.err.unknown_school"},
	{clinic.ErrJenjang, http.StatusConflict, "clinic.err.jenjang_rule"},
	{clinic.ErrRegion, http.StatusConflict, "clinic.err.region_rule"},
	{clinic.ErrCapacityBelow, http.StatusConflict, "clinic.err.capacity_below"},
	{clinic.ErrSessionHasAttendance, http.StatusConflict, "clinic.err.session_attended"},
	{clinic.ErrFinished, http.StatusConflict, "clinic.err.cancel_finished"},
	{clinic.ErrFeedbackNotYet, http.StatusConflict, "clinic.feedback.not_yet"},
	{clinic.ErrRegistrationOver, http.StatusConflict, "clinic.err.registration_over"},
	{clinic.ErrForgedTicket, http.StatusUnprocessableEntity, "clinic.checkin.forged"},
	{clinic.ErrOtherEvent, http.StatusUnprocessableEntity, "clinic.checkin.other_event"},
	{clinic.ErrUnknownCode, http.StatusUnprocessableEntity, "clinic.checkin.unknown"},
	{clinic.ErrNotRegistered, http.StatusUnprocessableEntity, "clinic.checkin.not_registered"},
	{clinic.ErrCheckInClosed, http.StatusUnprocessableEntity, "clinic.checkin.closed"},
	{clinic.ErrNoCertificate, http.StatusNotFound, "clinic.certificate.none"},
	{clinic.ErrCertificateRevoked, http.StatusGone, "clinic.certs.revoked_no_download"},
	{clinic.ErrOwnerOnly, http.StatusForbidden, "clinic.ticket.owner_only"},
	{region.ErrOutOfScope, http.StatusForbidden, "region.out_of_scope"},
	{database.ErrNotFound, http.StatusNotFound, "error.404"},
	{account.ErrForbidden, http.StatusForbidden, "error.403"},
	{database.ErrConflict, http.StatusConflict, "error.409"},
}

// refusal is a refusal a handler decides itself rather than a store (a malformed query, a
// score out of range, a revoked certificate's download): answered like a kind of errorKinds,
// with its own status and message key.
type refusal struct {
	status int
	key    string
}

func (e refusal) Error() string { return "refused " + strconv.Itoa(e.status) + ": " + e.key }

// refuse returns the refusal of status with the message key.
func refuse(status int, key string) error { return refusal{status, key} }

// errBadRequest: a query or form the pages never send (400).
var errBadRequest = refuse(http.StatusBadRequest, "error.bad_request")

// knownError returns the status and message key for err from errorKinds (or a handler's
// refusal); ok is false for an error the user cannot act on (a fault of ours or an
// unreachable database).
func knownError(err error) (status int, key string, ok bool) {
	var rf refusal
	if errors.As(err, &rf) {
		return rf.status, rf.key, true
	}
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			return k.status, k.key, true
		}
	}
	return 0, "", false
}

// serveError is the one way a handler answers an error: the friendly page with the status
// and message of its kind (errorKinds), or the 500/503 page for anything else, logged.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	if de, ok := selection.AsDateError(err); ok { // names the stage's dates
		s.render(w, r, http.StatusConflict, selectionpage.Refused(s.base(r, "error.title"), http.StatusConflict,
			"selection.error.outside_dates", selectionpage.DateData(r.Context(), de)))
		return
	}
	if status, key, ok := knownError(err); ok {
		s.errorPage(w, r, status, key)
		return
	}
	s.serverError(w, r, err)
}

// handle adapts a handler that returns its error: a non-nil error is answered by serveError.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.serveError(w, r, err)
		}
	}
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	// Each error page has its own title (403 and 404 used to share "Terjadi kesalahan").
	titleKey := "error.title"
	switch status {
	case http.StatusForbidden:
		titleKey = "error.title.403"
	case http.StatusNotFound:
		titleKey = "error.title.404"
	case http.StatusMethodNotAllowed, http.StatusBadRequest:
		titleKey = "error.title.400"
	case http.StatusRequestEntityTooLarge:
		titleKey = "error.title.413"
	case http.StatusConflict:
		titleKey = "error.title.409"
	case http.StatusServiceUnavailable:
		titleKey = "error.title.503"
	}
	b := s.base(r, titleKey)
	s.render(w, r, status, public.ErrorPage(b, status, key))
}

// dbUnavailable reports whether err means the database cannot be reached right now.
func dbUnavailable(err error) bool {
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// admin_shutdown, crash_shutdown, cannot_connect_now
		return pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	return errors.As(err, &connErr) || errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded)
}

// formMessage returns the message key of an error a form shows beside what was typed (a
// refusal of errorKinds answered 409 or 422); ok is false for anything else, which goes to
// serveError.
func formMessage(err error) (key string, ok bool) {
	status, key, known := knownError(err)
	if known && (status == http.StatusConflict || status == http.StatusUnprocessableEntity) {
		return key, true
	}
	return "", false
}
