// Package account holds users, their passwords, their roles with region scope, and the rules of
// who may grant what.
package account

import (
	"slices"
	"time"
)

// Role is one of the program's roles (DOMAIN.md, Actors).
type Role string

// The roles.
const (
	RoleGuru            Role = "guru"
	RoleAsesor          Role = "asesor"
	RolePengajarPraktik Role = "pengajar_praktik"
	RoleFasilitator     Role = "fasilitator"
	RoleDinas           Role = "dinas"
	RoleBGP             Role = "bgp"
	RoleAdmin           Role = "admin"
)

// AllRoles lists every role in display order.
var AllRoles = []Role{RoleGuru, RoleAsesor, RolePengajarPraktik, RoleFasilitator, RoleDinas, RoleBGP, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(AllRoles, r) }

// RoleNames is roles as plain strings (form values, message key suffixes).
func RoleNames(roles []Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

// User is an account.
type User struct {
	ID              int64      `db:"id"`
	Email           string     `db:"email"`
	Name            string     `db:"name"`
	Phone           string     `db:"phone"`
	EmailVerifiedAt *time.Time `db:"email_verified_at"`
	Language        string     `db:"language"`
	CreatedAt       time.Time  `db:"created_at"`
}

// Scope is a region scope: national (both empty), a province, or one kabupaten/kota.
type Scope struct {
	ProvinceCode string `db:"province_code"`
	RegencyCode  string `db:"regency_code"`
}

// National reports whether the scope covers the whole country.
func (s Scope) National() bool { return s.ProvinceCode == "" && s.RegencyCode == "" }

// Covers reports whether the scope includes the kabupaten/kota with the given code (NN.NN).
func (s Scope) Covers(regencyCode string) bool {
	switch {
	case s.National():
		return true
	case s.RegencyCode != "":
		return s.RegencyCode == regencyCode
	default:
		return len(regencyCode) >= 2 && regencyCode[:2] == s.ProvinceCode
	}
}

// CoversScope reports whether s includes all of other.
func (s Scope) CoversScope(other Scope) bool {
	switch {
	case s.National():
		return true
	case other.National():
		return false
	case s.RegencyCode != "":
		return other.RegencyCode == s.RegencyCode
	default:
		return other.ProvinceCode == s.ProvinceCode
	}
}

// Grant is one role held by a user, with its scope.
type Grant struct {
	ID        int64     `db:"id"`
	UserID    int64     `db:"user_id"`
	Role      Role      `db:"role"`
	Scope               // province_code, regency_code
	GrantedAt time.Time `db:"granted_at"`
	// ScopeName is the readable name of the scope's region ("" when national).
	ScopeName string `db:"scope_name"`
}

// Principal is the signed-in user with the roles they hold right now.
type Principal struct {
	User   User
	Grants []Grant
	// CredentialTag is a short fingerprint of the current password hash: it changes whenever
	// the password does. A session keeps the tag it signed in with, so a password reset or
	// change ends every other session.
	CredentialTag string
}

// Has reports whether the principal holds role in any scope.
func (p *Principal) Has(role Role) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// HasAny reports whether the principal holds any of roles.
func (p *Principal) HasAny(roles ...Role) bool {
	for _, r := range roles {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// Scopes returns the scopes in which the principal holds role.
func (p *Principal) Scopes(role Role) []Scope {
	if p == nil {
		return nil
	}
	var out []Scope
	for _, g := range p.Grants {
		if g.Role == role {
			out = append(out, g.Scope)
		}
	}
	return out
}

// CanSee reports whether the principal holds role with a scope that covers the kabupaten/kota.
func (p *Principal) CanSee(role Role, regencyCode string) bool {
	for _, s := range p.Scopes(role) {
		if s.Covers(regencyCode) {
			return true
		}
	}
	return false
}

// Roles returns the distinct roles the principal holds, in display order.
func (p *Principal) Roles() []Role {
	var out []Role
	for _, r := range AllRoles {
		if p.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

// CanGrant reports whether the principal may grant (or revoke) role in scope: the national admin
// grants anything; a BGP admin grants asesor, pengajar_praktik and fasilitator inside its
// province; nobody else grants roles.
func (p *Principal) CanGrant(role Role, scope Scope) bool {
	if p.Has(RoleAdmin) {
		return true
	}
	switch role {
	case RoleAsesor, RolePengajarPraktik, RoleFasilitator:
		for _, s := range p.Scopes(RoleBGP) {
			if !scope.National() && s.CoversScope(scope) {
				return true
			}
		}
	}
	return false
}

// RegionFilter gathers the scopes in which the principal holds any of roles, in the form
// region.ScopeFilter takes: national, or lists of province and kabupaten/kota codes.
func (p *Principal) RegionFilter(roles ...Role) (national bool, provinces, regencies []string) {
	provinces, regencies = []string{}, []string{}
	for _, role := range roles {
		for _, s := range p.Scopes(role) {
			switch {
			case s.National():
				national = true
			case s.RegencyCode != "":
				regencies = append(regencies, s.RegencyCode)
			default:
				provinces = append(provinces, s.ProvinceCode)
			}
		}
	}
	return national, provinces, regencies
}
