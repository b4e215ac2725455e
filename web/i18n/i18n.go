// Package i18n holds the message catalogues (Bahasa Indonesia first, English second) and the
// T function every template and handler uses to turn a message key into text.
//
// Catalogues are TOML files named <feature>.<lang>.toml in this folder, so each feature keeps
// its own messages. A key missing from a catalogue renders as the key itself, and a test fails.
package i18n

import (
	"context"
	"embed"
	"io/fs"
	"strings"
	"text/template"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var files embed.FS

// Languages are the supported interface languages; the first is the default.
var Languages = []string{"id", "en"}

// Bundle holds all catalogues, and one ready Localizer per supported language.
type Bundle struct {
	b    *goi18n.Bundle
	locs map[string]*Localizer
}

// Load parses every embedded catalogue.
func Load() (*Bundle, error) {
	b := goi18n.NewBundle(language.Indonesian)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, err = b.LoadMessageFileFS(files, path)
		return err
	})
	if err != nil {
		return nil, err
	}
	keys := map[string]bool{}
	for _, lang := range Languages {
		k, err := Keys(lang)
		if err != nil {
			return nil, err
		}
		for key := range k {
			keys[key] = true
		}
	}
	bundle := &Bundle{b: b, locs: make(map[string]*Localizer, len(Languages))}
	for _, lang := range Languages {
		l := newLocalizer(b, lang, keys)
		if l.tmpl, err = parseSources(lang); err != nil {
			return nil, err
		}
		bundle.locs[lang] = l
	}
	return bundle, nil
}

// parseSources parses, once, every message of lang's catalogues that is a plain string, the
// way go-i18n's text parser does (delimiters {{ }}, missingkey=default); a message without
// "{{" is kept as nil (its text does not depend on the data). Messages in any other form
// (plural tables, own delimiters) are left out and T hands them to go-i18n.
func parseSources(lang string) (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "."+lang+".toml") {
			return err
		}
		var m map[string]any
		if _, err := toml.DecodeFS(files, path, &m); err != nil {
			return err
		}
		for key, v := range m {
			src, ok := v.(string)
			if !ok {
				continue
			}
			if !strings.Contains(src, "{{") {
				out[key] = nil
				continue
			}
			t, err := template.New("").Delims("{{", "}}").Option("missingkey=default").Parse(src)
			if err != nil {
				continue // go-i18n reports it the same way: T gives the key
			}
			out[key] = t
		}
		return nil
	})
	return out, err
}

// newLocalizer builds the localizer for lang and translates every key once without data, so
// that T without data is a map look-up instead of go-i18n's language matching, plural choice
// and template execution on every call. The stored text is what Localize returns for the key
// without data, so the result is the same; a key Localize fails on is left out, and T returns
// the key itself for it as before.
func newLocalizer(b *goi18n.Bundle, lang string, keys map[string]bool) *Localizer {
	l := &Localizer{lang: lang, l: goi18n.NewLocalizer(b, lang), plain: make(map[string]string, len(keys))}
	for key := range keys {
		if s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: key}); err == nil {
			l.plain[key] = s
		}
	}
	return l
}

// MustLoad is Load for start-up code and tests: the catalogues are embedded, so an error is a bug.
func MustLoad() *Bundle {
	b, err := Load()
	if err != nil {
		panic(err)
	}
	return b
}

// Localizer translates into one language. It is read-only after Load, so one Localizer per
// language is shared by every request.
type Localizer struct {
	lang  string
	l     *goi18n.Localizer
	plain map[string]string // every key's text without data, as Localize gives it
	// tmpl holds lang's own plain-string messages parsed once: nil for text without
	// placeholders (plain's text whatever the data), else the template T fills from data.
	tmpl map[string]*template.Template
}

// Localizer returns the localizer for lang ("id" or "en"; anything else gives "id").
func (b *Bundle) Localizer(lang string) *Localizer {
	if lang != "en" {
		lang = "id"
	}
	return b.locs[lang]
}

// T translates a message key, filling {{.Name}} placeholders from data.
func (l *Localizer) T(key string, data ...map[string]any) string {
	if len(data) == 0 {
		if s, ok := l.plain[key]; ok {
			return s
		}
		return key
	}
	if t, ok := l.tmpl[key]; ok {
		if t == nil {
			if s, ok := l.plain[key]; ok {
				return s
			}
			return key
		}
		var b strings.Builder
		if err := t.Execute(&b, data[0]); err != nil {
			return key
		}
		return b.String()
	}
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if len(data) > 0 {
		cfg.TemplateData = data[0]
	}
	s, err := l.l.Localize(cfg)
	if err != nil {
		return key
	}
	return s
}

// Lang returns the localizer's language code.
func (l *Localizer) Lang() string { return l.lang }

type ctxKey struct{}

// WithLocalizer returns a context carrying l.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

var fallback = MustLoad().Localizer("id")

// From returns the localizer in ctx, or Bahasa Indonesia.
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return fallback
}

// T translates key in the language carried by ctx.
func T(ctx context.Context, key string, data ...map[string]any) string {
	return From(ctx).T(key, data...)
}

// Lang returns the language code carried by ctx.
func Lang(ctx context.Context) string { return From(ctx).Lang() }

// Keys returns every message key of one language's catalogues, for tests.
func Keys(lang string) (map[string]bool, error) {
	keys := map[string]bool{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if len(path) < len(lang)+6 || path[len(path)-len(lang)-6:] != "."+lang+".toml" {
			return nil
		}
		var m map[string]any
		if _, err := toml.DecodeFS(files, path, &m); err != nil {
			return err
		}
		for k := range m {
			keys[k] = true
		}
		return nil
	})
	return keys, err
}
