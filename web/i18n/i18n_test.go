package i18n

import (
	"context"
	"regexp"
	"sort"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Every key exists in both languages, so no page shows a raw key.
func TestCataloguesMatch(t *testing.T) {
	id, err := Keys("id")
	if err != nil {
		t.Fatal(err)
	}
	en, err := Keys("en")
	if err != nil {
		t.Fatal(err)
	}
	if len(id) < 10 {
		t.Fatalf("only %d Indonesian keys", len(id))
	}
	var missing []string
	for k := range id {
		if !en[k] {
			missing = append(missing, "en:"+k)
		}
	}
	for k := range en {
		if !id[k] {
			missing = append(missing, "id:"+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("keys missing from a catalogue: %v", missing)
	}
}

func TestTranslate(t *testing.T) {
	b := MustLoad()
	ctx := WithLocalizer(context.Background(), b.Localizer("en"))
	if got := T(ctx, "nav.signin"); got != "Sign in" {
		t.Errorf("en nav.signin = %q", got)
	}
	if got := T(context.Background(), "nav.signin"); got != "Masuk" {
		t.Errorf("default nav.signin = %q", got)
	}
	if got := T(ctx, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}

// T without data (the per-language table built at Load) gives, for every key of both
// catalogues and an unknown key, exactly what go-i18n's Localize gives (the key when it fails).
func TestTranslateTableMatchesLocalize(t *testing.T) {
	b := MustLoad()
	keys := map[string]bool{"no.such.key": true}
	for _, lang := range Languages {
		k, err := Keys(lang)
		if err != nil {
			t.Fatal(err)
		}
		for key := range k {
			keys[key] = true
		}
	}
	for _, lang := range append(Languages, "xx") {
		l := b.Localizer(lang)
		n := 0
		for key := range keys {
			want, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: key})
			if err != nil {
				want = key
			}
			if got := l.T(key); got != want {
				t.Errorf("%s %s: T = %q, Localize = %q", lang, key, got, want)
			}
			if want != key {
				n++
			}
		}
		if n < 10 {
			t.Errorf("%s: only %d keys translated", lang, n)
		}
		// With data: every placeholder filled, none, and a nil map.
		withData := 0
		for key := range keys {
			data := map[string]any{}
			src := ""
			if tm := l.tmpl[key]; tm != nil {
				src = tm.Tree.Root.String()
			}
			for _, m := range placeholder.FindAllStringSubmatch(src, -1) {
				data[m[1]] = "«" + m[1] + "»"
			}
			for _, d := range []map[string]any{data, {}, nil} {
				want, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: key, TemplateData: d})
				if err != nil {
					want = key
				}
				if got := l.T(key, d); got != want {
					t.Errorf("%s %s %v: T = %q, Localize = %q", lang, key, d, got, want)
				}
			}
			if l.tmpl[key] != nil {
				withData++
			}
		}
		if lang != "xx" && withData < 5 {
			t.Errorf("%s: only %d messages with placeholders", lang, withData)
		}
	}
	if got := b.Localizer("en").T("nav.signin"); got != "Sign in" {
		t.Errorf("en nav.signin = %q", got)
	}
	if b.Localizer("en") != b.Localizer("en") || b.Localizer("fr") != b.Localizer("id") {
		t.Error("localizers are not shared per language")
	}
}

var placeholder = regexp.MustCompile(`\.([A-Za-z]\w*)`)

// BenchmarkT: T without data (the table) against what it did before for every call (go-i18n's
// Localize with language matching), same key, same run.
func BenchmarkT(b *testing.B) {
	l := MustLoad().Localizer("id")
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			_ = l.T("nav.signin")
		}
	})
	b.Run("table-data", func(b *testing.B) {
		data := map[string]any{"Name": "Siti"}
		for b.Loop() {
			_ = l.T("dashboard.heading", data)
		}
	})
	b.Run("localize-data", func(b *testing.B) {
		data := map[string]any{"Name": "Siti"}
		for b.Loop() {
			_, _ = l.l.Localize(&goi18n.LocalizeConfig{MessageID: "dashboard.heading", TemplateData: data})
		}
	})
	b.Run("localize", func(b *testing.B) {
		for b.Loop() {
			_, _ = l.l.Localize(&goi18n.LocalizeConfig{MessageID: "nav.signin"})
		}
	})
}
