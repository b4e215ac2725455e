package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
)

// A registration day at one school: 150 teachers sign up, verify and sign in from one address
// while an attacker on the same address fails 1,000 times (sprayed over other emails, and ten
// guesses at one teacher's account). Every teacher gets in; the targeted one after the
// account's short delay, with the right password.
func TestSchoolBehindOneAddressSurvivesAnAttacker(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	const teachers, attempts, targeted = 150, 1000, 10
	email := func(i int) string { return fmt.Sprintf("guru%03d@sdn1.sch.test", i) }
	password := "kebun-mangga-77"

	var wg sync.WaitGroup
	var attackerFailures, attackerOther atomic.Int64
	attack := func(c *apptest.Client, e string) {
		res := c.PostForm("/masuk", url.Values{"email": {e}, "password": {"tebakan-salah"}})
		switch res.Status {
		case http.StatusUnauthorized, http.StatusTooManyRequests:
			attackerFailures.Add(1)
		default:
			attackerOther.Add(1)
		}
	}
	wg.Go(func() {
		c := a.Anonymous()
		for i := range attempts - targeted {
			attack(c, fmt.Sprintf("tebak%04d@sdn1.sch.test", i))
		}
	})

	var signedIn atomic.Int64
	var mu sync.Mutex
	var problems []string
	fail := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	work := make(chan int)
	for range 6 {
		wg.Go(func() {
			for i := range work {
				c := a.Anonymous()
				res := c.PostForm("/daftar", url.Values{"name": {fmt.Sprintf("Guru %d", i)}, "email": {email(i)},
					"phone": {fmt.Sprintf("0812%08d", 10000000+i)}, "password": {password}, "password_confirm": {password}})
				if res.Status != http.StatusSeeOther {
					fail("teacher %d sign-up: %d", i, res.Status)
					continue
				}
				var body string
				if err := a.DB.QueryRow(context.Background(), `SELECT body_text FROM mail_outbox WHERE to_addr = $1 ORDER BY id DESC LIMIT 1`, email(i)).Scan(&body); err != nil {
					fail("teacher %d mail: %v", i, err)
					continue
				}
				link := linkRE.FindString(body)
				if res := c.PostForm(link, nil); res.Status != http.StatusSeeOther {
					fail("teacher %d verify: %d", i, res.Status)
					continue
				}
				if i == 0 {
					continue // signs in after the attack on their account, below
				}
				if res := c.PostForm("/masuk", url.Values{"email": {email(i)}, "password": {password}}); res.Status != http.StatusSeeOther || res.Location != "/dasbor" {
					fail("teacher %d sign-in: %d %q", i, res.Status, res.Location)
					continue
				}
				signedIn.Add(1)
			}
		})
	}
	start := time.Now()
	for i := range teachers {
		work <- i
	}
	close(work)
	// Teacher 0 has signed up; the attacker guesses at that account too.
	c := a.Anonymous()
	for range targeted {
		attack(c, email(0))
	}
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	if got := attackerFailures.Load(); got != attempts || attackerOther.Load() != 0 {
		t.Errorf("attacker: %d refused, %d other answers; want %d refused", got, attackerOther.Load(), attempts)
	}
	// Teacher 0: the right password is refused while the account's delay runs (the attacker
	// cannot keep guessing), and accepted once it is over.
	t0 := a.Anonymous()
	res := t0.PostForm("/masuk", url.Values{"email": {email(0)}, "password": {password}})
	if res.Status != http.StatusTooManyRequests || !strings.Contains(res.Body, "lalu coba lagi") {
		t.Fatalf("targeted teacher during the delay: %d\n%s", res.Status, res.Body)
	}
	a.SetNow(a.Now().Add(account.MaxDelay))
	if res := t0.PostForm("/masuk", url.Values{"email": {email(0)}, "password": {password}}); res.Status != http.StatusSeeOther {
		t.Fatalf("targeted teacher after the delay: %d\n%s", res.Status, res.Body)
	}
	signedIn.Add(1)
	if got := signedIn.Load(); got != teachers {
		t.Errorf("%d of %d teachers signed in", got, teachers)
	}
	t.Logf("%d sign-ups, verifications and sign-ins with %d failed attempts from one address in %v", teachers, attempts, time.Since(start).Round(time.Millisecond))
}

// The per-address limit counts failures only and is set in configuration: thirty successful
// sign-ins use none of it; past it, the address waits until its failures age out.
func TestAddressLimitCountsFailuresOnly(t *testing.T) {
	t.Parallel()
	const limit = 10
	a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.LoginFailuresPerAddress = limit }})
	a.User("guru@x.test", account.RoleGuru, account.Scope{})
	for range 30 {
		a.SignIn("guru@x.test")
	}
	c := a.Anonymous()
	for i := range limit {
		if res := c.PostForm("/masuk", url.Values{"email": {fmt.Sprintf("orang%d@x.test", i)}, "password": {"salah-sandi"}}); res.Status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, res.Status)
		}
	}
	res := c.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {apptest.Password}})
	wantBody(t, res, http.StatusTooManyRequests, "dari jaringan ini")
	a.SetNow(a.Now().Add(account.AddressWindow + time.Second))
	if res := c.PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {apptest.Password}}); res.Status != http.StatusSeeOther {
		t.Errorf("after the window: %d", res.Status)
	}
}

// A very long email or password is refused before any work: a field message (422), not a 500,
// and nothing reaches the database index that would reject it. The store refuses it too, and
// counts it as a failure of the address (so it cannot be used to skip the limiter).
func TestLongSignInInputsAreRefusedFirst(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	long := strings.Repeat("a", 10000) + "@x.test"
	res := a.Anonymous().PostForm("/masuk", url.Values{"email": {long}, "password": {"salah-sandi"}})
	wantBody(t, res, http.StatusUnprocessableEntity, `aria-invalid="true"`)
	res = a.Anonymous().PostForm("/masuk", url.Values{"email": {"guru@x.test"}, "password": {strings.Repeat("p", 5000)}})
	wantBody(t, res, http.StatusUnprocessableEntity)
	for _, f := range []url.Values{{"email": {long}}, {"email": {long}}} {
		if res := a.Anonymous().PostForm("/lupa-sandi", f); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("reset link for a long email: %d", res.Status)
		}
	}
	_, err := a.Accounts.Authenticate(t.Context(), long, "x", "192.0.2.1")
	if !errors.Is(err, account.ErrBadCredentials) {
		t.Fatalf("store with a long email: %v", err)
	}
	var n int
	if err := a.DB.QueryRow(t.Context(), `SELECT count(*) FROM login_failures WHERE ip = '192.0.2.1' AND length(email) = $1`, account.MaxEmailLen).Scan(&n); err != nil || n != 1 {
		t.Errorf("long-email failure rows = %d (%v), want 1 (truncated)", n, err)
	}
}
