package clinic

import "penggerak/web/i18n"

// CatalogueForTest is the application's message catalogue, for stores built in tests.
func CatalogueForTest() Catalogue {
	b := i18n.MustLoad()
	return func(lang, key string, data map[string]any) string { return b.Localizer(lang).T(key, data) }
}
