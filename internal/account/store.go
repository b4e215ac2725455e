package account

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"

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
	// hashSlots bounds concurrent password hashing (HashConcurrency), so a surge of sign-ins
	// queues for CPU instead of allocating params.Memory for every request at once and taking
	// every core from the other requests.
	hashSlots chan struct{}
	// hashQueue bounds the requests waiting for a slot (HashBacklog): each holds one of the
	// server's in-flight slots while it waits, so a flood of sign-ins beyond it is told "busy"
	// at once instead of filling them.
	hashQueue chan struct{}
	// hashWait is how long a request waits for a slot (MaxHashWait).
	hashWait time.Duration
	// verify checks a password against a hash: VerifyPassword (a test counts the checks
	// running at once).
	verify func(pw, hash string) bool
	// dummyHash is checked when the email has no account, so the answer takes as long as a
	// real check with the same parameters (timing does not reveal the account).
	dummyHash func() string
}

// NewStore returns a Store that hashes new passwords with params.
func NewStore(db database.DB, params argon2id.Params) *Store {
	return &Store{db: db, params: params, limits: DefaultLimits, hashSlots: make(chan struct{}, HashConcurrency()),
		hashQueue: make(chan struct{}, HashBacklog), hashWait: MaxHashWait, verify: VerifyPassword,
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

// MaxHashWait is how long a request waits for a hashing slot before ErrBusy: two thirds of
// the default request deadline (it was 5 s, which a queue of sign-ins on a busy machine
// passed).
const MaxHashWait = 10 * time.Second

// HashBacklog is how many requests may wait for a hashing slot; one more gets ErrBusy at once.
// It is half the server's in-flight requests (128), so sign-ins never hold more than half of
// them; with two slots and argon2id at 25–50 ms a hash, the last of them waits 1–2 s.
const HashBacklog = 64

// HashConcurrency is how many passwords are hashed at once: as many as the CPUs the Go
// scheduler uses (GOMAXPROCS; it was twice that). An argon2id hash is 25–50 ms of one core
// without a pause, and the load test's sign-ins, 5 % of the requests, took 60 % of the
// server's CPU: beyond one hash per core more hashes at once only interleave (each takes
// longer, and holds its 19 MiB longer) and take the cores from the other requests. Half the
// CPUs was tried (load test, 4 December): on the shared machine the one slot left the
// sign-ins waiting past MaxHashWait (31 "busy" answers at 200 connections).
func HashConcurrency() int { return max(1, runtime.GOMAXPROCS(0)) }

// withHashSlot runs fn while holding one of the hashing slots, waiting at most MaxHashWait
// behind at most HashBacklog others (ErrBusy otherwise).
func (s *Store) withHashSlot(ctx context.Context, fn func()) error {
	select {
	case s.hashQueue <- struct{}{}:
	default:
		return ErrBusy
	}
	defer func() { <-s.hashQueue }()
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
	err := s.withHashSlot(ctx, func() { ok = s.verify(pw, hash) })
	return ok, err
}
