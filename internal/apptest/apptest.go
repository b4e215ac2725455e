// Package apptest starts the whole application against a fresh test database, for handler
// tests and browser tests: users with roles in given regions, signed-in HTTP clients with
// cookie jars, and a clock the test can move.
package apptest

import (
	"bytes"
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/audit"
	"penggerak/internal/config"
	"penggerak/internal/database"
	"penggerak/internal/server"
	"penggerak/internal/storage"
	"penggerak/internal/testdb"
)

// Password is the password of every user the helpers create.
const Password = "rahasia-uji-123"

// App is a running application.
type App struct {
	T        testing.TB
	DB       *pgxpool.Pool
	DBURL    string
	Server   *server.Server
	HTTP     *httptest.Server
	URL      string
	Config   config.Config
	Accounts *account.Store
	// ServerDB is the server's pool: DB unless Options.Pool gave it its own.
	ServerDB *pgxpool.Pool

	mu  sync.Mutex
	now time.Time
}

// Options change how the app starts.
type Options struct {
	// Config changes the configuration before the server is built.
	Config func(*config.Config)
	// Pool, when set, sizes the server's own pool on the test database (a.DB stays a normal
	// pool for fixtures), e.g. to saturate it.
	Pool *database.Options
	// Files, when set, keeps the server's uploads (e.g. an S3 store on storagetest.S3).
	Files storage.Store
	// Wrap, when set, wraps the server's handler (e.g. to delay a route like a slow network).
	Wrap func(http.Handler) http.Handler
	// Logger, when set, is the server's logger (e.g. at debug level into a LogBuffer).
	Logger *slog.Logger
	// ErrorLog, when set, receives net/http's own messages about the test server (e.g.
	// "superfluous response.WriteHeader call").
	ErrorLog io.Writer
}

// Start runs the app on a fresh database until the test ends.
func Start(t testing.TB, opts ...Options) *App {
	t.Helper()
	db, dbURL := testdb.New(t)
	a := &App{T: t, DB: db, DBURL: dbURL, now: time.Now()}
	cfg := config.Config{
		Env: "development", Addr: "127.0.0.1:0", BaseURL: "http://127.0.0.1", DatabaseURL: dbURL,
		MailFrom: "Penggerak <noreply@test.local>", UploadDir: t.TempDir(),
		SecretKey: "test-secret-key-0123456789abcdefghijklmnop", ShutdownTimeout: time.Second,
	}
	for _, o := range opts {
		if o.Config != nil {
			o.Config(&cfg)
		}
	}
	a.Config = cfg
	a.Accounts = account.NewStore(db, account.TestParams)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	serverDB := db
	var h http.Handler
	var files storage.Store
	var errorLog io.Writer
	for _, o := range opts {
		if o.Files != nil {
			files = o.Files
		}
		if o.Logger != nil {
			logger = o.Logger
		}
		if o.ErrorLog != nil {
			errorLog = o.ErrorLog
		}
		if o.Pool != nil {
			p, err := database.OpenWith(context.Background(), dbURL, *o.Pool)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(p.Close)
			serverDB = p
		}
	}
	a.ServerDB = serverDB
	a.Server = server.New(cfg, server.Deps{DB: serverDB, Logger: logger, PasswordParams: account.TestParams, Now: a.Now, Files: files})
	h = a.Server
	for _, o := range opts {
		if o.Wrap != nil {
			h = o.Wrap(h)
		}
	}
	a.HTTP = httptest.NewUnstartedServer(h)
	if errorLog != nil {
		a.HTTP.Config.ErrorLog = log.New(errorLog, "", 0)
	}
	a.HTTP.Start()
	a.URL = a.HTTP.URL
	t.Cleanup(func() {
		a.HTTP.Close()
		a.Server.Close()
	})
	return a
}

// LogBuffer keeps what the server's goroutines log, for a test to read afterwards.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// Now is the app's clock.
func (a *App) Now() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.now
}

// SetNow moves the app's clock.
func (a *App) SetNow(t time.Time) {
	a.mu.Lock()
	a.now = t
	a.mu.Unlock()
}

// Admin is a principal that may grant anything, for setting up fixtures.
var Admin = &account.Principal{User: account.User{}, Grants: []account.Grant{{Role: account.RoleAdmin}}}

