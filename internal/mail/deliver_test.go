package mail_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/mail"
	"penggerak/internal/testdb"
)

type fakeSender struct {
	mu   sync.Mutex
	sent []mail.Message
	fail error
}

func (f *fakeSender) Send(_ context.Context, m mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.sent = append(f.sent, m)
	return nil
}

func enqueue(t *testing.T, d *mail.Deliverer, msgs ...mail.Message) {
	t.Helper()
	err := pgx.BeginFunc(t.Context(), d.DB, func(tx pgx.Tx) error {
		for _, m := range msgs {
			if err := mail.Enqueue(t.Context(), tx, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

type row struct {
	sent     bool
	attempts int
	lastErr  string
	next     time.Time
}

func rows(t *testing.T, d *mail.Deliverer) []row {
	t.Helper()
	r, _ := d.DB.Query(t.Context(), `SELECT sent_at IS NOT NULL, attempts, last_error, next_attempt_at FROM mail_outbox ORDER BY id`)
	out, err := pgx.CollectRows(r, func(r pgx.CollectableRow) (row, error) {
		var x row
		return x, r.Scan(&x.sent, &x.attempts, &x.lastErr, &x.next)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeliverWithoutSMTPLogsAndMarksSent(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	var logs bytes.Buffer
	d := &mail.Deliverer{DB: db, Log: slog.New(slog.NewTextHandler(&logs, nil))}
	enqueue(t, d, mail.Message{To: "siti@sekolah.test", Subject: "Verifikasi", Body: "Tautan: http://x/verifikasi/RAHASIA-TOKEN"})
	sent, failed, err := d.Deliver(t.Context())
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("deliver: %d sent, %d failed, %v", sent, failed, err)
	}
	if r := rows(t, d); !r[0].sent || r[0].attempts != 1 {
		t.Errorf("row after delivery: %+v", r[0])
	}
	out := logs.String()
	if !strings.Contains(out, "to_domain=sekolah.test") || !strings.Contains(out, "mail_id=") || !strings.Contains(out, "Verifikasi") {
		t.Errorf("log line lacks id, subject or domain: %s", out)
	}
	if strings.Contains(out, "RAHASIA") || strings.Contains(out, "siti@") || strings.Contains(out, "Tautan") {
		t.Errorf("log shows the body, a token or the address: %s", out)
	}
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("%d log lines, want 1", n)
	}
	// Nothing left: a second run sends nothing.
	if sent, _, _ := d.Deliver(t.Context()); sent != 0 {
		t.Errorf("sent again: %d", sent)
	}
}

func TestDeliverSendsRetriesAndGivesUp(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	now := time.Now().Add(time.Second) // rows are enqueued at the database's now()
	fake := &fakeSender{}
	d := &mail.Deliverer{DB: db, Sender: fake, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	enqueue(t, d, mail.Message{To: "a@x.test", Subject: "A", Body: "satu"}, mail.Message{To: "b@x.test", Subject: "B", Body: "dua"})
	if sent, failed, err := d.Deliver(t.Context()); err != nil || sent != 2 || failed != 0 {
		t.Fatalf("deliver: %d %d %v", sent, failed, err)
	}
	if len(fake.sent) != 2 || fake.sent[0] != (mail.Message{To: "a@x.test", Subject: "A", Body: "satu"}) {
		t.Errorf("sent %+v", fake.sent)
	}

	// A failing server: the error is kept, the message waits for its retry, then gives up.
	fake.fail = errors.New("550 mailbox unavailable")
	enqueue(t, d, mail.Message{To: "c@x.test", Subject: "C", Body: "tiga"})
	if sent, failed, err := d.Deliver(t.Context()); err != nil || sent != 0 || failed != 1 {
		t.Fatalf("failing deliver: %d %d %v", sent, failed, err)
	}
	r := rows(t, d)[2]
	if r.sent || r.attempts != 1 || r.lastErr != "550 mailbox unavailable" || !r.next.After(now) {
		t.Errorf("after a failure: %+v", r)
	}
	if _, failed, _ := d.Deliver(t.Context()); failed != 0 {
		t.Errorf("retried before its time")
	}
	for i := 1; i < mail.MaxAttempts; i++ {
		now = now.Add(2 * time.Hour)
		if _, failed, _ := d.Deliver(t.Context()); failed != 1 {
			t.Fatalf("attempt %d not made", i+1)
		}
	}
	now = now.Add(2 * time.Hour)
	if _, failed, _ := d.Deliver(t.Context()); failed != 0 {
		t.Errorf("tried again after %d attempts", mail.MaxAttempts)
	}
	if r := rows(t, d)[2]; r.attempts != mail.MaxAttempts || r.sent {
		t.Errorf("after giving up: %+v", r)
	}
	// The server comes back: a new message goes out.
	fake.fail = nil
	enqueue(t, d, mail.Message{To: "d@x.test", Subject: "D", Body: "empat"})
	now = time.Now().Add(time.Second)
	if sent, _, _ := d.Deliver(t.Context()); sent != 1 {
		t.Errorf("sent %d after recovery", sent)
	}
}

func TestDeliverSkipsRowsClaimedElsewhere(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	fake := &fakeSender{}
	d := &mail.Deliverer{DB: db, Sender: fake, Log: slog.New(slog.DiscardHandler)}
	enqueue(t, d, mail.Message{To: "a@x.test", Subject: "A", Body: "satu"}, mail.Message{To: "b@x.test", Subject: "B", Body: "dua"})
	// Another worker holds the first row.
	tx, err := db.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(t.Context(), `SELECT id FROM mail_outbox ORDER BY id LIMIT 1 FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	if sent, _, err := d.Deliver(t.Context()); err != nil || sent != 1 || fake.sent[0].To != "b@x.test" {
		t.Fatalf("deliver beside a claimed row: %d %v %+v", sent, err, fake.sent)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 20: time.Hour} {
		if got := mail.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestNewSMTP(t *testing.T) {
	for _, u := range []string{"smtp://user:pass@mail.example.org:587", "smtps://mail.example.org", "smtp://mail.example.org:2525"} {
		if _, err := mail.NewSMTP(u, "Penggerak <noreply@example.org>"); err != nil {
			t.Errorf("NewSMTP(%q): %v", u, err)
		}
	}
	if _, err := mail.NewSMTP("smtp://mail.example.org:port", "x@example.org"); err == nil {
		t.Errorf("a bad port was accepted")
	}
}

// fakeSMTP is a minimal SMTP server that records one message's envelope and data.
func fakeSMTP(t *testing.T) (addr string, got chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got = make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		var rec strings.Builder
		fmt.Fprint(conn, "220 fake ESMTP\r\n")
		inData := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				got <- rec.String()
				return
			}
			if inData {
				if line == ".\r\n" {
					inData = false
					fmt.Fprint(conn, "250 queued\r\n")
					continue
				}
				rec.WriteString(line)
				continue
			}
			cmd := strings.ToUpper(strings.TrimSpace(line))
			switch {
			case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
				fmt.Fprint(conn, "250-fake\r\n250 8BITMIME\r\n")
			case strings.HasPrefix(cmd, "MAIL FROM"), strings.HasPrefix(cmd, "RCPT TO"):
				rec.WriteString(line)
				fmt.Fprint(conn, "250 ok\r\n")
			case cmd == "DATA":
				inData = true
				fmt.Fprint(conn, "354 go ahead\r\n")
			case cmd == "QUIT":
				fmt.Fprint(conn, "221 bye\r\n")
				got <- rec.String()
				return
			default:
				fmt.Fprint(conn, "250 ok\r\n")
			}
		}
	}()
	return ln.Addr().String(), got
}

func TestSMTPSends(t *testing.T) {
	addr, got := fakeSMTP(t)
	s, err := mail.NewSMTP("smtp://"+addr, "Penggerak <noreply@penggerak.test>")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), mail.Message{To: "siti@sekolah.test", Subject: "Verifikasi surel", Body: "Halo Siti"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	select {
	case rec := <-got:
		for _, want := range []string{"<noreply@penggerak.test>", "<siti@sekolah.test>", "Subject: Verifikasi surel", "Halo Siti"} {
			if !strings.Contains(rec, want) {
				t.Errorf("the server did not receive %q:\n%s", want, rec)
			}
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no mail received")
	}
}

// TestDeliverKeepsALongErrorWhole: a server's error longer than the kept 500 bytes, with
// multi-byte text across the cut, is stored as valid text (cut at a character) and the failure
// is counted; before, half a character reached PostgreSQL and the UPDATE failed.
func TestDeliverKeepsALongErrorWhole(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	now := time.Now().Add(time.Second)
	fake := &fakeSender{fail: errors.New("550: " + strings.Repeat("é", 400))} // the cut at 500 bytes falls inside an é
	d := &mail.Deliverer{DB: db, Sender: fake, Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
	enqueue(t, d, mail.Message{To: "c@x.test", Subject: "C", Body: "tiga"})
	if sent, failed, err := d.Deliver(t.Context()); err != nil || sent != 0 || failed != 1 {
		t.Fatalf("failing deliver: %d %d %v", sent, failed, err)
	}
	r := rows(t, d)[0]
	if r.attempts != 1 || !strings.HasPrefix(r.lastErr, "550: éé") || len(r.lastErr) > 500 || len(r.lastErr) < 498 {
		t.Errorf("kept error %d bytes: %+v", len(r.lastErr), r)
	}
}
