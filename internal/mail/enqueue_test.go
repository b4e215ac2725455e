package mail_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
)

func TestEnqueueManyStoresEveryMessageInTheTransaction(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	ms := make([]mail.Message, 1000)
	for i := range ms {
		ms[i] = mail.Message{To: fmt.Sprintf(" Guru%d@Sekolah.Test ", i), Subject: "Hasil seleksi", Body: fmt.Sprintf("isi %d", i)}
	}
	// A rolled-back transaction leaves nothing behind.
	_ = database.Tx(ctx, db, func(tx pgx.Tx) error {
		if err := mail.EnqueueMany(ctx, tx, ms); err != nil {
			t.Fatal(err)
		}
		return fmt.Errorf("roll back")
	})
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after rollback: %d rows (%v)", n, err)
	}
	if err := database.Tx(ctx, db, func(tx pgx.Tx) error { return mail.EnqueueMany(ctx, tx, ms) }); err != nil {
		t.Fatal(err)
	}
	var body string
	if err := db.QueryRow(ctx, `SELECT count(*), max(body_text) FILTER (WHERE to_addr = 'guru7@sekolah.test') FROM mail_outbox WHERE sent_at IS NULL`).Scan(&n, &body); err != nil || n != 1000 || body != "isi 7" {
		t.Fatalf("stored %d, guru7 body %q (%v)", n, body, err)
	}
	err := database.Tx(ctx, db, func(tx pgx.Tx) error { return mail.EnqueueMany(ctx, tx, []mail.Message{{To: "  "}}) })
	if err == nil {
		t.Fatal("an empty recipient was accepted")
	}
}
