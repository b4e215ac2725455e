// Package report has the report pages: the list of dashboards, a cohort's recruitment
// dashboard, and the clinic report, each chart drawn by web/components/chart with its table.
package report

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"penggerak/internal/report"
	"penggerak/web/components"
	"penggerak/web/components/chart"
	"penggerak/web/i18n"
)

// IndexProps lists the cohorts with a dashboard.
type IndexProps struct {
	Cohorts []report.Cohort
	// ScopeName names the viewer's region ("" for national).
	ScopeName string
	// CanExportUsers: the admin and BGP admins may export users and role grants.
	CanExportUsers bool
}

// DashboardProps is one cohort's dashboard.
type DashboardProps struct {
	D         report.Dashboard
	Sort      string // the quota table's order (report.Sort*)
	ScopeName string
	// PublishedOnly is true for viewers who see published runs only (a Dinas).
	PublishedOnly bool
}

// ClinicProps is the clinic report.
type ClinicProps struct {
	Rows   []report.ClinicRow
	Totals report.ClinicTotals
}

func pct(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1) + "%"
}

func funnelChart(ctx context.Context, d report.Dashboard) chart.Funnel {
	f := chart.Funnel{ID: "corong", Title: i18n.T(ctx, "report.funnel.title"),
		Heads: [4]string{i18n.T(ctx, "report.funnel.stage"), i18n.T(ctx, "report.count"), i18n.T(ctx, "report.funnel.drop"), i18n.T(ctx, "report.funnel.share")}}
	for _, st := range report.FunnelStages {
		f.Stages = append(f.Stages, chart.Stage{Label: i18n.T(ctx, "report.funnel."+st), Value: d.Funnel[st]})
	}
	return f
}

func dayLabels(d report.Dashboard) []string {
	out := make([]string, len(d.Days))
	for i, day := range d.Days {
		out[i] = day.Date.Format("02/01")
	}
	return out
}

func registrationsChart(ctx context.Context, d report.Dashboard) chart.Columns {
	c := chart.Columns{ID: "harian", Title: i18n.T(ctx, "report.daily.registered"), Labels: dayLabels(d), Mark: -1, MaxTag: i18n.T(ctx, "report.max"),
		Heads: [2]string{i18n.T(ctx, "report.date"), i18n.T(ctx, "report.count")}}
	for _, day := range d.Days {
		c.Values = append(c.Values, float64(day.Registered))
	}
	return c
}

func submissionsChart(ctx context.Context, d report.Dashboard) chart.Columns {
	c := chart.Columns{ID: "kirim", Title: i18n.T(ctx, "report.daily.submitted"), Labels: dayLabels(d), Mark: d.DeadlineDay,
		MarkTag: i18n.T(ctx, "report.deadline"), MaxTag: i18n.T(ctx, "report.max"),
		Heads: [2]string{i18n.T(ctx, "report.date"), i18n.T(ctx, "report.count")}}
	for _, day := range d.Days {
		c.Values = append(c.Values, float64(day.Submitted))
	}
	return c
}

func quotaChart(ctx context.Context, d report.Dashboard) chart.Bars {
	b := chart.Bars{ID: "kuota", Title: i18n.T(ctx, "report.quota.title"), Caption: i18n.T(ctx, "report.regency"),
		Series: []chart.Series{{Name: i18n.T(ctx, "report.quota")}, {Name: i18n.T(ctx, "report.lulus")}}}
	for _, q := range d.Quotas {
		b.Labels = append(b.Labels, q.Name)
		b.Series[0].Values = append(b.Series[0].Values, float64(q.Quota))
		b.Series[1].Values = append(b.Series[1].Values, float64(q.Lulus))
	}
	return b
}

// rateLabel translates the values of the dimensions that have codes.
func rateLabel(ctx context.Context, dim string, r report.Rate) string {
	switch {
	case dim == report.ByGender && r.Key != "":
		return i18n.T(ctx, "report.gender."+r.Key)
	case r.Key == "":
		return i18n.T(ctx, "report.unknown")
	}
	return r.Label
}

func rateChart(ctx context.Context, d report.Dashboard, dim string) chart.Bars {
	head := "report.rates." + dim
	if dim == report.ByRegion && d.RegionIsProvince {
		head = "report.rates.province"
	}
	b := chart.Bars{ID: "lulus-" + dim, Title: i18n.T(ctx, "report.rates.title", map[string]any{"By": i18n.T(ctx, head)}),
		Caption: i18n.T(ctx, head), Percent: true, Series: []chart.Series{{Name: i18n.T(ctx, "report.rates.percent")}}}
	for _, r := range d.Rates[dim] {
		b.Labels = append(b.Labels, rateLabel(ctx, dim, r))
		b.Series[0].Values = append(b.Series[0].Values, r.Percent())
	}
	return b
}

