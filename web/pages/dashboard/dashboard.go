// Package dashboard has the signed-in home page, with a section per role the user holds.
//
// The page is a list of sections, one per role, each holding cards. This package's roles.templ
// has the built-in cards (profile status, region figures, scope); a feature adds its own cards
// (clinics, recruitment, ...) in its own file in this folder and appends them with Props.Add in
// the dashboard handler.
package dashboard

import (
	"github.com/a-h/templ"

	"penggerak/internal/account"
	"penggerak/internal/overview"
)

// Props is what the dashboard shows.
type Props struct {
	Name     string
	Sections []Section
}

// Section is the part of the dashboard for one role the user holds.
type Section struct {
	Role account.Role
	// Grants are the user's grants of this role, with their scopes.
	Grants []account.Grant
	// Cards are shown in order; each is a small self-contained block.
	Cards []templ.Component
}

// Add appends a card to the section of role, if the user holds it. It reports whether the
// section exists.
func (p *Props) Add(role account.Role, card templ.Component) bool {
	for i := range p.Sections {
		if p.Sections[i].Role == role {
			p.Sections[i].Cards = append(p.Sections[i].Cards, card)
			return true
		}
	}
	return false
}

// GuruStatus is what a teacher sees about their own account.
type GuruStatus struct {
	EmailVerified   bool
	ProfileComplete bool
	// OpenNames names the cohorts whose registration is open now (empty when none is).
	OpenNames []string
	// Applied reports whether the teacher has an application (not withdrawn) in one of them.
	Applied bool
}

// nextKey is the message key of the teacher's next step once the profile is complete: it
// follows whether a registration is open now and whether they have applied.
func (s GuruStatus) nextKey() string {
	switch {
	case s.Applied:
		return "dashboard.guru.next_applied"
	case len(s.OpenNames) > 0:
		return "dashboard.guru.next_apply_open"
	}
	return "dashboard.guru.next_apply"
}

// RegionFigures are the figures of one region scope for a dinas or BGP grant, or the national
// figures for the admin.
type RegionFigures struct {
	// ScopeName is the region's name ("" when national).
	ScopeName string
	Counts    overview.Counts
}
