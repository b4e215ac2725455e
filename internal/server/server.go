// Package server is the HTTP layer: routes, middleware, rendering and one file of handlers per
// feature. It is the only package that knows about HTTP; handlers parse the request, call the
// feature's store or rules, and render a page.
package server

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/go-playground/form/v4"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/cohort"
	"penggerak/internal/config"
	"penggerak/internal/exportjob"
	"penggerak/internal/overview"
	"penggerak/internal/region"
	"penggerak/internal/storage"
	"penggerak/web/i18n"
)

// Deps are the server's collaborators, built by the caller (cmd/penggerak or a test).
type Deps struct {
	DB     *pgxpool.Pool
	Logger *slog.Logger
	// PasswordParams are the argon2id parameters for new passwords (cheap ones in tests).
	PasswordParams argon2id.Params
	// Now is the clock; tests move it to check deadlines. Defaults to time.Now.
	Now func() time.Time
	// Registry receives the server's metrics; nil means a new registry.
	Registry *prometheus.Registry
	// Files keeps uploaded files; nil means the local folder cfg.UploadDir.
	Files storage.Store
}

// Server holds everything handlers need. Build it with New.
type Server struct {
	cfg      config.Config
	db       *pgxpool.Pool
	log      *slog.Logger
	now      func() time.Time
	i18n     *i18n.Bundle
	sessions *scs.SessionManager
	store    *sessionStore
	forms    *form.Decoder
	metrics  *metrics
	files    storage.Store

	accounts *account.Store
	regions  *region.Store
	audit    *audit.Store
	clinics  *clinic.Store
	overview *overview.Store
	// recruitment
	cohorts      *cohort.Store
	applications *application.Store
	// exports queued as background jobs (issue 13)
	exportJobs *exportjob.Store

	router         chi.Router
	handler        http.Handler
	metricsHandler http.Handler
}

// MetricsHandler serves the Prometheus metrics (GET and HEAD /metrics, 404 elsewhere). It is
// served on its own listen address (METRICS_ADDR, loopback by default), never on the public one.
// The Go profiles (net/http/pprof, /debug/pprof/) are there too, for a client on this machine
// only (see pprofHandler).
func (s *Server) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/debug/pprof/") {
			pprofHandler(w, r)
			return
		}
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		s.metricsHandler.ServeHTTP(w, r)
	})
}

// New builds the server and its routes.
func New(cfg config.Config, d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	if d.Files == nil {
		d.Files = storage.NewLocal(cfg.UploadDir)
	}
	if d.PasswordParams.Memory == 0 {
		d.PasswordParams = account.DefaultParams
	}
	s := &Server{
		cfg:     cfg,
		db:      d.DB,
		log:     d.Logger,
		now:     d.Now,
		i18n:    i18n.MustLoad(),
		forms:   form.NewDecoder(),
		metrics: newMetrics(d.Registry),
		files:   d.Files,
		accounts: account.NewStore(d.DB, d.PasswordParams).WithLimits(account.Limits{
			FailuresPerAddress: cfg.LoginFailuresPerAddress, LinksPerAddress: cfg.LinkRequestsPerAddress}),
		regions:  region.NewStore(d.DB),
		audit:    audit.NewStore(d.DB),
		clinics:  clinic.NewStore(d.DB, clinic.NewSigner(cfg.SecretKey), cfg.BaseURL),
		overview: overview.NewStore(d.DB),
	}
	s.clinics = s.clinics.WithCatalogue(NewCatalogue(s.i18n)) // clinic mails in the recipient's language
	s.cohorts = cohort.NewStore(d.DB)
	s.applications = application.NewStore(d.DB, d.Files).WithLetter(NewLetter(s.i18n, cfg.BaseURL))
	s.exportJobs = exportjob.NewStore(d.DB)
	s.store = newSessionStore(d.DB, s.accounts, 10*time.Minute)
	s.sessions = scs.New()
	s.sessions.Store = s.store
	s.sessions.Codec = SessionCodec{}
	s.sessions.Lifetime = 12 * time.Hour
	s.sessions.IdleTimeout = 2 * time.Hour
	s.sessions.Cookie.Name = "penggerak_session"
	s.sessions.Cookie.HttpOnly = true
	s.sessions.Cookie.SameSite = http.SameSiteLaxMode
	s.sessions.Cookie.Secure = cfg.SessionSecure
	s.sessions.ErrorFunc = s.sessionError
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.loadAndSave(s.loadPrincipal(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.clientError(w, r, http.StatusForbidden, "error.cross_origin")
	}))))
	s.router = s.routes()
	s.metricsHandler = promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})
	s.handler = s.securityHeaders(cop.Handler(s.router))
	return s
}

// loadAndSave is scs's LoadAndSave behind a writer that a failed session save can seal: scs
// saves the session when the handler first writes (a redirect, say), and when that save fails
// its ErrorFunc writes the error page; the handler's own status and body that follow are then
// dropped instead of producing a second response ("superfluous WriteHeader").
func (s *Server) loadAndSave(next http.Handler) http.Handler {
	h := s.sessions.LoadAndSave(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&sealWriter{ResponseWriter: w}, r.WithContext(withSessionLoad(r.Context())))
	})
}

// sessionError is scs's ErrorFunc: the error page once, then nothing more.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	sw, _ := w.(*sealWriter)
	if sw != nil && sw.wroteHeader {
		// The response is already on its way (the save ran at the first Write after an
		// explicit WriteHeader): log it; a second status cannot be sent.
		s.log.ErrorContext(r.Context(), "session save failed after the response started", "error", err.Error())
		sw.sealed = true
		return
	}
	for _, h := range []string{"Location", "Content-Disposition", "Content-Length", "Content-Encoding"} {
		w.Header().Del(h)
	}
	s.serveError(w, r, err)
	if sw != nil {
		sw.sealed = true
	}
}

type sealWriter struct {
	http.ResponseWriter
	wroteHeader bool
	sealed      bool
}

func (w *sealWriter) WriteHeader(code int) {
	if w.sealed || w.wroteHeader {
		return
	}
	w.wroteHeader = true
	w.ResponseWriter.WriteHeader(code)
}

func (w *sealWriter) Write(b []byte) (int, error) {
	if w.sealed {
		return len(b), nil
	}
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

func (w *sealWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Close stops background work (the session cleanup).
func (s *Server) Close() { s.store.StopCleanup() }

// Routes lists every route as "METHOD pattern", for the authorization matrix test.
func (s *Server) Routes() []string {
	var out []string
	_ = chi.Walk(s.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		out = append(out, method+" "+route)
		return nil
	})
	return out
}
