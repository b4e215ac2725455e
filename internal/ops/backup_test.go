package ops_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
)

// script runs scripts/<name> with env added, and returns its stdout, stderr and error.
func script(t *testing.T, env []string, name string, args ...string) (string, string, error) {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "..", "scripts", name))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// seed fills db with users, a role grant (an audit entry), a mail and a few files.
func seed(t *testing.T, db *pgxpool.Pool, uploads string) {
	t.Helper()
	ctx := t.Context()
	s := account.NewStore(db, account.TestParams)
	var admin = &account.Principal{Grants: []account.Grant{{Role: account.RoleAdmin}}}
	for i, email := range []string{"siti@sekolah.test", "budi@sekolah.test", "dewi@sekolah.test"} {
		u, err := s.CreateUser(ctx, account.NewUser{Email: email, Name: fmt.Sprintf("Guru %d", i), Phone: "+6281234567890", Password: "rahasia-uji-123"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE users SET email_verified_at = now() WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := s.GrantRole(ctx, audit.Actor{IP: "192.0.2.1"}, admin, u.ID, account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	err := database.Tx(ctx, db, func(tx pgx.Tx) error {
		if err := audit.Record(ctx, tx, audit.Actor{IP: "192.0.2.2"}, audit.Entry{Action: "export.create", ObjectType: "report", ObjectID: "7",
			Detail: map[string]any{"rows": 12, "nama": "Ringkasan ✓"}}); err != nil {
			return err
		}
		return mail.Enqueue(ctx, tx, mail.Message{To: "siti@sekolah.test", Subject: "Selamat datang", Body: "Halo Siti"})
	})
	if err != nil {
		t.Fatal(err)
	}
	pdf := make([]byte, 200<<10)
	_, _ = rand.Read(pdf)
	copy(pdf, "%PDF-1.7\n")
	files := map[string][]byte{
		"ab/3f9c2d1e.pdf":       pdf,
		"cd/77aa01ff.pdf":       []byte("%PDF-1.4\nsmall\n"),
		"README-nama spasi.txt": []byte("spasi dan unicode: é ✓\n"),
	}
	for name, b := range files {
		p := filepath.Join(uploads, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// tableDigests returns, for every table of the public schema, its row count and a digest of
// every row, so two databases can be compared exactly.
func tableDigests(t *testing.T, db *pgxpool.Pool) map[string]string {
	t.Helper()
	ctx := t.Context()
	rows, _ := db.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, tbl := range tables {
		var n int64
		var digest string
		q := fmt.Sprintf(`SELECT count(*), md5(coalesce(string_agg(x::text, E'\n' ORDER BY x::text), '')) FROM %s x`, pgx.Identifier{tbl}.Sanitize())
		if err := db.QueryRow(ctx, q).Scan(&n, &digest); err != nil {
			t.Fatalf("%s: %v", tbl, err)
		}
		out[tbl] = fmt.Sprintf("%d rows %s", n, digest)
	}
	return out
}

// files reads every file under dir, keyed by its relative path.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dropDatabase(name string) {
	c, err := pgx.Connect(context.Background(), testdb.ServerURL("postgres"))
	if err != nil {
		return
	}
	defer c.Close(context.Background())
	_, _ = c.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
}

// A backup restored into a fresh database and a fresh upload folder gives back every row,
// every file byte for byte, and an audit chain that still verifies.
func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	db, dbURL := testdb.New(t)
	uploads, backups := t.TempDir(), t.TempDir()
	seed(t, db, uploads)
	want := tableDigests(t, db)
	if !strings.HasPrefix(want["users"], "3 rows") || !strings.HasPrefix(want["audit_log"], "2 rows") {
		t.Fatalf("seed: users %s, audit_log %s", want["users"], want["audit_log"])
	}

	// Backups older than BACKUP_KEEP_DAYS (35) go when a new one succeeds; younger ones stay.
	for name, age := range map[string]time.Duration{"penggerak-20260101T000000Z": 40 * 24 * time.Hour, "penggerak-20261101T000000Z": 10 * 24 * time.Hour} {
		p := filepath.Join(backups, name)
		if err := os.Mkdir(p, 0o700); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-age)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	// The app's URL may carry pgx-only parameters; the scripts drop them for libpq.
	env := []string{"DATABASE_URL=" + dbURL + "&statement_timeout=60000&pool_max_conns=4", "UPLOAD_DIR=" + uploads}
	start := time.Now()
	out, stderr, err := script(t, env, "backup.sh", backups)
	backupTime := time.Since(start)
	if err != nil {
		t.Fatalf("backup.sh: %v\n%s", err, stderr)
	}
	folder := strings.TrimSpace(out)
	if filepath.Dir(folder) != backups || !strings.HasPrefix(filepath.Base(folder), "penggerak-") {
		t.Fatalf("backup folder %q", folder)
	}
	for _, f := range []string{"database.dump", "uploads.tar.gz", "MANIFEST", "SHA256SUMS"} {
		st, err := os.Stat(filepath.Join(folder, f))
		if err != nil || st.Size() == 0 || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, st, err)
		}
	}
	if _, err := os.Stat(filepath.Join(backups, "penggerak-20260101T000000Z")); !os.IsNotExist(err) {
		t.Errorf("a 40-day-old backup was kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(backups, "penggerak-20261101T000000Z")); err != nil {
		t.Errorf("a 10-day-old backup was deleted: %v", err)
	}
	manifest, _ := os.ReadFile(filepath.Join(folder, "MANIFEST"))
	for _, line := range []string{"upload_files: 3", "server_version: ", "schema_version: "} {
		if !strings.Contains(string(manifest), line) {
			t.Errorf("MANIFEST lacks %q:\n%s", line, manifest)
		}
	}

	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	target := fmt.Sprintf("pgk_test_restore_%x", suffix)
	t.Cleanup(func() { dropDatabase(target) })
	restored := filepath.Join(t.TempDir(), "uploads")
	start = time.Now()
	if _, stderr, err := script(t, env, "restore.sh", folder, target, restored); err != nil {
		t.Fatalf("restore.sh: %v\n%s", err, stderr)
	}
	restoreTime := time.Since(start)
	t.Logf("backup %v, restore %v (%d tables)", backupTime.Round(time.Millisecond), restoreTime.Round(time.Millisecond), len(want))

	rdb, err := database.Open(t.Context(), testdb.ServerURL(target))
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	got := tableDigests(t, rdb)
	if len(got) != len(want) {
		t.Errorf("restored %d tables, want %d", len(got), len(want))
	}
	for tbl, w := range want {
		if got[tbl] != w {
			t.Errorf("table %s: restored %q, backed up %q", tbl, got[tbl], w)
		}
	}
	v, err := audit.NewStore(rdb).Verify(t.Context())
	if err != nil || !v.OK || v.Entries != 2 {
		t.Errorf("audit chain after restore: %+v, %v", v, err)
	}
	// The restored database works: sign-in with the backed-up password hash.
	if _, err := account.NewStore(rdb, account.TestParams).Authenticate(t.Context(), "siti@sekolah.test", "rahasia-uji-123", "127.0.0.1"); err != nil {
		t.Errorf("sign in on the restored database: %v", err)
	}
	wantFiles, gotFiles := files(t, uploads), files(t, restored)
	if len(gotFiles) != len(wantFiles) {
		t.Errorf("restored %d files, want %d", len(gotFiles), len(wantFiles))
	}
	for name, b := range wantFiles {
		if !bytes.Equal(gotFiles[name], b) {
			t.Errorf("file %s differs after restore (%d bytes, want %d)", name, len(gotFiles[name]), len(b))
		}
	}

	t.Run("refuses a non-empty database without --force", func(t *testing.T) {
		_, stderr, err := script(t, env, "restore.sh", folder, target, t.TempDir())
		if err == nil || !strings.Contains(stderr, "refusing to overwrite") {
			t.Fatalf("err %v, stderr %s", err, stderr)
		}
		other := filepath.Join(t.TempDir(), "up")
		_ = os.MkdirAll(other, 0o700)
		_ = os.WriteFile(filepath.Join(other, "keep.pdf"), []byte("keep"), 0o600)
		fresh := target + "_b"
		t.Cleanup(func() { dropDatabase(fresh) })
		_, stderr, err = script(t, env, "restore.sh", folder, fresh, other)
		if err == nil || !strings.Contains(stderr, "is not empty") {
			t.Fatalf("non-empty upload dir: err %v, stderr %s", err, stderr)
		}
	})

	t.Run("--force replaces the database and keeps the old uploads aside", func(t *testing.T) {
		// A change made after the restore must be undone by restoring again.
		if _, err := rdb.Exec(t.Context(), `DELETE FROM mail_outbox`); err != nil {
			t.Fatal(err)
		}
		rdb.Close()
		_ = os.WriteFile(filepath.Join(restored, "extra.pdf"), []byte("extra"), 0o600)
		if _, stderr, err := script(t, env, "restore.sh", "--force", folder, target, restored); err != nil {
			t.Fatalf("restore --force: %v\n%s", err, stderr)
		}
		again, err := database.Open(t.Context(), testdb.ServerURL(target))
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if d := tableDigests(t, again); d["users"] != want["users"] || d["mail_outbox"] != want["mail_outbox"] {
			t.Errorf("after --force: users %s, mail_outbox %s", d["users"], d["mail_outbox"])
		}
		if _, err := os.Stat(filepath.Join(restored, "extra.pdf")); !os.IsNotExist(err) {
			t.Errorf("extra.pdf is still in the restored folder: %v", err)
		}
		aside, _ := filepath.Glob(restored + ".before-restore-*")
		if len(aside) != 1 {
			t.Errorf("old uploads moved aside: %v", aside)
		}
	})

	t.Run("a damaged backup is refused before anything is restored", func(t *testing.T) {
		dump := filepath.Join(folder, "database.dump")
		b, _ := os.ReadFile(dump)
		b[len(b)/2] ^= 0xff
		if err := os.WriteFile(dump, b, 0o600); err != nil {
			t.Fatal(err)
		}
		name := target + "_c"
		t.Cleanup(func() { dropDatabase(name) })
		_, stderr, err := script(t, env, "restore.sh", folder, name, filepath.Join(t.TempDir(), "up"))
		if err == nil || !strings.Contains(stderr, "checksum mismatch") {
			t.Fatalf("err %v, stderr %s", err, stderr)
		}
		var exists bool
		if err := db.QueryRow(t.Context(), `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil || exists {
			t.Errorf("database %s created from a damaged backup (%v)", name, err)
		}
	})
}
