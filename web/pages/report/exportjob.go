package report

import (
	"context"
	"strconv"
	"strings"
	"time"

	"penggerak/internal/exportjob"
	"penggerak/web/i18n"
)

// ExportJobProps is the page of one queued export.
type ExportJobProps struct {
	Job exportjob.Job
	// Now is the time the page is shown (expiry of the link).
	Now time.Time
	// DownloadURL is the link to the file (with its token) once it is ready.
	DownloadURL string
	// RefreshSeconds is how often the page reloads itself while the export runs.
	RefreshSeconds int
}

// ExportJobsProps lists one's recent queued exports.
type ExportJobsProps struct {
	Jobs []exportjob.Job
	Now  time.Time
}

// ExportLargeProps asks to queue an export too large to be written within the request.
type ExportLargeProps struct {
	Kind string
	Rows int
	// Action is the export's own address (with its filters): posting to it queues the export.
	Action string
	Email  string
	// TooMany: the user already has MaxActive exports waiting or running.
	TooMany   bool
	MaxActive int
}

// group writes n with dots between thousands, as Indonesians write numbers (250.000).
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// progressMax is the bar's maximum: the rows expected, never below the rows written.
func progressMax(j exportjob.Job) int64 { return max(j.RowsExpected, j.RowsDone, 1) }

func progressText(ctx context.Context, j exportjob.Job) string {
	pct := float64(j.RowsDone) * 100 / float64(progressMax(j))
	return i18n.T(ctx, "exportjob.progress", map[string]any{"Done": group(j.RowsDone), "Expected": group(j.RowsExpected),
		"Percent": strings.Replace(strconv.FormatFloat(pct, 'f', 0, 64), ".", ",", 1)})
}

func kindName(ctx context.Context, kind, object string) string {
	name := i18n.T(ctx, "exportjob.kind."+kind)
	if object != "" {
		name += " #" + object
	}
	return name
}

// wib writes a time in Western Indonesian Time.

func sizeText(n *int64) string {
	if n == nil {
		return ""
	}
	mb := float64(*n) / (1 << 20)
	if mb < 0.1 {
		return strconv.FormatInt(max(*n/1024, 1), 10) + " KB"
	}
	return strings.Replace(strconv.FormatFloat(mb, 'f', 1, 64), ".", ",", 1) + " MB"
}

func statusKey(j exportjob.Job, now time.Time) string {
	if j.Expired(now) {
		return "exportjob.status.expired"
	}
	return "exportjob.status." + string(j.Status)
}

func jobURL(j exportjob.Job) string { return "/ekspor/tugas/" + strconv.FormatInt(j.ID, 10) }

func upper(s string) string { return strings.ToUpper(s) }

// ExportJobTitle is the title of a job's page.
func ExportJobTitle(ctx context.Context, j exportjob.Job) string {
	return i18n.T(ctx, "exportjob.title", map[string]any{"Kind": kindName(ctx, j.Kind, j.Object)})
}

// ExportLargeTitle is the title of the page that offers to queue a large export.
func ExportLargeTitle(ctx context.Context, kind string) string {
	return i18n.T(ctx, "exportjob.large.title", map[string]any{"Kind": kindName(ctx, kind, "")})
}
