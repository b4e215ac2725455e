package server

import (
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/exportjob"
	"penggerak/internal/report"
	"penggerak/web/i18n"
	reportpage "penggerak/web/pages/report"
)

// Reports (issue 13): dashboards per cohort, the clinic report, exports. Every figure is
// counted in SQL inside the viewer's scope (watchScope: the same as the regional application
// list), so what a Dinas sees never includes another region.

func (s *Server) reports() *report.Store { return report.NewStore(s.db).WithLabels(s.exportLabels()) }

// exportLabels writes the status texts of exports in Bahasa Indonesia, the language of their
// headers, from the catalogue.
func (s *Server) exportLabels() report.Labels { return NewLabels(s.i18n) }

// NewLabels is the catalogue's Indonesian text of a message key, for exports (also used by
// the background export job).
func NewLabels(b *i18n.Bundle) report.Labels {
	l := b.Localizer("id")
	return func(key string) string { return l.T(key) }
}

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

func (s *Server) reportIndex(w http.ResponseWriter, r *http.Request) error {
	list, err := s.reports().Cohorts(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, reportpage.Index(s.base(r, "report.index.title"),
		reportpage.IndexProps{Cohorts: list, ScopeName: reportScopeName(principal(r)),
			CanExportUsers: principal(r).HasAny(account.RoleAdmin, account.RoleBGP)}))
	return nil
}

func (s *Server) reportDashboard(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "cohort")
	if !ok {
		return nil
	}
	p := principal(r)
	d, err := s.reports().Dashboard(r.Context(), watchScope(p), id, reportPublishedOnly(p))
	if err != nil {
		return err
	}
	by := report.SortQuotas(d.Quotas, r.URL.Query().Get("urut"))
	b := s.base(r, "report.index.title")
	b.Title = d.Cohort.Name
	s.render(w, r, http.StatusOK, reportpage.Dashboard(b, reportpage.DashboardProps{D: d, Sort: by,
		ScopeName: reportScopeName(p), PublishedOnly: reportPublishedOnly(p)}))
	return nil
}

func (s *Server) reportClinics(w http.ResponseWriter, r *http.Request) error {
	rows, totals, err := s.reports().ClinicReport(r.Context(), staffScope(r))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, reportpage.Clinics(s.base(r, "report.clinic.title"), reportpage.ClinicProps{Rows: rows, Totals: totals}))
	return nil
}

// serveExport writes an export to a temporary file (on disk, not in memory), audits it with
// its filters and row count, then sends it as an attachment. Nothing is sent when the query
// or the audit fails, so every delivered export is in the audit log.
func (s *Server) serveExport(w http.ResponseWriter, r *http.Request, kind, object string, filters map[string]any,
	write func(export.Writer) (int, error)) error {
	f, ok := export.ParseFormat(r.URL.Query().Get("format"))
	if !ok {
		return database.ErrNotFound
	}
	tmp, err := os.CreateTemp("", "ekspor-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	xw, err := export.New(f, tmp, kind)
	if err != nil {
		return err
	}
	n, err := write(xw)
	if err == nil {
		err = xw.Close()
	}
	if err == nil {
		err = s.reports().RecordExport(r.Context(), actor(r), kind, object, f, filters, n)
	}
	if err != nil {
		return err
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	name := kind
	if object != "" {
		name += "-" + object
	}
	name += "-" + s.now().In(report.TZ).Format("20060102-1504") + "." + string(f)
	w.Header().Set("Content-Type", f.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = io.Copy(w, tmp)
	return nil
}

func (s *Server) exportApplications(w http.ResponseWriter, r *http.Request) error {
	var f application.Filter
	if err := s.forms.Decode(&f, r.URL.Query()); err != nil {
		return errBadRequest
	}
	f.After = 0
	filters := map[string]any{"angkatan": f.CohortID, "status": f.Status, "kab": f.Regency, "jenjang": f.Jenjang, "npsn": f.NPSN, "q": f.Query}
	return s.exportOrQueue(w, r, exportjob.Spec{Kind: report.ExportApplications, Filters: filters,
		Query: exportjob.Query{Scope: watchScope(principal(r)), Filter: f}})
}

func (s *Server) exportVerval(w http.ResponseWriter, r *http.Request) error {
	cohort, err := strconv.ParseInt(r.URL.Query().Get("angkatan"), 10, 64)
	if err != nil || cohort <= 0 {
		return database.ErrNotFound
	}
	return s.exportOrQueue(w, r, exportjob.Spec{Kind: report.ExportVerval, Object: strconv.FormatInt(cohort, 10), Filters: map[string]any{"angkatan": cohort},
		Query: exportjob.Query{Scope: watchScope(principal(r)), Cohort: cohort}})
}

func (s *Server) exportRun(w http.ResponseWriter, r *http.Request) error {
	id, ok := s.idParam(w, r, "run")
	if !ok {
		return nil
	}
	rf, publishedOnly := regionFilter(principal(r))
	return s.exportOrQueue(w, r, exportjob.Spec{Kind: report.ExportRun, Object: strconv.FormatInt(id, 10), Filters: map[string]any{"run": id},
		Query: exportjob.Query{Run: id, Region: rf, PublishedOnly: publishedOnly}})
}

func (s *Server) exportUsers(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	var provinces []string
	for _, g := range p.Scopes(account.RoleBGP) {
		provinces = append(provinces, g.ProvinceCode)
	}
	return s.exportOrQueue(w, r, exportjob.Spec{Kind: report.ExportUsers, Filters: map[string]any{"provinces": provinces},
		Query: exportjob.Query{National: p.Has(account.RoleAdmin), Provinces: provinces}})
}

// assessorScope: the national admin sees every assessor, a BGP those granted in its province.
func assessorScope(p *account.Principal) report.AssessorScope {
	if p.Has(account.RoleAdmin) {
		return report.AssessorScope{National: true}
	}
	var sc report.AssessorScope
	for _, g := range p.Scopes(account.RoleBGP) {
		sc.Provinces = append(sc.Provinces, g.ProvinceCode)
	}
	return sc
}

func (s *Server) reportAssessors(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cohorts, err := s.reports().Cohorts(ctx)
	if err != nil {
		return err
	}
	p := reportpage.AssessorProps{Cohorts: cohorts}
	if v := r.URL.Query().Get("angkatan"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return database.ErrNotFound
		}
		if _, err := s.reports().Cohort(ctx, id); err != nil {
			return err
		}
		p.CohortID = id
		if p.Rows, p.Pairs, err = s.reports().Assessors(ctx, id, assessorScope(principal(r))); err != nil {
			return err
		}
	}
	s.render(w, r, http.StatusOK, reportpage.Assessors(s.base(r, "report.assessors.title"), p))
	return nil
}

func (s *Server) exportAssessors(w http.ResponseWriter, r *http.Request) error {
	cohort, err := strconv.ParseInt(r.URL.Query().Get("angkatan"), 10, 64)
	if err != nil || cohort <= 0 {
		return database.ErrNotFound
	}
	if _, err := s.reports().Cohort(r.Context(), cohort); err != nil {
		return err
	}
	return s.serveExport(w, r, "asesor", strconv.FormatInt(cohort, 10), map[string]any{"angkatan": cohort}, func(xw export.Writer) (int, error) {
		return s.reports().ExportAssessors(r.Context(), cohort, assessorScope(principal(r)), xw)
	})
}
