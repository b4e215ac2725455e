package selectionpage

import (
	"context"
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
