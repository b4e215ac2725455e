package account

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"penggerak/internal/testdb"
)

// When every hashing slot is taken for longer than the wait, callers get ErrBusy quickly
// instead of queueing until their client gives up.
func TestHashingIsBoundedAndSaysBusy(t *testing.T) {
	s := NewStore(nil, TestParams)
	s.hashWait = 50 * time.Millisecond
	for range cap(s.hashSlots) {
		s.hashSlots <- struct{}{}
	}
	start := time.Now()
	if _, err := s.HashPassword(context.Background(), "kata-sandi-panjang"); !errors.Is(err, ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %v", d)
	}
	<-s.hashSlots // one slot frees up
	h, err := s.HashPassword(context.Background(), "kata-sandi-panjang")
	if err != nil || !VerifyPassword("kata-sandi-panjang", h) {
		t.Fatalf("after a slot freed: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for len(s.hashSlots) < cap(s.hashSlots) {
		s.hashSlots <- struct{}{}
	}
	if _, err := s.VerifyPassword(ctx, "x", h); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled wait: %v", err)
	}
}

// Many teachers sign in at once from one address through a small pool: every one gets in,
// the passwords are checked at most HashConcurrency at a time (one per CPU: the others queue
// instead of interleaving on every core), and the queue is bounded: beyond
// HashBacklog waiting, a sign-in is told "busy" at once rather than holding a request slot.
func TestSignInSurgeHashesAtMostHashConcurrency(t *testing.T) {
	t.Parallel()
	if got, want := HashConcurrency(), runtime.GOMAXPROCS(0); got != want {
		t.Errorf("HashConcurrency() = %d, want %d", got, want)
	}
	_, url := testdb.New(t)
	db := testdb.SmallPool(t, url, 3)
	s := NewStore(db, TestParams)
	if cap(s.hashSlots) != HashConcurrency() {
		t.Fatalf("%d hashing slots, want %d", cap(s.hashSlots), HashConcurrency())
	}
	ctx := context.Background()
	const teachers = 40
	for i := range teachers {
		u, err := s.CreateUser(ctx, NewUser{Email: fmt.Sprintf("guru%d@sekolah.test", i), Name: "Guru", Password: "kata-sandi-panjang"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE users SET email_verified_at = now() WHERE id = $1`, u.ID); err != nil {
			t.Fatal(err)
		}
	}
	var running, most atomic.Int32
	var checks atomic.Int32
	s.verify = func(pw, hash string) bool {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		checks.Add(1)
		time.Sleep(10 * time.Millisecond) // a check long enough for the sign-ins to overlap
		return VerifyPassword(pw, hash)
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, teachers)
	for i := range teachers {
		wg.Go(func() {
			_, errs[i] = s.Authenticate(ctx, fmt.Sprintf("guru%d@sekolah.test", i), "kata-sandi-panjang", "10.1.2.3")
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("teacher %d: %v", i, err)
		}
	}
	if checks.Load() != teachers {
		t.Errorf("%d password checks, want %d", checks.Load(), teachers)
	}
	if m := int(most.Load()); m != HashConcurrency() {
		t.Errorf("at most %d checks ran at once, want exactly %d", m, HashConcurrency())
	}
	if d, least := time.Since(start), time.Duration(teachers/HashConcurrency())*10*time.Millisecond; d < least {
		t.Errorf("40 sign-ins took %v, less than queued checks can (%v)", d, least)
	}

	// The queue: every slot taken and HashBacklog waiting, one more is refused at once.
	s.hashWait = time.Minute
	for range cap(s.hashSlots) {
		s.hashSlots <- struct{}{}
	}
	waiting := make(chan error, HashBacklog)
	for range HashBacklog {
		go func() { _, err := s.VerifyPassword(ctx, "x", "y"); waiting <- err }()
	}
	for len(s.hashQueue) < HashBacklog {
		time.Sleep(time.Millisecond)
	}
	t0 := time.Now()
	if _, err := s.Authenticate(ctx, "guru1@sekolah.test", "kata-sandi-panjang", "10.1.2.3"); !errors.Is(err, ErrBusy) {
		t.Errorf("sign-in beyond the queue: %v, want ErrBusy", err)
	}
	if d := time.Since(t0); d > 2*time.Second {
		t.Errorf("the refusal took %v", d)
	}
	for range cap(s.hashSlots) {
		<-s.hashSlots
	}
	for range HashBacklog {
		if err := <-waiting; err != nil {
			t.Errorf("a queued check: %v", err)
		}
	}
}
