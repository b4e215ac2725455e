package account

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// Errors returned by the store.
var (
	ErrBadCredentials = errors.New("email or password is wrong")
	ErrEmailTaken     = fmt.Errorf("email already registered: %w", database.ErrConflict)
	ErrForbidden      = errors.New("not allowed")
	ErrDisabled       = errors.New("account disabled")
	// ErrNotVerified is returned by Authenticate, after a correct password, while the email
	// address has not been verified.
	ErrNotVerified = errors.New("email not verified")
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

// Input length limits checked before any work: longer input is refused at once (no hashing,
// no query), and never reaches an index that would reject it.
const (
	MaxEmailLen        = 254
	MaxPasswordInBytes = 4 * MaxPasswordLen
)

// Store keeps accounts and role grants.
type Store struct {
	db     database.DB
	params argon2id.Params
	limits Limits
	// hashSlots bounds concurrent password hashing, so a surge of sign-ins queues for CPU
	// instead of allocating params.Memory for every request at once.
	hashSlots chan struct{}
	// hashWait is how long a request waits for a slot (MaxHashWait).
	hashWait time.Duration
	// dummyHash is checked when the email has no account, so the answer takes as long as a
	// real check with the same parameters (timing does not reveal the account).
	dummyHash func() string
}

// NewStore returns a Store that hashes new passwords with params.
func NewStore(db database.DB, params argon2id.Params) *Store {
	return &Store{db: db, params: params, limits: DefaultLimits, hashSlots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)), hashWait: MaxHashWait,
		dummyHash: sync.OnceValue(func() string {
			h, _ := HashPassword("dummy-password-for-timing", params)
			return h
		})}
}

// WithLimits returns the store with the per-address limits l (zero fields keep the defaults).
func (s *Store) WithLimits(l Limits) *Store {
	c := *s
	if l.FailuresPerAddress > 0 {
		c.limits.FailuresPerAddress = l.FailuresPerAddress
	}
	if l.LinksPerAddress > 0 {
		c.limits.LinksPerAddress = l.LinksPerAddress
	}
	return &c
}

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// ErrBusy says too many passwords are being checked at once; the caller should answer "try
// again in a moment" instead of letting requests queue until they time out.
var ErrBusy = errors.New("too many password checks at once")

// MaxHashWait is how long a request waits for a hashing slot before ErrBusy.
const MaxHashWait = 5 * time.Second

// withHashSlot runs fn while holding one of the hashing slots, waiting at most MaxHashWait.
func (s *Store) withHashSlot(ctx context.Context, fn func()) error {
	timer := time.NewTimer(s.hashWait)
	defer timer.Stop()
	select {
	case s.hashSlots <- struct{}{}:
	case <-timer.C:
		return ErrBusy
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.hashSlots }()
	fn()
	return nil
}

// HashPassword hashes pw with the store's parameters, within the hashing bound.
func (s *Store) HashPassword(ctx context.Context, pw string) (string, error) {
	var hash string
	var err error
	if slotErr := s.withHashSlot(ctx, func() { hash, err = HashPassword(pw, s.params) }); slotErr != nil {
		return "", slotErr
	}
	return hash, err
}

// VerifyPassword compares pw with hash within the hashing bound.
func (s *Store) VerifyPassword(ctx context.Context, pw, hash string) (bool, error) {
	var ok bool
	err := s.withHashSlot(ctx, func() { ok = VerifyPassword(pw, hash) })
	return ok, err
}

// NewUser is what sign-up asks for.
type NewUser struct {
	Email    string
	Name     string
	Phone    string
	Password string
}

// NormalizeEmail lower-cases and trims an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

const userCols = `id, email, name, phone, email_verified_at, language, created_at`

// CreateUser creates an account holding the guru role. It returns ErrEmailTaken when the email
// is registered already.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	hash, err := s.HashPassword(ctx, nu.Password)
	if err != nil {
		return User{}, err
	}
	var u User
	err = database.Tx(ctx, s.db, func(tx pgx.Tx) error {
		u, err = createUser(ctx, tx, nu, hash)
		return err
	})
	return u, err
}

// createUser inserts the account and its guru grant within tx.
func createUser(ctx context.Context, tx pgx.Tx, nu NewUser, hash string) (User, error) {
	rows, _ := tx.Query(ctx, `INSERT INTO users (email, name, phone, password_hash) VALUES ($1, $2, $3, $4)
		RETURNING `+userCols, NormalizeEmail(nu.Email), strings.TrimSpace(nu.Name), nu.Phone, hash)
	u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[User])
	if database.IsUnique(err) {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO role_grants (user_id, role) VALUES ($1, 'guru')`, u.ID)
	return u, err
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id)
	return database.One[User](rows, "user %d", id)
}

// UserByEmail returns the user with that email.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+userCols+` FROM users WHERE email = $1`, NormalizeEmail(email))
	return database.One[User](rows, "user")
}

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

// SetLanguage stores the user's interface language.
func (s *Store) SetLanguage(ctx context.Context, userID int64, lang string) error {
	_, err := s.db.Exec(ctx, `UPDATE users SET language = $2, updated_at = now() WHERE id = $1`, userID, lang)
	return err
}

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
