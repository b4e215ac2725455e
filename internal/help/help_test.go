package help

import "testing"

func TestFormParse(t *testing.T) {
	tests := []struct {
		name string
		f    Form
		errs []string
	}{
		{"email only", Form{UnitName: "BGP Sumsel", Email: "bgp@kemdikbud.go.id"}, nil},
		{"office phone", Form{UnitName: "BGP Sumsel", Phone: "(0711) 354-221"}, nil},
		{"no way to reach", Form{UnitName: "BGP Sumsel"}, []string{"email"}},
		{"bad phone", Form{UnitName: "BGP Sumsel", Phone: "telepon kantor"}, []string{"phone"}},
		{"short phone", Form{UnitName: "BGP Sumsel", Phone: "123"}, []string{"phone"}},
		{"bad email", Form{UnitName: "BGP Sumsel", Email: "bgp at kemdikbud"}, []string{"email"}},
		{"no name", Form{Email: "bgp@kemdikbud.go.id"}, []string{"unit_name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := tt.f.Parse()
			if len(errs) != len(tt.errs) {
				t.Fatalf("errors %v, want on %v", errs, tt.errs)
			}
			for _, k := range tt.errs {
				if errs[k] == "" {
					t.Errorf("no message on %s: %v", k, errs)
				}
			}
		})
	}
}

func TestEditorMay(t *testing.T) {
	admin, bgp := Editor{Admin: true}, Editor{Provinces: []string{"16"}}
	for _, c := range []struct {
		e     Editor
		scope string
		want  bool
	}{{admin, National, true}, {admin, "36", true}, {bgp, "16", true}, {bgp, "36", false}, {bgp, National, false}} {
		if got := c.e.May(c.scope); got != c.want {
			t.Errorf("%+v May(%s) = %v", c.e, c.scope, got)
		}
	}
}
