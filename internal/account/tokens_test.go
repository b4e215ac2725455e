package account_test

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
)

var tokenRE = regexp.MustCompile(`[A-Za-z0-9_-]{43}`)

// Two requests using the same reset link at once: exactly one changes the password.
func TestResetTokenIsSingleUseUnderConcurrency(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	s := account.NewStore(db, account.TestParams)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, account.NewUser{Email: "guru@x.test", Name: "Guru", Password: "sandi-lama-123"}); err != nil {
		t.Fatal(err)
	}
	var tok string
	now := time.Now()
	err := s.RequestLink(ctx, account.PurposeResetPassword, "guru@x.test", "10.0.0.1", now, func(u account.User, token string) mail.Message {
		tok = token
		return mail.Message{To: u.Email, Subject: "reset", Body: token}
	})
	if err != nil || !tokenRE.MatchString(tok) {
		t.Fatalf("request: %v %q", err, tok)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, pw := range []string{"sandi-baru-satu", "sandi-baru-dua"} {
		wg.Go(func() { _, errs[i] = s.ResetPassword(ctx, tok, pw, now) })
	}
	wg.Wait()
	ok, used := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, account.ErrTokenUsed):
			used++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 || used != 1 {
		t.Fatalf("%d resets succeeded, %d refused as used; want 1 and 1", ok, used)
	}
	if err := s.CheckToken(ctx, account.PurposeResetPassword, tok, now); !errors.Is(err, account.ErrTokenUsed) {
		t.Errorf("CheckToken after use: %v", err)
	}
	// A verification token is not a reset token.
	if err := s.CheckToken(ctx, account.PurposeVerifyEmail, tok, now); !errors.Is(err, account.ErrTokenInvalid) {
		t.Errorf("reset token accepted for verification: %v", err)
	}
}
