package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/database"
	"penggerak/internal/demo"
	"penggerak/internal/server"
)

// runConcurrent runs total calls of fn over workers goroutines and returns the wall time.
func runConcurrent(b *testing.B, workers, total int, fn func(worker, i int) error) time.Duration {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	t0 := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= total {
					return
				}
				if err := fn(w, i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}(w)
	}
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
	return time.Since(t0)
}

// roundTripCounter is a pgx tracer counting the round trips the server sends (each one a round
// trip), and keeping their text while record is on.
type roundTripCounter struct {
	n      atomic.Int64
	mu     sync.Mutex
	record bool
	sql    []string
	args   [][]any
}

func (c *roundTripCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	c.mu.Lock()
	if c.record {
		c.sql = append(c.sql, strings.Join(strings.Fields(d.SQL), " "))
		c.args = append(c.args, d.Args)
	}
	c.mu.Unlock()
	return ctx
}

func (c *roundTripCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c *roundTripCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	c.n.Add(1) // one round trip for the whole batch
	return ctx
}
func (c *roundTripCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (c *roundTripCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// countedApp starts the app on a pool whose statements c counts.
func countedApp(tb testing.TB, c *roundTripCounter) *apptest.App {
	return apptest.Start(tb, apptest.Options{Pool: &database.Options{Tracer: c}})
}

// BenchmarkDashboardRatio: the signed-in teacher dashboard through the whole middleware stack
// (request id, log, throttle, security headers, compression, session load, principal and
// grants, open cohorts, render) against a bare chi handler writing the same bytes through the
// same Compress middleware, both over loopback HTTP with gzip, 8 clients at once, in the same
// run, taking turns. Reports app-req/s ÷ bare-req/s (aim ≥ 0.3) and the statements (round
// trips to the database) per view.
func BenchmarkDashboardRatio(b *testing.B) {
	var stmts roundTripCounter
	a := countedApp(b, &stmts)
	ctx := context.Background()
	if err := demo.SeedRecruitment(ctx, a.DB); err != nil { // an open cohort on the dashboard
		b.Fatal(err)
	}
	a.User("guru.bench@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("guru.bench@x.test")
	page := c.Get("/dasbor")
	if page.Status != http.StatusOK {
		b.Fatalf("dashboard: %d", page.Status)
	}
	body := []byte(page.Body)
	r := chi.NewRouter()
	r.Use(server.Compress())
	r.Get("/dasbor", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(body)
	})
	bare := httptest.NewServer(r)
	defer bare.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(url string, cookie *http.Cookie) error {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if cookie != nil {
			req.AddCookie(cookie)
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Encoding") != "gzip" {
			return fmt.Errorf("%s: %d %q", url, res.StatusCode, res.Header.Get("Content-Encoding"))
		}
		return nil
	}
	cookie := &http.Cookie{Name: "penggerak_session", Value: jarSession(b, c)}
	n := max(b.N, 200)
	b.ResetTimer()
	// The two sides take turns in rounds of a tenth each, so that a change in the load of a
	// shared machine falls on both.
	var app, base, appCPU, baseCPU, pgCPU time.Duration
	var views int64
	for round := 0; round < 10; round++ {
		m := n / 10
		if round < n%10 {
			m++
		}
		before, cpu0, pg0 := stmts.n.Load(), processCPU(b, 0), backendsCPU(b, a)
		app += runConcurrent(b, 8, m, func(_, _ int) error { return get(a.URL+"/dasbor", cookie) })
		views += stmts.n.Load() - before
		cpu1, pg1 := processCPU(b, 0), backendsCPU(b, a)
		appCPU += cpu1 - cpu0
		pgCPU += pg1.since(pg0)
		base += runConcurrent(b, 8, m, func(_, _ int) error { return get(bare.URL+"/dasbor", nil) })
		baseCPU += processCPU(b, 0) - cpu1
	}
	b.StopTimer()
	// CPU per view, less at the mercy of the machine's other load than the rates: this
	// process (server and clients) for each side, and the database backends for the app.
	b.ReportMetric(float64(appCPU.Microseconds())/float64(n), "app-µs-cpu/view")
	b.ReportMetric(float64(pgCPU.Microseconds())/float64(n), "pg-µs-cpu/view")
	b.ReportMetric(float64(baseCPU.Microseconds())/float64(n), "bare-µs-cpu/view")
	b.ReportMetric(float64(views)/float64(n), "stmts/view")
	b.ReportMetric(float64(n)/app.Seconds(), "app-req/s")
	b.ReportMetric(float64(n)/base.Seconds(), "bare-req/s")
	b.ReportMetric(base.Seconds()/app.Seconds(), "ratio")
}

// BenchmarkAutosaveRatio: essay autosave POSTs (4 answers) by 16, 64 and 200 teachers at once,
// each on their own draft, through the whole stack (loopback HTTP, middleware, session and
// principal, handler, the status fragment), against the bare SQL an autosave needs, run by the
// same number of goroutines on the same pool, in the same run, taking turns in ten rounds so
// that a change in the machine's load falls on every side. Two baselines:
//   - sql: one transaction that locks the draft with its cohort's window and upserts the 4
//     answers (BEGIN, 2 statements, COMMIT), the baseline of the figures before;
//   - sql+session: the same after the session read a signed-in request cannot do without (the
//     session row with its user's principal, account.Store.Session — the statement the app sends
//     to authenticate).
//
// Reports each side's saves per second, bare-time ÷ app-time for each baseline (ratio: against
// sql; ratio-session: against sql+session; aim ≥ 0.5), and the CPU per save of this process
// (HTTP client and server, or the SQL loop) and of the database backends, which depend less on
// the other load of a shared machine than the rates.
func BenchmarkAutosaveRatio(b *testing.B) {
	const teachers = 200
	a := apptest.Start(b)
	ctx := context.Background()
	opens := time.Now().Add(-24 * time.Hour)
	cohortID := applicationtest.NewCohort(b, a.DB, applicationtest.CohortRow{Number: 1, Name: "Angkatan Bench", Status: "pendaftaran",
		Opens: opens, Closes: opens.Add(31 * 24 * time.Hour)})
	if _, err := a.DB.Exec(ctx, `INSERT INTO essay_questions (cohort_id, position, prompt, min_chars, max_chars)
		SELECT $1, p, 'Pertanyaan esai nomor ' || p, 20, 2000 FROM generate_series(1, 4) p`, cohortID); err != nil {
		b.Fatal(err)
	}
	recSeedSchool(b, a, "10600001", "SD Negeri 1 Baturaja", "SD", "16.01")
	rows, _ := a.DB.Query(ctx, `SELECT id FROM essay_questions WHERE cohort_id = $1 ORDER BY position`, cohortID)
	qids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		b.Fatal(err)
	}
	type teacher struct {
		user, app int64
		token     string
		cookie    *http.Cookie
	}
	ts := make([]teacher, teachers)
	for i := range ts {
		email := fmt.Sprintf("guru%d@autosave.test", i)
		u := a.User(email, account.RoleGuru, account.Scope{})
		ts[i].user = u.ID
		if err := a.DB.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang)
			VALUES ($1, $2, 'Guru Bench', '10600001', '16.01', '16', 'SD') RETURNING id`, cohortID, u.ID).Scan(&ts[i].app); err != nil {
			b.Fatal(err)
		}
		ts[i].token = jarSession(b, a.SignIn(email))
		ts[i].cookie = &http.Cookie{Name: "penggerak_session", Value: ts[i].token}
	}
	answer := strings.Repeat("Murid belajar dengan bertanya dan mencoba. ", 12)
	form := url.Values{}
	for _, q := range qids {
		form.Set(fmt.Sprintf("essay_%d", q), answer)
	}
	encoded := form.Encode()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	post := func(t teacher) error {
		req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/lamaran/%d/esai/draf", a.URL, t.app), strings.NewReader(encoded))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("HX-Request", "true")
		req.AddCookie(t.cookie)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK || res.Header.Get("X-Autosave-Saved") == "" {
			return fmt.Errorf("autosave: %d, saved %q", res.StatusCode, res.Header.Get("X-Autosave-Saved"))
		}
		return nil
	}
	bodies := []string{answer, answer, answer, answer}
	bareSQL := func(t teacher) error {
		tx, err := a.DB.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT a.status = 'draft' AND c.status = 'pendaftaran' AND now() >= c.registration_opens_at AND now() < c.registration_closes_at
			FROM applications a JOIN cohorts c ON c.id = a.cohort_id WHERE a.id = $1 AND a.user_id = $2 FOR UPDATE OF a`, t.app, t.user).Scan(&ok); err != nil || !ok {
			return fmt.Errorf("bare lock: %v %v", ok, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO application_essays (application_id, question_id, body, updated_at)
			SELECT $1, q.id, x.body, now() FROM unnest($2::bigint[], $3::text[]) AS x (qid, body) JOIN essay_questions q ON q.id = x.qid AND q.cohort_id = $4
			ON CONFLICT (application_id, question_id) DO UPDATE SET body = EXCLUDED.body, updated_at = EXCLUDED.updated_at`, t.app, qids, bodies, cohortID); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
	sessions := account.NewStore(a.DB, account.TestParams)
	bareSession := func(t teacher) error {
		row, found, err := sessions.Session(ctx, t.token)
		if err != nil || !found || row.Principal == nil || row.Principal.User.ID != t.user {
			return fmt.Errorf("bare session: found %v, %v", found, err)
		}
		return bareSQL(t)
	}
	for _, conc := range []int{16, 64, 200} {
		b.Run(fmt.Sprintf("concurrent=%d", conc), func(b *testing.B) {
			n := max(b.N, 10*conc)
			b.ResetTimer()
			sides := []struct {
				do      func(teacher) error
				wall    time.Duration
				cpu, pg time.Duration
			}{{do: post}, {do: bareSQL}, {do: bareSession}}
			for round := 0; round < 10; round++ {
				m := n / 10
				if round < n%10 {
					m++
				}
				for i := range sides {
					cpu0, pg0 := processCPU(b, 0), backendsCPU(b, a)
					sides[i].wall += runConcurrent(b, conc, m, func(w, _ int) error { return sides[i].do(ts[w]) })
					sides[i].cpu += processCPU(b, 0) - cpu0
					sides[i].pg += backendsCPU(b, a).since(pg0)
				}
			}
			b.StopTimer()
			app, sql, sqlSession := sides[0], sides[1], sides[2]
			per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(n) }
			b.ReportMetric(float64(n)/app.wall.Seconds(), "app-saves/s")
			b.ReportMetric(float64(n)/sql.wall.Seconds(), "sql-saves/s")
			b.ReportMetric(float64(n)/sqlSession.wall.Seconds(), "sql+session-saves/s")
			b.ReportMetric(sql.wall.Seconds()/app.wall.Seconds(), "ratio")
			b.ReportMetric(sqlSession.wall.Seconds()/app.wall.Seconds(), "ratio-session")
			b.ReportMetric(per(app.cpu), "app-µs-cpu/save")
			b.ReportMetric(per(app.pg), "app-pg-µs-cpu/save")
			b.ReportMetric(per(sqlSession.cpu), "sql+session-µs-cpu/save")
			b.ReportMetric(per(sqlSession.pg), "sql+session-pg-µs-cpu/save")
		})
	}
}

// processCPU is the CPU time (user and system) process pid (0: this one) has used, from
// /proc/<pid>/stat (in clock ticks of 10 ms).
func processCPU(tb testing.TB, pid int) time.Duration {
	name := "/proc/self/stat"
	if pid != 0 {
		name = fmt.Sprintf("/proc/%d/stat", pid)
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		return 0 // a backend that has gone
	}
	// The fields after the command name (which may hold spaces) in parentheses.
	f := strings.Fields(string(raw[bytes.LastIndexByte(raw, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// backendCPU is the CPU time of each database backend serving the app's test database.
type backendCPU map[int]time.Duration

func backendsCPU(tb testing.TB, a *apptest.App) backendCPU {
	rows, _ := a.DB.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		tb.Fatal(err)
	}
	out := backendCPU{}
	for _, pid := range pids {
		out[int(pid)] = processCPU(tb, int(pid))
	}
	return out
}

// since is the CPU the backends used after before (a backend started since counts whole).
func (c backendCPU) since(before backendCPU) time.Duration {
	var d time.Duration
	for pid, t := range c {
		d += t - before[pid]
	}
	return d
}

// jarSession returns the session token in a signed-in client's cookie jar.
func jarSession(b *testing.B, c *apptest.Client) string {
	u, _ := url.Parse(c.Base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "penggerak_session" {
			return ck.Value
		}
	}
	b.Fatal("no session cookie")
	return ""
}
