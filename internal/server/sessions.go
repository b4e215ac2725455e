package server

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sessionStore keeps scs sessions in the sessions table, like scs's pgxstore, but writes a
// session back only when it changed. scs marks every session as modified on every request
// when an idle timeout is set (to move the expiry forward), so with pgxstore every page view
// rewrote its session row: one UPDATE and one dead row per request. Here a commit whose data is
// what the same request loaded, and whose new expiry moves the stored one forward by less than
// sessionRefresh, is skipped; the idle timeout is therefore exact to within sessionRefresh.
// The store reads the stored expiry at load time, so it needs no state shared between
// instances: what it remembers lives from a request's load to its commit.
type sessionStore struct {
	db     *pgxpool.Pool
	loaded sync.Map // token → sessionSeen, from FindCtx until CommitCtx of the same request
	stop   chan struct{}
	done   chan struct{}
}

type sessionSeen struct {
	data   []byte
	expiry time.Time
}

// sessionRefresh is how far the idle expiry may lag behind before an unchanged session is
// written again.
const sessionRefresh = time.Minute

func newSessionStore(db *pgxpool.Pool, cleanup time.Duration) *sessionStore {
	s := &sessionStore{db: db, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(cleanup)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				_, _ = s.db.Exec(ctx, `DELETE FROM sessions WHERE expiry < current_timestamp`)
				cancel()
			}
		}
	}()
	return s
}

// StopCleanup ends the cleanup goroutine.
func (s *sessionStore) StopCleanup() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
		<-s.done
	}
}

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var seen sessionSeen
	err := s.db.QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = $1 AND current_timestamp < expiry`, token).Scan(&seen.data, &seen.expiry)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s.loaded.Store(token, seen)
	return seen.data, true, nil
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if v, ok := s.loaded.LoadAndDelete(token); ok {
		seen := v.(sessionSeen)
		if sameSession(seen.data, b) && expiry.Sub(seen.expiry) < sessionRefresh {
			return nil
		}
	}
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry)
	return err
}

// sameSession compares two encoded sessions by their content: scs's gob codec writes map
// entries in random order, so equal sessions need not encode to equal bytes.
func sameSession(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	da, va, err1 := scs.GobCodec{}.Decode(a)
	db, vb, err2 := scs.GobCodec{}.Decode(b)
	return err1 == nil && err2 == nil && da.Equal(db) && reflect.DeepEqual(va, vb)
}

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	s.loaded.Delete(token)
	_, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return err
}

// The context-free methods of scs.Store (scs calls the Ctx ones when they exist).
func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s *sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }
