package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
	"penggerak/internal/database"
	"penggerak/internal/server"
	"penggerak/internal/testdb"
)

// proxy forwards TCP to PostgreSQL and can cut every connection, like a database restart.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(func() { ln.Close(); p.cut() })
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go func() { io.Copy(up, c); up.Close() }()
		go func() { io.Copy(c, up); c.Close() }()
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// While the database is unreachable requests get a clear 503; when it is back the app recovers
// by itself (SECURITY.md 25).
func TestDatabaseOutageGives503AndRecovers(t *testing.T) {
	t.Parallel()
	_, dbURL := testdb.New(t)
	u, _ := url.Parse(dbURL)
	px := newProxy(t, u.Host)
	u.Host = px.ln.Addr().String()
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	ctx := context.Background()
	db, err := database.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := config.Config{Env: "development", BaseURL: "http://127.0.0.1", SecretKey: strings.Repeat("s", 40), UploadDir: t.TempDir()}
	srv := server.New(cfg, server.Deps{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PasswordParams: account.TestParams})
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	a := &apptest.App{T: t, URL: ts.URL}
	accounts := account.NewStore(db, account.TestParams)
	if _, err := accounts.CreateUser(ctx, account.NewUser{Email: "g@x.test", Name: "Guru Uji", Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE users SET email_verified_at = now()`); err != nil {
		t.Fatal(err)
	}
	c := a.SignIn("g@x.test")

	px.cut()
	if res := c.Get("/readyz"); res.Status != http.StatusServiceUnavailable {
		t.Errorf("readyz while down: %d", res.Status)
	}
	res := c.Get("/dasbor")
	if res.Status != http.StatusServiceUnavailable || !strings.Contains(res.Body, "Layanan sedang tidak tersedia") {
		t.Fatalf("dashboard while down: %d\n%s", res.Status, res.Body)
	}
	if strings.Contains(res.Body, "dial") || strings.Contains(res.Body, "connect") {
		t.Errorf("the 503 page leaks an internal error")
	}

	px.restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		res = c.Get("/dasbor")
		if res.Status == http.StatusOK || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "Guru Uji") {
		t.Fatalf("dashboard after the database came back: %d", res.Status)
	}
}
