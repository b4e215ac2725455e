package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"penggerak/internal/account"
	"penggerak/web"
)

// Role sets used by route groups.
var (
	staff     = []account.Role{account.RoleAdmin, account.RoleBGP, account.RoleDinas}
	adminOnly = []account.Role{account.RoleAdmin}
)

// routes declares every route and who may use it. Deny by default: a route outside the public
// group sits behind requireSignIn or requireRole. The authorization matrix test
// (authz_test.go) walks this router and fails on a route without an entry.
func (s *Server) routes(reg *prometheus.Registry) chi.Router {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.logRequests, s.recoverPanics, s.securityHeaders,
		middleware.Compress(5, "text/html", "text/css", "text/javascript", "application/javascript", "text/csv"),
		limitBody, s.sessions.LoadAndSave, s.loadPrincipal)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.clientError(w, r, http.StatusMethodNotAllowed, "error.400")
	})

	// Operations.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	r.Method(http.MethodGet, "/static/*", web.StaticHandler())

	// Public.
	r.Group(func(r chi.Router) {
		r.Get("/", s.home)
		r.Get("/tentang-data", s.dataNotice)
		r.Post("/bahasa", s.setLanguage)
		r.Get("/masuk", s.signInPage)
		r.Post("/masuk", s.signIn)
		// accounts: public routes
	})

	// Any signed-in user.
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/dasbor", s.dashboard)
		r.Post("/keluar", s.signOut)
		// accounts: signed-in routes
	})

	// Teachers.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		// profile: teacher routes
		r.Get("/profil", s.profilePage)
		r.Post("/profil", s.saveProfile)
		r.Get("/profil/sekolah", s.schoolSearch)
		// recruitment: teacher routes
	})

	// National admin.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		// schools: admin routes
		r.Get("/admin/sekolah", s.adminSchools)
		r.Post("/admin/sekolah/impor", s.importSchools)
		// recruitment: admin routes
	})

	// Staff: admin, BGP, Dinas (each handler scopes its queries to the user's region).
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		// users: staff routes
		// clinics: staff routes
	})

	// profile: personal data rights of any signed-in user (UU PDP; SECURITY.md 19).
	r.Group(func(r chi.Router) {
		r.Use(s.requireSignIn)
		r.Get("/profil/data-saya", s.myData)
		r.Get("/profil/data-saya/unduh", s.downloadMyData)
		r.Post("/profil/data-saya/hapus", s.requestDeletion)
	})

	// Development only.
	if s.cfg.Dev() {
		r.Group(func(r chi.Router) {
			// mail: development outbox
		})
	}
	return r
}
