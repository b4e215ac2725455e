package help_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/help"
	"penggerak/internal/testdb"
)

// The national admin and the BGP admins of two provinces save contacts at once, each several
// times, through a pool of 4 connections: no error or deadlock, one row per scope holding one
// of the saved versions, every save audited, and the audit chain intact.
func TestConcurrentContactSaves(t *testing.T) {
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 4
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var admin int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('admin@help.test', 'Admin', 'x') RETURNING id`).Scan(&admin); err != nil {
		t.Fatal(err)
	}
	store := help.NewStore(pool)
	editors := []struct {
		e     help.Editor
		scope string
	}{
		{help.Editor{Admin: true}, help.National}, {help.Editor{Admin: true}, "16"},
		{help.Editor{Provinces: []string{"16"}}, "16"}, {help.Editor{Provinces: []string{"62"}}, "62"},
		{help.Editor{Provinces: []string{"62"}}, "62"}, {help.Editor{Admin: true}, help.National},
	}
	const rounds = 8
	var wg sync.WaitGroup
	errs := make(chan error, len(editors)*rounds)
	for i, ed := range editors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				c := help.Contact{UnitName: fmt.Sprintf("Unit %d/%d", i, r), Email: fmt.Sprintf("u%d.%d@kemdikbud.go.id", i, r)}
				if err := store.Save(ctx, audit.Actor{UserID: admin}, ed.e, ed.scope, c); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("save: %v", err)
	}
	var rows, audited int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM help_contacts`).Scan(&rows)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'help.contact.save'`).Scan(&audited)
	if rows != 3 || audited != len(editors)*rounds {
		t.Errorf("%d rows (want 3), %d audit entries (want %d)", rows, audited, len(editors)*rounds)
	}
	all, err := store.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if all[0].ProvinceCode != "" || !all[0].Set() {
		t.Errorf("national contact first and set: %+v", all[0])
	}
	v, err := audit.NewStore(db).Verify(ctx)
	if err != nil || !v.OK {
		t.Errorf("audit chain: %+v %v", v, err)
	}
}
