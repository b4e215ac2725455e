package training_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/training"
)

// confirmedWorld: newWorld with pp1, pp2 and the fasilitator appointed and the two proposed
// groups confirmed; it returns the groups (with members).
func confirmedWorld(t *testing.T) (world, []training.GroupRow) {
	t.Helper()
	w := newWorld(t)
	ctx := context.Background()
	w.appoint(t, w.pp1, "pengajar_praktik")
	w.appoint(t, w.pp2, "pengajar_praktik")
	w.appoint(t, w.fas, "fasilitator")
	if _, err := w.store.Propose(ctx, w.bgp, w.sc, w.c.ID, "16"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.Confirm(ctx, w.bgp, w.sc, w.c.ID, "16", func(training.Recipient) mail.Message { return mail.Message{Subject: "kelompok", Body: "-"} }, time.Now()); err != nil {
		t.Fatal(err)
	}
	v, err := w.store.Province(ctx, w.sc, w.c.ID, "16")
	if err != nil || len(v.Groups) != 2 {
		t.Fatalf("groups %+v %v", v.Groups, err)
	}
	return w, v.Groups
}

func lkCompose(m training.LokakaryaMail) mail.Message {
	subject := "dijadwalkan"
	if m.Moved {
		subject = "pindah"
	}
	return mail.Message{Subject: fmt.Sprintf("lk%d %s", m.Number, subject), Body: m.Place}
}

func (w world) outbox(t *testing.T, subject string) int {
	t.Helper()
	var n int
	if err := w.f.DB.QueryRow(context.Background(), `SELECT count(*) FROM mail_outbox WHERE subject = $1`, subject).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A lokakarya for one of the kab/kota's groups: only that group's CGPs and PP are mailed, expected
// at it, on its attendance list and see it on their page; moving it mails them that it moved
// (audited with the old date); adding the other group mails only the newcomers; a group of
// another kab/kota is refused.
func TestLokakaryaForChosenGroups(t *testing.T) {
	w, gs := confirmedWorld(t)
	ctx := context.Background()
	g1, g2 := gs[0], gs[1]
	starts := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Minute)
	in := training.LokakaryaInput{Regency: "16.01", Number: 1, StartsAt: starts, Place: "SMPN 1 OKU", Groups: []int64{g1.ID}}
	id, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, in, lkCompose)
	if err != nil {
		t.Fatal(err)
	}
	if n := w.outbox(t, "lk1 dijadwalkan"); n != len(g1.Members)+1 {
		t.Fatalf("scheduled mails %d, want %d CGPs + their PP", n, len(g1.Members))
	}
	ls, err := w.store.ProvinceLokakarya(ctx, w.sc, w.c.ID, "16")
	if err != nil || len(ls) != 1 || ls[0].Expected != len(g1.Members) || len(ls[0].GroupNumbers) != 1 || int(ls[0].GroupNumbers[0]) != g1.Number {
		t.Fatalf("province lokakarya %+v %v", ls, err)
	}
	_, sheet, err := w.store.AttendanceSheet(ctx, training.Recorder{UserID: w.bgp.UserID, BGPProvinces: []string{"16"}}, id)
	if err != nil || len(sheet) != len(g1.Members) {
		t.Fatalf("BGP's sheet has %d rows, want %d (%v)", len(sheet), len(g1.Members), err)
	}
	var pp2User, outsider int64
	_ = w.f.DB.QueryRow(ctx, `SELECT user_id FROM training_mentors WHERE id = $1`, g2.PPID).Scan(&pp2User)
	_ = w.f.DB.QueryRow(ctx, `SELECT user_id FROM training_participants WHERE id = $1`, g2.Members[0].ID).Scan(&outsider)
	if _, _, err := w.store.AttendanceSheet(ctx, training.Recorder{UserID: pp2User}, id); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("PP of the other group: %v", err)
	}
	if err := w.store.SaveAttendance(ctx, w.bgp, training.Recorder{UserID: w.bgp.UserID, BGPProvinces: []string{"16"}}, id,
		[]training.AttendanceEntry{{ParticipantID: g2.Members[0].ID, Status: "hadir"}}); !errors.Is(err, training.ErrNotTaker) {
		t.Fatalf("attendance of a CGP of another group: %v", err)
	}
	if mine, _ := w.store.MyLokakarya(ctx, outsider); len(mine) != 0 {
		t.Fatalf("a CGP of the other group sees it: %+v", mine)
	}
	if pps, _ := w.store.PPLokakarya(ctx, pp2User); len(pps) != 0 {
		t.Fatalf("the other group's PP sees it")
	}

	// Same date and place again: nobody is mailed.
	if _, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, in, lkCompose); err != nil {
		t.Fatal(err)
	}
	if n := w.outbox(t, "lk1 dijadwalkan"); n != len(g1.Members)+1 {
		t.Fatalf("an unchanged save mailed again: %d", n)
	}
	// Moved: the group is told it moved; the audit keeps the old date.
	in.StartsAt = starts.Add(2 * time.Hour)
	if _, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, in, lkCompose); err != nil {
		t.Fatal(err)
	}
	if n := w.outbox(t, "lk1 pindah"); n != len(g1.Members)+1 {
		t.Fatalf("moved mails %d", n)
	}
	var from time.Time
	if err := w.f.DB.QueryRow(ctx, `SELECT (detail->>'from_starts_at')::timestamptz FROM audit_log WHERE action = 'training.lokakarya'
		AND (detail->>'moved')::bool ORDER BY id DESC LIMIT 1`).Scan(&from); err != nil || !from.Equal(starts) {
		t.Fatalf("audited move from %v (%v), want %v", from, err, starts)
	}
	// The other group added, nothing else changed: only its people are mailed, as scheduled.
	in.Groups = []int64{g1.ID, g2.ID}
	if _, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, in, lkCompose); err != nil {
		t.Fatal(err)
	}
	if n := w.outbox(t, "lk1 dijadwalkan"); n != len(g1.Members)+1+len(g2.Members)+1 {
		t.Fatalf("after adding group 2: %d scheduled mails", n)
	}
	if mine, _ := w.store.MyLokakarya(ctx, outsider); len(mine) != 1 {
		t.Fatalf("group 2's CGP does not see it now")
	}
	// A group of another kab/kota (or not confirmed) is refused, nothing changed.
	in.Groups = []int64{g1.ID, 987654}
	if _, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, in, lkCompose); !errors.Is(err, training.ErrGroupsElsewhere) {
		t.Fatalf("foreign group: %v", err)
	}
	if _, errs := training.ParseLokakarya("16.01", "1", "2027-01-10", "08:00", "Aula", "WIB", 8, nil); errs["groups"] != "training.error.lokakarya_groups" {
		t.Fatalf("no group ticked: %v", errs)
	}
}

