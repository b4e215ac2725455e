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
	// UploadDir is where uploaded files are stored, outside the web root.
	UploadDir string
	// SessionSecure marks the session cookie Secure (HTTPS only).
	SessionSecure bool
	// SecretKey signs tokens carried in QR codes and links (HMAC). At least 32 bytes.
	SecretKey string
	// TrustProxy takes the client address from X-Forwarded-For / X-Real-IP (set it only behind
	// a reverse proxy or load balancer that overwrites those headers). Rate limits per address
	// and the audit log's "from where" depend on it.
	TrustProxy bool
	// ShutdownTimeout bounds how long in-flight requests may run after SIGTERM.
	ShutdownTimeout time.Duration
}

// Dev reports whether the server runs in development mode.
func (c Config) Dev() bool { return c.Env == "development" }

// FromEnv reads the configuration from environment variables, applying defaults.
func FromEnv() (Config, error) {
	c := Config{
		Env:             get("APP_ENV", "development"),
		Addr:            get("ADDR", ":8080"),
		MetricsAddr:     get("METRICS_ADDR", "127.0.0.1:9090"),
		BaseURL:         strings.TrimRight(get("BASE_URL", "http://localhost:8080"), "/"),
		DatabaseURL:     get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/penggerak?sslmode=disable"),
		SMTPURL:         os.Getenv("SMTP_URL"),
		MailFrom:        get("MAIL_FROM", "Penggerak <noreply@penggerak.local>"),
		UploadDir:       get("UPLOAD_DIR", "./var/uploads"),
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
	if len(c.SecretKey) < 32 {
		errs = append(errs, fmt.Errorf("SECRET_KEY must be at least 32 characters"))
	}
	if c.Env == "production" && strings.HasPrefix(c.SecretKey, "development-") {
		errs = append(errs, fmt.Errorf("SECRET_KEY must be set in production"))
	}
	return errors.Join(errs...)
}

func get(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}
