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

// Open connects a pool with a statement timeout, and checks the connection.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = "15000"
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = 20 // pgxpool's default is the number of CPUs, too few for a web server
	}
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