// The reminder job mails everyone a coming lokakarya is for once, however often it runs and
// however many run at once; a lokakarya further away than the cohort's reminder days, or past,
// is not reminded.
func TestLokakaryaRemindersOncePerPerson(t *testing.T) {
	w, gs := confirmedWorld(t)
	ctx := context.Background()
	now := time.Now()
	people := len(gs[0].Members) + len(gs[1].Members) + 2
	soon, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, training.LokakaryaInput{Regency: "16.01", Number: 1,
		StartsAt: now.Add(36 * time.Hour), Place: "SMPN 1 OKU"}, lkCompose)
	if err != nil {
		t.Fatal(err)
	}
	for n, at := range map[int]time.Time{2: now.Add(5 * 24 * time.Hour), 0: now.Add(-time.Hour)} {
		if _, err := w.store.ScheduleLokakarya(ctx, w.bgp, w.sc, w.c.ID, training.LokakaryaInput{Regency: "16.01", Number: n,
			StartsAt: at, Place: "Aula Dinas OKU"}, lkCompose); err != nil {
			t.Fatal(err)
		}
	}
	letter := func(lang, key string, data map[string]any) mail.Message {
		return mail.Message{Subject: key, Body: fmt.Sprintf("%s %s %s %s", lang, data["N"], data["When"], data["Place"])}
	}
	var wg sync.WaitGroup
	total := make([]int, 8)
	errs := make([]error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total[i], errs[i] = w.store.RemindLokakarya(ctx, now, letter)
		}()
	}
	wg.Wait()
	sum := 0
	for i := range total {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		sum += total[i]
	}
	if sum != people {
		t.Fatalf("reminders mailed %d in all, want %d (once per person)", sum, people)
	}
	if n, err := w.store.RemindLokakarya(ctx, now.Add(time.Hour), letter); err != nil || n != 0 {
		t.Fatalf("a later run mailed %d (%v)", n, err)
	}
	var mails, distinct, rows int
	_ = w.f.DB.QueryRow(ctx, `SELECT count(*), count(DISTINCT to_addr) FROM mail_outbox WHERE subject = 'training.mail.lokakarya_reminder'
		AND body_text LIKE '% 1 % WIB SMPN 1 OKU'`).Scan(&mails, &distinct)
	_ = w.f.DB.QueryRow(ctx, `SELECT count(*) FROM training_lokakarya_reminders WHERE lokakarya_id = $1`, soon).Scan(&rows)
	if mails != people || distinct != people || rows != people {
		t.Fatalf("outbox %d mails to %d people, %d reminder rows; want %d each", mails, distinct, rows, people)
	}
	var others int
	_ = w.f.DB.QueryRow(ctx, `SELECT count(*) FROM training_lokakarya_reminders WHERE lokakarya_id <> $1`, soon).Scan(&others)
	if others != 0 {
		t.Fatalf("%d reminders for lokakarya outside the window", others)
	}
	// With a 6-day lead the lokakarya in 5 days is due too.
	if _, err := w.f.DB.Exec(ctx, `UPDATE training_settings SET reminder_days = 6 WHERE cohort_id = $1`, w.c.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := w.store.RemindLokakarya(ctx, now, letter); err != nil || n != people {
		t.Fatalf("with a 6-day lead: %d (%v), want %d", n, err, people)
	}
}
