package mail

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
)

// HeldCount is how many held mails of one kind report one outcome, per language.
type HeldCount struct {
	Kind    string `db:"kind"`
	Outcome string `db:"outcome"`
	ID      int    `db:"n_id"`
	EN      int    `db:"n_en"`
}

// Recipient is one addressee of a held mail, for the list of recipients by outcome.
type Recipient struct {
	Kind    string `db:"kind"`
	Outcome string `db:"outcome"`
	To      string `db:"to_addr"`
	Lang    string `db:"lang"`
}

// Sample is one held mail as it will be received, with its kind, language and outcome.
type Sample struct {
	Kind    string `db:"kind"`
	Lang    string `db:"lang"`
	Outcome string `db:"outcome"`
	Subject string `db:"subject"`
	Body    string `db:"body_text"`
}

// Review is what the national admin reads before releasing the held mails: how many, of what
// kind and outcome, one rendered sample of each kind in each language, the first recipients of
// each outcome, and the newest held id (the release covers exactly what was reviewed).
type Review struct {
	Total      int
	UpToID     int64
	Oldest     *time.Time
	Counts     []HeldCount
	Samples    []Sample
	Recipients []Recipient
}

// RecipientsShown is how many recipients of each kind and outcome the review lists.
const RecipientsShown = 20

// HeldReview summarises the review outbox.
func HeldReview(ctx context.Context, db database.DB) (Review, error) {
	var rv Review
	if err := db.QueryRow(ctx, `SELECT count(*), coalesce(max(id), 0), min(created_at) FROM mail_outbox WHERE held`).
		Scan(&rv.Total, &rv.UpToID, &rv.Oldest); err != nil {
		return rv, err
	}
	if rv.Total == 0 {
		return rv, nil
	}
	rows, _ := db.Query(ctx, `SELECT kind, outcome, count(*) FILTER (WHERE lang = 'id') AS n_id, count(*) FILTER (WHERE lang = 'en') AS n_en
		FROM mail_outbox WHERE held GROUP BY kind, outcome ORDER BY kind, outcome`)
	var err error
	if rv.Counts, err = pgx.CollectRows(rows, pgx.RowToStructByName[HeldCount]); err != nil {
		return rv, err
	}
	rows, _ = db.Query(ctx, `SELECT DISTINCT ON (kind, outcome, lang) kind, lang, outcome, subject, body_text
		FROM mail_outbox WHERE held ORDER BY kind, outcome, lang, id`)
	if rv.Samples, err = pgx.CollectRows(rows, pgx.RowToStructByName[Sample]); err != nil {
		return rv, err
	}
	rows, _ = db.Query(ctx, `SELECT kind, outcome, to_addr, lang FROM (
			SELECT kind, outcome, to_addr, lang, row_number() OVER (PARTITION BY kind, outcome ORDER BY id) AS n
			FROM mail_outbox WHERE held) h WHERE n <= $1 ORDER BY kind, outcome, n`, RecipientsShown)
	rv.Recipients, err = pgx.CollectRows(rows, pgx.RowToStructByName[Recipient])
	return rv, err
}

// ErrNothingHeld is returned when a release finds no held mail up to the reviewed id.
var ErrNothingHeld = errors.New("mail: nothing held")

// Release lets every held mail up to upTo (the newest id the admin reviewed) go to the
// deliverer at once, records the release and audits it. Mails held after the review stay held
// for the next one. It returns how many were released.
func Release(ctx context.Context, db database.DB, actor audit.Actor, upTo int64) (int, error) {
	var n int
	err := database.Tx(ctx, db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7200640)`); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO mail_releases (released_by, up_to_id, mails) VALUES ($1, $2, 0) RETURNING id`,
			database.NullID(actor.UserID), upTo).Scan(&id); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE mail_outbox SET held = false, release_id = $2, next_attempt_at = now() WHERE held AND id <= $1`, upTo, id)
		if err != nil {
			return err
		}
		if n = int(tag.RowsAffected()); n == 0 {
			return ErrNothingHeld
		}
		if _, err := tx.Exec(ctx, `UPDATE mail_releases SET mails = $2 WHERE id = $1`, id, n); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "mail.release", ObjectType: "mail_release", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"mails": n, "up_to_id": upTo}})
	})
	return n, err
}

// Status of a mail on the staff outbox page.
const (
	StatusHeld    = "held"
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Listed is a mail on the staff outbox page: no body (a body may carry a sign-in link).
type Listed struct {
	ID        int64      `db:"id"`
	To        string     `db:"to_addr"`
	Subject   string     `db:"subject"`
	Kind      string     `db:"kind"`
	CreatedAt time.Time  `db:"created_at"`
	SentAt    *time.Time `db:"sent_at"`
	Attempts  int        `db:"attempts"`
	LastError string     `db:"last_error"`
	Held      bool       `db:"held"`
}

// Status is the mail's state.
func (l Listed) Status() string {
	switch {
	case l.Held:
		return StatusHeld
	case l.SentAt != nil:
		return StatusSent
	case l.LastError != "":
		return StatusFailed
	}
	return StatusPending
}

// Counts is how many mails are in each state.
type Counts struct {
	Held, Pending, Failed, Sent int
}

// PageSize is the number of mails on one page of the staff outbox.
const PageSize = 50

// List returns one page of the outbox (newest first), optionally only one status, and the
// counts of every status.
func List(ctx context.Context, db database.DB, status string, page int) ([]Listed, Counts, error) {
	var c Counts
	if err := db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE held),
			count(*) FILTER (WHERE NOT held AND sent_at IS NULL AND last_error = ''),
			count(*) FILTER (WHERE NOT held AND sent_at IS NULL AND last_error <> ''),
			count(*) FILTER (WHERE sent_at IS NOT NULL) FROM mail_outbox`).Scan(&c.Held, &c.Pending, &c.Failed, &c.Sent); err != nil {
		return nil, c, err
	}
	where := "true"
	switch status {
	case StatusHeld:
		where = "held"
	case StatusPending:
		where = "NOT held AND sent_at IS NULL AND last_error = ''"
	case StatusFailed:
		where = "NOT held AND sent_at IS NULL AND last_error <> ''"
	case StatusSent:
		where = "sent_at IS NOT NULL"
	}
	page = max(page, 1)
	rows, _ := db.Query(ctx, `SELECT id, to_addr, subject, kind, created_at, sent_at, attempts, last_error, held FROM mail_outbox
		WHERE `+where+` ORDER BY id DESC LIMIT $1 OFFSET $2`, PageSize+1, (page-1)*PageSize)
	ls, err := pgx.CollectRows(rows, pgx.RowToStructByName[Listed])
	return ls, c, err
}
