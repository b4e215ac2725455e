package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/pdp"
)

// User administration: who may see which users, searching them, and checking a grant before it
// is stored. Roles are read from role_grants on every request (Store.Principal), so a grant or a
// revoke takes effect on the user's next request without touching their session.

// AdminScope is the part of the user list a principal may administer: everyone (national admin),
// or the users relevant to some provinces (BGP admin).
type AdminScope struct {
	National  bool
	Provinces []string
}

// UserAdminScope returns what the principal may administer; ok is false when it may not use
// user administration at all (only admin and bgp may).
func UserAdminScope(p *Principal) (s AdminScope, ok bool) {
	if p.Has(RoleAdmin) {
		return AdminScope{National: true}, true
	}
	for _, sc := range p.Scopes(RoleBGP) {
		if sc.ProvinceCode != "" {
			s.Provinces = append(s.Provinces, sc.ProvinceCode)
		}
	}
	return s, len(s.Provinces) > 0
}

// GrantableRoles lists the roles the principal may grant somewhere, in display order.
func GrantableRoles(p *Principal) []Role {
	if p.Has(RoleAdmin) {
		return AllRoles
	}
	if p.Has(RoleBGP) {
		return []Role{RoleAsesor, RolePengajarPraktik, RoleFasilitator}
	}
	return nil
}

// UserRow is one line of the user list.
type UserRow struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Email     string    `db:"email"`
	Roles     []Role    `db:"roles"`
	CreatedAt time.Time `db:"created_at"`
}

// UserQuery is a search of the user list. Results are ordered by id; After is the last id of the
// previous page (keyset pagination).
type UserQuery struct {
	Text  string // part of the name or the email
	Role  Role   // "" for any role
	After int64
	Limit int
}

// UserPage is one page of results; Next is the After of the following page, 0 on the last page.
type UserPage struct {
	Users []UserRow
	Next  int64
}

// scopePredicate limits users u to those relevant to the provinces in $1 (NULL for national):
// holding an active grant there, or teaching at a school there.
const scopePredicate = `($1::text[] IS NULL
	OR EXISTS (SELECT 1 FROM role_grants sg WHERE sg.user_id = u.id AND sg.revoked_at IS NULL
		AND sg.province_code = ANY($1))
	OR EXISTS (SELECT 1 FROM teacher_profiles stp JOIN schools ss ON ss.npsn = stp.npsn
		WHERE stp.user_id = u.id
			AND ss.regency_code = ANY(ARRAY(SELECT code FROM regencies WHERE province_code = ANY($1)))))`

func (a AdminScope) param() []string {
	if a.National {
		return nil
	}
	if a.Provinces == nil {
		return []string{}
	}
	return a.Provinces
}

// likeEscaper escapes the LIKE wildcards of a search text.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SearchUsers lists the users the principal may administer that match q. A principal that may
// not administer users gets ErrForbidden.
func (s *Store) SearchUsers(ctx context.Context, by *Principal, q UserQuery) (UserPage, error) {
	scope, ok := UserAdminScope(by)
	if !ok {
		return UserPage{}, ErrForbidden
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 50
	}
	// The WHERE clause is assembled from fixed fragments so each search gets a plan that can use
	// the trigram indexes; every value is a parameter.
	args := []any{scope.param(), q.After, q.Limit + 1}
	where := scopePredicate + ` AND u.id > $2`
	if text := strings.ToLower(strings.TrimSpace(q.Text)); text != "" {
		args = append(args, "%"+likeEscaper.Replace(text)+"%")
		where += fmt.Sprintf(` AND (lower(u.name) LIKE $%d OR u.email LIKE $%[1]d)`, len(args))
	}
	if q.Role != "" {
		args = append(args, string(q.Role))
		where += fmt.Sprintf(` AND EXISTS (SELECT 1 FROM role_grants rg WHERE rg.user_id = u.id
			AND rg.revoked_at IS NULL AND rg.role = $%d)`, len(args))
	}
	rows, _ := s.db.Query(ctx, `SELECT u.id, u.name, u.email, u.created_at,
			coalesce((SELECT array_agg(DISTINCT g.role ORDER BY g.role) FROM role_grants g
				WHERE g.user_id = u.id AND g.revoked_at IS NULL), '{}') AS roles
		FROM users u
		WHERE `+where+`
		ORDER BY u.id LIMIT $3`, args...)
	users, err := pgx.CollectRows(rows, pgx.RowToStructByName[UserRow])
	if err != nil {
		return UserPage{}, err
	}
	var page UserPage
	page.Users, page.Next = database.Keyset(users, q.Limit, func(u UserRow) int64 { return u.ID })
	return page, nil
}

// TeacherSummary is what user administration shows of a teacher profile: identifiers masked.
type TeacherSummary struct {
	NIKMasked   string
	NUPTKMasked string
	NPSN        string
	SchoolName  string
	RegencyName string
}

// UserDetail is one user as user administration shows it.
type UserDetail struct {
	User     User
	Disabled bool
	Profile  *TeacherSummary // nil when the user has no teacher profile
	Grants   []Grant
	// Revoked are the grants taken back, newest first: they stay listed with when (issue 11).
	Revoked []RevokedGrant
}

