// Package mail is the outgoing mail outbox. A feature enqueues a message inside its own
// transaction, so a mail is sent exactly when the change it reports is committed; a background
// job delivers it (SMTP when SMTP_URL is set, otherwise the log and the development outbox page).
package mail

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
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
