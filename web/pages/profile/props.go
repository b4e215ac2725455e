// Package profile has the teacher profile pages: the profile form with its school picker, the
// school search fragment, and the personal data page.
package profile

import (
	"penggerak/internal/profile"
	"penggerak/internal/school"
	"penggerak/internal/training"
)

// SearchLimit is how many schools a search shows at most.
const SearchLimit = 20

// Props is what the profile form shows.
type Props struct {
	// Input holds the values typed (or stored).
	Input profile.Input
	// Errors maps field names to message keys.
	Errors map[string]string
	// School is the school whose NPSN is in the form, when it exists.
	School *school.School
	// Results are the schools found by the search box; Searched tells a search was made.
	Results  []school.School
	Searched bool
	// GuruPenggerak are the teacher's Sertifikat Guru Penggerak (the fact above the form).
	GuruPenggerak []training.Certificate
}

// SearchProps is what the school search (fragment or page) shows.
type SearchProps struct {
	Query string
	// Jenjang and RegencyCode narrow the search ("" for all).
	Jenjang     string
	RegencyCode string
	Picked      string
	Results     []school.School
	Searched    bool
}

// DataProps is what the personal data page shows.
type DataProps struct {
	Data profile.PersonalData
	// Open is the deletion request waiting to be processed, if any.
	Open *profile.DeletionRequest
}
