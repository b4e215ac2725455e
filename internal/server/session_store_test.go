package server_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

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
