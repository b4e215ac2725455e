package ops_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	sqlWords = regexp.MustCompile(`(?i)\b(select|insert|update|delete|where|values|from|join|order by|create|drop|alter)\b`)
)

// textVerb returns the first format verb of format that inserts text (%s, %v, %q, %x …), or
// "". %d and %[n]d insert only numbers (placeholder positions); %% is a literal percent.
func textVerb(format string) string {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		if j < len(format) && format[j] == '%' {
			i = j
			continue
		}
		for j < len(format) && strings.IndexByte("+-# 0123456789.[]*", format[j]) >= 0 {
			j++
		}
		if j >= len(format) || format[j] != 'd' {
			return format[i:min(j+1, len(format))]
		}
		i = j
	}
	return ""
}

// sqlFormatAllowed lists files that may format SQL text: identifiers they build themselves
// (random test database names), never user input.
var sqlFormatAllowed = map[string]bool{
	"internal/testdb/testdb.go": true,
}

// SECURITY.md 11: no SQL is built from text with fmt. A query string handed to fmt.Sprintf
// may only receive numbers (placeholder positions such as $%d); values go through $n
// parameters. This walks every non-test Go file of the repository.
func TestNoSQLBuiltFromText(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "var") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if sqlFormatAllowed[filepath.ToSlash(rel)] {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Sprintf" {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "fmt" {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if v := textVerb(format); v != "" && sqlWords.MatchString(format) {
				t.Errorf("%s: SQL formatted with a text verb %q: use $n parameters", fset.Position(lit.Pos()), v)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("only %d Go files checked under %s", checked, root)
	}
}

// The check itself: it catches text verbs in SQL and lets placeholder numbers through.
func TestSQLFormatCheck(t *testing.T) {
	for format, bad := range map[string]bool{
		`SELECT * FROM users WHERE email = '%s'`: true,
		`DELETE FROM t WHERE id = %v`:            true,
		`SELECT a FROM t WHERE b = $%d`:          false,
		` AND (x LIKE $%d OR y LIKE $%[1]d)`:     false,
		`WHERE n LIKE 'a%%'`:                     false,
		`hello %s`:                               false,
		`SELECT %[2]s FROM t`:                    true,
		`UPDATE t SET a = %q`:                    true,
	} {
		got := sqlWords.MatchString(format) && textVerb(format) != ""
		if got != bad {
			t.Errorf("%q: flagged %v, want %v", format, got, bad)
		}
	}
}

// SECURITY.md 10: templates never bypass templ's escaping. No .templ file and no hand-written
// Go file under web/ uses templ.Raw (or an unescaped templ.Component built from a string).
func TestNoUnescapedHTML(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	checked := 0
	err := filepath.WalkDir(filepath.Join(root, "web"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(path, ".templ") && (!strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_templ.go")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for _, bad := range []string{"templ.Raw(", "templ.FromGoHTML(", "template.HTML("} {
			if strings.Contains(string(b), bad) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s uses %s: render text through templ's escaping", rel, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 5 {
		t.Fatalf("only %d template files checked", checked)
	}
}
