// Package testdb gives each test its own PostgreSQL database, cloned from a template that has
// every migration and the region reference data applied once. A test that cannot reach
// PostgreSQL fails; it never skips.
//
// The server is found through TEST_DATABASE_URL, then DATABASE_URL, then the local default
// postgres://postgres@127.0.0.1:5432/postgres. `make test` sets DATABASE_URL to a private cluster
// when none is reachable.
package testdb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/database"
	"penggerak/internal/region"
	"penggerak/internal/token"
	"penggerak/migrations"
)

var (
	once     sync.Once
	template string
	onceErr  error
)

// ServerURL returns the connection string of the PostgreSQL server used by tests, pointed at
// the database name given.
func ServerURL(dbname string) string {
	raw := os.Getenv("TEST_DATABASE_URL")
	if raw == "" {
		raw = os.Getenv("DATABASE_URL")
	}
	if raw == "" {
		raw = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Path = "/" + dbname
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// New returns a pool on a fresh database that is dropped when the test ends, and its URL.
func New(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	ctx := context.Background()
	once.Do(func() { template, onceErr = ensureTemplate(ctx) })
	if onceErr != nil {
		t.Fatalf("testdb: PostgreSQL is required for this test and could not be prepared at %s: %v",
			redact(ServerURL("postgres")), onceErr)
	}
	admin, err := pgx.Connect(ctx, ServerURL("postgres"))
	if err != nil {
		t.Fatalf("testdb: connect: %v", err)
	}
	defer admin.Close(ctx)
	name := "pgk_test_" + token.Hex(6)
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template)); err != nil {
		t.Fatalf("testdb: clone template: %v", err)
	}
	dbURL := ServerURL(name)
	pool, err := database.Open(ctx, dbURL)
	if err != nil {
		t.Fatalf("testdb: open clone: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		c, err := pgx.Connect(context.Background(), ServerURL("postgres"))
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return pool, dbURL
}

// SmallPool opens a second pool of at most maxConns connections on the database at dbURL (from
// New), closed when the test ends: for tests of many concurrent actors on a small pool.
func SmallPool(t testing.TB, dbURL string, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatalf("testdb: parse URL: %v", err)
	}
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("testdb: small pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// ensureTemplate creates the template database for the current migrations once per server; its
// name carries a hash of the migrations, so a changed schema gets a new template.
func ensureTemplate(ctx context.Context) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "pgk_tpl_" + hex.EncodeToString(h.Sum(nil))[:16]

	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	admin, err := pgx.Connect(cctx, ServerURL("postgres"))
	if err != nil {
		return "", err
	}
	defer admin.Close(ctx)
	// Serialise template creation across parallel test binaries.
	if _, err := admin.Exec(ctx, `SELECT pg_advisory_lock(727274)`); err != nil {
		return "", err
	}
	defer admin.Exec(ctx, `SELECT pg_advisory_unlock(727274)`)

	var ready bool
	err = admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&ready)
	if err != nil || ready {
		return name, err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name)); err != nil {
		return "", err
	}
	if _, err := admin.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", err
	}
	tplURL := ServerURL(name)
	pool, err := database.Open(ctx, tplURL)
	if err != nil {
		return "", err
	}
	if err := database.Migrate(ctx, tplURL, pool); err != nil {
		pool.Close()
		return "", err
	}
	if err := region.Load(ctx, pool); err != nil {
		pool.Close()
		return "", err
	}
	pool.Close()
	if _, err := admin.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s WITH is_template true`, name)); err != nil {
		return "", err
	}
	return name, nil
}

func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable url)"
	}
	return u.Redacted()
}

// Exec runs sql on db for a fixture and fails the test when it errs.
func Exec(t testing.TB, db database.DB, sql string, args ...any) {
	t.Helper()
	if _, err := db.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("fixture: %v\n%s", err, sql)
	}
}

// ID runs sql, which returns one id, on db for a fixture and fails the test when it errs.
func ID(t testing.TB, db database.DB, sql string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&id); err != nil {
		t.Fatalf("fixture: %v\n%s", err, sql)
	}
	return id
}
