package selectionpage

import (
	"context"

	"penggerak/web/i18n"
)

// runReason is a run's reason in the reader's language: a reason written by the system is
// stored language-neutral (key names its catalogue text, reason its data), one typed by staff
// is shown as typed.
func runReason(ctx context.Context, key, reason string) string {
	if key == "" {
		return reason
	}
	return i18n.T(ctx, key, map[string]any{"Appeals": reason})
}
