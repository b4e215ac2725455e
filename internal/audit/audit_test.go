package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/testdb"
)

func record(t *testing.T, db *pgxpool.Pool, a audit.Actor, entries ...audit.Entry) {
	t.Helper()
	err := database.Tx(context.Background(), db, func(tx pgx.Tx) error {
		for _, e := range entries {
			if err := audit.Record(context.Background(), tx, a, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRecordAndVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := testdb.New(t)
	s := audit.NewStore(db)

	v, err := s.Verify(ctx)
	if err != nil || !v.OK || v.Entries != 0 {
		t.Fatalf("empty log: %+v, %v", v, err)
	}
	details := []map[string]any{
		nil,
		{"role": "asesor", "regency": "16.01", "grant_id": 7},
		{"text": `petik "ganda", garis miring \ dan \n, unicode: ••• é 漢字`, "nested": map[string]any{"b": []any{1, 2.5, true, nil}, "a": "x"}},
		{"big": int64(1) << 53, "neg": -3, "empty": ""},
	}
	for i, d := range details {
		record(t, db, audit.Actor{UserID: 0, IP: fmt.Sprintf("10.0.0.%d", i)}, audit.Entry{Action: "test.entry", ObjectType: "test", ObjectID: fmt.Sprint(i), Detail: d})
	}
	v, err = s.Verify(ctx)
	if err != nil || !v.OK || v.Entries != int64(len(details)) || v.BrokenAt != 0 {
		t.Fatalf("verify: %+v, %v", v, err)
	}

	// Each entry's prev_hash is the previous entry's hash; the first one's is empty.
	rows, _ := db.Query(ctx, `SELECT prev_hash, hash FROM audit_log ORDER BY id`)
	type link struct{ Prev, Hash []byte }
	links, err := pgx.CollectRows(rows, pgx.RowToStructByPos[link])
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range links {
		if len(l.Hash) != 32 {
			t.Errorf("entry %d: hash of %d bytes", i, len(l.Hash))
		}
		want := []byte{}
		if i > 0 {
			want = links[i-1].Hash
		}
		if string(l.Prev) != string(want) {
			t.Errorf("entry %d: prev_hash does not link to the previous entry", i)
		}
	}

	// Recent gives newest first, keyset by id, with the detail as stored.
	all, err := s.Recent(ctx, 0, 10)
	if err != nil || len(all) != len(details) {
		t.Fatalf("recent: %d, %v", len(all), err)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Errorf("not newest first: %d after %d", all[i].ID, all[i-1].ID)
		}
	}
	var got map[string]any
	if err := json.Unmarshal(all[1].Detail, &got); err != nil || got["text"] != details[2]["text"] {
		t.Errorf("detail with quotes and backslashes did not round-trip: %s (%v)", all[1].Detail, err)
	}
	if all[0].ActorID != nil || all[0].ActorIP != "10.0.0.3" || all[0].Action != "test.entry" || all[0].ObjectID != "3" {
		t.Errorf("newest entry: %+v", all[0])
	}
	older, err := s.Recent(ctx, all[1].ID, 10)
	if err != nil || len(older) != 2 || older[0].ID != all[2].ID {
		t.Errorf("keyset page before #%d: %d entries, %v", all[1].ID, len(older), err)
	}
}

// Changing any stored field of an entry, bypassing the append-only trigger, is detected at that
// entry; a changed hash is detected at the entry that links to it.
func TestVerifyDetectsTampering(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		sql    string
		offset int // which entry breaks, relative to the tampered one
	}{
		{"detail", `UPDATE audit_log SET detail = '{"role": "admin"}' WHERE id = $1`, 0},
		{"actor ip", `UPDATE audit_log SET actor_ip = '6.6.6.6' WHERE id = $1`, 0},
		{"action", `UPDATE audit_log SET action = 'role.revoke' WHERE id = $1`, 0},
		{"time", `UPDATE audit_log SET at = at - interval '1 day' WHERE id = $1`, 0},
		{"actor", `UPDATE audit_log SET actor_id = NULL WHERE id = $1`, 0},
		{"hash recomputed by hand", `UPDATE audit_log SET hash = sha256(hash) WHERE id = $1`, 0},
		{"deleted entry", `DELETE FROM audit_log WHERE id = $1`, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, _ := testdb.New(t)
			var uid int64
			if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('a@x.test', 'Admin', 'x') RETURNING id`).Scan(&uid); err != nil {
				t.Fatal(err)
			}
			for i := range 4 {
				record(t, db, audit.Actor{UserID: uid, IP: "127.0.0.1"}, audit.Entry{Action: "role.grant", ObjectType: "user",
					ObjectID: fmt.Sprint(i), Detail: map[string]any{"role": "asesor"}})
			}
			var ids []int64
			rows, _ := db.Query(ctx, `SELECT id FROM audit_log ORDER BY id`)
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				t.Fatal(err)
			}
			target := ids[1]
			for _, q := range []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`, tc.sql,
				`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`} {
				var args []any
				if q == tc.sql {
					args = []any{target}
				}
				if _, err := db.Exec(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			v, err := audit.NewStore(db).Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := ids[1+tc.offset]; v.OK || v.BrokenAt != want {
				t.Errorf("verify = %+v, want broken at #%d", v, want)
			}
		})
	}
}

func TestAuditLogRefusesChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, _ := testdb.New(t)
	record(t, db, audit.Actor{IP: "127.0.0.1"}, audit.Entry{Action: "test", ObjectType: "test", ObjectID: "1"})
	for _, sql := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := db.Exec(ctx, sql); err == nil {
			t.Errorf("%s succeeded on the append-only log", sql)
		}
	}
	if v, err := audit.NewStore(db).Verify(ctx); err != nil || !v.OK || v.Entries != 1 {
		t.Errorf("after refused changes: %+v, %v", v, err)
	}
}
