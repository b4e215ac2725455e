package profile

import (
	"strings"
	"testing"
)

func TestParseDecision(t *testing.T) {
	long := strings.Repeat("é", MaxDecisionNote+1)
	cases := []struct {
		name, outcome, note string
		want                Decision
		errs                map[string]string
	}{
		{"carry out", "dihapus", "", Decision{Outcome: OutcomeDeleted}, nil},
		{"carry out with note", "dihapus", "  selesai ", Decision{Outcome: OutcomeDeleted, Note: "selesai"}, nil},
		{"refuse with reason", "ditolak", "Seleksi berjalan", Decision{Outcome: OutcomeRejected, Note: "Seleksi berjalan"}, nil},
		{"refuse without reason", "ditolak", "   ", Decision{Outcome: OutcomeRejected}, map[string]string{"note": "deletion.error.note_required"}},
		{"unknown outcome", "deleted", "", Decision{}, map[string]string{"outcome": "deletion.error.outcome"}},
		{"note too long", "ditolak", long, Decision{Outcome: OutcomeRejected, Note: long}, map[string]string{"note": "deletion.error.note_long"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, errs := ParseDecision(c.outcome, c.note)
			if d != c.want {
				t.Errorf("decision %+v, want %+v", d, c.want)
			}
			if len(errs) != len(c.errs) {
				t.Fatalf("errors %v, want %v", errs, c.errs)
			}
			for k, v := range c.errs {
				if errs[k] != v {
					t.Errorf("error %s = %q, want %q", k, errs[k], v)
				}
			}
		})
	}
}

func TestAnonymousIdentity(t *testing.T) {
	if got := AnonymousName(42); got != "Pengguna dihapus #42" {
		t.Errorf("name %q", got)
	}
	if got := AnonymousEmail(42); got != "deleted-42@invalid" {
		t.Errorf("email %q", got)
	}
}
