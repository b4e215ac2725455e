package imports_test

import (
	"strings"
	"testing"

	"penggerak/internal/imports"
)

func TestReadList(t *testing.T) {
	// BOM, semicolons, a header in another case with spaces, a short line.
	l, p := imports.ReadList([]byte("\xEF\xBB\xBF Email ;Wilayah\na@b.id; 16.01 \nc@d.id\n"), 5, "email, wilayah", "email", "wilayah")
	if p != nil || len(l.Lines) != 2 {
		t.Fatalf("ReadList = %+v, %+v", l, p)
	}
	if got := l.Field(l.Lines[0], "wilayah"); got != "16.01" {
		t.Errorf("line 2 wilayah = %q", got)
	}
	if got := l.Field(l.Lines[1], "wilayah") + l.Field(l.Lines[0], "telepon"); got != "" {
		t.Errorf("short line or missing column gave %q", got)
	}
	// Commas win when the first line has as many commas as semicolons.
	if l, p := imports.ReadList([]byte("email,wilayah\na;b@c.id,16\n"), 5, "", "email"); p != nil || l.Field(l.Lines[0], "email") != "a;b@c.id" {
		t.Errorf("comma list = %+v, %+v", l, p)
	}
	for _, tt := range []struct{ data, key string }{
		{"", "import.err.empty"},
		{"email\n\"unclosed\n", "import.err.unreadable"},
		{"nama;wilayah\nx;16\n", "import.err.columns"},
		{"email\n" + strings.Repeat("a@b.id\n", 6), "import.err.too_many"},
	} {
		if _, p := imports.ReadList([]byte(tt.data), 5, "email, wilayah", "email"); p == nil || p.Key != tt.key {
			t.Errorf("ReadList(%q) problem %+v, want %s", tt.data, p, tt.key)
		}
	}
	if _, p := imports.ReadList([]byte("nama\nx\n"), 5, "email, wilayah", "email"); p == nil || p.Line != 1 || p.Data["Columns"] != "email, wilayah" {
		t.Errorf("missing column problem %+v", p)
	}
	if _, p := imports.ReadList([]byte("email\n"+strings.Repeat("a@b.id\n", 6)), 5, "", "email"); p == nil || p.Data["Max"] != 5 {
		t.Errorf("too many problem %+v", p)
	}
}
