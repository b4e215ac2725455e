package jobs_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"penggerak/internal/export"
	"penggerak/internal/exportjob"
	"penggerak/internal/jobs"
	"penggerak/internal/report"
	"penggerak/internal/server"
	"penggerak/internal/storage"
	"penggerak/internal/testdb"
	"penggerak/web/i18n"
)

// The River client started as `serve` starts it works a queued export on its own queue: the
// file is in the store, the owner's mail (in Indonesian, from the catalogue) links to the
// job's page; and the retention job deletes the file once its link has expired.
func TestRiverRunsQueuedExports(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := t.Context()
	var owner int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('admin@uji.test', 'Admin Uji', 'x') RETURNING id`).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO role_grants (user_id, role) VALUES ($1, 'admin')`, owner); err != nil {
		t.Fatal(err)
	}
	files := storage.NewLocal(t.TempDir())
	id, _, err := exportjob.NewStore(db).Create(ctx, exportjob.Request{OwnerID: owner, Spec: exportjob.Spec{Kind: report.ExportUsers,
		Format: export.CSV, Query: exportjob.Query{National: true}}, Expected: 1})
	if err != nil {
		t.Fatal(err)
	}
	client := startClient(t, db, jobs.WithBaseURL("https://penggerak.test"),
		jobs.WithLetter(server.NewLetter(i18n.MustLoad(), "https://penggerak.test")), jobs.WithFiles(files))
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = client.Stop(sctx)
	}()
	var status, key string
	for deadline := time.Now().Add(15 * time.Second); status != "done" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := db.QueryRow(ctx, `SELECT status, coalesce(storage_key, '') FROM export_jobs WHERE id = $1`, id).Scan(&status, &key); err != nil {
			t.Fatal(err)
		}
	}
	if status != "done" {
		t.Fatalf("the export job is %q after 15 s", status)
	}
	rc, _, err := files.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	var subject, body string
	if err := db.QueryRow(ctx, `SELECT subject, body_text FROM mail_outbox WHERE to_addr = 'admin@uji.test'`).Scan(&subject, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "Ekspor pengguna-") || !strings.Contains(body, "https://penggerak.test/ekspor/tugas/") ||
		!strings.Contains(body, "Yth. Admin Uji") {
		t.Errorf("mail %q:\n%s", subject, body)
	}
	// The link expires: the hourly retention job (run here at once) deletes the file.
	if _, err := db.Exec(ctx, `UPDATE export_jobs SET expires_at = now() - interval '1 minute' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	w := &jobs.PruneWorker{DB: db, Log: slog.New(slog.DiscardHandler), Files: files}
	if err := w.Work(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := files.Open(ctx, key); err == nil {
		t.Error("the expired export file is still in the store")
	}
}
