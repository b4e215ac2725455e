package clinic_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/testdb"
)

// TestIntegrityWritesConcurrentSmallPool: the new write paths run by many users at once on a
// pool of 4 connections, without deadlocking it: 60 registrations (each reads the school, the
// account and the event inside its transaction), 20 requests for an emailed link of one ticket
// (one mail), 10 revocations of one certificate (one audit entry) and 10 staff cancellations of
// one participant (one mail, one audit entry).
func TestIntegrityWritesConcurrentSmallPool(t *testing.T) {
	db, url := testdb.New(t)
	small := testdb.SmallPool(t, url, 4)
	applicationtest.Schools(t, db, applicationtest.NumberedSchools(10600000, 100, "16.01", func(i int) string { return fmt.Sprintf("SD Negeri %d", i) })...)
	st := clinic.NewStore(small, clinic.NewSigner("test-secret-0123456789abcdefghijklmnopq"), "https://penggerak.test").WithCatalogue(clinic.CatalogueForTest())
	c := event(t, st, 30, 0)
	run := func(n int, fn func(i int) error) []error {
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); <-start; errs[i] = fn(i) }()
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		close(start)
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatal("deadlock: the small pool never finished")
		}
		return errs
	}
	for i, err := range run(60, func(i int) error {
		_, err := st.Register(ctx, c.ID, clinic.Registrant{Name: fmt.Sprintf("Guru %d", i), Email: fmt.Sprintf("g%d@x.test", i), NPSN: fmt.Sprintf("106%05d", i)}, time.Now())
		return err
	}) {
		if err != nil {
			t.Errorf("registration %d: %v", i, err)
		}
	}
	count := func(q string, args ...any) int {
		var n int
		if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if r, w := count(`SELECT count(*) FROM clinic_registrations WHERE status = 'registered'`), count(`SELECT count(*) FROM clinic_registrations WHERE status = 'waiting'`); r != 30 || w != 30 {
		t.Errorf("registered %d waiting %d, want 30 and 30", r, w)
	}
	var regID int64
	_ = db.QueryRow(ctx, `SELECT id FROM clinic_registrations WHERE email = 'g0@x.test'`).Scan(&regID)
	sent := 0
	for _, err := range run(20, func(int) error { return st.SendLink(ctx, regID, time.Now()) }) {
		if err == nil {
			sent++
		} else if !errors.Is(err, clinic.ErrLinkTooSoon) {
			t.Errorf("send link: %v", err)
		}
	}
	if sent != 1 || count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Tautan pengelolaan%'`) != 1 {
		t.Errorf("links sent %d, want 1", sent)
	}
	revoked := 0
	for _, err := range run(10, func(int) error {
		return st.RevokeCertificate(ctx, audit.Actor{IP: "test"}, national, c.ID, regID, "Data keliru")
	}) {
		if err == nil {
			revoked++
		} else if !errors.Is(err, clinic.ErrState) {
			t.Errorf("revoke: %v", err)
		}
	}
	if revoked != 1 || count(`SELECT count(*) FROM audit_log WHERE action = 'clinic.certificate_revoke'`) != 1 {
		t.Errorf("revocations %d, want 1", revoked)
	}
	for _, err := range run(10, func(int) error {
		_, err := st.CancelRegistrationBy(ctx, audit.Actor{IP: "test"}, regID)
		return err
	}) {
		if err != nil {
			t.Errorf("staff cancel: %v", err)
		}
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'clinic.registration_cancel'`); n != 1 {
		t.Errorf("cancellation audit entries %d, want 1", n)
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Pendaftaran dibatalkan%'`); n != 1 {
		t.Errorf("cancellation mails %d, want 1", n)
	}
	if r := count(`SELECT count(*) FROM clinic_registrations WHERE status = 'registered'`); r != 30 {
		t.Errorf("after the cancellation %d registered, want 30 (one promoted)", r)
	}
}
