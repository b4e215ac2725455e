package server

import (
	"bytes"
	"context"
	"reflect"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/database"
)

// sessionStore keeps scs sessions in the sessions table, like scs's pgxstore, with two
// differences.
//
// It writes a session back only when it changed. scs marks every session as modified on every
// request when an idle timeout is set (to move the expiry forward), so with pgxstore every page
// view rewrote its session row: one UPDATE and one dead row per request. Here a commit whose
// data is what the same request loaded, and whose new expiry moves the stored one forward by
// less than sessionRefresh, is skipped; the idle timeout is therefore exact to within
// sessionRefresh.
//
// It reads the session with its user's principal (and the configuration versions) in one
// query (account.Store.Session): the row carries the user id beside the encoded data
// (000690), written from the data at each write. loadPrincipal takes the principal from that
// read when the session's user is the row's, else it reads it as before.
//
// What a request loaded lives in its context (a *sessionLoad put there by loadAndSave, filled
// by FindCtx, read by loadPrincipal and CommitCtx), so the store holds no state between
// requests or shared between instances, and concurrent requests with the same session each
// compare against their own load.
type sessionStore struct {
	db       *pgxpool.Pool
	accounts *account.Store
	stop     chan struct{}
	done     chan struct{}
}

// sessionLoad is what one request's session read returned.
type sessionLoad struct {
	token string
	found bool
	row   account.StoredSession
}

type sessionLoadKey struct{}

// withSessionLoad gives the request a place for its session read.
func withSessionLoad(ctx context.Context) context.Context {
	return context.WithValue(ctx, sessionLoadKey{}, &sessionLoad{})
}

// loadedSession is the request's session read, or nil.
func loadedSession(ctx context.Context) *sessionLoad {
	l, _ := ctx.Value(sessionLoadKey{}).(*sessionLoad)
	return l
}

// sessionRefresh is how far the idle expiry may lag behind before an unchanged session is
// written again.
const sessionRefresh = time.Minute

func newSessionStore(db *pgxpool.Pool, accounts *account.Store, cleanup time.Duration) *sessionStore {
	s := &sessionStore{db: db, accounts: accounts, stop: make(chan struct{}), done: make(chan struct{})}
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
	row, found, err := s.accounts.Session(ctx, token)
	if err != nil {
		return nil, false, err
	}
	if l := loadedSession(ctx); l != nil {
		*l = sessionLoad{token: token, found: found, row: row}
	}
	return row.Data, found, nil
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if l := loadedSession(ctx); l != nil && l.found && l.token == token {
		if sameSession(l.row.Data, b) && expiry.Sub(l.row.Expiry) < sessionRefresh {
			return nil
		}
	}
	_, err := s.db.Exec(ctx, `INSERT INTO sessions (token, data, expiry, user_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry, user_id = EXCLUDED.user_id`,
		token, b, expiry, database.NullID(sessionUser(b)))
	return err
}

// sessionUser is the signed-in user of an encoded session, or 0.
func sessionUser(b []byte) int64 {
	_, values, err := scs.GobCodec{}.Decode(b)
	if err != nil {
		return 0
	}
	id, _ := values[sessionUserID].(int64)
	return id
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