func progressChart(ctx context.Context, d report.Dashboard) chart.Bars {
	b := chart.Bars{ID: "asesor", Title: i18n.T(ctx, "report.progress.title"), Caption: i18n.T(ctx, "report.stage"),
		Series: []chart.Series{{Name: i18n.T(ctx, "report.progress.done")}, {Name: i18n.T(ctx, "report.progress.overdue")}}}
	for _, p := range d.Progress {
		b.Labels = append(b.Labels, i18n.T(ctx, "report.stage."+p.Stage)+" ("+components.Int(p.Assigned)+")")
		b.Series[0].Values = append(b.Series[0].Values, float64(p.Done))
		b.Series[1].Values = append(b.Series[1].Values, float64(p.Overdue))
	}
	return b
}

// sortURL is the dashboard's address with the quota table sorted by.
func sortURL(cohort int64, by string) string {
	return "/laporan/angkatan/" + components.Int(cohort) + "?" + url.Values{"urut": {by}}.Encode() + "#tabel-kuota"
}

// RateDims are the pass-rate dimensions in page order.
var RateDims = []string{report.ByJenjang, report.ByGender, report.ByEmployment, report.ByRegion}

func scopeName(ctx context.Context, name string) string {
	if name == "" {
		return i18n.T(ctx, "scope.national")
	}
	return name
}

func dateOf(c report.ClinicRow) string {
	if c.StartsAt == nil {
		return "–"
	}
	return c.StartsAt.In(report.TZ).Format("02/01/2006")
}

func rating(c report.ClinicRow) string {
	if c.MeanScore == nil {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(*c.MeanScore, 'f', 1, 64), ".", ",", 1)
}

func attendanceChart(ctx context.Context, p ClinicProps) chart.Bars {
	b := chart.Bars{ID: "hadir", Title: i18n.T(ctx, "report.clinic.rate_title"), Caption: i18n.T(ctx, "report.clinic.event"), Percent: true,
		Series: []chart.Series{{Name: i18n.T(ctx, "report.clinic.rate")}}}
	for _, c := range p.Rows {
		b.Labels = append(b.Labels, c.Title)
		b.Series[0].Values = append(b.Series[0].Values, c.AttendanceRate())
	}
	return b
}

// clinicExport is one download of an event's lists on the clinic report.
type clinicExport struct{ Href, Text, Label string }

// clinicExports are the registrant and attendance lists of event c as XLSX and CSV, the
// downloads of the event's own page (/staf/klinik/{id}/…); each link's accessible name starts
// with its visible text and names the event.
func clinicExports(ctx context.Context, c report.ClinicRow) []clinicExport {
	base := "/staf/klinik/" + components.Int(c.ID) + "/"
	var out []clinicExport
	for _, list := range []struct{ file, key string }{{"peserta", "report.clinic.registrants"}, {"presensi", "report.clinic.attendance"}} {
		for _, f := range []string{"xlsx", "csv"} {
			text := i18n.T(ctx, list.key) + " " + strings.ToUpper(f)
			out = append(out, clinicExport{Href: base + list.file + "." + f, Text: text, Label: text + ": " + c.Title})
		}
	}
	return out
}

func reachChart(ctx context.Context, p ClinicProps) chart.Bars {
	b := chart.Bars{ID: "jangkau", Title: i18n.T(ctx, "report.clinic.reach_title"), Caption: i18n.T(ctx, "report.clinic.event"),
		Series: []chart.Series{{Name: i18n.T(ctx, "report.clinic.invited")}, {Name: i18n.T(ctx, "report.clinic.reached")}}}
	for _, c := range p.Rows {
		b.Labels = append(b.Labels, c.Title)
		b.Series[0].Values = append(b.Series[0].Values, float64(c.Invited))
		b.Series[1].Values = append(b.Series[1].Values, float64(c.Reached))
	}
	return b
}

// AssessorProps is the assessor analytics of a cohort.
type AssessorProps struct {
	Cohorts  []report.Cohort
	CohortID int64
	Rows     []report.AssessorRow
	Pairs    []report.Pair
}

func f2(v float64) string { return strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), ".", ",", 1) }

func signed(v float64) string {
	if v > 0 {
		return "+" + f2(v)
	}
	return f2(v)
}

func assessorChart(ctx context.Context, p AssessorProps) chart.Bars {
	b := chart.Bars{ID: "asesor-nilai", Title: i18n.T(ctx, "report.assessors.chart"), Caption: i18n.T(ctx, "report.assessors.name"),
		Series: []chart.Series{{Name: i18n.T(ctx, "report.assessors.mean")}, {Name: i18n.T(ctx, "report.assessors.others")}}}
	for _, a := range p.Rows {
		b.Labels = append(b.Labels, a.Name)
		b.Series[0].Values = append(b.Series[0].Values, a.Mean)
		b.Series[1].Values = append(b.Series[1].Values, a.OthersMean)
	}
	return b
}
