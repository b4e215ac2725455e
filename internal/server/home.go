package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/overview"
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
// Every figure of the page is read in one statement (overview.Dashboard: the teacher's profile,
// applications, clinic registrations, selection and training facts, the region figures, the
// clinic events and the open score sheets; six statements before), the open cohorts come from
// the configuration kept in memory; the cards are added in the fixed order built-in, clinic,
// selection, training, recruitment.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	p := principal(r)
	ctx := r.Context()
	q := dashboardQuery(p)
	d, err := s.overview.Dashboard(ctx, q)
	if err != nil {
		s.serveError(w, r, err)
		return
	}
	var rec *dashboard.RecruitmentProps
	if q.Teacher {
		open, err := s.cohorts.OpenForRegistration(ctx, s.now())
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		rec = s.recruitment(p, open, d.Teacher)
	}
	props := dashboardProps(p, rec, d.Regions)
	addClinicCards(p, &props, d)
	addSelectionCards(p, &props, d)
	addTrainingCards(&props, d)
	if rec != nil {
		props.Add(account.RoleGuru, dashboard.RecruitmentCard(*rec))
	}
	s.render(w, r, http.StatusOK, dashboard.Page(s.base(r, "dashboard.title"), props))
}

// dashboardProps builds the sections of the dashboard, the widest role first (admin … guru, as
// every account holds guru), with each role's own cards. Features add their cards to a role's
// section with props.Add after the built-in ones. rec is the teacher's recruitment section
// (whether the profile is complete, the open cohorts and the teacher's applications to them),
// set whenever the principal holds guru; regions are the figures of regionGrants(p), in order,
// each counted in SQL within the grant's scope.
func dashboardProps(p *account.Principal, rec *dashboard.RecruitmentProps, regions []overview.Counts) dashboard.Props {
	props := dashboard.Props{Name: p.User.Name}
	next := 0 // the next of regions
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
			// rec is set: the principal holds guru (p.Has reads the same grants).
			complete := rec.HasProfile
			if !complete && p.HasAny(account.RoleAdmin, account.RoleBGP, account.RoleDinas) {
				// A staff account is not asked to complete a teacher's profile: the teacher's
				// section (and the cards features add to it) is left out until it has one.
				continue
			}
			st := dashboard.GuruStatus{EmailVerified: p.User.EmailVerifiedAt != nil, ProfileComplete: complete}
			openRegistrations(rec, &st)
			sec.Cards = append(sec.Cards, dashboard.GuruCard(st))
		case account.RoleAsesor, account.RolePengajarPraktik, account.RoleFasilitator:
			for _, g := range grants {
				sec.Cards = append(sec.Cards, dashboard.ScopeCard(string(role), g.ScopeName))
			}
		case account.RoleDinas, account.RoleBGP, account.RoleAdmin:
			for _, g := range grants {
				f := dashboard.RegionFigures{ScopeName: g.ScopeName, Counts: regions[next]}
				next++
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
	return props
}

// openRegistrations fills in the cohorts open for registration now and whether the teacher has
// applied to one, so the profile card's next step matches the registration card below it. The
// recruitment section has read both already (the open cohorts and the teacher's applications).
func openRegistrations(rec *dashboard.RecruitmentProps, st *dashboard.GuruStatus) {
	for _, c := range rec.Open {
		st.OpenNames = append(st.OpenNames, c.Config.Name)
		if c.Application != nil && c.Application.Status != application.StatusWithdrawn {
			st.Applied = true
		}
	}
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
