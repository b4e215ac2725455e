package server_test

import (
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// A page view does not rewrite the session row when nothing in the session changed (scs marks
// every session modified when an idle timeout is set; the store skips the write). The idle
// expiry is still moved forward once it lags by more than a minute, and a change (the
// language) is written at once.
func TestSessionRowWrittenOnlyWhenChanged(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c, token := signInToken(t, a, "siti@x.test")
	version := func() (xmin string, expiry time.Time) {
		t.Helper()
		if err := a.DB.QueryRow(t.Context(), `SELECT xmin::text, expiry FROM sessions WHERE token = $1`, token).Scan(&xmin, &expiry); err != nil {
			t.Fatal(err)
		}
		return xmin, expiry
	}
	c.Get("/dasbor") // shows (and so removes) the sign-in flash message, a change
	before, _ := version()
	for i := 0; i < 5; i++ {
		if res := c.Get("/dasbor"); res.Status != http.StatusOK {
			t.Fatalf("dashboard: %d", res.Status)
		}
	}
	if after, _ := version(); after != before {
		t.Errorf("5 unchanged page views rewrote the session row (xmin %s → %s)", before, after)
	}

	// The stored idle expiry lags by 5 minutes: the next view moves it forward.
	if _, err := a.DB.Exec(t.Context(), `UPDATE sessions SET expiry = now() + interval '115 minutes' WHERE token = $1`, token); err != nil {
		t.Fatal(err)
	}
	c.Get("/dasbor")
	if _, exp := version(); time.Until(exp) < 2*time.Hour-time.Minute {
		t.Errorf("idle expiry not refreshed: %v left", time.Until(exp))
	}

	// A change is written.
	lagged, _ := version()
	c.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/dasbor"}})
	if now, _ := version(); now == lagged {
		t.Errorf("changing the language did not write the session")
	}
	if res := c.Get("/dasbor"); res.Status != http.StatusOK || !contains(res.Body, `lang="en"`) {
		t.Errorf("language not kept: %d", res.Status)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// Many views at once with the same session (tabs, a page and its htmx requests) do not
// rewrite its row either: each request compares what it commits with what it loaded itself.
func TestSessionRowNotWrittenByConcurrentViews(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("rina@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("rina@x.test")
	c.Get("/dasbor") // removes the sign-in flash message
	var token string
	u, _ := url.Parse(c.Base)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "penggerak_session" {
			token = ck.Value
		}
	}
	xmin := func() string {
		t.Helper()
		var x string
		if err := a.DB.QueryRow(t.Context(), `SELECT xmin::text FROM sessions WHERE token = $1`, token).Scan(&x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	before := xmin()
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				req, _ := http.NewRequest(http.MethodGet, a.URL+"/dasbor", nil)
				req.AddCookie(&http.Cookie{Name: "penggerak_session", Value: token})
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					failed.Add(1)
					return
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d views failed", failed.Load())
	}
	if after := xmin(); after != before {
		t.Errorf("80 concurrent unchanged views rewrote the session row (xmin %s → %s)", before, after)
	}
}

// The session is read with its user and grants in one query; a row written before the row
// carried its user (user_id NULL) is still signed in (the principal read on its own), and
// gets its user at its next write. A session whose user no longer exists is ended.
func TestSessionReadWithItsPrincipal(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	u := a.User("dewi@x.test", account.RoleGuru, account.Scope{})
	c := a.SignIn("dewi@x.test")
	var token string
	uu, _ := url.Parse(c.Base)
	for _, ck := range c.HTTP.Jar.Cookies(uu) {
		if ck.Name == "penggerak_session" {
			token = ck.Value
		}
	}
	var stored *int64
	if err := a.DB.QueryRow(t.Context(), `SELECT user_id FROM sessions WHERE token = $1`, token).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == nil || *stored != u.ID {
		t.Fatalf("session row's user: %v, want %d", stored, u.ID)
	}
	if _, err := a.DB.Exec(t.Context(), `UPDATE sessions SET user_id = NULL, expiry = now() + interval '115 minutes' WHERE token = $1`, token); err != nil {
		t.Fatal(err)
	}
	if res := c.Get("/dasbor"); res.Status != http.StatusOK || !contains(res.Body, "Pengguna dewi") {
		t.Fatalf("old-style session row: %d", res.Status)
	}
	if err := a.DB.QueryRow(t.Context(), `SELECT user_id FROM sessions WHERE token = $1`, token).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored == nil || *stored != u.ID {
		t.Errorf("the expiry refresh did not store the session's user: %v", stored)
	}
	// The row names another user than the session's data (say, a row tampered with): the
	// session's own user is what counts.
	other := a.User("lain@x.test", account.RoleAdmin, account.Scope{})
	if _, err := a.DB.Exec(t.Context(), `UPDATE sessions SET user_id = $2 WHERE token = $1`, token, other.ID); err != nil {
		t.Fatal(err)
	}
	if res := c.Get("/dasbor"); res.Status != http.StatusOK || !contains(res.Body, "Pengguna dewi") || contains(res.Body, "Admin nasional") {
		t.Errorf("the row's user_id was taken for the session's user")
	}
}
