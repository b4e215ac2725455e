package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

const grantCols = `g.id, g.user_id, g.role, coalesce(g.province_code, '') AS province_code,
	coalesce(g.regency_code, '') AS regency_code, g.granted_at,
	coalesce(r.name, p.name, '') AS scope_name`

const grantJoins = ` FROM role_grants g
	LEFT JOIN provinces p ON p.code = g.province_code
	LEFT JOIN regencies r ON r.code = g.regency_code`

// principalCols are a user and one of their active grants per row (principalJoins, over users
// u), as principalReader scans them. The user's columns are coalesced so that a session row
// whose user is gone (LEFT JOINed) scans as user 0.
const principalCols = `coalesce(u.id, 0), coalesce(u.email, ''), coalesce(u.name, ''), coalesce(u.phone, ''), u.email_verified_at,
	coalesce(u.language, ''), coalesce(u.created_at, 'epoch'), u.disabled_at,
	coalesce(left(encode(sha256(convert_to(u.password_hash, 'UTF8')), 'hex'), 16), ''),
	g.id, g.role, coalesce(g.province_code, ''), coalesce(g.regency_code, ''), g.granted_at, coalesce(r.name, p.name, '')`

const principalJoins = `
	LEFT JOIN role_grants g ON g.user_id = u.id AND g.revoked_at IS NULL
	LEFT JOIN provinces p ON p.code = g.province_code
	LEFT JOIN regencies r ON r.code = g.regency_code`

const principalOrder = ` ORDER BY g.role, g.province_code, g.regency_code`

// principalReader builds a Principal from rows of principalCols (a user without grants gives
// one row with NULL grant columns).
type principalReader struct {
	p        *Principal
	disabled bool
}

// scan reads one row: lead are the row's columns before principalCols.
func (pr *principalReader) scan(rows pgx.Rows, lead ...any) error {
	var u User
	var tag string
	var disabled *time.Time
	var gid *int64
	var roleP *string
	var prov, reg, scopeName string
	var grantedAt *time.Time
	dest := append(lead, &u.ID, &u.Email, &u.Name, &u.Phone, &u.EmailVerifiedAt, &u.Language, &u.CreatedAt, &disabled, &tag,
		&gid, &roleP, &prov, &reg, &grantedAt, &scopeName)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	if u.ID == 0 {
		return nil
	}
	if pr.p == nil {
		pr.p = &Principal{User: u, CredentialTag: tag, Grants: []Grant{}}
		pr.disabled = disabled != nil
	}
	if gid != nil {
		pr.p.Grants = append(pr.p.Grants, Grant{ID: *gid, UserID: u.ID, Role: Role(*roleP), Scope: Scope{ProvinceCode: prov, RegencyCode: reg},
			GrantedAt: *grantedAt, ScopeName: scopeName})
	}
	return nil
}

// result is the principal read, ErrNotFound without a user, ErrDisabled for a disabled one.
func (pr *principalReader) result(userID int64) (*Principal, error) {
	switch {
	case pr.p == nil:
		return nil, fmt.Errorf("principal %d: %w", userID, database.ErrNotFound)
	case pr.disabled:
		return nil, ErrDisabled
	}
	return pr.p, nil
}

