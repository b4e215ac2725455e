package retention_test

import (
	"testing"
	"time"

	"penggerak/internal/imports"
	"penggerak/internal/retention"
	"penggerak/internal/testdb"
)

// Each kind of short-lived data is removed just after its rule says, and not a moment before.
func TestPrune(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := t.Context()
	now := time.Date(2026, 11, 25, 3, 0, 0, 0, time.UTC)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`INSERT INTO users (email, name, password_hash) VALUES ('siti@sekolah.test', 'Siti', 'x')`)
	old, fresh := now.Add(-retention.RateLimitRecords-time.Minute), now.Add(-retention.RateLimitRecords+time.Minute)
	for _, at := range []time.Time{old, old, fresh} {
		exec(`INSERT INTO login_failures (email, ip, at) VALUES ('siti@sekolah.test', '192.0.2.1', $1)`, at)
		exec(`INSERT INTO token_requests (purpose, email, ip, at) VALUES ('reset_password', 'siti@sekolah.test', '192.0.2.1', $1)`, at)
	}
	for i, exp := range []time.Time{now.Add(-retention.SpentTokens - time.Minute), now.Add(-retention.SpentTokens + time.Minute), now.Add(time.Hour)} {
		exec(`INSERT INTO user_tokens (token_hash, user_id, purpose, expires_at) SELECT $1, id, 'verify_email', $2 FROM users`, []byte{byte(i)}, exp)
	}
	exec(`INSERT INTO sessions (token, data, expiry) VALUES ('gone', '\x00', $1), ('live', '\x00', $2)`, now.Add(-time.Second), now.Add(time.Hour))
	oldMail, freshMail := now.Add(-retention.MailBodies-time.Minute), now.Add(-retention.MailBodies+time.Minute)
	mails := []struct {
		subject  string
		created  time.Time
		sent     bool
		attempts int
		kept     bool
	}{
		{"old sent", oldMail, true, 1, false},
		{"old given up", oldMail, false, 8, false},
		{"old still to send", oldMail, false, 2, true},
		{"fresh sent", freshMail, true, 1, true},
	}
	for _, m := range mails {
		var sent *time.Time
		if m.sent {
			sent = &m.created
		}
		exec(`INSERT INTO mail_outbox (to_addr, subject, body_text, created_at, sent_at, attempts) VALUES ('siti@sekolah.test', $1, 'Tautan rahasia', $2, $3, $4)`,
			m.subject, m.created, sent, m.attempts)
	}

	oldPreview, freshPreview := now.Add(-imports.Lifetime-time.Minute), now.Add(-imports.Lifetime+time.Minute)
	exec(`INSERT INTO import_previews (token, kind, user_id, source, rows, problems, payload, created_at)
		SELECT repeat('a', 32), 'schools', id, 'a.csv', 0, 0, '{}', $1 FROM users`, oldPreview)
	exec(`INSERT INTO import_previews (token, kind, user_id, source, rows, problems, payload, created_at)
		SELECT repeat('b', 32), 'schools', id, 'b.csv', 0, 0, '{}', $1 FROM users`, freshPreview)

	res, err := retention.Prune(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	want := retention.Result{LoginFailures: 2, TokenRequests: 2, Tokens: 1, Sessions: 1, MailBodies: 2, ImportPreviews: 1}
	if res != want {
		t.Errorf("removed %+v, want %+v", res, want)
	}
	count := func(sql string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for sql, n := range map[string]int{
		`SELECT count(*) FROM login_failures`:                                1,
		`SELECT count(*) FROM token_requests`:                                1,
		`SELECT count(*) FROM user_tokens`:                                   2,
		`SELECT count(*) FROM sessions WHERE token = 'live'`:                 1,
		`SELECT count(*) FROM sessions`:                                      1,
		`SELECT count(*) FROM mail_outbox`:                                   4,
		`SELECT count(*) FROM mail_outbox WHERE body_text = ''`:              2,
		`SELECT count(*) FROM mail_outbox WHERE subject <> ''`:               4,
		`SELECT count(*) FROM audit_log`:                                     0,
		`SELECT count(*) FROM import_previews WHERE token = repeat('b', 32)`: 1,
		`SELECT count(*) FROM import_previews`:                               1,
		`SELECT count(*) FROM users WHERE email = 'siti@sekolah.test'`:       1,
	} {
		if got := count(sql); got != n {
			t.Errorf("%s: %d, want %d", sql, got, n)
		}
	}
	for _, m := range mails {
		var body string
		if err := db.QueryRow(ctx, `SELECT body_text FROM mail_outbox WHERE subject = $1`, m.subject).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if (body != "") != m.kept {
			t.Errorf("mail %q: body %q, kept %v", m.subject, body, m.kept)
		}
	}

	// A second run finds nothing more to do.
	if res, err := retention.Prune(ctx, db, now); err != nil || res.Total() != 0 {
		t.Errorf("second run: %+v, %v", res, err)
	}
}
