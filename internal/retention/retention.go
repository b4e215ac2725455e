// Package retention applies the retention rules of docs/OPERATIONS.md to data that is needed
// only for a while: rate-limit records, spent emailed-link tokens, expired sessions, the
// bodies of mail already handed over and expired import previews. The River job "retention_prune" (internal/jobs) runs
// Prune every hour. Applications, documents and the audit log are not touched here: their
// rules are per cohort and by law (see docs/OPERATIONS.md).
package retention

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/imports"
	"penggerak/internal/mail"
)

// How long each kind of short-lived data is kept.
const (
	// RateLimitRecords keeps failed sign-ins (login_failures) and link requests
	// (token_requests): the longest rate-limit window is one hour, a day leaves room to
	// investigate an attack; then the email and address they hold are deleted.
	RateLimitRecords = 24 * time.Hour
	// SpentTokens keeps an emailed-link token a week past its expiry, so an old link still
	// says "expired" or "already used" rather than "unknown".
	SpentTokens = 7 * 24 * time.Hour
	// MailBodies keeps the text of a mail (it carries links and names) for 30 days after it
	// was written; the recipient, subject and dates stay as the record of what was sent.
	MailBodies = 30 * 24 * time.Hour
)

// Result counts what one run removed.
type Result struct {
	LoginFailures int64
	TokenRequests int64
	Tokens        int64
	Sessions      int64
	MailBodies    int64
	// ImportPreviews are upload previews past imports.Lifetime: they can no longer be
	// committed, and the rows they hold (names, emails) are kept no longer than needed.
	ImportPreviews int64
}

// Total is the number of rows changed.
func (r Result) Total() int64 {
	return r.LoginFailures + r.TokenRequests + r.Tokens + r.Sessions + r.MailBodies + r.ImportPreviews
}

// Prune deletes or blanks what has outlived its rule at time now, in one transaction.
func Prune(ctx context.Context, db *pgxpool.Pool, now time.Time) (Result, error) {
	var res Result
	steps := []struct {
		n   *int64
		sql string
		at  time.Time
	}{
		{&res.LoginFailures, `DELETE FROM login_failures WHERE at < $1`, now.Add(-RateLimitRecords)},
		{&res.TokenRequests, `DELETE FROM token_requests WHERE at < $1`, now.Add(-RateLimitRecords)},
		{&res.Tokens, `DELETE FROM user_tokens WHERE expires_at < $1`, now.Add(-SpentTokens)},
		{&res.Sessions, `DELETE FROM sessions WHERE expiry < $1`, now},
		// Only mail that is done with: sent, or given up after the last attempt.
		{&res.MailBodies, fmt.Sprintf(`UPDATE mail_outbox SET body_text = '' WHERE body_text <> '' AND created_at < $1
			AND (sent_at IS NOT NULL OR attempts >= %d)`, mail.MaxAttempts), now.Add(-MailBodies)},
		{&res.ImportPreviews, `DELETE FROM import_previews WHERE created_at < $1`, now.Add(-imports.Lifetime)},
	}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for _, s := range steps {
			tag, err := tx.Exec(ctx, s.sql, s.at)
			if err != nil {
				return fmt.Errorf("retention: %w", err)
			}
			*s.n = tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}
