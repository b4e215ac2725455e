package selectionpage

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"penggerak/internal/clinic"
	"penggerak/internal/selection"
	"penggerak/web/i18n"
)

// DateData is the message data of a refusal outside a stage's dates: the stage's name and its
// first and last day in the reader's language ("–" when unset).
func DateData(ctx context.Context, d *selection.DateError) map[string]any {
	if d == nil {
		return map[string]any{"Stage": "", "From": "–", "To": "–"}
	}
	return map[string]any{"Stage": i18n.T(ctx, "selection.dates."+d.Stage),
		"From": longDay(ctx, d.Dates.From), "To": longDay(ctx, d.Dates.To)}
}

// longDay is a calendar day in the reader's language: "16 Desember 2026" or "16 December 2026".
func longDay(ctx context.Context, t *time.Time) string {
	if t == nil {
		return "–"
	}
	if i18n.Lang(ctx) == "en" {
		return t.Format("2 January 2006")
	}
	return clinic.TanggalSingkat(*t)
}

// AppealInput is an appeal form as the applicant typed it (RunID 0: none typed).
type AppealInput struct {
	RunID         int64
	Stage, Reason string
}

// MyAppeal is the appeal form state of the applicant's results page.
type MyAppeal struct {
	Input  AppealInput
	Errors map[string]string
}

// For returns the typed input and errors when they belong to run's form.
func (m MyAppeal) For(run int64) (AppealInput, map[string]string) {
	if m.Input.RunID != run {
		return AppealInput{}, nil
	}
	return m.Input, m.Errors
}

// AppealProps is one appeal's page: the appeal with the applicant's scores and, for the national
// admin, the decision forms (Action names the refused form, Decision its typed reason).
type AppealProps struct {
	View     selection.AppealView
	Admin    bool
	Action   string
	Decision string
	Errors   map[string]string
}

// typed is the reason typed into the form of action (kept only for the refused form).
func (p AppealProps) typed(action string) string {
	if p.Action == action {
		return p.Decision
	}
	return ""
}

// errFor is the error of field in the form of action.
func (p AppealProps) errFor(action, field string) string {
	if p.Action != action {
		return ""
	}
	return p.Errors[field]
}

func appealStatusKey(s selection.AppealStatus) string { return "selection.appeal.status." + string(s) }

// sheetLabel names a sheet of the appealed stage without its assessor: "Asesor 1", "Asesor
// ketiga", "Penilaian ulang (sanggah)".
func sheetLabel(ctx context.Context, i int, sh selection.AppealSheet) string {
	switch {
	case sh.Appeal:
		return i18n.T(ctx, "selection.appeal.sheet_rescore")
	case sh.Adjudicator:
		return i18n.T(ctx, "selection.appeal.sheet_third")
	}
	return i18n.T(ctx, "selection.appeal.sheet_n", map[string]any{"N": i + 1})
}

func describe(err, hint string) string {
	switch {
	case err != "" && hint != "":
		return err + " " + hint
	case err != "":
		return err
	}
	return hint
}

func itemScore(sh selection.AppealSheet, i int) string {
	if i < len(sh.Scores) {
		return strconv.Itoa(sh.Scores[i])
	}
	return "–"
}

func ternary(c bool, a, b string) string {
	if c {
		return a
	}
	return b
}

// num2 is a number with up to two decimals, without trailing zeros ("2", "1.5").
func num2(x float64) string { return strconv.FormatFloat(selection.Round2(x), 'f', -1, 64) }

// normalisedText is a criterion's mean put on 0–100 with the applicant's numbers:
// "(3.50 − 1) ÷ (4 − 1) × 100 = 83.33".
func normalisedText(c selection.CriterionBreakdown) string {
	return fmt.Sprintf("(%s − %d) ÷ (%d − %d) × 100 = %s", score(c.Mean), c.Min, c.Max, c.Min, score(c.Normalised()))
}

// stageFormula is the stage score from the criteria with the applicant's numbers:
// "(2 × 100.00 + 1 × 66.67) ÷ (2 + 1) = 88.89".
func stageFormula(st selection.StageBreakdown) string {
	terms, weights := make([]string, len(st.Criteria)), make([]string, len(st.Criteria))
	for i, c := range st.Criteria {
		terms[i] = num2(c.Weight) + " × " + score(c.Normalised())
		weights[i] = num2(c.Weight)
	}
	return "(" + strings.Join(terms, " + ") + ") ÷ (" + strings.Join(weights, " + ") + ") = " + score(st.Score)
}

// overallFormula is the overall score from the stage scores: "(1 × 88.89 + 1 × 75.00) ÷ (1 + 1) = 81.95".
func overallFormula(b selection.Breakdown) string {
	terms, weights := make([]string, len(b.Stages)), make([]string, len(b.Stages))
	for i, st := range b.Stages {
		v := 0.0
		if st.Scored {
			v = st.Score
		}
		terms[i] = num2(st.Weight) + " × " + score(v)
		weights[i] = num2(st.Weight)
	}
	return "(" + strings.Join(terms, " + ") + ") ÷ (" + strings.Join(weights, " + ") + ") = " + score(b.Score)
}

// tieText explains the tie rule that decided the applicant's outcome.
func tieText(ctx context.Context, b selection.Breakdown) string {
	t := b.Tie
	won := "selection.tie.lost"
	if t.Won {
		won = "selection.tie.won"
	}
	data := map[string]any{"Score": score(b.Score), "Mine": score(t.Mine), "Theirs": score(t.Theirs),
		"MyTime": atZone(t.MyTime, b.Timezone), "TheirTime": atZone(t.TheirTime, b.Timezone)}
	return i18n.T(ctx, "selection.tie."+t.Rule, data) + " " + i18n.T(ctx, won)
}

// PreviewProps is the assignment preview page with the cohort's batches.
type PreviewProps struct {
	Cohort  selection.CohortRow
	Preview selection.AssignPreview
	Batches []selection.Batch
	Errors  map[string]string
}
