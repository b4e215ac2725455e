package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"penggerak/web/pages/dashboard"
	"penggerak/web/pages/public"
)

func itoa(n int) string { return strconv.Itoa(n) }

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, public.Home(s.base(r, "home.title")))
}

func (s *Server) dataNotice(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, public.DataNotice(s.base(r, "data.title")))
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	props := dashboard.Props{Name: p.User.Name, Grants: p.Grants, Clinic: s.clinicDashboard(r)}
	s.render(w, r, http.StatusOK, dashboard.Page(s.base(r, "dashboard.title"), props))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// readyz reports whether the database answers; load balancers stop sending traffic when not.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.db.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
