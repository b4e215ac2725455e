package config

import (
	"strings"
	"testing"
	"time"
)

func TestFromEnvDefaults(t *testing.T) {
	for _, k := range []string{"APP_ENV", "ADDR", "BASE_URL", "DATABASE_URL", "SMTP_URL", "UPLOAD_DIR", "SESSION_SECURE", "SECRET_KEY", "TRUST_PROXY",
		"REQUEST_TIMEOUT", "DATABASE_MAX_CONNS", "DATABASE_ACQUIRE_TIMEOUT", "LOGIN_FAILURES_PER_ADDRESS", "LINK_REQUESTS_PER_ADDRESS", "METRICS_ADDR"} {
		t.Setenv(k, "")
	}
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || !c.Dev() || c.SessionSecure || c.BaseURL != "http://localhost:8080" || c.TrustProxy || c.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("defaults = %+v", c)
	}
	if c.RequestTimeout != 15*time.Second || c.DatabaseMaxConns != 20 || c.DatabaseAcquireTimeout != 10*time.Second {
		t.Errorf("deadline defaults: request %v, pool %d, acquire %v", c.RequestTimeout, c.DatabaseMaxConns, c.DatabaseAcquireTimeout)
	}
	if c.LoginFailuresPerAddress != 3000 || c.LinkRequestsPerAddress != 2000 {
		t.Errorf("address limits: %d failures, %d links", c.LoginFailuresPerAddress, c.LinkRequestsPerAddress)
	}
	t.Setenv("REQUEST_TIMEOUT", "30s")
	t.Setenv("DATABASE_MAX_CONNS", "40")
	t.Setenv("DATABASE_ACQUIRE_TIMEOUT", "1500ms")
	if c, err = FromEnv(); err != nil || c.RequestTimeout != 30*time.Second || c.DatabaseMaxConns != 40 || c.DatabaseAcquireTimeout != 1500*time.Millisecond {
		t.Errorf("set: %+v, %v", c, err)
	}
	for k, v := range map[string]string{"REQUEST_TIMEOUT": "lama", "DATABASE_MAX_CONNS": "0", "DATABASE_ACQUIRE_TIMEOUT": "-1s", "LOGIN_FAILURES_PER_ADDRESS": "0", "LINK_REQUESTS_PER_ADDRESS": "banyak"} {
		t.Run(k, func(t *testing.T) {
			t.Setenv(k, v)
			if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), k) {
				t.Errorf("%s=%s: %v", k, v, err)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // substring of the error, "" for none
	}{
		{"production needs a secret", map[string]string{"APP_ENV": "production"}, "SECRET_KEY must be set"},
		{"production is secure by default", map[string]string{"APP_ENV": "production", "SECRET_KEY": strings.Repeat("k", 40)}, ""},
		{"bad env", map[string]string{"APP_ENV": "staging"}, "APP_ENV"},
		{"bad smtp", map[string]string{"SMTP_URL": "mail.example.com"}, "SMTP_URL"},
		{"short secret", map[string]string{"SECRET_KEY": "short"}, "at least 32"},
		{"bad bool", map[string]string{"SESSION_SECURE": "perhaps"}, "SESSION_SECURE"},
		{"bad proxy flag", map[string]string{"TRUST_PROXY": "ya"}, "TRUST_PROXY"},
		{"unknown storage", map[string]string{"STORAGE": "ftp"}, "STORAGE must be local or s3"},
		{"s3 needs an endpoint", map[string]string{"STORAGE": "s3", "S3_BUCKET": "b", "S3_ACCESS_KEY": "k", "S3_SECRET_KEY": "s"}, "S3_ENDPOINT"},
		{"s3 needs keys", map[string]string{"STORAGE": "s3", "S3_ENDPOINT": "https://s3.example"}, "S3_BUCKET"},
		{"s3 complete", map[string]string{"STORAGE": "s3", "S3_ENDPOINT": "https://s3.example", "S3_BUCKET": "b", "S3_ACCESS_KEY": "k", "S3_SECRET_KEY": "s"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"APP_ENV", "SMTP_URL", "SECRET_KEY", "SESSION_SECURE", "TRUST_PROXY", "STORAGE", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY"} {
				t.Setenv(k, tc.env[k])
			}
			c, err := FromEnv()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.env["APP_ENV"] == "production" && !c.SessionSecure {
					t.Errorf("production cookie not Secure")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
