package cluster_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/config"
	"penggerak/internal/database"
	"penggerak/internal/jobs"
	"penggerak/internal/mail"
	"penggerak/internal/server"
	"penggerak/internal/storage"
	"penggerak/internal/storage/storagetest"
	"penggerak/internal/testdb"
)

// haproxyPath is where Debian's haproxy package installs the binary (.ci/run installs it).
const haproxyPath = "/usr/sbin/haproxy"

// instance is one running copy of the application: its own pool, HTTP server and River
// client, as a separate process would have.
type instance struct {
	name string
	addr string
}

func startInstance(t *testing.T, name, dbURL string, s3 storage.S3Config) instance {
	t.Helper()
	ctx := context.Background()
	pool, err := database.OpenWith(ctx, dbURL, database.Options{MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	files, err := storage.FromConfig(ctx, "s3", "", s3)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Config{
		Env: "development", BaseURL: "http://127.0.0.1", DatabaseURL: dbURL, MailFrom: "Penggerak <noreply@test.local>",
		UploadDir: t.TempDir(), Storage: "s3", SecretKey: "cluster-secret-key-0123456789abcdefghijkl",
		TrustProxy: true, LoginFailuresPerAddress: 6, RequestTimeout: 10 * time.Second,
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := server.New(cfg, server.Deps{DB: pool, Logger: logger, PasswordParams: account.TestParams, Files: files})
	worker, err := jobs.New(pool, logger, &mail.Deliverer{DB: pool, Log: logger}, jobs.WithBaseURL(cfg.BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	if err := worker.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() {
		_ = hs.Close()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = worker.Stop(sctx)
		srv.Close()
		pool.Close()
	})
	return instance{name: name, addr: ln.Addr().String()}
}

// startHAProxy runs HAProxy in the foreground with a generated configuration: round robin
// over the instances, X-Forwarded-For set from the client, and the serving instance named in
// X-Served-By.
func startHAProxy(t *testing.T, backends ...instance) string {
	t.Helper()
	if _, err := os.Stat(haproxyPath); err != nil {
		t.Fatalf("cluster: %s is required (apt-get install -y haproxy; .ci/run installs it): %v", haproxyPath, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	front := ln.Addr().String()
	ln.Close()
	var b strings.Builder
	fmt.Fprintf(&b, `global
	maxconn 512
defaults
	mode http
	timeout connect 2s
	timeout client 30s
	timeout server 30s
frontend penggerak
	bind %s
	default_backend app
backend app
	balance roundrobin
	option forwardfor
	http-response set-header X-Served-By %%[srv_name]
`, front)
	for _, in := range backends {
		fmt.Fprintf(&b, "\tserver %s %s\n", in.name, in.addr)
	}
	cfgPath := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(haproxyPath, "-c", "-f", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("haproxy configuration refused: %v\n%s\n%s", err, out, b.String())
	}
	cmd := exec.Command(haproxyPath, "-db", "-f", cfgPath)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", front, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return "http://" + front
		}
		if time.Now().After(deadline) {
			t.Fatalf("haproxy did not listen on %s: %v\n%s", front, err, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// client talks to the load balancer with a cookie jar and a new connection per request, so
// round robin spreads its requests over the instances.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		Transport:     &http.Transport{DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status int
	body   string
	by     string
	header http.Header
}

func (c *client) do(method, path, contentType string, body io.Reader) response {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, body: string(b), by: res.Header.Get("X-Served-By"), header: res.Header}
}

func (c *client) get(path string) response { return c.do(http.MethodGet, path, "", nil) }

func (c *client) post(path string, form url.Values) response {
	return c.do(http.MethodPost, path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

const password = "rahasia-uji-123"

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// Two instances on one database and one object store behind HAProxy: a session started on
// one continues on the other, rate limits are shared, each periodic job runs once (River
// elects one leader), and a document uploaded through one downloads through the other.
func TestTwoInstancesBehindHAProxy(t *testing.T) {
	start := time.Now()
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	seed(t, db)
	s3 := storagetest.S3(t)
	a := startInstance(t, "a", dbURL, s3)
	b := startInstance(t, "b", dbURL, s3)
	lb := startHAProxy(t, a, b)

	// A session started on one instance continues on the other.
	c := newClient(t, lb)
	res := c.post("/masuk", url.Values{"email": {"guru@sekolah.test"}, "password": {password}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", res.status, res.body)
	}
	signedInOn := res.by
	seen := map[string]bool{}
	for range 4 {
		res := c.get("/dasbor")
		if res.status != http.StatusOK || !strings.Contains(res.body, "Selamat datang, Guru Klaster") {
			t.Fatalf("dashboard on %s: %d\n%.500s", res.by, res.status, res.body)
		}
		seen[res.by] = true
	}
	if !seen["a"] || !seen["b"] {
		t.Fatalf("requests were not spread over both instances: %v", seen)
	}
	t.Logf("signed in on %s, dashboard served by %v", signedInOn, seen)

	// A document uploaded through one instance downloads through the other.
	var cohortID, docID int64
	if err := db.QueryRow(ctx, `SELECT cohort_id, id FROM required_documents`).Scan(&cohortID, &docID); err != nil {
		t.Fatal(err)
	}
	if res := c.post(fmt.Sprintf("/pendaftaran/%d", cohortID), nil); res.status != http.StatusSeeOther {
		t.Fatalf("start an application: %d\n%.800s", res.status, res.body)
	}
	var appID int64
	if err := db.QueryRow(ctx, `SELECT id FROM applications`).Scan(&appID); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "ktp.pdf")
	_, _ = fw.Write(pdf)
	_ = mw.Close()
	up := c.do(http.MethodPost, fmt.Sprintf("/lamaran/%d/dokumen/%d", appID, docID), mw.FormDataContentType(), &buf)
	if up.status != http.StatusSeeOther {
		t.Fatalf("upload through %s: %d\n%.800s", up.by, up.status, up.body)
	}
	var uploadID int64
	if err := db.QueryRow(ctx, `SELECT id FROM application_documents`).Scan(&uploadID); err != nil {
		t.Fatal(err)
	}
	downloaded := false
	for range 4 {
		res := c.get(fmt.Sprintf("/berkas/%d", uploadID))
		if res.status != http.StatusOK || res.body != string(pdf) {
			t.Fatalf("download through %s: %d, %d bytes", res.by, res.status, len(res.body))
		}
		if res.by != up.by {
			downloaded = true
		}
	}
	if !downloaded {
		t.Errorf("never downloaded through the instance other than %s", up.by)
	}

	// Rate limits are shared: failures counted by both instances add up (the limit is 6
	// failures per address), and the next attempt is refused whichever instance gets it.
	attacker := newClient(t, lb)
	by := map[string]int{}
	for i := range 6 {
		res := attacker.post("/masuk", url.Values{"email": {fmt.Sprintf("tebak%d@x.test", i)}, "password": {"salah"}})
		if res.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, res.status)
		}
		by[res.by]++
	}
	if by["a"] == 0 || by["b"] == 0 {
		t.Errorf("failures not spread over both instances: %v", by)
	}
	for range 2 {
		res := attacker.post("/masuk", url.Values{"email": {"guru@sekolah.test"}, "password": {password}})
		if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "dari jaringan ini") {
			t.Errorf("after 6 failures split %v, attempt on %s: %d", by, res.by, res.status)
		}
	}

	// Each periodic job runs once: River elects one leader among the two clients, and only
	// the leader inserts periodic jobs (both run on start; an hourly one must be there once).
	waitFor(t, 15*time.Second, "retention_prune and selection_seat_deadlines to complete", func() bool {
		var n int
		_ = db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind IN ('retention_prune', 'selection_seat_deadlines') AND state = 'completed'`).Scan(&n)
		return n >= 2
	})
	time.Sleep(1500 * time.Millisecond) // a second instance inserting late would show now
	elapsed := time.Since(start)
	for kind, most := range map[string]int{"retention_prune": 1, "selection_seat_deadlines": 1, "mail_deliver": int(elapsed/jobs.MailInterval) + 1} {
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = $1`, kind).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n < 1 || n > most {
			t.Errorf("%s ran %d times in %v, want 1..%d (one leader)", kind, n, elapsed.Round(time.Millisecond), most)
		}
	}
	var leaders int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM river_leader`).Scan(&leaders); err != nil || leaders != 1 {
		t.Errorf("river leaders = %d (%v), want 1", leaders, err)
	}
	t.Logf("two instances behind HAProxy: %v", time.Since(start).Round(time.Millisecond))
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// seed creates a verified teacher with a profile at an OKU school and a draft application to
// an open cohort that asks for one document.
func seed(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	ctx := context.Background()
	u, err := account.NewStore(db, account.TestParams).CreateUser(ctx, account.NewUser{Email: "guru@sekolah.test", Name: "Guru Klaster", Phone: "+6281234567890", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	opens := time.Now().Add(-24 * time.Hour)
	cohortID := applicationtest.NewCohort(t, db, applicationtest.CohortRow{Number: 12, Name: "Angkatan 12", Status: "pendaftaran",
		Opens: opens, Closes: opens.Add(21 * 24 * time.Hour), CorrectionDays: 3})
	for _, q := range []string{
		`UPDATE users SET email_verified_at = now() WHERE id = $2`,
		`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '16.01', 100)`,
		`INSERT INTO required_documents (cohort_id, position, name, guidance, required, max_bytes) VALUES ($1, 1, 'KTP', 'Pindai KTP asli', true, 1048576)`,
	} {
		q = strings.NewReplacer("$1", fmt.Sprint(cohortID), "$2", fmt.Sprint(u.ID)).Replace(q)
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	applicationtest.School(t, db, "10600001", "SD Negeri 1 Baturaja", "SD", "16.01")
	applicationtest.SeedProfile(t, db, u.ID, "10600001", applicationtest.Profile{NIK: "1601014503850001", Subject: "Guru kelas", Years: 12,
		Birth: time.Date(1985, 3, 5, 0, 0, 0, 0, time.UTC)})
}
