// Package database opens the connection pool, applies migrations and runs transactions.
package database

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4"
	_ "github.com/golang-migrate/migrate/v4/database/pgx/v5" // pgx5:// driver
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"penggerak/migrations"
)

// ErrNotFound is returned by stores when a row does not exist or is outside the caller's scope.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned by stores when a uniqueness or state rule would be broken.
var ErrConflict = errors.New("conflict")

// Pool defaults: how many connections one instance holds, and how long a request waits for
// one of them before it is told the service is busy (ErrPoolBusy) instead of queueing until
// its own deadline.
const (
	DefaultMaxConns       = 20
	DefaultAcquireTimeout = 10 * time.Second
)

// ErrPoolBusy is the cause of the context error returned when every connection of the pool
// stayed taken for longer than the acquire timeout. Acquire returns context.DeadlineExceeded
// (the pool does not pass causes on); PoolBusy recognises it.
var ErrPoolBusy = errors.New("database: no connection free within the acquire timeout")

// PoolBusy reports whether err came from waiting too long for a pool connection, while the
// request itself (reqCtx) was still alive: the pool is saturated, the caller should answer
// "busy, try again" rather than a server error.
func PoolBusy(reqCtx context.Context, err error) bool {
	return errors.Is(err, context.DeadlineExceeded) && reqCtx.Err() == nil
}

// Options size the pool. Zero values take the URL's pool_max_conns or the defaults.
type Options struct {
	// MaxConns is the largest number of open connections (DATABASE_MAX_CONNS).
	MaxConns int32
	// AcquireTimeout bounds the wait for a free connection (DATABASE_ACQUIRE_TIMEOUT).
	AcquireTimeout time.Duration
	// Tracer, when set, also sees every query (e.g. a benchmark counting statements per view).
	Tracer pgx.QueryTracer
}

// Open connects a pool with a statement timeout and the default pool options, and checks
// the connection.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	return OpenWith(ctx, url, Options{})
}

// OpenWith connects a pool sized by o, with a statement timeout (15 s unless the URL sets
// statement_timeout) and a bounded wait for a connection, and checks the connection.
func OpenWith(ctx context.Context, url string, o Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = "15000"
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	switch {
	case o.MaxConns > 0:
		cfg.MaxConns = o.MaxConns
	case !strings.Contains(url, "pool_max_conns="):
		cfg.MaxConns = DefaultMaxConns
	}
	if o.AcquireTimeout <= 0 {
		o.AcquireTimeout = DefaultAcquireTimeout
	}
	cfg.ConnConfig.Tracer = acquireTimeout{wait: o.AcquireTimeout, queries: o.Tracer}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return pool, nil
}

// acquireTimeout bounds how long pgxpool's Acquire waits for a connection: the pool uses the
// context returned by TraceAcquireStart for the wait (pgxpool.AcquireTracer), so a deadline
// set there ends the wait without touching the caller's context or the query that follows.
type acquireTimeout struct {
	wait    time.Duration
	queries pgx.QueryTracer // nil, or Options.Tracer
}

type acquireCancelKey struct{}

func (a acquireTimeout) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	ctx, cancel := context.WithTimeoutCause(ctx, a.wait, ErrPoolBusy)
	return context.WithValue(ctx, acquireCancelKey{}, cancel)
}

func (a acquireTimeout) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireEndData) {
	if cancel, ok := ctx.Value(acquireCancelKey{}).(context.CancelFunc); ok {
		cancel()
	}
}

// The pool takes its AcquireTracer from ConnConfig.Tracer, which must be a query tracer too.
func (a acquireTimeout) TraceQueryStart(ctx context.Context, c *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if a.queries != nil {
		return a.queries.TraceQueryStart(ctx, c, d)
	}
	return ctx
}

func (a acquireTimeout) TraceQueryEnd(ctx context.Context, c *pgx.Conn, d pgx.TraceQueryEndData) {
	if a.queries != nil {
		a.queries.TraceQueryEnd(ctx, c, d)
	}
}

// Migrate applies every pending schema migration, then River's own tables.
func Migrate(ctx context.Context, url string, pool *pgxpool.Pool) error {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return err
	}
	m, err := migrate.NewWithSourceInstance("iofs", src, migrateURL(url))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate up: %w", err)
	}
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}

func migrateURL(url string) string {
	for _, p := range []string{"postgres://", "postgresql://"} {
		if len(url) > len(p) && url[:len(p)] == p {
			return "pgx5://" + url[len(p):]
		}
	}
	return url
}

// DB is either the pool or a transaction: everything a store does to read, write or begin.
// A store holds a DB and can be bound to a running transaction (each store's WithTx), so a
// read made while a transaction is open goes through that transaction instead of taking a
// second connection from the pool. Holding one connection while waiting for another is how
// a small pool deadlocks under many concurrent writers.
//
// Tx on a DB that is already a transaction opens a savepoint, so a store method that starts
// its own transaction can be called on a bound store as well.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Begin(ctx context.Context) (pgx.Tx, error)
}

var (
	_ DB = (*pgxpool.Pool)(nil)
	_ DB = pgx.Tx(nil)
)

// Tx runs fn in one transaction on db (a savepoint when db is already a transaction):
// committed when fn returns nil, rolled back otherwise. Inside fn every read and write goes
// through tx; TestTransactionsUseTheirTx checks the whole module for that.
func Tx(ctx context.Context, db DB, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db, fn)
}

// NullID is id as a nullable column value: nil for 0 (no such row, e.g. a system actor).
func NullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// IsUnique reports whether err is a unique-constraint violation (SQLSTATE 23505).
func IsUnique(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// NonNil is s, or an empty slice for nil, so that it is stored as an empty array, not NULL.
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
