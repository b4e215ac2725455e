// Package mail is the outgoing mail outbox. A feature enqueues a message inside its own
// transaction, so a mail is sent exactly when the change it reports is committed; a background
// job delivers it (SMTP when SMTP_URL is set, otherwise the log and the development outbox page).
package mail

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Message is one email.
type Message struct {
	To      string
	Subject string
	Body    string // plain text
}

// Enqueue stores m in the outbox within tx.
func Enqueue(ctx context.Context, tx pgx.Tx, m Message) error {
	if strings.TrimSpace(m.To) == "" {
		return errors.New("mail: empty recipient")
	}
	_, err := tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body_text) VALUES ($1, $2, $3)`,
		strings.ToLower(strings.TrimSpace(m.To)), m.Subject, m.Body)
	return err
}

// EnqueueMany stores many messages within tx in one COPY, for announcements to a whole cohort
// (a quarter of a million mails must not be a quarter of a million round trips).
func EnqueueMany(ctx context.Context, tx pgx.Tx, ms []Message) error {
	rows := make([][]any, 0, len(ms))
	for _, m := range ms {
		to := strings.ToLower(strings.TrimSpace(m.To))
		if to == "" {
			return errors.New("mail: empty recipient")
		}
		rows = append(rows, []any{to, m.Subject, m.Body})
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"mail_outbox"}, []string{"to_addr", "subject", "body_text"}, pgx.CopyFromRows(rows))
	return err
}

// Stored is a message kept in the outbox, for the development outbox page.
type Stored struct {
	ID        int64      `db:"id"`
	To        string     `db:"to_addr"`
	Subject   string     `db:"subject"`
	Body      string     `db:"body_text"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
	LastError string     `db:"last_error"`
}

// Latest returns the newest limit messages of the outbox, newest first.
func Latest(ctx context.Context, db *pgxpool.Pool, limit int) ([]Stored, error) {
	rows, _ := db.Query(ctx, `SELECT id, to_addr, subject, body_text, created_at, sent_at, last_error
		FROM mail_outbox ORDER BY id DESC LIMIT $1`, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Stored])
}
