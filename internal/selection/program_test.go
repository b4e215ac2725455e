package selection_test

import (
	"errors"
	"testing"
	"time"

	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

// Stage dates are enforced by the store: scoring outside the administrasi (tahap 1) dates,
// tahap 2 sessions outside the simulasi dates and briefing attendance outside the pembekalan
// dates are refused with the dates named, and nothing is stored.
func TestStageDatesEnforced(t *testing.T) {
	w := newWorld(t)
	now := time.Now().In(time.FixedZone("WIB", 7*3600)) // stage dates are days in WIB
	day := func(d int) string { return now.AddDate(0, 0, d).Format("2006-01-02") }
	// Tahap 1 scoring window in the future: a sheet cannot be saved or submitted today.
	w.f.DB.Exec(ctx, `UPDATE cohorts SET administrasi_starts_on = $2, administrasi_ends_on = $3 WHERE id = $1`, w.cohort, day(2), day(10))
	var sid int64
	if err := w.f.DB.QueryRow(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2) RETURNING id`,
		w.apps[0], w.assessors[2]).Scan(&sid); err != nil {
		t.Fatal(err)
	}
	four := 4
	_, err := w.s.SaveSheet(ctx, w.admin, w.assessors[2], sid, []selection.ScoreItem{{Score: &four}, {Score: &four}}, true, now)
	de, ok := selection.AsDateError(err)
	if !errors.Is(err, selection.ErrOutsideDates) || !ok || de.Stage != "administrasi" || de.Dates.From.Format("2006-01-02") != day(2) {
		t.Fatalf("scoring before the administrasi dates: %v", err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE id = $1 AND submitted_at IS NULL`, sid); n != 1 {
		t.Fatal("a refused sheet was submitted")
	}
	if n := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action LIKE 'selection.score.%'`); n != 0 {
		t.Fatal("a refused sheet was audited")
	}
	// Within the dates (the last day included) it goes through.
	if _, err := w.s.SaveSheet(ctx, w.admin, w.assessors[2], sid, []selection.ScoreItem{{Score: &four}, {Score: &four}}, false, now.AddDate(0, 0, 10)); err != nil {
		t.Fatalf("scoring on the last day: %v", err)
	}
	// Unset dates limit nothing; score everyone for tahap 2.
	w.f.DB.Exec(ctx, `UPDATE cohorts SET administrasi_starts_on = NULL, administrasi_ends_on = NULL WHERE id = $1`, w.cohort)
	w.f.DB.Exec(ctx, `DELETE FROM score_sheets WHERE id = $1`, sid)
	scoreAll(w)
	w.f.Rubric(w.cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
	w.f.Rubric(w.cohort, selection.StageWawancara, selectiontest.DefaultRubric())
	// Tahap 2 sessions must fall within the simulasi dates.
	w.f.DB.Exec(ctx, `UPDATE cohorts SET simulasi_starts_on = '2026-05-04', simulasi_ends_on = '2026-05-04', tahap2_due_hours = 24 WHERE id = $1`, w.cohort)
	form := selection.ScheduleForm{FirstDay: "2026-05-05", DayStart: "08:00", DayEnd: "16:00", Minutes: "75", Break: "15", Mode: "daring", Location: "https://meet.example.id/gp"}
	win, _ := form.Parse()
	if _, err := w.s.ScheduleTahap2(ctx, w.admin, w.cohort, win, "daring", form.Location); !errors.Is(err, selection.ErrOutsideDates) {
		t.Fatalf("sessions after the simulasi dates: %v", err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM tahap2_slots`); n != 0 {
		t.Fatal("refused sessions were stored")
	}
	form.FirstDay = "2026-05-04"
	win, _ = form.Parse()
	if n, err := w.s.ScheduleTahap2(ctx, w.admin, w.cohort, win, "daring", form.Location); err != nil || n != 3 {
		t.Fatalf("sessions within the dates: %d, %v", n, err)
	}
	// Their sheets are due the cohort's tahap 2 hours after the session.
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets sh JOIN tahap2_slots sl ON sl.application_id = sh.application_id
		WHERE sh.stage IN ('simulasi', 'wawancara') AND sh.due_at <> sl.starts_at + interval '24 hours'`); n != 0 {
		t.Fatalf("%d tahap 2 sheets not due 24 h after their session", n)
	}
}

// The pembekalan dates bound briefing attendance, and a promoted cadangan gets the cohort's
// confirmation days.
func TestPembekalanDatesAndConfirmDays(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	w.f.DB.Exec(ctx, `UPDATE cohorts SET confirm_days = 5, pembekalan_starts_on = '2026-06-01', pembekalan_ends_on = '2026-06-03' WHERE id = $1`, w.cohort)
	id, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(time.FixedZone("WIB", 7*3600)) // stage dates are days in WIB
	if err := w.s.Publish(ctx, w.admin, id, "uji tanpa tanda tangan", now.Add(time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	w.f.Release(now)
	// a2 holds OKU's seat; the deadline passes: a1 (cadangan) moves up with 5 days to confirm,
	// counted from the release of the offer's mail.
	at := now.Add(5*24*time.Hour + 2*time.Hour)
	if n, err := w.s.ExpireOverdue(ctx, w.admin, at, "http://x"); err != nil || n != 1 {
		t.Fatalf("ExpireOverdue = %d, %v", n, err)
	}
	released := at.Add(3 * time.Hour)
	w.f.Release(released)
	var confirmBy time.Time
	if err := w.f.DB.QueryRow(ctx, `SELECT confirm_by FROM pembekalan_seats WHERE application_id = $1 AND promoted_from IS NOT NULL`, w.apps[0]).Scan(&confirmBy); err != nil {
		t.Fatal(err)
	}
	if want := released.Add(5 * 24 * time.Hour); !confirmBy.Equal(want.Truncate(time.Microsecond)) {
		t.Fatalf("promoted seat confirm_by %v, want %v", confirmBy, want)
	}
	// The promoted seat is confirmed; its briefing attendance is bounded by the pembekalan dates.
	var seat int64
	if err := w.f.DB.QueryRow(ctx, `UPDATE pembekalan_seats SET status = 'confirmed', confirmed_at = now(), pakta_storage = repeat('a', 32) || '.pdf'
		WHERE application_id = $1 AND status = 'offered' RETURNING id`, w.apps[0]).Scan(&seat); err != nil {
		t.Fatal(err)
	}
	before := time.Date(2026, 5, 31, 20, 0, 0, 0, time.UTC) // 1 June 03:00 WIB: inside
	if err := w.s.RecordAttendance(ctx, w.admin, id, seat, time.Date(2026, 5, 31, 10, 0, 0, 0, time.UTC)); !errors.Is(err, selection.ErrOutsideDates) {
		t.Fatalf("attendance before the pembekalan dates: %v", err)
	}
	if err := w.s.RecordAbsence(ctx, w.admin, id, seat, time.Date(2026, 6, 4, 1, 0, 0, 0, time.UTC)); !errors.Is(err, selection.ErrOutsideDates) {
		t.Fatalf("absence after the pembekalan dates: %v", err)
	}
	if err := w.s.RecordAttendance(ctx, w.admin, id, seat, before); err != nil {
		t.Fatalf("attendance on the first day (WIB): %v", err)
	}
}
