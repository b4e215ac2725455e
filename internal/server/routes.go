package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"penggerak/internal/account"
	"penggerak/web"
)

// Role sets used by the route guards.
var (
	staff     = []account.Role{account.RoleAdmin, account.RoleBGP, account.RoleDinas}
	adminOnly = []account.Role{account.RoleAdmin}
)

// routes declares every route and who may use it. Deny by default: a route outside the public
// group sits behind requireSignIn or requireRole. The authorization matrix test
// (authz_test.go) walks this router and fails on a route without an entry.
func (s *Server) routes() chi.Router {
	r := chi.NewRouter()
	if s.cfg.TrustProxy {
		r.Use(middleware.RealIP) // behind a proxy: the client's address for rate limits and audit
	}
	// GetHead answers HEAD on every GET route (the GET handler runs; net/http drops the body).
	r.Use(middleware.GetHead, middleware.RequestID, s.logRequests, s.recoverPanics,
		s.limitInFlight, s.deadline, s.securityHeaders, Compress(), limitBody)
	withSession := func(h http.HandlerFunc) http.HandlerFunc {
		return s.loadAndSave(s.loadPrincipal(h)).ServeHTTP
	}
	r.NotFound(withSession(s.notFound))
	mux := r
	r.MethodNotAllowed(withSession(func(w http.ResponseWriter, r *http.Request) {
		// A POST address in the address bar (a bookmark, or a refused page too large for
		// keepRefused to move to its form's page) answers GET: reloading or reopening it goes to
		// the page the form lives on instead of a 405 page (issue 11).
		if r.Method == http.MethodGet {
			if to := getFallback(mux, r.URL.Path); to != "" {
				if r.URL.RawQuery != "" {
					to += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
		}
		s.clientError(w, r, http.StatusMethodNotAllowed, "error.400")
	}))

	// Operations.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	// /metrics is not on the public address: see MetricsHandler (METRICS_ADDR).
	r.Method(http.MethodGet, "/static/*", web.StaticHandler())

	// Everything below runs with the session and the signed-in user loaded. A refused form
	// posted to a POST-only address is shown on its page instead (keepRefused, refused.go).
	r.Group(func(r chi.Router) {
		r.Use(s.loadAndSave, s.loadPrincipal, s.keepRefused(mux), s.cleanInput)
		s.appRoutes(r)
	})
	return r
}

// appRoutes mounts the application's pages feature by feature. Each mount function sits in
// routes_<feature>.go beside the feature's handlers and puts the role guard in front of every
// route: a route registered on r alone is public on purpose; the others go through
// requireSignIn or requireRole.
func (s *Server) appRoutes(r chi.Router) {
	s.accountRoutes(r)
	s.profileRoutes(r)
	s.schoolRoutes(r)
	s.cohortRoutes(r)
	s.applicationRoutes(r)
	s.vervalRoutes(r)
	s.userRoutes(r)
	s.auditRoutes(r)
	s.clinicRoutes(r)
	s.clinicStaffRoutes(r)
	s.selectionRoutes(r)
	s.selectionReviewRoutes(r)
	s.appealRoutes(r)
	s.mailRoutes(r)
	s.trainingRoutes(r)
	s.mentoringRoutes(r)
	s.trainingCertificateRoutes(r)
	s.reportRoutes(r)
	s.helpRoutes(r)
}
