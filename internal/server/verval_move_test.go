package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/testdb"
)

func init() {
	addRoutes(
		// A confirmation naming an application that is not this cohort's to move: refused as
		// changed since the preview (409), nothing moved.
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/pindah", Variant: "confirmed, foreign application", Path: vervalMatrixPath("/verval/pindah"),
			Form: func(f *fixture) url.Values {
				return url.Values{"from": {fmt.Sprint(f.Users["admin"].ID)}, "to": {fmt.Sprint(f.Users["asesor"].ID)}, "app": {"99999999"}, "confirm": {"yes"}}
			}, Want: only(409, "admin")},
		// Unconfirmed: the preview, nothing moved.
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/pindah", Variant: "preview", Path: vervalMatrixPath("/verval/pindah"),
			Form: func(f *fixture) url.Values {
				return url.Values{"from": {fmt.Sprint(f.Users["admin"].ID)}, "to": {fmt.Sprint(f.Users["asesor"].ID)}}
			}, Want: only(200, "admin")},
		// A cohort that does not exist: 404, nothing moved.
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/pindah", Variant: "no cohort", Path: func(*fixture) string { return "/admin/angkatan/99999999/verval/pindah" },
			Form: func(*fixture) url.Values { return url.Values{"from": {"1"}, "to": {"2"}, "confirm": {"yes"}} }, Want: only(404, "admin")},
	)
}

var previewedApp = regexp.MustCompile(`name="app" value="(\d+)"`)

