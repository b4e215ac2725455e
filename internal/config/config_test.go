package config

import (
	"strings"
	"testing"
)

func TestFromEnvDefaults(t *testing.T) {
	for _, k := range []string{"APP_ENV", "ADDR", "BASE_URL", "DATABASE_URL", "SMTP_URL", "UPLOAD_DIR", "SESSION_SECURE", "SECRET_KEY", "TRUST_PROXY", "METRICS_ADDR"} {
		t.Setenv(k, "")
	}
	c, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || !c.Dev() || c.SessionSecure || c.BaseURL != "http://localhost:8080" || c.TrustProxy || c.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("defaults = %+v", c)
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
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"APP_ENV", "SMTP_URL", "SECRET_KEY", "SESSION_SECURE", "TRUST_PROXY"} {
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
