package training_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
)

// smallPool opens a second pool of at most 4 connections on the test database.
func smallPool(t *testing.T, dbURL string) *pgxpool.Pool {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 4
	p, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// TestConcurrentAttendance: 6 PPs and the BGP record one lokakarya at once, each several
// times, through a pool of 4 connections: no deadlock, every save stored and audited once.
func TestConcurrentAttendance(t *testing.T) {
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	f := trainingtest.Fixture{T: t, DB: db}
	c := f.NewCohort("16.01")
	for i := range 30 {
		f.CGP(c, 0, fmt.Sprintf("CGP %02d", i), fmt.Sprintf("106972%02d", i), "16.01", "SD")
	}
	f.Start(c)
	bgp := f.User("bgp@conc.test", "BGP", "")
	var pps []int64
	for i := range 6 {
		u := f.User(fmt.Sprintf("pp%d@conc.test", i), "PP", "")
		pps = append(pps, u)
		var m, g int64
		if err := db.QueryRow(ctx, `INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
			VALUES ($1, $2, 'pengajar_praktik', '16.01', '16', 6, $3) RETURNING id`, c.ID, u, bgp).Scan(&m); err != nil {
			t.Fatal(err)
		}
		_ = db.QueryRow(ctx, `INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, status, confirmed_at)
			VALUES ($1, '16', '16.01', $2, $3, 'aktif', now()) RETURNING id`, c.ID, i+1, m).Scan(&g)
		if _, err := db.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id)
			SELECT id, $2 FROM training_participants WHERE cohort_id = $1 ORDER BY id OFFSET $3 LIMIT 5`, c.ID, g, i*5); err != nil {
			t.Fatal(err)
		}
	}
	var lk int64
	_ = db.QueryRow(ctx, `INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '16', '16.01', 0, now(), 'Aula') RETURNING id`, c.ID).Scan(&lk)
	store := training.NewStore(smallPool(t, dbURL))
	const rounds = 4
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	save := func(rec training.Recorder) {
		defer wg.Done()
		for range rounds {
			_, rows, err := store.AttendanceSheet(ctx, rec, lk)
			if err != nil {
				errs <- err
				return
			}
			var es []training.AttendanceEntry
			for _, r := range rows {
				es = append(es, training.AttendanceEntry{ParticipantID: r.ParticipantID, Status: "hadir"})
			}
			if err := store.SaveAttendance(ctx, audit.Actor{UserID: rec.UserID, IP: "test"}, rec, lk, es); err != nil {
				errs <- err
				return
			}
		}
	}
	for _, u := range pps {
		wg.Add(1)
		go save(training.Recorder{UserID: u})
	}
	wg.Add(1)
	go save(training.Recorder{UserID: bgp, BGPProvinces: []string{"16"}})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var stored, audited int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM training_attendance WHERE lokakarya_id = $1 AND status = 'hadir'`, lk).Scan(&stored)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'training.attendance'`).Scan(&audited)
	if stored != 30 || audited != 7*rounds {
		t.Fatalf("stored %d audited %d", stored, audited)
	}
}

// TestConcurrentVisitSaves: 6 PPs autosave the drafts of their mentees' visits at once (each
// draft several times, two "tabs" on one draft), then send them, through a pool of 4
// connections: no deadlock, the last text of each draft stored, each sent log mailed and
// audited once.
func TestConcurrentVisitSaves(t *testing.T) {
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	f := trainingtest.Fixture{T: t, DB: db}
	c := f.NewCohort("16.01")
	for i := range 30 {
		f.CGP(c, 0, fmt.Sprintf("CGP %02d", i), fmt.Sprintf("106973%02d", i), "16.01", "SD")
	}
	f.Start(c)
	type job struct{ pp, visit int64 }
	var jobs []job
	for i := range 6 {
		u := f.User(fmt.Sprintf("pp%d@visit.test", i), "PP", "")
		var m, g int64
		_ = db.QueryRow(ctx, `INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
			VALUES ($1, $2, 'pengajar_praktik', '16.01', '16', 6, $2) RETURNING id`, c.ID, u).Scan(&m)
		_ = db.QueryRow(ctx, `INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, status, confirmed_at)
			VALUES ($1, '16', '16.01', $2, $3, 'aktif', now()) RETURNING id`, c.ID, i+1, m).Scan(&g)
		_, _ = db.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id)
			SELECT id, $2 FROM training_participants WHERE cohort_id = $1 ORDER BY id OFFSET $3 LIMIT 5`, c.ID, g, i*5)
		rows, _ := db.Query(ctx, `INSERT INTO training_visits (participant_id, number)
			SELECT participant_id, 1 FROM training_group_members WHERE group_id = $1 RETURNING id`, g)
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			jobs = append(jobs, job{u, id})
		}
		rows.Close()
	}
	store := training.NewStore(smallPool(t, dbURL))
	compose := func(name, lang string) mail.Message { return mail.Message{Subject: "log", Body: name} }
	var wg sync.WaitGroup
	errs := make(chan error, len(jobs)*2)
	for _, j := range jobs {
		for tab := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := range 5 {
					l := training.VisitLog{Notes: fmt.Sprintf("catatan %d tab %d", n, tab)}
					if _, err := store.SaveVisit(ctx, audit.Actor{UserID: j.pp}, j.pp, j.visit, l, false, time.Now(), compose); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := training.VisitLog{Date: "2027-01-06", Mode: "daring", Notes: "final"}
			if _, err := store.SaveVisit(ctx, audit.Actor{UserID: j.pp}, j.pp, j.visit, l, true, time.Now(), compose); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var sent, mails, audited int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM training_visits WHERE submitted_at IS NOT NULL AND notes = 'final'`).Scan(&sent)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE subject = 'log'`).Scan(&mails)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'training.visit.submit'`).Scan(&audited)
	if sent != 30 || mails != 30 || audited != 30 {
		t.Fatalf("sent %d mails %d audited %d", sent, mails, audited)
	}
}
