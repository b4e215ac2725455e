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
		// recruitment: teacher routes
	})

	// National admin.
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		// schools: admin routes
		// recruitment: admin routes
	})

	// Staff: admin, BGP, Dinas (each handler scopes its queries to the user's region).
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		// users: staff routes
		// clinics: staff routes
	})

	// selection: national admin routes (rubrics, assignment, runs, publication, pembekalan)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(adminOnly...))
		r.Get("/admin/seleksi", s.selectionHome)
		r.Get("/admin/seleksi/{cohort}", s.selectionCohort)
		r.Get("/admin/seleksi/{cohort}/rubrik/{stage}", s.rubricPage)
		r.Post("/admin/seleksi/{cohort}/rubrik/{stage}", s.saveRubric)
		r.Post("/admin/seleksi/{cohort}/tugaskan/{stage}", s.autoAssign)
		r.Get("/admin/seleksi/{cohort}/beban", s.workload)
		r.Post("/admin/seleksi/lembar/{sheet}/pindah", s.reassign)
		r.Post("/admin/seleksi/{cohort}/hasil", s.createRun)
		r.Post("/admin/seleksi/hasil/{run}/umumkan", s.publishRun)
		r.Get("/admin/seleksi/hasil/{run}/pembekalan", s.seatsPage)
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/kedaluwarsa", s.expireSeats)
		r.Post("/admin/seleksi/hasil/{run}/pembekalan/{seat}/hadir", s.attendSeat)
		r.Get("/admin/seleksi/{cohort}/jadwal", s.schedulePage)
		r.Post("/admin/seleksi/{cohort}/jadwal", s.scheduleTahap2)
		r.Post("/admin/seleksi/jadwal/{slot}/ubah", s.approveReschedule)
		r.Post("/admin/seleksi/jadwal/{slot}/status", s.markSlot)
	})

	// selection: result review (admin, BGP, Dinas; each query limited to the viewer's region)
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(staff...))
		r.Get("/seleksi/hasil", s.runsPage)
		r.Get("/seleksi/hasil/{run}", s.runPage)
	})

	// selection: BGP sign-off
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleBGP))
		r.Post("/seleksi/hasil/{run}/setujui", s.signOffRun)
	})

	// selection: assessor scoring
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleAsesor))
		r.Get("/asesor/penilaian", s.assessorSheets)
		r.Get("/asesor/penilaian/{sheet}", s.sheetPage)
		r.Post("/asesor/penilaian/{sheet}", s.saveSheet)
	})

	// selection: applicant results and pembekalan
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(account.RoleGuru))
		r.Get("/seleksi/saya", s.myResult)
		r.Post("/seleksi/kursi/{seat}/konfirmasi", s.confirmSeat)
		r.Post("/seleksi/kursi/{seat}/tolak", s.declineSeat)
		r.Post("/seleksi/jadwal/{slot}/ubah", s.requestReschedule)
	})

	// Development only.
	if s.cfg.Dev() {
		r.Group(func(r chi.Router) {
			// mail: development outbox
		})
	}
	return r
}
