package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/server"
)

// statementCounter is a pgx tracer that records every statement (BEGIN and COMMIT included,
// each statement of a batch) sent for a request marked with countKey.
type statementCounter struct {
	mu   sync.Mutex
	sqls []string
}

type countKey struct{}

func (c *statementCounter) add(ctx context.Context, sql string) {
	if ctx.Value(countKey{}) != c {
		return
	}
	c.mu.Lock()
	c.sqls = append(c.sqls, strings.Join(strings.Fields(sql), " "))
	c.mu.Unlock()
}

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	c.add(ctx, d.SQL)
	return ctx
}
func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}
func (c *statementCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}
func (c *statementCounter) TraceBatchQuery(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchQueryData) {
	c.add(ctx, d.SQL)
}
func (c *statementCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}
func (c *statementCounter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceCopyFromStartData) context.Context {
	c.add(ctx, "COPY "+d.TableName.Sanitize())
	return ctx
}
func (c *statementCounter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// take returns the statements recorded since the last take.
func (c *statementCounter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sqls
	c.sqls = nil
	return out
}

// countedServer serves the app a second time on the same database, through a pool whose
// tracer counts the statements each request sends (sessions live in the database, so a client
// signed in on a keeps its session there).
func countedServer(t *testing.T, a *apptest.App) (*statementCounter, string) {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(a.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	c := &statementCounter{}
	cfg.ConnConfig.Tracer = c
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	srv := server.New(a.Config, server.Deps{DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PasswordParams: account.TestParams, Now: a.Now})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), countKey{}, c)))
	}))
	t.Cleanup(func() {
		hs.Close()
		srv.Close()
	})
	return c, hs.URL
}

// TestStatementsPerAutosaveAndSubmit counts the statements one essay autosave, one submit and
// one receipt view send to the database, through the whole middleware stack (session,
// principal, handler), and holds them to the figures in the README's performance section:
// an autosave is the session with its principal and one statement (was 7 in all); a submit 11
// (was 18: the parts of the application are read in one statement, the cohort and the
// applicant's language with the row lock); the receipt 5 with the flash's session write (was
// 6); a step page 3 — the session, the application with its progress, its parts — since the
// cohort's configuration is kept in memory during registration (was 4, 10 before that); a
// document upload 7: it reads only the document's limit before the file arrives (was the whole
// application and its cohort's configuration), and checks the document and stores it in one
// statement (10 in all before).
func TestStatementsPerAutosaveAndSubmit(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "hitung@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	counter, url2 := countedServer(t, a)
	c.Base = url2

	measure := func(name string, max int, do func() apptest.Response, status int) {
		t.Helper()
		counter.take()
		res := do()
		sqls := counter.take()
		if res.Status != status {
			t.Fatalf("%s: status %d, want %d\n%.2000s", name, res.Status, status, res.Body)
		}
		t.Logf("%s: %d statements", name, len(sqls))
		for i, s := range sqls {
			t.Logf("  %2d %.160s", i+1, s)
		}
		if len(sqls) > max {
			t.Errorf("%s sent %d statements, want at most %d", name, len(sqls), max)
		}
	}
	c.Get(base + "/esai") // shows (and so clears) the last step's flash
	measure("essay step page", 3, func() apptest.Response { return c.Get(base + "/esai") }, http.StatusOK)
	// Session, the document's limit, BEGIN, the lock, the document check with the upsert
	// (and the replaced upload's name), COMMIT, and the flash's session write.
	measure("document upload", 7, func() apptest.Response {
		return recUpload(c, fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0]), "ktp-baru.pdf", recPDF)
	}, http.StatusSeeOther)
	c.Get(base + "/dokumen") // clears the upload's flash
	q0 := fmt.Sprintf("essay_%d", tc.Questions[0])
	for k := range 2 { // the second save is the steady state of typing
		measure(fmt.Sprintf("autosave %d", k+1), 2, func() apptest.Response {
			req, _ := http.NewRequest(http.MethodPost, c.Base+base+"/esai/draf",
				strings.NewReader(url.Values{q0: {fmt.Sprintf("Murid belajar bersama, ketikan ke-%d.", k)}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			req.Header.Set("HX-Request", "true")
			return c.Do(req)
		}, http.StatusOK)
	}
	measure("submit", 11, func() apptest.Response { return c.PostForm(base+"/kirim", confirmYes) }, http.StatusSeeOther)
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'submitted' AND submitted_content IS NOT NULL
		AND submitted_content->'essays'->0->>'body' = 'Murid belajar bersama, ketikan ke-1.'`); n != 1 {
		t.Errorf("%d submitted with content, want 1", n)
	}
	measure("receipt", 5, func() apptest.Response { return c.Get(base + "/tanda-terima") }, http.StatusOK)
	measure("withdraw", 9, func() apptest.Response { return c.PostForm(base+"/tarik", confirmYes) }, http.StatusSeeOther)
}
