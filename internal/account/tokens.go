package account

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/token"
)

// Purpose says what an emailed token is for.
type Purpose string

// The token purposes.
const (
	PurposeVerifyEmail   Purpose = "verify_email"
	PurposeResetPassword Purpose = "reset_password"
)

// Token lifetimes.
const (
	VerifyTokenTTL = 48 * time.Hour
	ResetTokenTTL  = time.Hour
)

// Limits on requests for emailed links (sign-up, verification resend, password reset),
// counted over RequestWindow per email address and per client address (Limits.LinksPerAddress,
// set in configuration), whether or not the account exists. The per-email limit keeps anyone
// from flooding one inbox; the per-address one is high, since a school shares one address.
const (
	RequestWindow       = time.Hour
	MaxRequestsPerEmail = 3
)

// Token errors. A token that is unknown, used or expired cannot be used.
var (
	ErrTokenInvalid = fmt.Errorf("token unknown: %w", database.ErrNotFound)
	ErrTokenUsed    = errors.New("token already used")
	ErrTokenExpired = errors.New("token expired")
)

// Composer builds the mail that carries a fresh token to u (the link holds token).
type Composer func(u User, token string) mail.Message

// tokenLen is the length of an encoded token: 32 random bytes, base64url without padding.
const tokenLen = 43

// newToken returns a random token and the SHA-256 hash that is stored in its place.
func newToken() (string, []byte) {
	tok := token.URL(32)
	return tok, hashToken(tok)
}

func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// issueToken stores a new token for u within tx and enqueues the mail that carries it.
func issueToken(ctx context.Context, tx pgx.Tx, u User, purpose Purpose, now time.Time, compose Composer) error {
	ttl := VerifyTokenTTL
	if purpose == PurposeResetPassword {
		ttl = ResetTokenTTL
	}
	tok, hash := newToken()
	if _, err := tx.Exec(ctx, `INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5)`, hash, u.ID, purpose, now.Add(ttl), now); err != nil {
		return err
	}
	return mail.Enqueue(ctx, tx, compose(u, tok))
}

// SignUp handles the sign-up form without telling whether the email is registered: the
// answer, and the time it takes (the password is hashed either way), are the same. For a new
// email it creates the teacher's account (role guru, email not yet verified) and enqueues the
// verification mail; for a registered, unverified one it sends a fresh verification link; for
// a registered, verified one it enqueues taken's mail to that address (someone tried to sign
// up with it: sign in, or reset the password). All in one transaction. A sign-up counts as a
// request for a verification link from ip (a *RequestError past the limits), so nobody can
// flood an inbox or the outbox through the form. The returned User is empty unless an
// account was created.
func (s *Store) SignUp(ctx context.Context, nu NewUser, ip string, now time.Time, compose, taken Composer) (User, error) {
	hash, err := s.HashPassword(ctx, nu.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		email := NormalizeEmail(nu.Email)
		if err := recordRequest(ctx, tx, PurposeVerifyEmail, email, ip, now, s.limits.LinksPerAddress); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT `+userCols+` FROM users WHERE email = $1 AND disabled_at IS NULL`, email)
		existing, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
		switch {
		case err == nil && existing.EmailVerifiedAt == nil:
			return issueToken(ctx, tx, existing, PurposeVerifyEmail, now, compose)
		case err == nil:
			return mail.Enqueue(ctx, tx, taken(existing, ""))
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		if u, err = createUser(ctx, tx, nu, hash); err != nil {
			return err
		}
		return issueToken(ctx, tx, u, PurposeVerifyEmail, now, compose)
	})
	if errors.Is(err, ErrEmailTaken) {
		// A disabled account, or another sign-up for the same email committed meanwhile: the
		// same answer as any other sign-up.
		return User{}, nil
	}
	return u, err
}

// RequestError says too many links were asked for; try again after RetryAfter.
type RequestError struct{ RetryAfter time.Duration }

func (e *RequestError) Error() string { return "too many requests for emailed links" }

// recordRequest counts a request for an emailed link and refuses it past the limits.
func recordRequest(ctx context.Context, tx pgx.Tx, purpose Purpose, email, ip string, now time.Time, perAddress int) error {
	since := now.Add(-RequestWindow)
	var byEmail, byIP int
	var oldest time.Time
	err := tx.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM token_requests WHERE purpose = $1 AND email = $2 AND at > $4),
			(SELECT count(*) FROM token_requests WHERE purpose = $1 AND ip = $3 AND at > $4),
			coalesce((SELECT min(at) FROM token_requests WHERE purpose = $1 AND (email = $2 OR ip = $3) AND at > $4), $5)`,
		purpose, email, ip, since, now).Scan(&byEmail, &byIP, &oldest)
	if err != nil {
		return err
	}
	if byEmail >= MaxRequestsPerEmail || byIP >= perAddress {
		wait := oldest.Add(RequestWindow).Sub(now)
		if wait < time.Minute {
			wait = time.Minute
		}
		return &RequestError{RetryAfter: wait}
	}
	_, err = tx.Exec(ctx, `INSERT INTO token_requests (purpose, email, ip, at) VALUES ($1, $2, $3, $4)`, purpose, email, ip, now)
	return err
}

