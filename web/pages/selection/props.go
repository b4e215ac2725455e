// Package selectionpage has the selection pages: rubrics, assignment and workload, scoring,
// result runs with sign-off and publication, the applicant's breakdown and pembekalan.
package selectionpage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"penggerak/internal/application"

	"penggerak/internal/region"
	"penggerak/internal/selection"
	"penggerak/web/i18n"
)

// CohortProps is a cohort's selection overview.
type CohortProps struct {
	Cohort  selection.CohortRow
	Rubrics map[selection.Stage]bool
	Runs    []selection.RunRecord
	// The run form as typed, its field errors and a form-level problem (message keys).
	Corrects int64
	Reason   string
	Errors   map[string]string
	Problem  string
	// Pending, when a run was refused because scores are not final, says how many applicants
	// lack which score and why (shown with Problem).
	Pending *selection.PendingError
}

// PendingText is a refused run's counts in one sentence, e.g. "12 pelamar belum memiliki nilai
// wawancara; 3 pelamar menunggu asesor ketiga (wawancara)".
func PendingText(ctx context.Context, p *selection.PendingError) string {
	if p == nil {
		return ""
	}
	parts := make([]string, 0, len(p.Gaps)+1)
	for _, g := range p.Gaps {
		data := map[string]any{"N": g.Applicants}
		if g.Stage != "" {
			data["Stage"] = i18n.T(ctx, "selection.pending.stage."+string(g.Stage))
		}
		parts = append(parts, i18n.T(ctx, "selection.pending."+string(g.Reason), data))
	}
	if p.OpenSheets > 0 {
		parts = append(parts, i18n.T(ctx, "selection.pending.open_sheets", map[string]any{"N": p.OpenSheets}))
	}
	return strings.Join(parts, "; ") + "."
}

// RubricProps is the rubric form.
type RubricProps struct {
	Cohort selection.CohortRow
	Stage  selection.Stage
	Form   selection.RubricForm
	Errors map[string]string
}

// WorkloadProps is the workload and reassignment page.
type WorkloadProps struct {
	Cohort    selection.CohortRow
	Workloads []selection.Workload
	Sheets    []selection.SheetSummary
	// Regencies are the cohort's kab/kota (the bulk move's filter); Move is that form as typed,
	// MoveErrors a message per field, Preview what the move would do (shown with the
	// confirmation to tick), Moved the last bulk move's result.
	Regencies  []application.TargetRegency
	Move       selection.MoveForm
	MoveErrors map[string]string
	Preview    *selection.SheetMoveResult
	Moved      *selection.SheetMoveResult
}

// RunProps is a result run's review page.
type RunProps struct {
	View    selection.RunView
	Admin   bool
	CanSign []string // provinces the viewer may sign off
	// ProvinceNames names the provinces by code, so sign-offs show "Sumatera Selatan", not "16".
	ProvinceNames map[string]string
	// PublishError is the message key of a refused publication (not confirmed); Override is
	// the override reason typed then, shown again.
	PublishError string
	Override     string
	// Objections are the BGP returns of this run (within the viewer's region) with the answers.
	Objections []selection.Objection
	// CanReturn lists, per province the viewer may return (BGP, not signed off, no open
	// objection), its kab/kota in the run: the return form has a comment for each.
	CanReturn map[string][]selection.Regency
	// A refused return form: what was typed and a message per field (or ReturnError overall).
	ReturnForm   selection.ObjectionForm
	ReturnErrors map[string]string
	ReturnError  string
	// A refused answer: the objection it was for, what was typed and a message per field.
	AnswerFor    int64
	AnswerForm   selection.AnswerForm
	AnswerErrors map[string]string
}

// province is a province's name, or its code when unknown.
func (p RunProps) province(code string) string {
	if n := p.ProvinceNames[code]; n != "" {
		return n
	}
	return code
}

// SheetProps is the scoring page.
type SheetProps struct {
	View   selection.SheetView
	Form   selection.SheetForm
	Errors map[string]string
}

func id(n int64) string      { return strconv.FormatInt(n, 10) }
func num(n int) string       { return strconv.Itoa(n) }
func score(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
func stageKey(s string) string {
	return "selection.stage." + s
}
func outcomeKey(s string) string { return "selection.outcome." + s }

func atZone(t time.Time, tz string) string {
	if tz == "" {
		tz = "WIB"
	}
	return region.FormatTime(t, tz)
}

func formAt(f selection.SheetForm, i int) (string, string) {
	var s, n string
	if i < len(f.Scores) {
		s = f.Scores[i]
	}
	if i < len(f.Notes) {
		n = f.Notes[i]
	}
	return s, n
}

func scoreName(i int) string { return fmt.Sprintf("score-%d", i+1) }

// scoreField is the form name of criterion i's score: indexed, so an unpicked radio group
// does not shift the scores of the criteria after it.
func scoreField(i int) string { return fmt.Sprintf("score[%d]", i) }

// levelID is the id of the radio for value v of criterion i.
func levelID(i, v int) string { return fmt.Sprintf("score-%d-%d", i+1, v) }

// levelChoices reports whether a criterion describes every level of its scale, so the assessor
// picks a level (radio list with each description) instead of typing a number.
func levelChoices(c selection.Criterion) bool {
	return c.Max >= c.Min && len(c.Levels) == c.Max-c.Min+1
}

// barClass is the CSS width class (0-10) of a histogram bar.
func barClass(n, max int) string {
	if max == 0 {
		return "bar w0"
	}
	return fmt.Sprintf("bar w%d", (n*10+max-1)/max)
}

func histMax(h [10]int) int {
	m := 0
	for _, v := range h {
		m = max(m, v)
	}
	return m
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// ScheduleProps is the tahap 2 scheduling page.
type ScheduleProps struct {
	Cohort selection.CohortRow
	Form   selection.ScheduleForm
	Errors map[string]string
	Slots  []selection.Slot
}

func pendingRequest(s selection.Slot) bool {
	return s.RescheduleAskedAt != nil && s.RescheduledAt == nil && s.Status == selection.SlotScheduled
}

// bucket is the label of histogram bucket i (the last one includes 100).
func bucket(i int) string {
	if i == 9 {
		return "90–100"
	}
	return fmt.Sprintf("%d–%d", i*10, i*10+9)
}

// Card is a dashboard card of the selection.
type Card struct {
	TextKey string
	Count   int // -1: no count
	Href    string
	LinkKey string
}
