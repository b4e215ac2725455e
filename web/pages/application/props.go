// Package application has the teacher's application pages (eligibility, the step-by-step form,
// the receipt), the assessor's verval pages and the regional read-only lists.
package application

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"penggerak/internal/application"
	"penggerak/internal/cohort"
	"penggerak/internal/pdp"
	"penggerak/internal/region"
	"penggerak/web/components"
	"penggerak/web/i18n"
)

// ApplyProps is the eligibility page of one cohort.
type ApplyProps struct {
	Cohort   cohort.Config
	Failures []cohort.Failure
	Existing *application.Application
	TZ       string
}

// StepProps is one step of the application (also the receipt and the regional view).
type StepProps struct {
	D        application.Details
	Step     string
	TZ       string
	Now      time.Time
	Editable bool
	CV       application.CVForm
	// EditEntry is the CV entry whose edit form the CV step shows instead of the add form (0:
	// none).
	EditEntry   int64
	Errors      map[string]string
	EssayErrors map[int64]string
	DocErrors   map[int64]string
	Problems    []string
	Message     string
	// SaveTimeout is how long the essay autosave waits for the server before it says the
	// draft is not saved (a little longer than the server's own request deadline).
	SaveTimeout time.Duration
}

// ReceiptProps is the receipt of a submitted application.
type ReceiptProps struct {
	R   application.Receipt
	Now time.Time
}

func receiptURL(p ReceiptProps, suffix string) string {
	return "/lamaran/" + components.Int(p.R.ID) + "/tanda-terima" + suffix
}

func schoolOf(c *application.Content) string {
	if c.Profile.SchoolName == "" {
		return c.Profile.NPSN
	}
	return c.Profile.SchoolName + " (" + c.Profile.NPSN + ")"
}

func essayPrompt(ctx context.Context, e application.ContentEssay, i int) string {
	if e.Prompt != "" {
		return e.Prompt
	}
	return i18n.T(ctx, "application.receipt.essay_n", map[string]any{"N": i + 1})
}

// milestoneText is one step of what happens next, with the cohort's dates.
func milestoneText(ctx context.Context, m application.Milestone, tz string) string {
	when := application.DateRange(m.From, m.To)
	if when == "" {
		when = i18n.T(ctx, "application.receipt.next.later")
	}
	key := m.Key
	if m.Key == "closes" {
		when = inZone(*m.From, tz)
		if m.Done {
			key = "closed"
		}
	}
	return i18n.T(ctx, "application.receipt.next."+key, map[string]any{"When": when, "Months": m.Months, "Days": m.ConfirmDay})
}

// ReviewProps is the assessor's verval page of one application.
type ReviewProps struct {
	D       application.Details
	TZ      string
	ErrDoc  int64
	Form    application.DecisionForm
	Errors  map[string]string
	Message string
}

// WatchProps is the regional list.
type WatchProps struct {
	Filter  application.Filter
	Page    application.Page
	Cohorts []cohort.Cohort
	Query   url.Values
}

// inZone formats t in the time zone tz with its name.
func inZone(t time.Time, tz string) string {
	return region.FormatTime(t, tz)
}

func ptrTime(t *time.Time, tz string) string {
	if t == nil {
		return "–"
	}
	return inZone(*t, tz)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func kb(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa((*n+1023)/1024) + " KB"
}

func short(s *string) string {
	if s == nil || len(*s) < 12 {
		return str(s)
	}
	return (*s)[:12] + "…"
}

func mask(s string) string { return pdp.Mask(s) }

func appURL(d application.Details, step string) string {
	return "/lamaran/" + components.Int(d.ID) + "/" + step
}

func stepIndex(step string) int {
	for i, s := range application.StepSlugs {
		if s == step {
			return i
		}
	}
	return 0
}

func nextURL(q url.Values, after int64) string {
	v := url.Values{}
	for k, vs := range q {
		if k != "setelah" {
			v[k] = vs
		}
	}
	v.Set("setelah", components.Int(after))
	return "/pantau/lamaran?" + v.Encode()
}

func cvIn(d application.Details, section string) []application.CVEntry {
	var out []application.CVEntry
	for _, e := range d.CV {
		if e.Section == section {
			out = append(out, e)
		}
	}
	return out
}

func years(e application.CVEntry) string {
	s := ""
	if e.YearFrom != nil {
		s = components.Int(*e.YearFrom)
	}
	if e.YearTo != nil {
		s += "–" + components.Int(*e.YearTo)
	}
	return s
}

// wordCount counts the words of an answer (runs of non-space characters).
func wordCount(s string) int { return len(strings.Fields(s)) }

// excerpt is the first n characters of s, cut at a word where possible, with "…" when cut.
func excerpt(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndexAny(cut, " \n\t"); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
}

// cvFormURL is where the CV form posts: the entry being edited, or a new entry.
func cvFormURL(p StepProps) string {
	if p.EditEntry != 0 {
		return appURL(p.D, "cv/"+components.Int(p.EditEntry))
	}
	return appURL(p.D, "cv")
}

func canUpload(p StepProps, d application.Document) bool { return p.D.CanUpload(d, p.Now) }

func canWithdraw(p StepProps) bool { return p.D.CanWithdraw(p.Now) }

func vervalDone(d application.Details) bool {
	return d.Status.VervalDecided()
}

func sectionOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for _, s := range application.CVSections {
		out = append(out, components.Option{Value: s, Label: i18n.T(ctx, "application.cv."+s)})
	}
	return out
}

func reasonOptions(ctx context.Context) []components.Option {
	var out []components.Option
	for _, r := range application.VervalReasons {
		out = append(out, components.Option{Value: r, Label: i18n.T(ctx, "verval.reason."+r)})
	}
	return out
}

func errVal(p ReviewProps, docID int64) application.DecisionForm {
	if p.ErrDoc == docID {
		return p.Form
	}
	return application.DecisionForm{}
}

func errFor(p ReviewProps, docID int64, field string) string {
	if p.ErrDoc == docID {
		return p.Errors[field]
	}
	return ""
}

// failureText is the message of a failing eligibility rule, with a role named in the reader's
// language.
func failureText(ctx context.Context, f cohort.Failure) string {
	data := map[string]any{}
	for k, v := range f.Data {
		data[k] = v
	}
	if r, ok := data["Role"].(string); ok {
		data["Role"] = i18n.T(ctx, "role."+r)
	}
	return i18n.T(ctx, f.Key, data)
}

// essayUpdatedMillis is when the server last saved the answer, in milliseconds since the epoch
// ("0" when never): the autosave script compares it with the time a local draft was typed.
func essayUpdatedMillis(e application.Essay) string {
	if e.UpdatedAt == nil {
		return "0"
	}
	return strconv.FormatInt(e.UpdatedAt.UnixMilli(), 10)
}

// exportURL is the address of the export of the regional list with the same filters.
func exportURL(q url.Values, format string) string {
	v := url.Values{}
	for k, vals := range q {
		if k != "setelah" && k != "format" {
			v[k] = vals
		}
	}
	v.Set("format", format)
	return "/ekspor/lamaran?" + v.Encode()
}
