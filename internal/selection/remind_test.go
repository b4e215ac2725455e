package selection_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/testdb"
)

// reminderWorld has one of each event due at now: a draft (English reader) of a cohort whose
// registration closes in two days, a seat offer to confirm within two days, two open sheets of
// one assessor due within a day, and a tahap 2 session in twelve hours.
func reminderWorld(t *testing.T, db *pgxpool.Pool, now time.Time) (selectiontest.Fixture, *selection.Store) {
	f := selectiontest.Fixture{T: t, DB: db}
	s := selection.NewStore(db).WithLetter(catalogueLetter)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	cohort := f.Cohort(map[string]int{"16.01": 1})
	f.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	x := f.User("x@uji.id", "Asesor X", "asesor", "", "", "")
	y := f.User("y@uji.id", "Asesor Y", "asesor", "", "", "")
	var apps []int64
	for i, sc := range [][2]int{{4, 4}, {3, 3}} {
		_, app := f.Applicant(cohort, []string{"lulus@uji.id", "cadangan@uji.id"}[i], "Calon "+string(rune('A'+i)), "1060070"+string(rune('1'+i)), "16.01", now)
		f.Score(app, selection.StageTahap1, x, sc[0], sc[1])
		f.Score(app, selection.StageTahap1, y, sc[0], sc[1])
		apps = append(apps, app)
	}
	run, err := s.CreateRun(ctx, audit.Actor{}, cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(ctx, audit.Actor{}, run, "uji pengingat", now.Add(48*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	// Held, the offer is reminded of by nobody; released five days ago (confirmation 7 days),
	// it is due in 48 hours.
	if c, err := s.SendReminders(ctx, now); err != nil || c.Seat+c.SeatLast != 0 {
		t.Fatalf("reminders of a held offer: %+v, %v", c, err)
	}
	exec(`DELETE FROM reminders_sent`)
	exec(`DELETE FROM mail_outbox WHERE kind LIKE 'selection.mail.reminder.%'`)
	f.Release(now.Add(48*time.Hour - 7*24*time.Hour))
	exec(`INSERT INTO score_sheets (application_id, stage, assessor_id, due_at) VALUES ($1, 'simulasi', $3, $4), ($2, 'simulasi', $3, $5)`,
		apps[0], apps[1], x, now.Add(24*time.Hour), now.Add(20*time.Hour))
	exec(`INSERT INTO tahap2_slots (application_id, starts_at, minutes, mode, location, assessor1_id, assessor2_id)
		VALUES ($1, $2, 75, 'daring', 'https://meet.example.id/gp', $3, $4)`, apps[0], now.Add(12*time.Hour), x, y)

	open := f.Cohort(map[string]int{"16.01": 10})
	exec(`UPDATE cohorts SET status = 'pendaftaran', registration_closes_at = $2 WHERE id = $1`, open, now.Add(48*time.Hour))
	u, draft := f.Applicant(open, "draf@uji.id", "Calon Draf", "10600709", "16.01", now)
	exec(`UPDATE applications SET status = 'draft', submitted_at = NULL, registration_number = NULL WHERE id = $1`, draft)
	exec(`UPDATE users SET language = 'en' WHERE id = $1`, u)
	// Not yet due: a draft of a cohort closing in ten days.
	later := f.Cohort(map[string]int{"16.01": 10})
	exec(`UPDATE cohorts SET status = 'pendaftaran', registration_closes_at = $2 WHERE id = $1`, later, now.Add(240*time.Hour))
	_, d2 := f.Applicant(later, "nanti@uji.id", "Calon Nanti", "10600710", "16.01", now)
	exec(`UPDATE applications SET status = 'draft', submitted_at = NULL, registration_number = NULL WHERE id = $1`, d2)
	return f, s
}

// The reminder job run many times at once on a small pool, and again afterwards, writes each
// reminder exactly once; a later run sends the last-day seat reminder, once.
func TestRemindersOncePerPersonPerEvent(t *testing.T) {
	_, url := testdb.New(t)
	db := testdb.SmallPool(t, url, 4)
	now := time.Now().UTC().Truncate(time.Second)
	f, s := reminderWorld(t, db, now)

	var mu sync.Mutex
	var total selection.ReminderCounts
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := s.SendReminders(ctx, now)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			total.Draft, total.Seat, total.SeatLast, total.Sheet, total.Tahap2 = total.Draft+c.Draft, total.Seat+c.Seat, total.SeatLast+c.SeatLast, total.Sheet+c.Sheet, total.Tahap2+c.Tahap2
			mu.Unlock()
		}()
	}
	wg.Wait()
	if want := (selection.ReminderCounts{Draft: 1, Seat: 1, Sheet: 1, Tahap2: 1}); total != want {
		t.Fatalf("8 concurrent runs wrote %+v, want %+v", total, want)
	}
	again, err := s.SendReminders(ctx, now.Add(time.Minute))
	if err != nil || again.Total() != 0 {
		t.Fatalf("a second run wrote %+v (%v)", again, err)
	}
	if n := count(t, f, `SELECT count(*) FROM mail_outbox WHERE kind LIKE 'selection.mail.reminder.%'`); n != 4 {
		t.Fatalf("%d reminder mails in the outbox, want 4", n)
	}
	if n := count(t, f, `SELECT count(*) FROM reminders_sent`); n != 4 {
		t.Fatalf("%d reminders recorded, want 4", n)
	}
	// Each in the recipient's language, with the deadline in their zone; reminders are not held.
	for _, c := range []struct{ to, kind, lang, subject, body string }{
		{"draf@uji.id", "draft", "en", "Reminder: your registration for", "Registration closes " + now.Add(48*time.Hour).In(wib(t)).Format("02-01-2006 15:04") + " WIB"},
		{"lulus@uji.id", "seat", "id", "Pengingat: konfirmasi keikutsertaan", "Pakta Integritas sebelum"},
		{"x@uji.id", "sheet", "id", "Pengingat: 2 lembar nilai", "2 lembar nilai Anda"},
		{"lulus@uji.id", "tahap2", "id", "Pengingat: sesi seleksi tahap 2", now.Add(12*time.Hour).In(wib(t)).Format("02-01-2006 15:04") + " WIB"},
	} {
		var subject, body string
		var held bool
		if err := db.QueryRow(ctx, `SELECT subject, body_text, held FROM mail_outbox WHERE to_addr = $1 AND kind = $2 AND lang = $3`,
			c.to, "selection.mail.reminder."+c.kind, c.lang).Scan(&subject, &body, &held); err != nil {
			t.Fatalf("%s reminder to %s: %v", c.kind, c.to, err)
		}
		if !strings.HasPrefix(subject, c.subject) || !strings.Contains(body, c.body) || held {
			t.Errorf("%s reminder: %q held=%v\n%s", c.kind, subject, held, body)
		}
	}
	if n := count(t, f, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'nanti@uji.id'`); n != 0 {
		t.Error("a draft ten days before the deadline was reminded")
	}

	// A day and a half later: the last-day seat reminder, once; nothing else is due.
	for range 2 {
		c, err := s.SendReminders(ctx, now.Add(30*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, f, `SELECT count(*) FROM mail_outbox WHERE kind = 'selection.mail.reminder.seat_last' AND to_addr = 'lulus@uji.id'`); n != 1 || c.Total() > 1 {
			t.Fatalf("last-day reminders: %d in the outbox, run wrote %+v", n, c)
		}
	}
}

// The offsets are per cohort: a draft reminder one day before instead of three is not due two
// days before; the form refuses out-of-range numbers field by field; a copied cohort keeps them.
func TestReminderOffsetsPerCohort(t *testing.T) {
	db, _ := testdb.New(t)
	now := time.Now().UTC().Truncate(time.Second)
	f, s := reminderWorld(t, db, now)
	var open int64
	if err := db.QueryRow(ctx, `SELECT a.cohort_id FROM applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'draf@uji.id'`).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if r, err := s.CohortReminders(ctx, open); err != nil || r != selection.DefaultReminders {
		t.Fatalf("defaults: %+v %v", r, err)
	}
	_, errs := selection.ReminderForm{DraftDays: "0", SeatDays: "1", SheetDays: "x", Tahap2Hours: "169"}.Parse()
	for _, field := range []string{"draft_days", "seat_days", "sheet_days", "tahap2_hours"} {
		if errs[field] == "" {
			t.Errorf("%s: no error", field)
		}
	}
	r, errs := selection.ReminderForm{DraftDays: "1", SeatDays: "5", SheetDays: "3", Tahap2Hours: "12"}.Parse()
	if errs != nil {
		t.Fatal(errs)
	}
	if err := s.SaveReminders(ctx, audit.Actor{IP: "test"}, open, r); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CohortReminders(ctx, open); got != r {
		t.Fatalf("stored %+v, want %+v", got, r)
	}
	if n := count(t, f, `SELECT count(*) FROM audit_log WHERE action = 'selection.reminders.save' AND object_id = $1`, fmt.Sprint(open)); n != 1 {
		t.Error("not audited")
	}
	c, err := s.SendReminders(ctx, now)
	if err != nil || c.Draft != 0 {
		t.Fatalf("a 1-day draft reminder went two days before: %+v %v", c, err)
	}
	if c, _ := s.SendReminders(ctx, now.Add(25*time.Hour)); c.Draft != 1 {
		t.Fatalf("the 1-day draft reminder did not go a day before: %+v", c)
	}
	var copied int64
	if err := db.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, copied_from)
		SELECT (SELECT max(number) + 1 FROM cohorts), name || ' salinan', program_kind, registration_opens_at, registration_closes_at, id FROM cohorts WHERE id = $1 RETURNING id`, open).Scan(&copied); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CohortReminders(ctx, copied); got != r {
		t.Fatalf("copied cohort has %+v, want %+v", got, r)
	}
}

func wib(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Jakarta")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// Many tahap 1 sheets move from one assessor to another at once: started sheets, sheets of the
// new assessor's own school and applications the new assessor already scores stay; a kab/kota
// filter limits the move; a move to oneself is refused.
func TestReassignSheetsByFilter(t *testing.T) {
	w := newWorld(t)
	a, c, d := w.assessors[0], w.assessors[2], w.assessors[3] // a teaches at a1's school
	sheet := func(app, assessor int64) int64 {
		var id int64
		if err := w.f.DB.QueryRow(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2) RETURNING id`, app, assessor).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for _, app := range w.apps {
		sheet(app, c)
	}
	sheet(w.apps[1], a) // a already scores a2
	var started int64
	_ = w.f.DB.QueryRow(ctx, `SELECT id FROM score_sheets WHERE application_id = $1 AND assessor_id = $2`, w.apps[2], c).Scan(&started)
	if _, err := w.f.DB.Exec(ctx, `INSERT INTO score_items (sheet_id, position, score) VALUES ($1, 0, 3)`, started); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.ReassignSheets(ctx, w.admin, w.cohort, c, c, ""); !errors.Is(err, database.ErrConflict) {
		t.Fatalf("a move to the same assessor: %v", err)
	}
	res, err := w.s.ReassignSheets(ctx, w.admin, w.cohort, c, a, "")
	if err != nil || res != (selection.SheetMoveResult{Moved: 1, Skipped: 3}) {
		t.Fatalf("move to A = %+v, %v; want 1 moved (a4), 3 skipped", res, err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND assessor_id = $2`, w.apps[3], a); n != 1 {
		t.Fatal("a4's sheet did not move to A")
	}
	res, err = w.s.ReassignSheets(ctx, w.admin, w.cohort, c, d, "16.01")
	if err != nil || res != (selection.SheetMoveResult{Moved: 2, Skipped: 1}) {
		t.Fatalf("move to D in OKU = %+v, %v; want 2 moved, 1 skipped", res, err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE assessor_id = $1`, c); n != 1 {
		t.Fatalf("C keeps %d sheets, want only the started one", n)
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE id = $1 AND assessor_id = $2`, started, c); n != 1 {
		t.Fatal("a started sheet moved")
	}
	if n := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action = 'selection.assign.move_many'`); n != 2 {
		t.Fatalf("%d bulk moves audited, want 2", n)
	}
}
