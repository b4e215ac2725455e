// Package audit writes and verifies the append-only, hash-chained audit log. Every change to
// roles, scores, grades, quotas, results, publications and exports is recorded in the same
// transaction as the change itself.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"penggerak/internal/database"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// Actor is who made a change and from where.
type Actor struct {
	UserID int64
	IP     string
}

// Entry is one change to record.
type Entry struct {
	Action     string         // e.g. "role.grant"
	ObjectType string         // e.g. "user"
	ObjectID   string         // e.g. "42"
	Detail     map[string]any // what changed; never personal identifiers such as NIK
}

// Chains is the number of hash chains the log is kept in (migration 000652). A transaction
// appends to one of them, locked until it commits, so at most Chains audited transactions
// write at once instead of one. (A variable so a benchmark can compare with a single chain.)
var Chains = 16

// Record appends an entry in tx, to the chain the transaction holds, or else the first chain
// free (from the actor's): one statement locks it and reads its head, one inserts.
func Record(ctx context.Context, tx pgx.Tx, actor Actor, e Entry) error {
	var chain int32
	prev := []byte{}
	err := tx.QueryRow(ctx, `SELECT chain, prev FROM audit_chain_head($1, $2)`, int32(uint64(actor.UserID)%uint64(Chains)), Chains).Scan(&chain, &prev)
	if err != nil {
		return fmt.Errorf("audit chain: %w", err)
	}
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return err
	}
	detail, err = canonical(detail)
	if err != nil {
		return err
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	var actorID *int64
	if actor.UserID != 0 {
		actorID = &actor.UserID
	}
	h := hash(int(chain), prev, at, actor.UserID, actor.IP, e.Action, e.ObjectType, e.ObjectID, detail)
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (chain, at, actor_id, actor_ip, action, object_type, object_id, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		chain, at, actorID, actor.IP, e.Action, e.ObjectType, e.ObjectID, detail, prev, h)
	if err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	return nil
}

// hash is the entry's SHA-256 over its fields, each length-prefixed, and its chain number
// (except in chain 0, the entries from before there were several chains), so an entry cannot be
// moved to another chain unnoticed.
func hash(chain int, prev []byte, at time.Time, actorID int64, ip, action, objType, objID string, detail []byte) []byte {
	h := sha256.New()
	field := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	field(prev)
	field([]byte(strconv.FormatInt(at.UnixMicro(), 10)))
	field([]byte(strconv.FormatInt(actorID, 10)))
	field([]byte(ip))
	field([]byte(action))
	field([]byte(objType))
	field([]byte(objID))
	field(detail)
	if chain != 0 {
		field([]byte(strconv.Itoa(chain)))
	}
	return h.Sum(nil)
}

// canonical re-encodes JSON with sorted keys and no spaces, so what jsonb gives back hashes
// the same as what was written.
func canonical(b []byte) ([]byte, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// LogEntry is a stored audit entry.
type LogEntry struct {
	ID         int64     `db:"id"`
	At         time.Time `db:"at"`
	ActorID    *int64    `db:"actor_id"`
	ActorName  *string   `db:"actor_name"`
	ActorIP    string    `db:"actor_ip"`
	Action     string    `db:"action"`
	ObjectType string    `db:"object_type"`
	ObjectID   string    `db:"object_id"`
	Detail     []byte    `db:"detail"`
}

// Store reads the audit log.
type Store struct{ db database.DB }

// NewStore returns a Store.
func NewStore(db database.DB) *Store { return &Store{db: db} }

// WithTx returns the store bound to tx: every query goes through tx.
func (s *Store) WithTx(tx pgx.Tx) *Store {
	c := *s
	c.db = tx
	return &c
}

// Recent lists entries newest first, before id beforeID (0 for the newest), at most limit.
func (s *Store) Recent(ctx context.Context, beforeID int64, limit int) ([]LogEntry, error) {
	rows, _ := s.db.Query(ctx, `SELECT a.id, a.at, a.actor_id, u.name AS actor_name, a.actor_ip, a.action,
			a.object_type, a.object_id, a.detail
		FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
		WHERE $1 = 0 OR a.id < $1 ORDER BY a.id DESC LIMIT $2`, beforeID, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[LogEntry])
}

// Verification is the outcome of checking every chain.
type Verification struct {
	Entries  int64
	Chains   int // chains with at least one entry
	OK       bool
	BrokenAt int64 // id of the first entry whose hash does not match, 0 when OK
}

// Verify recomputes every hash, following each chain in id order (all chains in one pass), and
// reports the first entry that does not match or does not link to its chain's previous entry.
func (s *Store) Verify(ctx context.Context) (Verification, error) {
	rows, err := s.db.Query(ctx, `SELECT id, chain, at, coalesce(actor_id, 0), actor_ip, action, object_type, object_id,
		detail::text, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return Verification{}, err
	}
	defer rows.Close()
	v := Verification{OK: true}
	heads := map[int16][]byte{}
	for rows.Next() {
		var (
			chain                              int16
			id, actorID                        int64
			at                                 time.Time
			ip, action, objType, objID, detail string
			prevHash, h                        []byte
		)
		if err := rows.Scan(&id, &chain, &at, &actorID, &ip, &action, &objType, &objID, &detail, &prevHash, &h); err != nil {
			return v, err
		}
		v.Entries++
		c, err := canonical([]byte(detail))
		if err != nil {
			return v, err
		}
		prev, ok := heads[chain]
		if !ok {
			prev = []byte{}
			v.Chains++
		}
		want := hash(int(chain), prev, at, actorID, ip, action, objType, objID, c)
		if !bytes.Equal(prevHash, prev) || !bytes.Equal(h, want) {
			v.OK, v.BrokenAt = false, id
			return v, nil
		}
		heads[chain] = h
	}
	return v, rows.Err()
}
