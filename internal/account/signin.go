package account

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// RateLimitError says sign-in is refused for a while: the account waits out its delay, or the
// address has too many failures.
type RateLimitError struct {
	RetryAfter time.Duration
	// Address says the client address is past its failure limit (not the account's delay).
	Address bool
}

func (e *RateLimitError) Error() string { return "too many sign-in attempts" }

// Sign-in protection (issue 8: a registration day puts whole schools, workshops and carriers'
// CGNAT behind one address, so nothing may lock out everyone behind it).
//
// Per account (the email typed), a growing delay, not a lock. The first FreeFailures wrong
// passwords within AccountWindow cost nothing (typos). Each further failure sets a wait,
// counted from the latest failure, that doubles: 1 s, 2 s, 4 s … up to MaxDelay. While the wait
// runs, every attempt on the account is refused without checking the password, the right one
// included — otherwise an attacker could keep guessing at full speed and only the delay's
// message would change. So the attacker gets about FreeFailures + 10 guesses in the first
// quarter hour and then one per MaxDelay (≈ 20 an hour against argon2id), while the owner who
// types the right password after the wait gets in and the failures are cleared. The wait is
// never longer than MaxDelay after the last failure: an attack that stops frees the account by
// itself, and nobody else's sign-in from the same address is touched.
//
// Per address, failures only: successful sign-ins never count, so 150 teachers signing in from
// one school's address use none of it. The limit (Limits.FailuresPerAddress, configuration
// LOGIN_FAILURES_PER_ADDRESS) is high — it stops one address from spraying guesses across
// thousands of accounts, not a school from working. Past it the address waits until its oldest
// failure in AddressWindow ages out.
const (
	FreeFailures  = 5
	AccountWindow = time.Hour
	MaxDelay      = 15 * time.Minute
	AddressWindow = 15 * time.Minute
	// LoginWindow is how long failed sign-ins are remembered for the limits (retention keeps
	// them 24 h).
	LoginWindow = AccountWindow
)

// accountDelay is the wait after n failures of one account within AccountWindow.
func accountDelay(n int) time.Duration {
	if n < FreeFailures {
		return 0
	}
	shift := n - FreeFailures
	if shift > 20 {
		return MaxDelay
	}
	return min(MaxDelay, time.Second<<shift)
}

// Limits are the per-address limits, set in configuration. Zero fields take DefaultLimits.
type Limits struct {
	// FailuresPerAddress is how many failed sign-ins one address may make within AddressWindow.
	FailuresPerAddress int
	// LinksPerAddress is how many sign-ups and emailed-link requests (verification, reset)
	// one address may make within RequestWindow, for each kind.
	LinksPerAddress int
}

// DefaultLimits are generous: a school, a workshop or a carrier's CGNAT shares one address.
var DefaultLimits = Limits{FailuresPerAddress: 3000, LinksPerAddress: 2000}

// Authenticate checks an email and password now; see AuthenticateAt.
func (s *Store) Authenticate(ctx context.Context, email, password, ip string) (User, error) {
	return s.AuthenticateAt(ctx, email, password, ip, time.Now())
}

// AuthenticateAt checks an email and password at now. An account waiting out its delay, or an
// address past its failure limit, gets a *RateLimitError without the password being checked
// (see FreeFailures). Input longer than MaxEmailLen or MaxPasswordInBytes is a failure at once,
// counted against the address. The error never says whether the account exists.
func (s *Store) AuthenticateAt(ctx context.Context, email, password, ip string, now time.Time) (User, error) {
	email = NormalizeEmail(email)
	tooLong := len(email) > MaxEmailLen || len(password) > MaxPasswordInBytes
	if tooLong {
		email = email[:min(len(email), MaxEmailLen)]
	}
	var byEmail, byIP int
	var lastEmail, oldestIP *time.Time
	err := s.db.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM login_failures WHERE email = $1 AND at > $3),
			(SELECT max(at) FROM login_failures WHERE email = $1 AND at > $3),
			(SELECT count(*) FROM (SELECT 1 FROM login_failures WHERE ip = $2 AND at > $4 LIMIT $5) f),
			(SELECT min(at) FROM login_failures WHERE ip = $2 AND at > $4)`,
		email, ip, now.Add(-AccountWindow), now.Add(-AddressWindow), s.limits.FailuresPerAddress).Scan(&byEmail, &lastEmail, &byIP, &oldestIP)
	if err != nil {
		return User{}, err
	}
	if byIP >= s.limits.FailuresPerAddress && oldestIP != nil {
		return User{}, &RateLimitError{RetryAfter: max(time.Minute, oldestIP.Add(AddressWindow).Sub(now)), Address: true}
	}
	if d := accountDelay(byEmail); d > 0 && lastEmail != nil {
		if wait := lastEmail.Add(d).Sub(now); wait > 0 {
			return User{}, &RateLimitError{RetryAfter: wait}
		}
	}
	if tooLong {
		if _, err := s.db.Exec(ctx, `INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)`, email, ip, now); err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	var u User
	var hash string
	var disabled *time.Time
	err = s.db.QueryRow(ctx, `SELECT id, email, name, phone, email_verified_at, language, created_at, password_hash, disabled_at
		FROM users WHERE email = $1`, email).Scan(&u.ID, &u.Email, &u.Name, &u.Phone, &u.EmailVerifiedAt, &u.Language, &u.CreatedAt, &hash, &disabled)
	found := err == nil
	if errors.Is(err, pgx.ErrNoRows) {
		hash = s.dummyHash() // spend the same time as a real check, so timing does not reveal the account
	} else if err != nil {
		return User{}, err
	}
	ok, err := s.VerifyPassword(ctx, password, hash)
	if err != nil {
		return User{}, err
	}
	if !found || !ok || disabled != nil {
		if _, err := s.db.Exec(ctx, `INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)`, email, ip, now); err != nil {
			return User{}, err
		}
		return User{}, ErrBadCredentials
	}
	if byEmail > 0 {
		if _, err = s.db.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, email); err != nil {
			return User{}, err
		}
	}
	if u.EmailVerifiedAt == nil {
		return u, ErrNotVerified
	}
	return u, nil
}
