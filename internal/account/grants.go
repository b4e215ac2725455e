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

// Principal loads a user and the roles they hold now. Disabled accounts give ErrDisabled.
func (s *Store) Principal(ctx context.Context, userID int64) (*Principal, error) {
	// One query: the user, and their active grants as rows of a LEFT JOIN (a user without
	// grants gives one row with NULL grant columns).
	rows, err := s.db.Query(ctx, `SELECT u.id, u.email, u.name, u.phone, u.email_verified_at, u.language, u.created_at, u.disabled_at,
			left(encode(sha256(convert_to(u.password_hash, 'UTF8')), 'hex'), 16),
			g.id, g.role, coalesce(g.province_code, ''), coalesce(g.regency_code, ''), g.granted_at, coalesce(r.name, p.name, '')
		FROM users u
		LEFT JOIN role_grants g ON g.user_id = u.id AND g.revoked_at IS NULL
		LEFT JOIN provinces p ON p.code = g.province_code
		LEFT JOIN regencies r ON r.code = g.regency_code
		WHERE u.id = $1 ORDER BY g.role, g.province_code, g.regency_code`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var p *Principal
	var disabled *time.Time
	for rows.Next() {
		var u User
		var tag string
		var gid *int64
		var role, prov, reg, scopeName string
		var grantedAt *time.Time
		var roleP *string
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Phone, &u.EmailVerifiedAt, &u.Language, &u.CreatedAt, &disabled, &tag,
			&gid, &roleP, &prov, &reg, &grantedAt, &scopeName); err != nil {
			return nil, err
		}
		if p == nil {
			p = &Principal{User: u, CredentialTag: tag, Grants: []Grant{}}
		}
		if gid != nil {
			role = *roleP
			p.Grants = append(p.Grants, Grant{ID: *gid, UserID: u.ID, Role: Role(role), Scope: Scope{ProvinceCode: prov, RegencyCode: reg},
				GrantedAt: *grantedAt, ScopeName: scopeName})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("principal %d: %w", userID, database.ErrNotFound)
	}
	if disabled != nil {
		return nil, ErrDisabled
	}
	return p, nil
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
