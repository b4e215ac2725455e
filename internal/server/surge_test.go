package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"penggerak/internal/apptest"
	"penggerak/internal/database"
	"penggerak/internal/server"
)

// TestSurgeSmallPoolNoDeadlock: 60 teachers autosave essays, submit and withdraw at the same
// moment while the server's pool has only 4 connections. Before store reads inside a
// transaction went through that transaction, each of these requests held one connection and
// waited for a second: with as many writers as connections, every request hung and /readyz
// turned 503. Every request must now succeed promptly and the site stay ready.
func TestSurgeSmallPoolNoDeadlock(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t, apptest.Options{Pool: &database.Options{MaxConns: 4}})
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)

	const teachers = 60
	type teacher struct {
		c    *apptest.Client
		base string
	}
	ts := make([]teacher, teachers)
	for i := range ts {
		_, c := recTeacher(t, a, fmt.Sprintf("ramai%02d@guru.test", i), fmt.Sprintf("106%05d", i), "16.01", recProfileOpts{})
		base := recStart(t, c, tc.ID)
		if i%3 != 0 { // those who submit or withdraw need a complete application
			recFill(t, c, base, tc)
		}
		if i%3 == 2 { // those who withdraw had submitted
			if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
				t.Fatalf("submit before withdrawing: %d", res.Status)
			}
		}
		ts[i] = teacher{c, base}
	}
	// Each request gets at most 10 s; a hang fails the test instead of stalling it.
	for _, tt := range ts {
		tt.c.HTTP.Timeout = 10 * time.Second
	}

	q0 := fmt.Sprintf("essay_%d", tc.Questions[0])
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := make(chan struct{})
	began := time.Now()
	errs := make(chan string, teachers*3)
	for i, tt := range ts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			switch i % 3 {
			case 0: // three autosaves while typing
				for k := range 3 {
					body := url.Values{q0: {fmt.Sprintf("Draf guru %d, ketikan ke-%d, murid belajar bersama.", i, k)}}.Encode()
					req, _ := http.NewRequest(http.MethodPost, tt.c.Base+tt.base+"/esai/draf", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Sec-Fetch-Site", "same-origin")
					req.Header.Set("HX-Request", "true")
					res, err := tt.c.HTTP.Do(req)
					if err != nil {
						failed.Add(1)
						errs <- fmt.Sprintf("autosave %d: %v", i, err)
						return
					}
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						failed.Add(1)
						errs <- fmt.Sprintf("autosave %d: status %d", i, res.StatusCode)
					}
				}
			case 1:
				if st := post(tt.c, tt.base+"/kirim"); st != http.StatusSeeOther {
					failed.Add(1)
					errs <- fmt.Sprintf("submit %d: %d", i, st)
				}
			case 2:
				if st := post(tt.c, tt.base+"/tarik"); st != http.StatusSeeOther {
					failed.Add(1)
					errs <- fmt.Sprintf("withdraw %d: %d", i, st)
				}
			}
		}()
	}
	// Readiness is polled all through the surge.
	ready := make(chan []int, 1)
	stop := make(chan struct{})
	go func() {
		var codes []int
		probe := a.Anonymous()
		probe.HTTP.Timeout = 10 * time.Second
		for {
			select {
			case <-stop:
				ready <- codes
				return
			default:
			}
			res, err := probe.HTTP.Get(a.URL + "/readyz")
			if err != nil {
				codes = append(codes, 0)
			} else {
				res.Body.Close()
				codes = append(codes, res.StatusCode)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	close(start)
	wg.Wait()
	elapsed := time.Since(began)
	close(stop)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for _, code := range <-ready {
		if code != http.StatusOK {
			t.Errorf("/readyz answered %d during the surge", code)
			break
		}
	}
	t.Logf("%d teachers at once on a pool of 4: %v", teachers, elapsed)
	if elapsed > 20*time.Second {
		t.Errorf("the surge took %v; it should finish in seconds", elapsed)
	}

	ctx := context.Background()
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'submitted'`); n != teachers/3 {
		t.Errorf("%d submitted, want %d", n, teachers/3)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'withdrawn'`); n != teachers/3 {
		t.Errorf("%d withdrawn, want %d", n, teachers/3)
	}
	var drafts int
	if err := a.DB.QueryRow(ctx, `SELECT count(*) FROM application_essays WHERE body LIKE 'Draf guru %, ketikan ke-2,%'`).Scan(&drafts); err != nil || drafts != teachers/3 {
		t.Errorf("%d last autosaves stored, want %d (%v)", drafts, teachers/3, err)
	}
}

// post sends an irreversible action with its ticked confirmation.
func post(c *apptest.Client, path string) int {
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, strings.NewReader(confirmYes.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.HTTP.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	if st, err := strconv.Atoi(res.Header.Get(server.RefusedHeader)); err == nil {
		return st // refused, and redirected to the form's page (Post/Redirect/Get)
	}
	return res.StatusCode
}
