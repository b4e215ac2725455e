// Package mail is the outgoing mail outbox. A feature enqueues a message inside its own
// transaction, so a mail is sent exactly when the change it reports is committed; a background
// job delivers it (SMTP when SMTP_URL is set, otherwise the log and the development outbox page).
package mail

import (
	"context"
	"errors"
	"fmt"
	"sort"
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
	// Kind is the catalogue key the mail was written from ("" for older callers), Lang the
	// recipient's language and Outcome, for a result, the decision it reports: the review page
	// counts and samples by them.
	Kind, Lang, Outcome string
	// Held keeps the mail in the review outbox until the national admin releases it (Release):
	// decisions (verval outcomes, result publications, seat offers) are read before they go.
	Held bool
	// Ref names the decision a held mail reports (DecisionRef): until the mail is released the
	// decision is not shown to its applicant (ReleasedSQL).
	Ref string
}

// Letter writes a mail from the message catalogues in the recipient's language: key names the
// catalogue entries (key.subject, key.body), data fills them. Feature stores are given one by
// the server (they cannot import the catalogues themselves).
type Letter func(lang, key string, data map[string]any) Message

// Untranslated is the mail of a store given no Letter (tests of a feature package alone): the
// catalogue key as the subject and the data as lines of the body, so a test still sees what
// the mail carries. The application always wires a Letter over the catalogues.
func Untranslated(lang, key string, data map[string]any) Message {
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %v\n", k, data[k])
	}
	return Message{Subject: key, Body: b.String(), Kind: key, Lang: lang}
}

// row is m as the outbox's columns.
func (m Message) row() ([]any, error) {
	to := strings.ToLower(strings.TrimSpace(m.To))
	if to == "" {
		return nil, errors.New("mail: empty recipient")
	}
	lang := m.Lang
	if lang != "en" {
		lang = "id"
	}
	return []any{to, m.Subject, m.Body, m.Kind, lang, m.Outcome, m.Held, m.Ref}, nil
}

var columns = []string{"to_addr", "subject", "body_text", "kind", "lang", "outcome", "held", "ref"}

// Enqueue stores m in the outbox within tx.
func Enqueue(ctx context.Context, tx pgx.Tx, m Message) error {
	r, err := m.row()
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body_text, kind, lang, outcome, held, ref)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, r...)
	return err
}

// EnqueueMany stores many messages within tx in one COPY, for announcements to a whole cohort
// (a quarter of a million mails must not be a quarter of a million round trips).
func EnqueueMany(ctx context.Context, tx pgx.Tx, ms []Message) error {
	rows := make([][]any, 0, len(ms))
	for _, m := range ms {
		r, err := m.row()
		if err != nil {
			return err
		}
		rows = append(rows, r)
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"mail_outbox"}, columns, pgx.CopyFromRows(rows))
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
