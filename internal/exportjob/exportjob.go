// Package exportjob runs long exports in the background (issue 13). An export whose expected
// row count is above a threshold (EXPORT_JOB_ROWS, 20,000 by default: about the rows an XLSX
// writes in a few seconds) is not written within the request but queued: a row in export_jobs
// keeps the kind, format, filters and the viewer's scope as the request had them, a River job
// ("export_run", worked by internal/jobs) streams the rows into the file storage through the
// same export.Writer, updating the progress every few thousand rows, audits the export with
// its row count and mails the owner a link to the job's page. The owner downloads the file with
// the job's random token until the link expires (EXPORT_LINK_TTL, 24 hours by default); the
// retention job then deletes the file.
//
// The same Spec drives both paths: Write is what the request streams directly and what the
// worker streams into the file, and Count counts exactly those rows within the same scope, so
// a queued export holds exactly the rows the direct one would.
package exportjob

import (
	"context"
	"errors"
	"fmt"
	"time"

	"penggerak/internal/application"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/report"
	"penggerak/internal/selection"
)

// DefaultThreshold is how many rows an export may have and still be written within the
// request: above it the export is queued. BenchmarkStream250k (internal/export, figures in the
// README) writes 250,000 rows of XLSX in about 16 s on a loaded machine, ≈15,000 rows a second,
// so 20,000 rows take one to two seconds, well inside the request deadline.
const DefaultThreshold = 20_000

// DefaultLinkTTL is how long a finished export can be downloaded.
const DefaultLinkTTL = 24 * time.Hour

// Query is the scope and the filters an export runs with, as the request had them. It is
// stored with the job (JSON) and read back by the worker unchanged: the worker applies the
// same region scope and the same published-only rule, never a wider one. A zero Query sees
// nothing (National false with empty region lists).
type Query struct {
	// Scope is the viewer's application scope (lamaran, verval).
	Scope application.Scope `json:"scope"`
	// Filter is the application list's filters (lamaran).
	Filter application.Filter `json:"filter"`
	// Cohort is the cohort of the verval export.
	Cohort int64 `json:"cohort,omitempty"`
	// Run is the result run (hasil), Region the viewer's region over its results and
	// PublishedOnly the rule that a Dinas sees published runs only.
	Run           int64                  `json:"run,omitempty"`
	Region        selection.RegionFilter `json:"region"`
	PublishedOnly bool                   `json:"published_only"`
	// National and Provinces scope the users export (the admin, or a BGP's provinces).
	National  bool     `json:"national"`
	Provinces []string `json:"provinces"`
}

// Spec is one export as requested: what (Kind, Object), in which format, with which filters
// (recorded in the audit log) and within which scope (Query).
type Spec struct {
	Kind    string
	Object  string
	Format  export.Format
	Filters map[string]any
	Query   Query
}

// ErrUnknownKind is returned for an export kind that cannot be queued.
var ErrUnknownKind = errors.New("exportjob: unknown export kind")

// Queueable reports whether exports of kind can run as a job. The assessor analytics export
// is computed whole in memory and has one row per assessor (hundreds): it is always direct.
func Queueable(kind string) bool {
	switch kind {
	case report.ExportApplications, report.ExportVerval, report.ExportRun, report.ExportUsers:
		return true
	}
	return false
}

// Write writes the export of spec into w (header and rows) and returns how many rows it wrote,
// with the status texts from labels.
func Write(ctx context.Context, db database.DB, labels report.Labels, spec Spec, w export.Writer) (int, error) {
	s, q := report.NewStore(db).WithLabels(labels), spec.Query
	switch spec.Kind {
	case report.ExportApplications:
		return s.Applications(ctx, q.Scope, q.Filter, w)
	case report.ExportVerval:
		return s.Verval(ctx, q.Scope, q.Cohort, w)
	case report.ExportRun:
		return s.Run(ctx, q.Run, q.Region, q.PublishedOnly, w)
	case report.ExportUsers:
		return s.Users(ctx, q.National, q.Provinces, w)
	}
	return 0, fmt.Errorf("%w: %q", ErrUnknownKind, spec.Kind)
}

// Count counts the rows Write would write for spec, within the same scope: the sums kept per
// group for the application lists, one indexed count for a run or the role grants (see
// report.CountApplications). It is what decides whether an export is queued.
func Count(ctx context.Context, db database.DB, spec Spec) (int, error) {
	s, q := report.NewStore(db), spec.Query
	switch spec.Kind {
	case report.ExportApplications:
		return s.CountApplications(ctx, q.Scope, q.Filter)
	case report.ExportVerval:
		return s.CountVerval(ctx, q.Scope, q.Cohort)
	case report.ExportRun:
		return s.CountRun(ctx, q.Run, q.Region, q.PublishedOnly)
	case report.ExportUsers:
		return s.CountUsers(ctx, q.National, q.Provinces)
	}
	return 0, fmt.Errorf("%w: %q", ErrUnknownKind, spec.Kind)
}
