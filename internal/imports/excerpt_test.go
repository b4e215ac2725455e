package imports_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"penggerak/internal/clinic"
	"penggerak/internal/imports"
)

// A refused cell of thousands of characters is quoted back in part only: the preview (stored
// as JSON until it is committed) never holds the whole of it (issue 11). An address longer
// than an e-mail address can be is refused.
func TestRefusedValuesAreQuotedInPart(t *testing.T) {
	long := strings.Repeat("ábc", 3000)
	_, problems := imports.ParseAssessors([]byte("email;wilayah\na" + long + "@x.test;16.01\nb@x.test;" + long + "\n"))
	_, clinicProblems := clinic.ParseParticipants([]byte("nama;email;npsn\n" + long + ";c@x.test;10600001\n"))
	problems = append(problems, clinicProblems...)
	if len(problems) != 3 {
		t.Fatalf("problems %d, want 3 (long address, long scope, long name): %+v", len(problems), problems)
	}
	for _, p := range problems {
		v, _ := p.Data["Value"].(string)
		if n := utf8.RuneCountInString(v); n == 0 || n > 61 || !strings.HasSuffix(v, "…") {
			t.Errorf("line %d %s quotes %d characters: %.80q", p.Line, p.Key, n, v)
		}
	}
	if got := imports.Excerpt("SD Negeri 1"); got != "SD Negeri 1" {
		t.Errorf("a short value is changed: %q", got)
	}
}