// Principal loads a user and the roles they hold now. Disabled accounts give ErrDisabled.
func (s *Store) Principal(ctx context.Context, userID int64) (*Principal, error) {
	rows, err := s.db.Query(ctx, `SELECT `+principalCols+` FROM users u`+principalJoins+` WHERE u.id = $1`+principalOrder, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pr principalReader
	for rows.Next() {
		if err := pr.scan(rows); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return pr.result(userID)
}

// StoredSession is a session row read with its user's principal and the configuration
// versions (config_versions), all in one query: a signed-in request's first read is its only
// read for who is signed in and for checking the configuration its instance keeps in memory.
type StoredSession struct {
	Data   []byte
	Expiry time.Time
	// UserID is the user the row was written for (0: signed out, or a row written before the
	// column existed); Principal and PrincipalErr are that user read now, as Principal gives them.
	UserID       int64
	Principal    *Principal
	PrincipalErr error
	// Versions are the configuration versions by name (config_versions), as of this read.
	Versions map[string]int64
}

// Session reads the unexpired session with token; found is false when there is none.
func (s *Store) Session(ctx context.Context, token string) (out StoredSession, found bool, err error) {
	rows, err := s.db.Query(ctx, `SELECT ss.data, ss.expiry, coalesce(ss.user_id, 0),
			ARRAY(SELECT name FROM config_versions ORDER BY name), ARRAY(SELECT version FROM config_versions ORDER BY name),
			`+principalCols+`
		FROM sessions ss
		LEFT JOIN users u ON u.id = ss.user_id`+principalJoins+`
		WHERE ss.token = $1 AND current_timestamp < ss.expiry`+principalOrder, token)
	if err != nil {
		return out, false, err
	}
	defer rows.Close()
	var pr principalReader
	var names []string
	var versions []int64
	for rows.Next() {
		found = true
		if err := pr.scan(rows, &out.Data, &out.Expiry, &out.UserID, &names, &versions); err != nil {
			return out, false, err
		}
	}
	if err := rows.Err(); err != nil {
		return out, false, err
	}
	if !found {
		return out, false, nil
	}
	out.Versions = make(map[string]int64, len(names))
	for i, n := range names {
		if i < len(versions) {
			out.Versions[n] = versions[i]
		}
	}
	if out.UserID != 0 {
		out.Principal, out.PrincipalErr = pr.result(out.UserID)
	}
	return out, true, nil
}

// Grants lists the active role grants of a user.
func (s *Store) Grants(ctx context.Context, userID int64) ([]Grant, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+grantCols+grantJoins+`
		WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.role, g.province_code, g.regency_code`, userID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Grant])
}

// GrantRole gives userID role in scope, when by may grant it. Granting a role already held is
// a no-op. The grant is audited.
func (s *Store) GrantRole(ctx context.Context, actor audit.Actor, by *Principal, userID int64, role Role, scope Scope) error {
	if !role.Valid() {
		return fmt.Errorf("role %q: %w", role, ErrForbidden)
	}
	if !by.CanGrant(role, scope) {
		return ErrForbidden
	}
	if scope.RegencyCode != "" {
		scope.ProvinceCode = scope.RegencyCode[:2]
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO role_grants (user_id, role, province_code, regency_code, granted_by)
			VALUES ($1, $2, nullif($3, ''), nullif($4, ''), nullif($5, 0))
			ON CONFLICT (user_id, role, coalesce(province_code, ''), coalesce(regency_code, '')) WHERE revoked_at IS NULL
			DO NOTHING RETURNING id`, userID, role, scope.ProvinceCode, scope.RegencyCode, by.User.ID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // already held
		}
		if err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && (pgErr.Code == "23514" || pgErr.Code == "23503") {
				return fmt.Errorf("grant %s in %+v: %w", role, scope, database.ErrConflict)
			}
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "role.grant", ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Detail: map[string]any{"grant_id": id, "role": role,
				"province": scope.ProvinceCode, "regency": scope.RegencyCode}})
	})
}

// RevokeRole ends a grant, when by may grant that role in its scope. The revoke is audited.
func (s *Store) RevokeRole(ctx context.Context, actor audit.Actor, by *Principal, grantID int64) error {
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+grantCols+grantJoins+` WHERE g.id = $1 AND g.revoked_at IS NULL FOR UPDATE OF g`, grantID)
		g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Grant])
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("grant %d: %w", grantID, database.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if !by.CanGrant(g.Role, g.Scope) {
			return ErrForbidden
		}
		if _, err := tx.Exec(ctx, `UPDATE role_grants SET revoked_at = now(), revoked_by = nullif($2, 0) WHERE id = $1`, grantID, by.User.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "role.revoke", ObjectType: "user",
			ObjectID: strconv.FormatInt(g.UserID, 10), Detail: map[string]any{"grant_id": g.ID, "role": g.Role,
				"province": g.ProvinceCode, "regency": g.RegencyCode}})
	})
}
