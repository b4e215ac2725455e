package training

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
	"penggerak/internal/training/trainingtest"
)

// keptWorld is a province loaded by trainingtest.LoadProvince with n CGPs.
func keptWorld(t *testing.T, n int) (database.DB, trainingtest.Cohort) {
	t.Helper()
	db, _ := testdb.New(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: db}
	rows, _ := db.Query(ctx, `SELECT code FROM regencies WHERE province_code = '16' ORDER BY code`)
	regs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	c := fx.NewCohort(regs...)
	fx.LoadProvince(c, "16", n)
	return db, c
}

// sameRows runs the counted and the kept statement and fails on the first difference.
func sameRows(t *testing.T, db database.DB, what string, counted, kept string, args []any) {
	t.Helper()
	ctx := context.Background()
	read := func(sql string) []string {
		t.Helper()
		rows, err := db.Query(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var out []string
		for rows.Next() {
			vs, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(vs...))
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return out
	}
	a, b := read(counted), read(kept)
	if len(a) != len(b) {
		t.Fatalf("%s: %d rows counted, %d kept", what, len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("%s, row %d:\ncounted %s\nkept    %s", what, i, a[i], b[i])
		}
	}
	if len(a) == 0 {
		t.Fatalf("%s: no rows to compare", what)
	}
}

// checkKept compares the page's statements, as they count rows and as they read the kept
// counts, for the BGP of the province and for a Dinas of one kab/kota, at several times.
func checkKept(t *testing.T, db database.DB, cohortID int64, label string) {
	t.Helper()
	now := time.Now()
	for _, sc := range []Scope{{Provinces: []string{"16"}}, {Regencies: []string{"16.01"}}, {National: true}} {
		for _, at := range []time.Time{now, now.AddDate(0, 0, -25), now.AddDate(0, 0, 15), now.AddDate(0, 2, 0)} {
			for name, sql := range provinceStatements(cohortID, at) {
				sameRows(t, db, fmt.Sprintf("%s: %s for %+v at %s", label, name, sc, at.Format(time.DateOnly)), sql[0], sql[1], provinceArgs(name, sc, cohortID, "16", at))
			}
		}
	}
}

// The kept counts (migration 000711) give the province page exactly what counting the rows
// gave, after every kind of write the training stores (and a raw edit) make: withdrawals, CGPs
// moved between groups, a lokakarya for chosen groups whose attendance was recorded and whose
// groups then changed, a lokakarya moved to another date, visits planned, sent, acknowledged,
// re-planned and deleted, modules undone and the cohort's number of modules lowered, attendance
// changed and deleted.
func TestKeptCountsMatchCounted(t *testing.T) {
	db, c := keptWorld(t, 150)
	ctx := context.Background()
	st := NewStore(db)
	checkKept(t, db, c.ID, "as loaded")
	var bgp int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('bgp@kept.test', 'BGP', 'x') RETURNING id`).Scan(&bgp); err != nil {
		t.Fatal(err)
	}
	actor := audit.Actor{UserID: bgp, IP: "test"}
	sc := Scope{Provinces: []string{"16"}}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	ids := func(sql string, args ...any) []int64 {
		t.Helper()
		rows, _ := db.Query(ctx, sql, args...)
		list, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	// Withdrawals.
	for _, p := range ids(`SELECT id FROM training_participants WHERE cohort_id = $1 AND regency_code = '16.01' ORDER BY id LIMIT 2`, c.ID) {
		if err := st.Withdraw(ctx, actor, sc, p, "pindah tugas", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// A CGP moved to another group of the kab/kota; one taken out of its group.
	groups := ids(`SELECT id FROM training_groups WHERE cohort_id = $1 AND regency_code = '16.01' ORDER BY number`, c.ID)
	exec(`UPDATE training_group_members SET group_id = $2 WHERE participant_id = (SELECT min(participant_id) FROM training_group_members WHERE group_id = $1)`, groups[0], groups[1])
	exec(`DELETE FROM training_group_members WHERE participant_id = (SELECT max(participant_id) FROM training_group_members WHERE group_id = $1)`, groups[0])
	checkKept(t, db, c.ID, "after withdrawals and moves")

	// Lokakarya 4 in 16.01 for the first group, held ten days ago, attendance recorded; then
	// its groups change to the second group only (the first group's attendance no longer counts).
	compose := func(LokakaryaMail) mail.Message { return mail.Message{Subject: "lk", Body: "-"} }
	in := LokakaryaInput{Regency: "16.01", Number: 4, StartsAt: time.Now().AddDate(0, 0, -10), Place: "Aula OKU", Groups: []int64{groups[0]}}
	lk, err := st.ScheduleLokakarya(ctx, actor, sc, c.ID, in, compose)
	if err != nil {
		t.Fatal(err)
	}
	rec := Recorder{UserID: bgp, BGPProvinces: []string{"16"}}
	_, sheet, err := st.AttendanceSheet(ctx, rec, lk)
	if err != nil {
		t.Fatal(err)
	}
	var es []AttendanceEntry
	for i, r := range sheet {
		status := AttendancePresent
		if i == 0 {
			status = AttendanceAbsent
		}
		es = append(es, AttendanceEntry{ParticipantID: r.ParticipantID, Status: status})
	}
	if err := st.SaveAttendance(ctx, actor, rec, lk, es); err != nil {
		t.Fatal(err)
	}
	checkKept(t, db, c.ID, "after a lokakarya for one group")
	in.Groups = []int64{groups[1]}
	if _, err := st.ScheduleLokakarya(ctx, actor, sc, c.ID, in, compose); err != nil {
		t.Fatal(err)
	}
	checkKept(t, db, c.ID, "after its groups changed")
	// A held lokakarya of 16.02 moved a month on (no longer held), one of 16.03 moved earlier.
	exec(`UPDATE training_lokakarya SET starts_at = starts_at + interval '30 days' WHERE cohort_id = $1 AND regency_code = '16.02' AND number = 1`, c.ID)
	exec(`UPDATE training_lokakarya SET starts_at = now() - interval '3 days' WHERE cohort_id = $1 AND regency_code = '16.03' AND number = 3`, c.ID)
	checkKept(t, db, c.ID, "after lokakarya moved")
	// Attendance changed and deleted.
	exec(`UPDATE training_attendance SET status = 'izin', reason = 'sakit' WHERE participant_id IN (SELECT id FROM training_participants WHERE cohort_id = $1 AND id % 5 = 0) AND status = 'hadir'`, c.ID)
	exec(`DELETE FROM training_attendance WHERE participant_id IN (SELECT id FROM training_participants WHERE cohort_id = $1 AND id % 11 = 0)`, c.ID)
	checkKept(t, db, c.ID, "after attendance edits")
	// Visits: acknowledged, sent, re-planned, deleted, added.
	exec(`UPDATE training_visits SET acknowledged_at = now() WHERE number = 3 AND participant_id % 4 = 0`)
	exec(`UPDATE training_visits SET visited_on = current_date - 2, mode = 'daring', notes = 'log', submitted_at = now() - interval '9 days' WHERE number = 4 AND participant_id % 3 = 0`)
	exec(`UPDATE training_visits SET planned_on = planned_on - 20 WHERE number = 5 AND participant_id % 2 = 0`)
	exec(`UPDATE training_visits SET planned_on = NULL WHERE number = 6 AND participant_id % 6 = 1`)
	exec(`UPDATE training_visits SET notes = notes || ' (draf)' WHERE number = 2`)
	exec(`DELETE FROM training_visits WHERE number = 1 AND participant_id % 7 = 3`)
	exec(`INSERT INTO training_visits (participant_id, number, planned_on) SELECT id, 7, current_date - 1 FROM training_participants WHERE cohort_id = $1 AND id % 9 = 0`, c.ID)
	checkKept(t, db, c.ID, "after visit edits")
	// Modules undone, and fewer modules in the settings than some CGPs completed.
	exec(`DELETE FROM training_module_progress WHERE module = 2 AND participant_id % 2 = 0`)
	exec(`UPDATE training_settings SET modules = 5, module_packages = 2, ack_days = 3 WHERE cohort_id = $1`, c.ID)
	checkKept(t, db, c.ID, "after module edits and new settings")
}

// Many writers at once on a small pool — PPs saving and sending visit logs, CGPs acknowledging
// them, fasilitators recording modules, two recorders saving the same lokakarya's attendance,
// a lokakarya moved, CGPs withdrawn — each touching the same CGPs, groups and lokakarya as the
// others: the kept counts afterwards equal the counted rows.
func TestKeptCountsConcurrentWriters(t *testing.T) {
	db, c := keptWorld(t, 120)
	ctx := context.Background()
	type job func() error
	var jobs []job
	ids := func(sql string, args ...any) []int64 {
		t.Helper()
		rows, _ := db.Query(ctx, sql, args...)
		list, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	parts := ids(`SELECT id FROM training_participants WHERE cohort_id = $1 AND regency_code IN ('16.01', '16.02') ORDER BY id`, c.ID)
	lks := ids(`SELECT id FROM training_lokakarya WHERE cohort_id = $1 AND regency_code IN ('16.01', '16.02') AND starts_at < now() ORDER BY id`, c.ID)
	tx := func(sql string, args ...any) job {
		return func() error {
			return database.Tx(ctx, db, func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, sql, args...)
				return err
			})
		}
	}
	for i, p := range parts {
		jobs = append(jobs,
			tx(`UPDATE training_visits SET visited_on = current_date, mode = 'kunjungan', notes = 'log', submitted_at = now() WHERE participant_id = $1 AND number = 4`, p),
			tx(`UPDATE training_visits SET acknowledged_at = now() WHERE participant_id = $1 AND number = 3`, p),
			tx(`UPDATE training_visits SET planned_on = current_date - 3 WHERE participant_id = $1 AND number = 6`, p),
			tx(`INSERT INTO training_module_progress (participant_id, module) VALUES ($1, 10) ON CONFLICT DO NOTHING`, p),
			tx(`DELETE FROM training_module_progress WHERE participant_id = $1 AND module = 1`, p),
		)
		for _, l := range lks {
			jobs = append(jobs, tx(`UPDATE training_attendance SET status = CASE WHEN status = 'hadir' THEN 'tidak_hadir' ELSE 'hadir' END WHERE lokakarya_id = $1 AND participant_id = $2`, l, p))
		}
		if i%10 == 0 {
			jobs = append(jobs, tx(`WITH w AS (UPDATE training_participants SET status = 'mundur', withdrawn_at = now(), withdraw_reason = 'mundur' WHERE id = $1 RETURNING id)
				DELETE FROM training_group_members WHERE participant_id IN (SELECT id FROM w)`, p))
		}
	}
	for _, l := range lks {
		jobs = append(jobs, tx(`UPDATE training_lokakarya SET starts_at = starts_at + interval '1 hour' WHERE id = $1`, l),
			tx(`UPDATE training_attendance SET recorded_at = now() WHERE lokakarya_id = $1`, l))
	}
	// 16 workers over the pool (testdb's pool is small); the jobs interleave per CGP.
	var wg sync.WaitGroup
	errs := make(chan error, len(jobs))
	next := make(chan job)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				if err := j(); err != nil {
					errs <- err
				}
			}
		}()
	}
	// Spread each CGP's jobs apart so that different workers write the same rows at once.
	for k := 0; k < 6+len(lks); k++ {
		for i := k; i < len(jobs); i += 6 + len(lks) {
			next <- jobs[i]
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checkKept(t, db, c.ID, "after concurrent writers")
}