// User creates a verified user holding role (guru is always held) in scope.
func (a *App) User(email string, role account.Role, scope account.Scope) account.User {
	a.T.Helper()
	ctx := context.Background()
	u, err := a.Accounts.CreateUser(ctx, account.NewUser{Email: email, Name: "Pengguna " + strings.Split(email, "@")[0], Phone: "081234567890", Password: Password})
	if err != nil {
		a.T.Fatalf("create user %s: %v", email, err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE users SET email_verified_at = now() WHERE id = $1`, u.ID); err != nil {
		a.T.Fatal(err)
	}
	if role != account.RoleGuru && role != "" {
		if err := a.Accounts.GrantRole(ctx, audit.Actor{IP: "test"}, Admin, u.ID, role, scope); err != nil {
			a.T.Fatalf("grant %s to %s: %v", role, email, err)
		}
	}
	return u
}

// Client is an HTTP client with its own cookie jar, that does not follow redirects.
type Client struct {
	T    testing.TB
	HTTP *http.Client
	Base string
}

// Anonymous returns a signed-out client.
func (a *App) Anonymous() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: a.T, Base: a.URL, HTTP: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// SignIn returns a client signed in as email (created with User or with Password).
func (a *App) SignIn(email string) *Client {
	a.T.Helper()
	c := a.Anonymous()
	res := c.PostForm("/masuk", url.Values{"email": {email}, "password": {Password}})
	if res.Status != http.StatusSeeOther {
		a.T.Fatalf("sign in %s: status %d\n%s", email, res.Status, res.Body)
	}
	return c
}

// Response is a finished request.
type Response struct {
	Status   int
	Body     string
	Header   http.Header
	Location string
	// Refused is set when a POST was refused with a page and answered 303 to the page the
	// form lives on (Post/Redirect/Get, server.RefusedHeader): the address redirected to,
	// which Do then followed. Status, Body and Header are that page's.
	Refused string
}

// Do sends a request built by the caller. A refused form (a POST answered 303 with
// server.RefusedHeader) is followed to the page it is shown on, as a browser does, so that
// the response holds the refused page with its status; Do checks on the way that the page is
// served there with the announced status and is not stored by the browser.
func (c *Client) Do(req *http.Request) Response {
	c.T.Helper()
	res := c.do(req)
	if req.Method != http.MethodPost || res.Status != http.StatusSeeOther || res.Header.Get(server.RefusedHeader) == "" {
		return res
	}
	want := res.Header.Get(server.RefusedHeader)
	if !strings.HasPrefix(res.Location, "/") || strings.HasPrefix(res.Location, "//") {
		c.T.Errorf("POST %s refused: redirected off the site to %q", req.URL.Path, res.Location)
		return res
	}
	ref, _ := url.Parse(req.Referer())
	if u, _ := url.Parse(res.Location); u != nil && u.Path == req.URL.Path && (ref == nil || ref.Path != req.URL.Path) {
		// (A page may post its form to its own address: the CV step at /lamaran/3/cv.)
		c.T.Errorf("POST %s refused: redirected to the POST address itself", req.URL.Path)
	}
	page := c.Get(res.Location)
	if strconv.Itoa(page.Status) != want {
		c.T.Errorf("POST %s refused with %s: GET %s gives %d", req.URL.Path, want, res.Location, page.Status)
	}
	if cc := page.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		c.T.Errorf("POST %s refused: the kept page has Cache-Control %q, want no-store", req.URL.Path, cc)
	}
	page.Refused = res.Location
	return page
}

// do sends req and reads the answer.
func (c *Client) do(req *http.Request) Response {
	c.T.Helper()
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") && strings.Contains(string(b), "<html") {
		for _, p := range PageProblems(string(b)) {
			c.T.Errorf("%s %s: page problem: %s", req.Method, req.URL.Path, p)
		}
	}
	return Response{Status: res.StatusCode, Body: string(b), Header: res.Header, Location: res.Header.Get("Location")}
}

// Get sends a GET.
func (c *Client) Get(path string) Response {
	c.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.Base+path, nil)
	return c.Do(req)
}

// PostForm sends a same-origin form POST.
func (c *Client) PostForm(path string, form url.Values) Response {
	c.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// PostStatus sends a same-origin form POST and returns the status it was answered with,
// without following any redirect: for a refused form, the status it was refused with
// (server.RefusedHeader) rather than its 303. For many concurrent POSTs of one session, where
// only the status matters: the session keeps one refused page at a time (the last one), so a
// burst of refusals cannot each be shown afterwards.
func (c *Client) PostStatus(path string, form url.Values) int {
	c.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Errorf("POST %s: %v", path, err)
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if st, err := strconv.Atoi(res.Header.Get(server.RefusedHeader)); err == nil && res.StatusCode == http.StatusSeeOther {
		return st
	}
	return res.StatusCode
}

// PostBody sends a same-origin POST with a body of the given content type (e.g. multipart).
func (c *Client) PostBody(path, contentType string, body io.Reader) Response {
	c.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}
