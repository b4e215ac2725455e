// Package config reads the server's configuration from the environment and validates it at start.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is everything the server needs to know about its environment.
type Config struct {
	// Env is "development" or "production"; development enables the mail outbox page and
	// plain-HTTP cookies.
	Env string
	// Addr is the listen address, e.g. ":8080".
	Addr string
	// MetricsAddr is the separate listen address of /metrics (Prometheus), loopback by
	// default so the metrics never reach the public address; "off" serves none.
	MetricsAddr string
	// BaseURL is the public address used in emails and QR codes, without a trailing slash.
	BaseURL string
	// DatabaseURL is a PostgreSQL connection string.
	DatabaseURL string
	// SMTPURL is smtp://user:pass@host:port; empty means mail is only logged and kept in the outbox.
	SMTPURL string
	// MailFrom is the sender address of outgoing mail.
	MailFrom string
	// UploadDir is where uploaded files are stored, outside the web root (STORAGE=local).
	UploadDir string
	// Storage is where uploaded files go: "local" (UploadDir, the default) or "s3" (an
	// S3-compatible object store shared by every instance).
	Storage string
	// S3 is the object store for STORAGE=s3.
	S3 S3

	// SessionSecure marks the session cookie Secure (HTTPS only).
	SessionSecure bool
	// SecretKey signs tokens carried in QR codes and links (HMAC). At least 32 bytes.
	SecretKey string
	// TrustProxy takes the client address from X-Forwarded-For / X-Real-IP (set it only behind
	// a reverse proxy or load balancer that overwrites those headers). Rate limits per address
	// and the audit log's "from where" depend on it.
	TrustProxy bool
	// RequestTimeout is the deadline of one request (REQUEST_TIMEOUT, default 15 s): past it the
	// request's context ends, its database work is cancelled and the user gets the "busy, try
	// again" page. Uploads get four times as long (a slow phone connection).
	RequestTimeout time.Duration
	// DatabaseMaxConns is the size of this instance's connection pool (DATABASE_MAX_CONNS).
	DatabaseMaxConns int32
	// DatabaseAcquireTimeout bounds the wait for a free pool connection
	// (DATABASE_ACQUIRE_TIMEOUT, default 10 s); past it the user gets the "busy" page.
	DatabaseAcquireTimeout time.Duration
	// LoginFailuresPerAddress is how many failed sign-ins one client address may make in 15
	// minutes (LOGIN_FAILURES_PER_ADDRESS); successful sign-ins never count.
	LoginFailuresPerAddress int
	// LinkRequestsPerAddress is how many sign-ups, and how many emailed-link requests, one
	// address may make in an hour (LINK_REQUESTS_PER_ADDRESS).
	LinkRequestsPerAddress int
	// ShutdownTimeout bounds how long in-flight requests may run after SIGTERM.
	ShutdownTimeout time.Duration
	// ExportJobRows is the most rows an export may have and still be written within the
	// request (EXPORT_JOB_ROWS, default 20,000); a larger one is queued as a background job.
	// 0 means the default.
	ExportJobRows int
	// ExportLinkTTL is how long a queued export can be downloaded once it is ready
	// (EXPORT_LINK_TTL, default 24h). 0 means the default.
	ExportLinkTTL time.Duration
}

// S3 locates an S3-compatible bucket (S3_ENDPOINT, S3_BUCKET, S3_REGION, S3_ACCESS_KEY,
// S3_SECRET_KEY, S3_PREFIX, S3_PATH_STYLE).
type S3 struct {
	Endpoint, Bucket, Region, AccessKey, SecretKey, Prefix string
	PathStyle                                              bool
}

// Dev reports whether the server runs in development mode.
func (c Config) Dev() bool { return c.Env == "development" }

