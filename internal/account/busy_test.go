package account

import (
	"context"
	"errors"
	"testing"
	"time"
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
