package selection_test

import (
	"sync"
	"testing"

	"penggerak/internal/database"
	"penggerak/internal/selection"
)

// Runs stored at once, each into its own table attached to run_results (000680), while others
// read a run's results: on a pool of 4 connections, 6 runs of one cohort made at the same time
// all succeed with the same output, every one with all its rows, and the 6 readers of the
// first run never fail nor see it change.
func TestConcurrentRunsWhileReading(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	first, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	want, err := w.s.LoadRun(ctx, first, selection.RegionFilter{National: true}, false, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := database.OpenWith(ctx, w.f.DB.Config().ConnString(), database.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	s := selection.NewStore(pool)
	const runs, readers = 6, 6
	ids := make([]int64, runs)
	errs := make(chan error, runs+readers*10)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := s.CreateRun(ctx, w.admin, w.cohort, 0, "")
			ids[i] = id
			errs <- err
		}()
	}
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				v, err := s.LoadRun(ctx, first, selection.RegionFilter{Regencies: []string{"16.01"}}, false, false, 0)
				if err == nil && len(v.Rows) != 3 {
					t.Errorf("a reader saw %d rows of kab/kota 16.01, want 3", len(v.Rows))
				}
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		v, err := w.s.LoadRun(ctx, id, selection.RegionFilter{National: true}, false, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !v.Verified || v.Run.OutputHash != want.Run.OutputHash || len(v.Rows) != len(want.Rows) {
			t.Errorf("run %d: verified %v, %d rows, output %s; want %d rows, output %s", id, v.Verified, len(v.Rows), v.Run.OutputHash, len(want.Rows), want.Run.OutputHash)
		}
	}
	if n := count(t, w.f, `SELECT count(DISTINCT run_id) FROM run_results`); n != runs+1 {
		t.Errorf("results of %d runs, want %d", n, runs+1)
	}
}