// RevokedGrant is a grant taken back, with when and by whom.
type RevokedGrant struct {
	Grant
	RevokedAt time.Time `db:"revoked_at"`
	RevokedBy string    `db:"revoked_by_name"` // "" when the revoker is unknown
}

// AdministeredUser returns a user the principal may administer. A user outside the principal's
// scope gives ErrNotFound, as if it did not exist.
func (s *Store) AdministeredUser(ctx context.Context, by *Principal, id int64) (UserDetail, error) {
	scope, ok := UserAdminScope(by)
	if !ok {
		return UserDetail{}, ErrForbidden
	}
	var d UserDetail
	var disabled *time.Time
	err := s.db.QueryRow(ctx, `SELECT u.id, u.email, u.name, u.phone, u.email_verified_at, u.language,
			u.created_at, u.disabled_at
		FROM users u WHERE u.id = $2 AND `+scopePredicate, scope.param(), id).Scan(
		&d.User.ID, &d.User.Email, &d.User.Name, &d.User.Phone, &d.User.EmailVerifiedAt, &d.User.Language,
		&d.User.CreatedAt, &disabled)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("user %d: %w", id, database.ErrNotFound)
	}
	if err != nil {
		return d, err
	}
	d.Disabled = disabled != nil
	var nik, nuptk string
	var t TeacherSummary
	err = s.db.QueryRow(ctx, `SELECT tp.nik, tp.nuptk, tp.npsn, s.name, r.name
		FROM teacher_profiles tp JOIN schools s ON s.npsn = tp.npsn JOIN regencies r ON r.code = s.regency_code
		WHERE tp.user_id = $1`, id).Scan(&nik, &nuptk, &t.NPSN, &t.SchoolName, &t.RegencyName)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return d, err
	default:
		t.NIKMasked = pdp.Mask(nik)
		if nuptk != "" {
			t.NUPTKMasked = pdp.Mask(nuptk)
		}
		d.Profile = &t
	}
	if d.Grants, err = s.Grants(ctx, id); err != nil {
		return d, err
	}
	rows, _ := s.db.Query(ctx, `SELECT `+grantCols+`, g.revoked_at, coalesce(b.name, '') AS revoked_by_name`+grantJoins+`
		LEFT JOIN users b ON b.id = g.revoked_by
		WHERE g.user_id = $1 AND g.revoked_at IS NOT NULL ORDER BY g.revoked_at DESC, g.id DESC LIMIT 100`, id)
	d.Revoked, err = pgx.CollectRows(rows, pgx.RowToStructByName[RevokedGrant])
	return d, err
}

// CanRevoke reports whether by may revoke g: it may grant that role in that scope, and g is not
// one of its own admin or BGP grants (so nobody locks themselves out of user administration;
// another admin revokes it).
func (p *Principal) CanRevoke(g Grant) bool {
	if p == nil || (g.UserID == p.User.ID && (g.Role == RoleAdmin || g.Role == RoleBGP)) {
		return false
	}
	return p.CanGrant(g.Role, g.Scope)
}

var (
	provinceCodeRE = regexp.MustCompile(`^\d{2}$`)
	regencyCodeRE  = regexp.MustCompile(`^\d{2}\.\d{2}$`)
)

// ParseScope reads a scope from a form value: "" is national, "NN" a province, "NN.NN" a
// kabupaten/kota. ok is false for anything else.
func ParseScope(v string) (Scope, bool) {
	v = strings.TrimSpace(v)
	switch {
	case v == "":
		return Scope{}, true
	case provinceCodeRE.MatchString(v):
		return Scope{ProvinceCode: v}, true
	case regencyCodeRE.MatchString(v):
		return Scope{ProvinceCode: v[:2], RegencyCode: v}, true
	}
	return Scope{}, false
}

// Value is the form value of a scope (the inverse of ParseScope).
func (s Scope) Value() string {
	if s.RegencyCode != "" {
		return s.RegencyCode
	}
	return s.ProvinceCode
}

// ValidateGrant checks that a role and scope go together. It returns message keys by field
// ("role", "scope"); an empty map means the combination is valid. The rules follow the schema:
// guru and admin are national, bgp holds one province, dinas a kabupaten/kota or a province;
// asesor, pengajar_praktik and fasilitator may hold any scope.
func ValidateGrant(role Role, scope Scope) map[string]string {
	errs := map[string]string{}
	switch {
	case role == "":
		errs["role"] = "form.required"
		return errs
	case !role.Valid():
		errs["role"] = "users.grant.role_invalid"
		return errs
	}
	switch role {
	case RoleAdmin, RoleGuru:
		if !scope.National() {
			errs["scope"] = "users.grant.scope_national"
		}
	case RoleBGP:
		if scope.ProvinceCode == "" || scope.RegencyCode != "" {
			errs["scope"] = "users.grant.scope_bgp"
		}
	case RoleDinas:
		if scope.National() {
			errs["scope"] = "users.grant.scope_dinas"
		}
	}
	return errs
}
