package training_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
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
