package i18n

import (
	"context"
	"sort"
	"testing"
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
