package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
	"penggerak/internal/database"
)

// With every connection of the server's pool taken, a request waits at most
// DATABASE_ACQUIRE_TIMEOUT and gets the friendly 503 page that keeps what was typed (a form
// sending the same values again, never the password), instead of hanging until the client
// gives up.
func TestBusyPoolAnswers503AndKeepsTheForm(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Pool: &database.Options{MaxConns: 2, AcquireTimeout: 300 * time.Millisecond}})
	a.User("guru@sekolah.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru@sekolah.test")
	ctx := context.Background()
	var held []*pgxpool.Conn
	for range 2 {
		conn, err := a.ServerDB.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, conn)
	}
	release := func() {
		for _, h := range held {
			h.Release()
		}
		held = nil
	}
	defer release()

	start := time.Now()
	res := c.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/dasbor?tab=2"}})
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("busy answer took %v", d)
	}
	if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q, want 503 with Retry-After\n%s", res.Status, res.Header.Get("Retry-After"), res.Body)
	}
	for _, want := range []string{`action="/bahasa"`, `name="lang" value="en"`, `name="next" value="/dasbor?tab=2"`, "Kirim ulang", "Isian Anda masih ada"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("busy page lacks %q\n%s", want, res.Body)
		}
	}
	res = a.Anonymous().PostForm("/masuk", url.Values{"email": {"guru@sekolah.test"}, "password": {apptest.Password}})
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, `value="guru@sekolah.test"`) || strings.Contains(res.Body, apptest.Password) {
		t.Errorf("sign-in on a busy pool: status %d; want 503 keeping the email and not echoing the password\n%s", res.Status, res.Body)
	}
	if res := c.Get("/dasbor"); res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, "Muat ulang halaman") {
		t.Errorf("page on a busy pool: status %d\n%s", res.Status, res.Body)
	}

	// Connections free again: the same form goes through.
	release()
	if res := c.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/dasbor"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("after the pool freed: status %d\n%s", res.Status, res.Body)
	}
}

// A request stuck behind a lock ends at REQUEST_TIMEOUT with the busy page, and its database
// work is cancelled (nothing written), instead of waiting for the 15 s statement timeout.
func TestRequestDeadline(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.RequestTimeout = 500 * time.Millisecond }})
	u := a.User("guru@sekolah.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru@sekolah.test")
	ctx := context.Background()
	tx, err := a.DB.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, u.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := c.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/dasbor"}})
	d := time.Since(start)
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, `name="lang" value="en"`) {
		t.Errorf("status %d after %v, want the 503 busy page keeping the form\n%s", res.Status, d, res.Body)
	}
	if d > 3*time.Second {
		t.Errorf("answered after %v, want about the 500 ms deadline", d)
	}
	// The cancellation reaches PostgreSQL asynchronously: wait (at most 3 s) until no statement
	// of this database still waits for the lock, then release it. A statement that was never
	// cancelled would still be waiting, take the lock and write, and the check below fails.
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var waiting int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil || waiting == 0 {
			break
		}
	}
	_ = tx.Rollback(ctx)
	var lang string
	if err := a.DB.QueryRow(ctx, `SELECT language FROM users WHERE id = $1`, u.ID).Scan(&lang); err != nil || lang == "en" {
		t.Errorf("language = %q (%v): the cancelled request must not have written", lang, err)
	}
	// The page tells htmx to give up a little after the server's deadline (CSP: no inline
	// script, the setting is in the htmx-config meta tag).
	if res := c.Get("/profil"); !strings.Contains(res.Body, `&#34;timeout&#34;:666`) && !strings.Contains(res.Body, `"timeout":666`) {
		t.Errorf("htmx timeout not set in the page\n%s", res.Body[:min(len(res.Body), 800)])
	}
}
