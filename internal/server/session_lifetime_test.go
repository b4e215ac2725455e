package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"penggerak/internal/apptest"
	"penggerak/internal/server"
)

// SECURITY.md 4: a session lasts at most 12 hours from sign-in whatever the activity. scs
// keeps the absolute deadline inside the stored session data and caps every idle renewal
// at it; the test reads the deadline written at sign-in (12 h), then moves the stored
// deadline to 2 s from now (as if the user signed in 11 h 59 min 58 s ago and kept using
// the site): the next request may not extend the session past it, and once it passes the
// token opens nothing, although the 2 h idle timeout alone would have kept it alive.
func TestSessionAbsoluteLifetime(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	_, token := signInToken(t, a, "siti@x.test")
	ctx := t.Context()

	var data []byte
	if err := a.DB.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1`, token).Scan(&data); err != nil {
		t.Fatal(err)
	}
	deadline, values, err := server.SessionCodec{}.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(deadline); d > 12*time.Hour || d < 12*time.Hour-time.Minute {
		t.Fatalf("absolute deadline in %v after sign-in, want 12 h", d)
	}

	// Near the end of the 12 hours, with recent activity (stored expiry still 2 h ahead).
	soon := time.Now().Add(2 * time.Second).UTC()
	data, err = scs.GobCodec{}.Encode(soon, values) // as a session written before SessionCodec
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `UPDATE sessions SET data = $2, expiry = now() + interval '2 hours' WHERE token = $1`, token, data); err != nil {
		t.Fatal(err)
	}
	if res := withCookie(t, a, token, "/dasbor"); res.Status != http.StatusOK {
		t.Fatalf("before the deadline: %d", res.Status)
	}
	var expiry time.Time
	if err := a.DB.QueryRow(ctx, `SELECT expiry FROM sessions WHERE token = $1`, token).Scan(&expiry); err != nil {
		t.Fatal(err)
	}
	if expiry.After(soon.Add(time.Second)) {
		t.Errorf("activity extended the session to %v, past its absolute deadline %v", expiry, soon)
	}

	time.Sleep(time.Until(soon) + 500*time.Millisecond)
	if res := withCookie(t, a, token, "/dasbor"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/masuk") {
		t.Errorf("after the absolute deadline the token still opens the dashboard: %d %s", res.Status, res.Location)
	}
}
