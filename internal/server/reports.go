package server

import (
	"net/http"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/report"
	reportpage "penggerak/web/pages/report"
)

// Reports (issue 13): dashboards per cohort, the clinic report, exports. Every figure is
// counted in SQL inside the viewer's scope (watchScope: the same as the regional application
// list), so what a Dinas sees never includes another region.

func (s *Server) reports() *report.Store { return report.NewStore(s.db) }

// reportScopeName names the viewer's regions ("" for the national admin).
func reportScopeName(p *account.Principal) string {
	if p.Has(account.RoleAdmin) {
		return ""
	}
	var names []string
	for _, g := range p.Grants {
		if (g.Role == account.RoleBGP || g.Role == account.RoleDinas) && g.ScopeName != "" {
			names = append(names, g.ScopeName)
		}
	}
	return strings.Join(names, ", ")
}

// reportPublishedOnly: a viewer without an admin or BGP grant (a Dinas) sees published results
// only, as on the result pages.
func reportPublishedOnly(p *account.Principal) bool {
	_, publishedOnly := regionFilter(p)
	return publishedOnly
}

func (s *Server) reportIndex(w http.ResponseWriter, r *http.Request) {
	list, err := s.reports().Cohorts(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, reportpage.Index(s.base(r, "report.index.title"),
		reportpage.IndexProps{Cohorts: list, ScopeName: reportScopeName(principal(r))}))
}

func (s *Server) reportDashboard(w http.ResponseWriter, r *http.Request) {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return
	}
	p := principal(r)
	d, err := s.reports().Dashboard(r.Context(), watchScope(p), id, reportPublishedOnly(p))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	by := report.SortQuotas(d.Quotas, r.URL.Query().Get("urut"))
	b := s.base(r, "report.index.title")
	b.Title = d.Cohort.Name
	s.render(w, r, http.StatusOK, reportpage.Dashboard(b, reportpage.DashboardProps{D: d, Sort: by,
		ScopeName: reportScopeName(p), PublishedOnly: reportPublishedOnly(p)}))
}

func (s *Server) reportClinics(w http.ResponseWriter, r *http.Request) {
	rows, totals, err := s.reports().ClinicReport(r.Context(), staffScope(r))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, reportpage.Clinics(s.base(r, "report.clinic.title"), reportpage.ClinicProps{Rows: rows, Totals: totals}))
}
