// Package layout has the page frame every page renders inside, and the data it needs.
package layout

import (
	"strconv"
	"time"

	"penggerak/internal/account"
)

// Base is what every page needs besides its own props: who is signed in, the flash message,
// the language and the current path.
type Base struct {
	// Title is the page title, already translated.
	Title string
	// User is the signed-in user, or nil.
	User *User
	// Flash is a one-time message (a translated text) shown at the top of the page.
	Flash string
	// Lang is "id" or "en".
	Lang string
	// Path is the request path, used by the language switch to come back here.
	Path string
	// Dev shows development-only links (the mail outbox).
	Dev bool
	// HTMX loads htmx: only the pages that use it (data-hx-* attributes) set it.
	HTMX bool
	// HTMXTimeout is how long htmx waits for an answer before it gives up and the page says
	// "not saved" (a little longer than the server's own request deadline).
	HTMXTimeout time.Duration
	// Refresh, when above zero, has the browser reload the page after that many seconds
	// (<meta http-equiv="refresh">, works without JavaScript): a page that follows work in
	// progress, such as a queued export.
	Refresh int
}

// HTMXConfig is the htmx configuration of the page, read by htmx from a meta tag (no inline
// script: the CSP forbids it).
func (b Base) HTMXConfig() string {
	ms := b.HTMXTimeout.Milliseconds()
	if ms <= 0 {
		ms = 20000
	}
	return `{"includeIndicatorStyles":false,"allowEval":false,"timeout":` + strconv.FormatInt(ms, 10) + `}`
}

// User is the signed-in user as the layout shows it.
type User struct {
	Name  string
	Roles []account.Role
}

// Has reports whether the user holds role.
func (u *User) Has(role account.Role) bool {
	if u == nil {
		return false
	}
	for _, r := range u.Roles {
		if r == role {
			return true
		}
	}
	return false
}