// previewedApps are the application ids a preview page's confirmation form posts.
func previewedApps(body string) []string {
	var out []string
	for _, m := range previewedApp.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// confirmMove is the confirmation form of a preview page, ticked.
func confirmMove(from, to int64, apps []string) url.Values {
	return url.Values{"from": {fmt.Sprint(from)}, "to": {fmt.Sprint(to)}, "app": apps, "confirm": {"yes"}}
}

type vervalMoveWorld struct {
	a          *apptest.App
	adm        *apptest.Client
	cohort     int64
	base       string
	a1, a2, a3 account.User
	apps       []int64
	numbers    map[int64]string
	started    int64
}

// newVervalMoveWorld: four submitted applications of 16.01 assigned by hand to a1, one of
// them started (a document decided); a2 covers province 16, a3 only kab/kota 16.02.
func newVervalMoveWorld(t *testing.T, a *apptest.App, adm *apptest.Client, num int, prefix string) *vervalMoveWorld {
	t.Helper()
	tc := recSeedCohort(t, a, num, "pendaftaran", 0)
	w := &vervalMoveWorld{a: a, adm: adm, cohort: tc.ID, base: fmt.Sprintf("/admin/angkatan/%d/verval", tc.ID), numbers: map[int64]string{}}
	w.a1 = a.User(prefix+"satu@asesor.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	w.a2 = a.User(prefix+"dua@asesor.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	w.a3 = a.User(prefix+"tiga@asesor.test", account.RoleAsesor, account.Scope{ProvinceCode: "16", RegencyCode: "16.02"})
	for i := 0; i < 4; i++ {
		_, _, id := recSubmitted(t, a, tc, fmt.Sprintf("%spindah%d@guru.test", prefix, i), fmt.Sprintf("10%02d%04d", num, i), "16.01")
		w.apps = append(w.apps, id)
		w.assign(t, id, w.a1.ID)
	}
	w.started = w.apps[1]
	var doc int64
	_ = a.DB.QueryRow(context.Background(), `SELECT id FROM application_documents WHERE application_id = $1 LIMIT 1`, w.started).Scan(&doc)
	as1 := a.SignIn(prefix + "satu@asesor.test")
	mustStatus(t, "decide", as1.PostForm(fmt.Sprintf("/verval/%d/dokumen/%d", w.started, doc), url.Values{"verdict": {"valid"}}), http.StatusSeeOther)
	return w
}

// assign gives application id to an assessor by hand, as the admin does.
func (w *vervalMoveWorld) assign(t *testing.T, id, assessor int64) {
	t.Helper()
	if w.numbers[id] == "" {
		var n string
		_ = w.a.DB.QueryRow(context.Background(), `SELECT registration_number FROM applications WHERE id = $1`, id).Scan(&n)
		w.numbers[id] = n
	}
	mustStatus(t, "assign by hand", w.adm.PostForm(w.base+"/tugaskan", url.Values{"number": {w.numbers[id]}, "assessor_id": {fmt.Sprint(assessor)}}), http.StatusSeeOther)
}

func idStrings(vs ...int64) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	sort.Strings(out)
	return out
}

func auditedMoves(t *testing.T, a *apptest.App, cohort int64) int {
	return recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'verval.reassign_many' AND object_id = $1`, fmt.Sprint(cohort))
}

// The bulk move shows what it would do first (nothing stored, every matching application listed
// with its outcome), moves exactly the previewed applications when confirmed (audited once),
// refuses a confirmation whose preview has gone stale (409, nothing moved, the move as it
// stands now shown to confirm again), and an unticked confirmation only shows the preview.
func TestVervalBulkMovePreviewThenConfirm(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	adm := recAdminClient(t, a)
	w := newVervalMoveWorld(t, a, adm, 21, "")
	before := vervalRows(t, a, w.cohort)
	form := url.Values{"from": {fmt.Sprint(w.a1.ID)}, "to": {fmt.Sprint(w.a2.ID)}, "regency": {"16.01"}}

	res := adm.PostForm(w.base+"/pindah", form)
	mustStatus(t, "preview", res, http.StatusOK)
	for _, want := range []string{"3 pendaftaran akan dipindahkan, 1 dilewati. Belum ada yang diubah.", "Dilewati: sudah mulai diverifikasi",
		"Saya yakin ingin memindahkan 3 pendaftaran ini.", `name="confirm" value="yes"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("preview lacks %q:\n%s", want, res.Body)
		}
	}
	for _, id := range w.apps {
		if !strings.Contains(res.Body, "<td>"+w.numbers[id]+"</td>") {
			t.Errorf("preview does not list %s", w.numbers[id])
		}
	}
	moving := idStrings(w.apps[0], w.apps[2], w.apps[3])
	if got := previewedApps(res.Body); !equalStrings(got, moving) {
		t.Fatalf("preview would confirm %v, want %v", got, moving)
	}
	if got := vervalRows(t, a, w.cohort); !equalMaps(got, before) || auditedMoves(t, a, w.cohort) != 0 {
		t.Fatal("the preview moved or audited something")
	}

	// An unticked confirmation: the preview again, nothing moved.
	unticked := confirmMove(w.a1.ID, w.a2.ID, previewedApps(res.Body))
	unticked.Set("regency", "16.01")
	unticked.Del("confirm")
	mustStatus(t, "unticked", adm.PostForm(w.base+"/pindah", unticked), http.StatusOK)
	if !equalMaps(vervalRows(t, a, w.cohort), before) {
		t.Fatal("an unticked confirmation moved assignments")
	}

	// Between preview and confirmation another admin moves one of them by hand: stale.
	w.assign(t, w.apps[3], w.a2.ID)
	mid := vervalRows(t, a, w.cohort)
	stale := confirmMove(w.a1.ID, w.a2.ID, previewedApps(res.Body))
	stale.Set("regency", "16.01")
	res = adm.PostForm(w.base+"/pindah", stale)
	mustStatus(t, "stale confirmation", res, http.StatusConflict)
	if !strings.Contains(res.Body, "Penugasan berubah sejak pratinjau dibuat") || !strings.Contains(res.Body, "2 pendaftaran akan dipindahkan, 1 dilewati") {
		t.Fatalf("stale confirmation not explained with the fresh preview:\n%s", res.Body)
	}
	if !equalMaps(vervalRows(t, a, w.cohort), mid) || auditedMoves(t, a, w.cohort) != 0 {
		t.Fatal("a stale confirmation moved something")
	}
	fresh := previewedApps(res.Body)
	if want := idStrings(w.apps[0], w.apps[2]); !equalStrings(fresh, want) {
		t.Fatalf("fresh preview would confirm %v, want %v", fresh, want)
	}

	// Confirming the fresh preview moves exactly those, once.
	ok := confirmMove(w.a1.ID, w.a2.ID, fresh)
	ok.Set("regency", "16.01")
	res = adm.PostForm(w.base+"/pindah", ok)
	mustStatus(t, "confirm", res, http.StatusOK)
	if !strings.Contains(res.Body, "2 pendaftaran dipindahkan, 1 dilewati.") {
		t.Fatalf("move result missing:\n%s", res.Body)
	}
	after := vervalRows(t, a, w.cohort)
	for app, asr := range mid {
		want := asr
		if app == w.apps[0] || app == w.apps[2] {
			want = w.a2.ID
		}
		if after[app] != want {
			t.Errorf("application %d with assessor %d, want %d", app, after[app], want)
		}
	}
	if n := auditedMoves(t, a, w.cohort); n != 1 {
		t.Errorf("%d audit rows for the move, want 1", n)
	}
	// The same confirmation again (a double submit): stale, nothing moves twice.
	mustStatus(t, "confirm twice", adm.PostForm(w.base+"/pindah", ok), http.StatusConflict)
	if !equalMaps(vervalRows(t, a, w.cohort), after) || auditedMoves(t, a, w.cohort) != 1 {
		t.Fatal("a repeated confirmation moved again")
	}

	// To an assessor who covers another kab/kota only: everything skipped, nothing to confirm.
	res = adm.PostForm(w.base+"/pindah", url.Values{"from": {fmt.Sprint(w.a2.ID)}, "to": {fmt.Sprint(w.a3.ID)}})
	mustStatus(t, "out of scope preview", res, http.StatusOK)
	if !strings.Contains(res.Body, "Dilewati: di luar wilayah asesor tujuan") || !strings.Contains(res.Body, "Tidak ada pendaftaran yang dapat dipindahkan.") ||
		len(previewedApps(res.Body)) != 0 {
		t.Fatalf("out-of-scope preview:\n%s", res.Body)
	}
}