// RequestLink handles "send me a verification link again" and "I forgot my password": it
// counts the request (a *RequestError past the limits), and when email belongs to an active
// account that needs the link, issues a token and enqueues compose's mail. The result is the
// same whether or not the account exists.
func (s *Store) RequestLink(ctx context.Context, purpose Purpose, email, ip string, now time.Time, compose Composer) error {
	email = NormalizeEmail(email)
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		if err := recordRequest(ctx, tx, purpose, email, ip, now, s.limits.LinksPerAddress); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `SELECT `+userCols+` FROM users WHERE email = $1 AND disabled_at IS NULL`, email)
		u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if purpose == PurposeVerifyEmail && u.EmailVerifiedAt != nil {
			return nil
		}
		return issueToken(ctx, tx, u, purpose, now, compose)
	})
}

// CheckToken reports whether tok can be used for purpose at now, without using it:
// ErrTokenInvalid, ErrTokenUsed, ErrTokenExpired or nil.
func (s *Store) CheckToken(ctx context.Context, purpose Purpose, tok string, now time.Time) error {
	_, err := checkToken(ctx, s.db, purpose, tok, now, false)
	return err
}

type queryRower interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// checkToken looks tok up (locking its row when lock is set) and returns its user's id.
func checkToken(ctx context.Context, q queryRower, purpose Purpose, tok string, now time.Time, lock bool) (int64, error) {
	if len(tok) != tokenLen {
		return 0, ErrTokenInvalid
	}
	sql := `SELECT user_id, expires_at, used_at FROM user_tokens WHERE token_hash = $1 AND purpose = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	var userID int64
	var expires time.Time
	var used *time.Time
	err := q.QueryRow(ctx, sql, hashToken(tok), purpose).Scan(&userID, &expires, &used)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return 0, ErrTokenInvalid
	case err != nil:
		return 0, err
	case used != nil:
		return 0, ErrTokenUsed
	case !now.Before(expires):
		return 0, ErrTokenExpired
	}
	return userID, nil
}

// useToken checks tok within tx and marks it used; it returns the token's user.
func useToken(ctx context.Context, tx pgx.Tx, purpose Purpose, tok string, now time.Time) (int64, error) {
	userID, err := checkToken(ctx, tx, purpose, tok, now, true)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `UPDATE user_tokens SET used_at = $2 WHERE token_hash = $1`, hashToken(tok), now)
	return userID, err
}

// VerifyEmail uses a verification token and marks its user's email verified.
func (s *Store) VerifyEmail(ctx context.Context, tok string, now time.Time) (User, error) {
	var u User
	err := database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		userID, err := useToken(ctx, tx, PurposeVerifyEmail, tok, now)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `UPDATE users SET email_verified_at = coalesce(email_verified_at, $2), updated_at = $2
			WHERE id = $1 RETURNING `+userCols, userID, now)
		u, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
		return err
	})
	return u, err
}

// ResetPassword uses a reset token and sets the new password (which the caller has checked
// with CheckPassword). Every other reset token of the user stops working, the sign-in failures
// of the account are cleared, other sessions end (Principal.CredentialTag), and
// the email counts as verified (the link proved it).
func (s *Store) ResetPassword(ctx context.Context, tok, password string, now time.Time) (User, error) {
	hash, err := s.HashPassword(ctx, password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		userID, err := useToken(ctx, tx, PurposeResetPassword, tok, now)
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, $3),
			updated_at = $3 WHERE id = $1 RETURNING `+userCols, userID, hash, now)
		if u, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User]); err != nil {
			return err
		}
		return afterPasswordChange(ctx, tx, u, now)
	})
	return u, err
}

// ChangePassword sets a signed-in user's new password after checking the current one
// (ErrBadCredentials when it is wrong). Wrong current passwords count as sign-in failures of
// the account, so the page cannot be used to guess it (*RateLimitError past the limit).
// Outstanding reset links stop working and other sessions end.
func (s *Store) ChangePassword(ctx context.Context, userID int64, current, password, ip string, now time.Time) error {
	if len(current) > MaxPasswordInBytes {
		return ErrBadCredentials
	}
	var old, email string
	var failures int
	var last *time.Time
	err := s.db.QueryRow(ctx, `SELECT password_hash, email,
			(SELECT count(*) FROM login_failures f WHERE f.email = u.email AND f.at > $2),
			(SELECT max(at) FROM login_failures f WHERE f.email = u.email AND f.at > $2)
		FROM users u WHERE id = $1`, userID, now.Add(-AccountWindow)).Scan(&old, &email, &failures, &last)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("user %d: %w", userID, database.ErrNotFound)
	}
	if err != nil {
		return err
	}
	// Wrong current passwords share the account's growing delay with sign-in (FreeFailures).
	if d := accountDelay(failures); d > 0 && last != nil {
		if wait := last.Add(d).Sub(now); wait > 0 {
			return &RateLimitError{RetryAfter: wait}
		}
	}
	ok, err := s.VerifyPassword(ctx, current, old)
	if err != nil {
		return err
	}
	if !ok {
		if _, err := s.db.Exec(ctx, `INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)`, email, ip, now); err != nil {
			return err
		}
		return ErrBadCredentials
	}
	hash, err := s.HashPassword(ctx, password)
	if err != nil {
		return err
	}
	return database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `UPDATE users SET password_hash = $2, updated_at = $3
			WHERE id = $1 AND password_hash = $4 RETURNING `+userCols, userID, hash, now, old)
		u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("password changed meanwhile: %w", database.ErrConflict)
		}
		if err != nil {
			return err
		}
		return afterPasswordChange(ctx, tx, u, now)
	})
}

// afterPasswordChange ends every unused reset token of u and clears its sign-in failures.
func afterPasswordChange(ctx context.Context, tx pgx.Tx, u User, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE user_tokens SET used_at = $2
		WHERE user_id = $1 AND purpose = 'reset_password' AND used_at IS NULL`, u.ID, now); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, u.Email)
	return err
}
