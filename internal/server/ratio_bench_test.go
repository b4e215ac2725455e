package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// BenchmarkDashboardRatio: the signed-in teacher dashboard through the whole middleware stack
// (request id, log, throttle, security headers, compression, session load, principal and
// grants, open cohorts, render) against a bare chi handler writing the same bytes through the
// same Compress middleware, both over loopback HTTP with gzip, 8 clients at once, in the same
// run. Reports app-req/s ÷ bare-req/s (aim ≥ 0.3).
func BenchmarkDashboardRatio(b *testing.B) {
	a := apptest.Start(b)
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
	app := runConcurrent(b, 8, n, func(_, _ int) error { return get(a.URL+"/dasbor", cookie) })
	base := runConcurrent(b, 8, n, func(_, _ int) error { return get(bare.URL+"/dasbor", nil) })
	b.StopTimer()
	b.ReportMetric(float64(n)/app.Seconds(), "app-req/s")
	b.ReportMetric(float64(n)/base.Seconds(), "bare-req/s")
	b.ReportMetric(base.Seconds()/app.Seconds(), "ratio")
}

// BenchmarkAutosaveRatio: essay autosave POSTs (4 answers) by 16, 64 and 200 teachers at once,
// each on their own draft, through the whole stack, against the bare SQL an autosave needs (one
// transaction: lock the draft with its cohort's window, upsert the 4 answers) run by the same
// number of goroutines on the same pool. Reports bare-time ÷ app-time (aim ≥ 0.5).
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
		ts[i].cookie = &http.Cookie{Name: "penggerak_session", Value: jarSession(b, a.SignIn(email))}
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
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("autosave: %d", res.StatusCode)
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
	for _, conc := range []int{16, 64, 200} {
		b.Run(fmt.Sprintf("concurrent=%d", conc), func(b *testing.B) {
			n := max(b.N, 2*conc)
			b.ResetTimer()
			app := runConcurrent(b, conc, n, func(w, _ int) error { return post(ts[w]) })
			base := runConcurrent(b, conc, n, func(w, _ int) error { return bareSQL(ts[w]) })
			b.StopTimer()
			b.ReportMetric(float64(n)/app.Seconds(), "app-saves/s")
			b.ReportMetric(float64(n)/base.Seconds(), "sql-saves/s")
			b.ReportMetric(base.Seconds()/app.Seconds(), "ratio")
		})
	}
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
