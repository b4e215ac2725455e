package clinic_test

import (
	"sync"
	"testing"
	"time"

	"penggerak/internal/clinic"
)

// TestClinicRemindersOncePerSession: participants holding a seat are reminded a day before each
// session day, once per person per session however often (and however concurrently) the job
// runs; waiting and cancelled registrants are not reminded; an event with reminder_hours 0 sends
// none.
func TestClinicRemindersOncePerSession(t *testing.T) {
	st, count := newStore(t)
	c := event(t, st, 3, 0) // sessions at +48 h and +72 h
	now := time.Now()
	var regs []clinic.Registration
	for i := range 5 {
		r, err := st.Register(ctx, c.ID, teacher(i, ""), now)
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	if _, err := st.CancelRegistration(ctx, regs[0].ID); err != nil { // guru003 moves up
		t.Fatal(err)
	}
	reminders := func() int {
		return count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Pengingat: Coaching Clinic OKU%'`)
	}
	run := func(at time.Time) int {
		t.Helper()
		n, err := st.SendReminders(ctx, at, clinic.DefaultReminder)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := run(now); n != 0 || reminders() != 0 {
		t.Fatalf("two days before: %d reminders queued, want 0", n)
	}
	// 23 hours before the first session: the three holding a seat, each once, even when eight
	// runs happen at the same moment.
	at := c.Sessions[0].StartsAt.Add(-23 * time.Hour)
	var wg sync.WaitGroup
	total := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := st.SendReminders(ctx, at, clinic.DefaultReminder)
			if err != nil {
				t.Error(err)
			}
			total <- n
		}()
	}
	wg.Wait()
	close(total)
	sum := 0
	for n := range total {
		sum += n
	}
	if sum != 3 || reminders() != 3 {
		t.Fatalf("8 concurrent runs queued %d reminders (outbox %d), want 3", sum, reminders())
	}
	if n := run(at.Add(time.Hour)); n != 0 {
		t.Errorf("a later run queued %d more", n)
	}
	for _, to := range []string{"guru001@sekolah.test", "guru002@sekolah.test", "guru003@sekolah.test"} {
		if n := count(`SELECT count(*) FROM mail_outbox WHERE to_addr = $1 AND subject LIKE 'Pengingat:%' AND body_text LIKE '%Pembukaan%' AND body_text LIKE '%/tiket/t1.%'`, to); n != 1 {
			t.Errorf("%s has %d reminders of the first session, want 1", to, n)
		}
	}
	for _, to := range []string{"guru000@sekolah.test", "guru004@sekolah.test"} { // cancelled, waiting
		if n := count(`SELECT count(*) FROM mail_outbox WHERE to_addr = $1 AND subject LIKE 'Pengingat:%'`, to); n != 0 {
			t.Errorf("%s (no seat) got %d reminders", to, n)
		}
	}
	// The second day: one more each, and only once.
	at2 := c.Sessions[1].StartsAt.Add(-20 * time.Hour)
	if n := run(at2); n != 3 {
		t.Errorf("second day: %d reminders, want 3", n)
	}
	if n := run(at2); n != 0 {
		t.Errorf("second day run again: %d reminders, want 0", n)
	}
	if n := count(`SELECT count(*) FROM clinic_reminders r JOIN clinic_sessions s ON s.id = r.session_id WHERE s.clinic_id = $1`, c.ID); n != 6 {
		t.Errorf("clinic_reminders rows = %d, want 6 (3 people × 2 sessions)", n)
	}

	// An event that turns reminders off sends none; one with 72 hours reminds earlier.
	off := event(t, st, 3, 0)
	early := event(t, st, 3, 0)
	if _, err := st.Register(ctx, off.ID, teacher(10, ""), now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Register(ctx, early.ID, teacher(11, ""), now); err != nil {
		t.Fatal(err)
	}
	// (count runs one statement and reads one number: here the rows updated)
	if count(`WITH u AS (UPDATE clinics SET reminder_hours = CASE id WHEN $1 THEN 0 ELSE 72 END WHERE id IN ($1, $2) RETURNING 1)
		SELECT count(*) FROM u`, off.ID, early.ID) != 2 {
		t.Fatal("reminder_hours not set")
	}
	if n := run(now.Add(time.Minute)); n != 1 {
		t.Errorf("with 72 h before: %d reminders now, want 1 (guru011 only)", n)
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE to_addr = 'guru010@sekolah.test' AND subject LIKE 'Pengingat:%'`); n != 0 {
		t.Errorf("an event without reminders sent %d", n)
	}
}