// Another cohort's assignments cannot be moved through this cohort's route: they are not in its
// preview, and a confirmation naming them is refused with nothing moved; a cohort that does not
// exist is 404.
func TestVervalBulkMoveOtherCohort(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	adm := recAdminClient(t, a)
	mine := newVervalMoveWorld(t, a, adm, 22, "")
	other := newVervalMoveWorld(t, a, adm, 23, "lain")
	theirs := vervalRows(t, a, other.cohort)

	res := adm.PostForm(mine.base+"/pindah", url.Values{"from": {fmt.Sprint(other.a1.ID)}, "to": {fmt.Sprint(other.a2.ID)}})
	if res.Status == http.StatusOK {
		for _, id := range other.apps {
			if strings.Contains(res.Body, other.numbers[id]) {
				t.Errorf("this cohort's preview lists the other cohort's %s", other.numbers[id])
			}
		}
	}
	res = adm.PostForm(mine.base+"/pindah", confirmMove(other.a1.ID, other.a2.ID, idStrings(other.apps...)))
	if res.Status != http.StatusConflict && res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("confirmation naming another cohort's applications: %d\n%s", res.Status, res.Body)
	}
	if !equalMaps(vervalRows(t, a, other.cohort), theirs) || auditedMoves(t, a, mine.cohort) != 0 || auditedMoves(t, a, other.cohort) != 0 {
		t.Fatal("another cohort's assignments moved")
	}
	mustStatus(t, "no cohort", adm.PostForm("/admin/angkatan/99999999/verval/pindah", confirmMove(other.a1.ID, other.a2.ID, idStrings(other.apps...))), http.StatusNotFound)
	if !equalMaps(vervalRows(t, a, other.cohort), theirs) {
		t.Fatal("a move on a missing cohort moved assignments")
	}
}

// Many admins confirm the same preview at once, and others confirm moves to a third assessor,
// on a pool of 4 connections: exactly one confirmation moves, every other one is told the move
// changed, no assignment moves twice and one move is audited.
func TestVervalBulkMoveConcurrentConfirmations(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	adm := recAdminClient(t, a)
	w := newVervalMoveWorld(t, a, adm, 24, "")
	// a3 covers 16.02 only; widen it so both targets can take everything.
	if _, err := a.DB.Exec(context.Background(), `UPDATE role_grants SET regency_code = NULL WHERE user_id = $1`, w.a3.ID); err != nil {
		t.Fatal(err)
	}
	store := application.NewStore(testdb.SmallPool(t, a.DBURL, 4), nil)
	ctx := context.Background()
	filter := application.MoveFilter{From: w.a1.ID}
	p2, err := store.PreviewReassignMany(ctx, w.cohort, filter, w.a2.ID)
	if err != nil || p2.Moved != 3 {
		t.Fatalf("preview to a2: %+v, %v", p2, err)
	}
	p3, err := store.PreviewReassignMany(ctx, w.cohort, filter, w.a3.ID)
	if err != nil || p3.Moved != 3 {
		t.Fatalf("preview to a3: %+v, %v", p3, err)
	}
	const actors = 16
	var wg sync.WaitGroup
	results := make([]error, actors)
	moved := make([]application.MoveResult, actors)
	start := make(chan struct{})
	for i := range actors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			to, prev := w.a2.ID, p2.Moving()
			if i%2 == 1 {
				to, prev = w.a3.ID, p3.Moving()
			}
			moved[i], results[i] = store.ReassignMany(ctx, audit.Actor{UserID: 1}, w.cohort, filter, to, prev)
		}()
	}
	close(start)
	wg.Wait()
	wins := 0
	var winner int64
	for i, err := range results {
		switch {
		case err == nil:
			wins++
			winner = w.a2.ID
			if i%2 == 1 {
				winner = w.a3.ID
			}
			if moved[i].Moved != 3 {
				t.Errorf("the winning confirmation moved %d, want 3", moved[i].Moved)
			}
		case errors.Is(err, application.ErrMoveChanged):
			if moved[i].Moved != 0 {
				t.Errorf("a refused confirmation reports %d still movable, want 0 (a1 keeps only the started one)", moved[i].Moved)
			}
		default:
			t.Errorf("confirmation %d: %v", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d confirmations moved, want exactly 1", wins)
	}
	for app, asr := range vervalRows(t, a, w.cohort) {
		want := winner
		if app == w.started {
			want = w.a1.ID
		}
		if asr != want {
			t.Errorf("application %d with assessor %d, want %d", app, asr, want)
		}
	}
	if n := auditedMoves(t, a, w.cohort); n != 1 {
		t.Errorf("%d audited moves, want 1", n)
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}

func equalMaps(a, b map[int64]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
