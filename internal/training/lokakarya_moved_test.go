package training_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"penggerak/internal/jobs"
	"penggerak/internal/mail"
	"penggerak/internal/region"
	"penggerak/internal/training"
)

// A lokakarya moved after its reminder went out: its people get the "moved" mail at once and,
// from the periodic reminder job (the River worker), a second reminder of the new date — on the
// job's next run when the new date is already within the reminder days, once the lead time
// begins when it is further away. A move of the place alone, or a job that runs again, reminds
// nobody twice. A lokakarya moved into the reminder days before any reminder is reminded at once.
func TestLokakaryaMovedIsRemindedAgain(t *testing.T) {
	w, gs := confirmedWorld(t)
	ctx := context.Background()
	people := len(gs[0].Members) + len(gs[1].Members) + 2 // the CGPs and their two PPs
	now := time.Now().Truncate(time.Minute)
	clock := now
	job := &jobs.LokakaryaRemindersWorker{Store: w.store, Now: func() time.Time { return clock },
		Letter: func(lang, key string, data map[string]any) mail.Message {
			return mail.Message{Subject: key, Body: fmt.Sprintf("Lokakarya %s %s %s", data["N"], data["When"], data["Place"])}
		}}
	run := func(at time.Time) {
		t.Helper()
		clock = at
		if err := job.Work(ctx, &river.Job[jobs.LokakaryaRemindersArgs]{}); err != nil {
			t.Fatal(err)
		}
	}
	reminders := func(n int, at time.Time, place string) int {
		t.Helper()
		var c int
		body := fmt.Sprintf("Lokakarya %d %s %s", n, region.FormatTime(at, "WIB"), place)
		if err := w.f.DB.QueryRow(ctx, `SELECT count(DISTINCT to_addr) FROM mail_outbox WHERE subject = 'training.mail.lokakarya_reminder' AND body_text = $1`,
			body).Scan(&c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	schedule := func(n int, at time.Time, place string) {
		t.Helper()
		if _, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, training.LokakaryaInput{Regency: "16.01", Number: n, StartsAt: at, Place: place}, lkCompose); err != nil {
			t.Fatal(err)
		}
	}

	// Lokakarya 1 in 36 hours (the lead is 2 days): reminded on the first run, not on the second.
	first := now.Add(36 * time.Hour)
	schedule(1, first, "SMPN 1 OKU")
	run(now)
	run(now.Add(15 * time.Minute))
	if got := reminders(1, first, "SMPN 1 OKU"); got != people {
		t.Fatalf("first date: %d people reminded, want %d", got, people)
	}
	// Moved to a later hour, still within the lead: told it moved, then reminded of the new date
	// on the job's next run, once.
	later := first.Add(6 * time.Hour)
	schedule(1, later, "SMPN 1 OKU")
	if n := w.outbox(t, "lk1 pindah"); n != people {
		t.Fatalf("moved mails %d, want %d", n, people)
	}
	run(now.Add(30 * time.Minute))
	run(now.Add(45 * time.Minute))
	if got := reminders(1, later, "SMPN 1 OKU"); got != people {
		t.Fatalf("after the move: %d people reminded of the new date, want %d", got, people)
	}
	// Another place on the same date: the moved mail says so; no new reminder.
	schedule(1, later, "Aula Dinas OKU")
	run(now.Add(time.Hour))
	if got := reminders(1, later, "Aula Dinas OKU"); got != 0 {
		t.Fatalf("a change of place alone reminded %d again", got)
	}
	// Moved five days on: not reminded before its own lead time, then once.
	away := later.Add(5 * 24 * time.Hour)
	schedule(1, away, "Aula Dinas OKU")
	run(now.Add(2 * time.Hour))
	if got := reminders(1, away, "Aula Dinas OKU"); got != 0 {
		t.Fatalf("reminded %d people 6 days ahead", got)
	}
	run(away.Add(-47 * time.Hour))
	run(away.Add(-46 * time.Hour))
	if got := reminders(1, away, "Aula Dinas OKU"); got != people {
		t.Fatalf("new date within its lead: %d reminded, want %d", got, people)
	}

	// Lokakarya 2, ten days away, moved to tomorrow before any reminder: reminded on the next run.
	far := now.Add(10 * 24 * time.Hour)
	schedule(2, far, "SMPN 2 OKU")
	run(now)
	tomorrow := now.Add(20 * time.Hour)
	schedule(2, tomorrow, "SMPN 2 OKU")
	if n := w.outbox(t, "lk2 pindah"); n != people {
		t.Fatalf("lokakarya 2 moved mails %d", n)
	}
	run(now.Add(time.Minute))
	if got, early := reminders(2, tomorrow, "SMPN 2 OKU"), reminders(2, far, "SMPN 2 OKU"); got != people || early != 0 {
		t.Fatalf("lokakarya 2: %d reminded of tomorrow (want %d), %d of the old date", got, people, early)
	}
	// What was sent stays recorded per date: three revisions of lokakarya 1, one of lokakarya 2.
	var revs1, revs2 int
	_ = w.f.DB.QueryRow(ctx, `SELECT count(DISTINCT r.schedule_rev) FILTER (WHERE l.number = 1), count(DISTINCT r.schedule_rev) FILTER (WHERE l.number = 2)
		FROM training_lokakarya_reminders r JOIN training_lokakarya l ON l.id = r.lokakarya_id WHERE l.cohort_id = $1`, w.c.ID).Scan(&revs1, &revs2)
	if revs1 != 3 || revs2 != 1 {
		t.Fatalf("reminded revisions: lokakarya 1 %d (want 3), lokakarya 2 %d (want 1)", revs1, revs2)
	}
}
