package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application"
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

// dashboard shows one section per role the signed-in user holds. Roles come from role_grants
// on every request (loadPrincipal), so a granted or revoked role shows here on the next request.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	props, err := s.dashboardProps(r.Context(), principal(r))
	if err == nil {
		err = s.addClinicCards(r, &props)
	}
	if err == nil {
		err = s.addSelectionCards(r, &props)
	}
	if err == nil {
		err = s.addTrainingCards(r, &props) // training (issue 10)
	}
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	// recruitment: open cohorts for the teacher, and why not when they may not apply.
	if principal(r).Has(account.RoleGuru) {
		rec, err := s.recruitmentSection(r)
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		props.Add(account.RoleGuru, dashboard.RecruitmentCard(*rec))
	}
	s.render(w, r, http.StatusOK, dashboard.Page(s.base(r, "dashboard.title"), props))
}

// dashboardProps builds the sections of the dashboard, the widest role first (admin … guru, as
// every account holds guru), with each role's own cards; every figure is counted in SQL within
// the grant's scope. Features add their cards to a role's section with props.Add after the
// built-in ones.
func (s *Server) dashboardProps(ctx context.Context, p *account.Principal) (dashboard.Props, error) {
	props := dashboard.Props{Name: p.User.Name}
	for i := len(account.AllRoles) - 1; i >= 0; i-- {
		role := account.AllRoles[i]
		var grants []account.Grant
		for _, g := range p.Grants {
			if g.Role == role {
				grants = append(grants, g)
			}
		}
		if len(grants) == 0 {
			continue
		}
		sec := dashboard.Section{Role: role, Grants: grants}
		switch role {
		case account.RoleGuru:
			complete, err := s.overview.HasTeacherProfile(ctx, p.User.ID)
			if err != nil {
				return props, err
			}
			if !complete && p.HasAny(account.RoleAdmin, account.RoleBGP, account.RoleDinas) {
				// A staff account is not asked to complete a teacher's profile: the teacher's
				// section (and the cards features add to it) is left out until it has one.
				continue
			}
			st := dashboard.GuruStatus{EmailVerified: p.User.EmailVerifiedAt != nil, ProfileComplete: complete}
			if err := s.openRegistrations(ctx, p.User.ID, &st); err != nil {
				return props, err
			}
			sec.Cards = append(sec.Cards, dashboard.GuruCard(st))
		case account.RoleAsesor, account.RolePengajarPraktik, account.RoleFasilitator:
			for _, g := range grants {
				sec.Cards = append(sec.Cards, dashboard.ScopeCard(string(role), g.ScopeName))
			}
		case account.RoleDinas, account.RoleBGP, account.RoleAdmin:
			for _, g := range grants {
				c, err := s.overview.RegionCounts(ctx, g.Scope)
				if err != nil {
					return props, err
				}
				f := dashboard.RegionFigures{ScopeName: g.ScopeName, Counts: c}
				if role == account.RoleAdmin {
					sec.Cards = append(sec.Cards, dashboard.AdminCard(f))
				} else {
					sec.Cards = append(sec.Cards, dashboard.RegionCard(f))
				}
			}
			if role == account.RoleBGP {
				sec.Cards = append(sec.Cards, dashboard.BGPLinksCard())
			}
		}
		props.Sections = append(props.Sections, sec)
	}
	return props, nil
}

// openRegistrations fills in the cohorts open for registration now and whether the teacher has
// applied to one, so the profile card's next step matches the registration card below it.
func (s *Server) openRegistrations(ctx context.Context, userID int64, st *dashboard.GuruStatus) error {
	open, err := s.cohorts.OpenForRegistration(ctx, s.now())
	if err != nil || len(open) == 0 {
		return err
	}
	mine, err := s.applications.Mine(ctx, userID)
	if err != nil {
		return err
	}
	for _, c := range open {
		st.OpenNames = append(st.OpenNames, c.Name)
		if a, ok := mine[c.ID]; ok && a.Status != application.StatusWithdrawn {
			st.Applied = true
		}
	}
	return nil
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
