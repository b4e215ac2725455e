package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	gomail "github.com/wneessen/go-mail"
)

// Delivery limits: a batch of messages per run; a failing message is retried with a growing
// pause until MaxAttempts, then left with its last error for an operator to see.
const (
	BatchSize   = 20
	MaxAttempts = 8
)

// Sender sends one message. SMTP is the real one; tests use a fake.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Deliverer sends what is waiting in the outbox.
type Deliverer struct {
	DB *pgxpool.Pool
	// Sender sends the mail; nil means no SMTP is configured: each message is only logged
	// (id, subject and the recipient's domain, never the body) and marked sent.
	Sender Sender
	Log    *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

type pending struct {
	ID       int64  `db:"id"`
	To       string `db:"to_addr"`
	Subject  string `db:"subject"`
	Body     string `db:"body_text"`
	Attempts int    `db:"attempts"`
}

// Deliver sends one batch of unsent messages whose time has come; held messages (the review
// outbox) are never sent before their release. Rows are claimed with
// FOR UPDATE SKIP LOCKED, so several workers never send the same message. It returns how many
// were sent and how many failed (their error is kept in last_error for a later retry).
func (d *Deliverer) Deliver(ctx context.Context) (sent, failed int, err error) {
	now := time.Now()
	if d.Now != nil {
		now = d.Now()
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	err = pgx.BeginFunc(ctx, d.DB, func(tx pgx.Tx) error {
		sent, failed = 0, 0
		rows, _ := tx.Query(ctx, `SELECT id, to_addr, subject, body_text, attempts FROM mail_outbox
			WHERE sent_at IS NULL AND NOT held AND attempts < $1 AND next_attempt_at <= $2
			ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`, MaxAttempts, now, BatchSize)
		batch, err := pgx.CollectRows(rows, pgx.RowToStructByName[pending])
		if err != nil {
			return err
		}
		for _, p := range batch {
			var sendErr error
			if d.Sender == nil {
				log.Info("mail not sent: no SMTP_URL configured", "mail_id", p.ID, "subject", p.Subject, "to_domain", domain(p.To))
			} else {
				sendErr = d.Sender.Send(ctx, Message{To: p.To, Subject: p.Subject, Body: p.Body})
			}
			if sendErr == nil {
				sent++
				if _, err := tx.Exec(ctx, `UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, last_error = '' WHERE id = $1`, p.ID, now); err != nil {
					return err
				}
				continue
			}
			failed++
			msg := sendErr.Error()
			if len(msg) > 500 {
				msg = strings.ToValidUTF8(msg[:500], "") // never half a character into the database
			}
			log.Warn("mail delivery failed", "mail_id", p.ID, "to_domain", domain(p.To), "attempt", p.Attempts+1, "error", msg)
			if _, err := tx.Exec(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
				WHERE id = $1`, p.ID, msg, now.Add(Backoff(p.Attempts+1))); err != nil {
				return err
			}
		}
		return nil
	})
	return sent, failed, err
}

// Backoff is the pause before attempt n+1 after n failed attempts: 30 s, 1 min, 2 min, … up
// to an hour.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func domain(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

// SMTP sends mail through an SMTP server.
type SMTP struct {
	client *gomail.Client
	from   string
}

// NewSMTP configures an SMTP sender from a URL smtp://user:pass@host:port (STARTTLS when the
// server offers it) or smtps://… (implicit TLS), sending as from.
func NewSMTP(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("SMTP_URL: %w", err)
	}
	opts := []gomail.Option{gomail.WithTimeout(20 * time.Second)}
	port := 587
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL port: %w", err)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	c, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return &SMTP{client: c, from: from}, nil
}

// Send sends m.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return fmt.Errorf("from: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	return s.client.DialAndSendWithContext(ctx, msg)
}