// FromEnv reads the configuration from environment variables, applying defaults.
func FromEnv() (Config, error) {
	c := Config{
		Env:         get("APP_ENV", "development"),
		Addr:        get("ADDR", ":8080"),
		MetricsAddr: get("METRICS_ADDR", "127.0.0.1:9090"),
		BaseURL:     strings.TrimRight(get("BASE_URL", "http://localhost:8080"), "/"),
		DatabaseURL: get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/penggerak?sslmode=disable"),
		SMTPURL:     os.Getenv("SMTP_URL"),
		MailFrom:    get("MAIL_FROM", "Penggerak <noreply@penggerak.local>"),
		UploadDir:   get("UPLOAD_DIR", "./var/uploads"),
		Storage:     get("STORAGE", "local"),
		S3: S3{Endpoint: os.Getenv("S3_ENDPOINT"), Bucket: os.Getenv("S3_BUCKET"), Region: get("S3_REGION", "us-east-1"),
			AccessKey: os.Getenv("S3_ACCESS_KEY"), SecretKey: os.Getenv("S3_SECRET_KEY"), Prefix: os.Getenv("S3_PREFIX")},
		SecretKey:       get("SECRET_KEY", "development-secret-key-change-me-in-production!"),
		ShutdownTimeout: 20 * time.Second,
	}
	secure, err := strconv.ParseBool(get("SESSION_SECURE", strconv.FormatBool(c.Env != "development")))
	if err != nil {
		return c, fmt.Errorf("SESSION_SECURE: %w", err)
	}
	c.SessionSecure = secure
	if c.TrustProxy, err = strconv.ParseBool(get("TRUST_PROXY", "false")); err != nil {
		return c, fmt.Errorf("TRUST_PROXY: %w", err)
	}
	if c.S3.PathStyle, err = strconv.ParseBool(get("S3_PATH_STYLE", "true")); err != nil {
		return c, fmt.Errorf("S3_PATH_STYLE: %w", err)
	}
	if c.RequestTimeout, err = duration("REQUEST_TIMEOUT", "15s"); err != nil {
		return c, err
	}
	if c.DatabaseAcquireTimeout, err = duration("DATABASE_ACQUIRE_TIMEOUT", "10s"); err != nil {
		return c, err
	}
	n, err := strconv.ParseInt(get("DATABASE_MAX_CONNS", "20"), 10, 32)
	if err != nil || n < 1 {
		return c, fmt.Errorf("DATABASE_MAX_CONNS must be a whole number of at least 1")
	}
	c.DatabaseMaxConns = int32(n)
	if c.LoginFailuresPerAddress, err = positive("LOGIN_FAILURES_PER_ADDRESS", "3000"); err != nil {
		return c, err
	}
	if c.LinkRequestsPerAddress, err = positive("LINK_REQUESTS_PER_ADDRESS", "2000"); err != nil {
		return c, err
	}
	if c.ExportJobRows, err = positive("EXPORT_JOB_ROWS", "20000"); err != nil {
		return c, err
	}
	if c.ExportLinkTTL, err = duration("EXPORT_LINK_TTL", "24h"); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// Validate checks that the configuration can work.
func (c Config) Validate() error {
	var errs []error
	if c.Env != "development" && c.Env != "production" {
		errs = append(errs, fmt.Errorf("APP_ENV must be development or production, not %q", c.Env))
	}
	if _, err := url.Parse(c.BaseURL); err != nil || !strings.HasPrefix(c.BaseURL, "http") {
		errs = append(errs, fmt.Errorf("BASE_URL must be an http(s) URL"))
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") {
			errs = append(errs, fmt.Errorf("SMTP_URL must look like smtp://user:pass@host:587"))
		}
	}
	switch c.Storage {
	case "local":
	case "s3":
		if !strings.HasPrefix(c.S3.Endpoint, "http://") && !strings.HasPrefix(c.S3.Endpoint, "https://") {
			errs = append(errs, fmt.Errorf("S3_ENDPOINT must be an http(s) URL with STORAGE=s3"))
		}
		if c.S3.Bucket == "" || c.S3.AccessKey == "" || c.S3.SecretKey == "" {
			errs = append(errs, fmt.Errorf("S3_BUCKET, S3_ACCESS_KEY and S3_SECRET_KEY are required with STORAGE=s3"))
		}
	default:
		errs = append(errs, fmt.Errorf("STORAGE must be local or s3, not %q", c.Storage))
	}
	if len(c.SecretKey) < 32 {
		errs = append(errs, fmt.Errorf("SECRET_KEY must be at least 32 characters"))
	}
	if c.Env == "production" && strings.HasPrefix(c.SecretKey, "development-") {
		errs = append(errs, fmt.Errorf("SECRET_KEY must be set in production"))
	}
	return errors.Join(errs...)
}

// duration reads a positive duration such as "15s" or "500ms".
func duration(key, def string) (time.Duration, error) {
	d, err := time.ParseDuration(get(key, def))
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive duration such as %s", key, def)
	}
	return d, nil
}

// positive reads a whole number of at least 1.
func positive(key, def string) (int, error) {
	n, err := strconv.Atoi(get(key, def))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s must be a whole number of at least 1", key)
	}
	return n, nil
}

func get(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}
