package imports_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/database"
	"penggerak/internal/imports"
	"penggerak/internal/testdb"
)

// Many concurrent commits of one preview on a small pool: exactly one applies, the others get
// ErrCommitted, and nobody deadlocks.
func TestConcurrentCommitsApplyOnce(t *testing.T) {
	_, url := testdb.New(t)
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 4
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var user int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('imp@x.test', 'Imp', 'x') RETURNING id`).Scan(&user); err != nil {
		t.Fatal(err)
	}
	st := imports.NewStore(db)
	tok, err := st.Save(ctx, imports.KindSchools, user, "a.csv", 1, 0, map[string]int{"n": 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(ctx, tok, imports.KindSchools, user+1); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("another user's preview: %v", err)
	}
	var applied, committed atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.Commit(ctx, tok, imports.KindSchools, user, func(tx pgx.Tx, payload []byte) error {
				applied.Add(1)
				_, err := tx.Exec(ctx, `UPDATE users SET name = name || '+' WHERE id = $1`, user)
				return err
			})
			switch {
			case errors.Is(err, imports.ErrCommitted):
				committed.Add(1)
			case err != nil:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var name string
	_ = db.QueryRow(ctx, `SELECT name FROM users WHERE id = $1`, user).Scan(&name)
	if applied.Load() != 1 || committed.Load() != 15 || name != "Imp+" {
		t.Errorf("applied %d, refused %d, name %q", applied.Load(), committed.Load(), name)
	}
	// A failing apply rolls the commit mark back too: the preview can be committed later.
	tok2, _ := st.Save(ctx, imports.KindSchools, user, "b.csv", 1, 0, nil)
	boom := errors.New("boom")
	if err := st.Commit(ctx, tok2, imports.KindSchools, user, func(pgx.Tx, []byte) error { return boom }); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if p, _ := st.Load(ctx, tok2, imports.KindSchools, user); p.CommittedAt != nil {
		t.Error("a failed commit left the preview committed")
	}
}
