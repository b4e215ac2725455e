// Package users has the user administration pages: the searchable list and one user's page with
// their roles, the grant form and the revoke buttons.
package users

import (
	"penggerak/internal/account"
	"penggerak/web/components"
)

// ListProps is what the user list shows.
type ListProps struct {
	// Text and Role are the search as typed.
	Text string
	Role string
	// RoleOptions are the roles to filter by (labels translated).
	RoleOptions []components.Option
	Users       []account.UserRow
	// Regional is true for a BGP admin, who only sees the users of their province.
	Regional bool
	// NextURL is the link to the next page, "" on the last page; FirstURL goes back to the first
	// page, "" when this is the first page.
	NextURL  string
	FirstURL string
}

// GrantForm is the grant form as submitted: a role and a scope ("" national, "NN" a province,
// "NN.NN" a kabupaten/kota).
type GrantForm struct {
	Role  string `form:"role"`
	Scope string `form:"scope"`
}

// GrantRow is one active grant with whether the viewer may revoke it.
type GrantRow struct {
	Grant     account.Grant
	CanRevoke bool
}

// DetailProps is what one user's page shows.
type DetailProps struct {
	User   account.UserDetail
	Grants []GrantRow
	// Form and Errors are the grant form's values and per-field message keys.
	Form   GrantForm
	Errors map[string]string
	// RoleOptions and ScopeOptions are what the viewer may grant (labels translated).
	RoleOptions  []components.Option
	ScopeOptions []components.Option
	// ScopeHint is the message key explaining which regions fit which role.
	ScopeHint string
}
