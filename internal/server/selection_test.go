package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/storage"
)

// selWorld is a scored cohort: OKU (16.01, quota 1) with a1 (100) and a2 (88.89), Kota Serang
// (36.73, quota 1) with a3 (66.67), two fixture assessors X and Y, and an unpublished run.
type selWorld struct {
	Cohort, Run int64
	Apps        []int64
	Users       []int64
	X, Y        int64
}

var selSeq atomic.Int64

func newSelWorld(t testing.TB, db selectiontest.Fixture) selWorld {
	n := int(selSeq.Add(1))
	var w selWorld
	w.Cohort = db.Cohort(map[string]int{"16.01": 1, "36.73": 1})
	db.Rubric(w.Cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, a := range []struct{ npsn, reg string }{{"10600101", "16.01"}, {"10600102", "16.01"}, {"36000103", "36.73"}} {
		u, id := db.Applicant(w.Cohort, fmt.Sprintf("cgp%d-%d@uji.id", n, i), fmt.Sprintf("Calon %d-%d", n, i), a.npsn, a.reg, t0.Add(time.Duration(i)*time.Minute))
		w.Users, w.Apps = append(w.Users, u), append(w.Apps, id)
	}
	w.X = db.User(fmt.Sprintf("x%d@uji.id", n), "Asesor X", "asesor", "", "", "")
	w.Y = db.User(fmt.Sprintf("y%d@uji.id", n), "Asesor Y", "asesor", "", "", "")
	for i, sc := range [][2]int{{4, 4}, {4, 3}, {3, 3}} {
		db.Score(w.Apps[i], selection.StageTahap1, w.X, sc[0], sc[1])
		db.Score(w.Apps[i], selection.StageTahap1, w.Y, sc[0], sc[1])
	}
	run, err := selection.NewStore(db.DB).CreateRun(context.Background(), testActor(), w.Cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	w.Run = run
	return w
}

func testActor() audit.Actor { return audit.Actor{IP: "127.0.0.1"} }

func selFixture(f *fixture) selectiontest.Fixture {
	return selectiontest.Fixture{T: f.App.T, DB: f.App.DB}
}

// selMatrixWorld returns a world created once per key for the matrix.
func selMatrixWorld(f *fixture, key string) selWorld {
	k := "selection." + key
	if w, ok := f.Data[k].(selWorld); ok {
		return w
	}
	w := newSelWorld(f.App.T, selFixture(f))
	f.Data[k] = w
	return w
}

func ids(n int64) string { return fmt.Sprint(n) }

// matrixSheet is an unsubmitted sheet of the matrix asesor (third assessor slot of a1).
func matrixSheet(f *fixture, key string) int64 {
	k := "selection.sheet." + key
	if id, ok := f.Data[k].(int64); ok {
		return id
	}
	w := selMatrixWorld(f, key)
	var id int64
	if err := f.App.DB.QueryRow(context.Background(), `INSERT INTO score_sheets (application_id, stage, assessor_id, adjudicator)
		VALUES ($1, 'tahap1', $2, true) RETURNING id`, w.Apps[0], f.Users["asesor"].ID).Scan(&id); err != nil {
		f.App.T.Fatal(err)
	}
	f.Data[k] = id
	return id
}

// publishedSeat publishes a world's run and returns a1's seat (confirmed when confirmed is set).
func publishedSeat(f *fixture, key string, confirmed bool) (selWorld, int64) {
	w := selMatrixWorld(f, key)
	if seat, ok := f.Data["selection.seat."+key].(int64); ok {
		return w, seat
	}
	ctx := context.Background()
	if err := selection.NewStore(f.App.DB).Publish(ctx, testActor(), w.Run, "uji matriks", time.Now().Add(72*time.Hour), "http://x"); err != nil {
		f.App.T.Fatal(err)
	}
	selFixture(f).Release(time.Now())
	var seat int64
	if err := f.App.DB.QueryRow(ctx, `SELECT id FROM pembekalan_seats WHERE application_id = $1`, w.Apps[0]).Scan(&seat); err != nil {
		f.App.T.Fatal(err)
	}
	if confirmed {
		if err := selection.NewStore(f.App.DB).Confirm(ctx, testActor(), w.Users[0], seat, []byte("%PDF-1.4"), storage.NewLocal(f.App.Config.UploadDir), time.Now()); err != nil {
			f.App.T.Fatal(err)
		}
	}
	f.Data["selection.seat."+key] = seat
	return w, seat
}

func init() {
	admin := func(status int) map[string]int { return only(status, "admin") }
	staff := func(status int) map[string]int { return only(status, "admin", "bgp", "dinas") }
	rubricForm := func(*fixture) url.Values {
		return url.Values{"passing_grade": {"65"}, "threshold": {"10"}, "criteria": {"Esai | 1 | 4 | 1 | a; b; c; d"}}
	}
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/seleksi", Want: admin(200)},
		routeCase{Method: "GET", Pattern: "/admin/seleksi/{cohort}", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort)
		}, Want: admin(200)},
		routeCase{Method: "GET", Pattern: "/admin/seleksi/{cohort}/rubrik/{stage}", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/rubrik/tahap1"
		}, Want: admin(200)},
		// A fresh cohort without scores: only the admin may change its rubric (dinas and bgp 403).
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/rubrik/{stage}", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selFixture(f).Cohort(map[string]int{"16.01": 3})) + "/rubrik/wawancara"
		}, Form: rubricForm, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/tugaskan/{stage}", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/tugaskan/tahap1"
		}, Want: admin(303)},
		routeCase{Method: "GET", Pattern: "/admin/seleksi/{cohort}/beban", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/beban"
		}, Want: admin(200)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/lembar/{sheet}/pindah", Path: func(f *fixture) string {
			return "/admin/seleksi/lembar/" + ids(matrixSheet(f, "reassign")) + "/pindah"
		}, Form: func(f *fixture) url.Values {
			z := selFixture(f).User(fmt.Sprintf("z%d@uji.id", time.Now().UnixNano()), "Asesor Z", "asesor", "", "", "")
			return url.Values{"assessor": {ids(z)}}
		}, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/hasil", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/hasil"
		}, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/hasil/{run}/umumkan", Path: func(f *fixture) string {
			return "/admin/seleksi/hasil/" + ids(selMatrixWorld(f, "publish").Run) + "/umumkan"
		}, Form: func(*fixture) url.Values { return url.Values{"override": {"uji matriks"}, "confirm": {"yes"}} }, Want: admin(303)},
		routeCase{Method: "GET", Pattern: "/admin/seleksi/hasil/{run}/pembekalan", Path: func(f *fixture) string {
			return "/admin/seleksi/hasil/" + ids(selMatrixWorld(f, "view").Run) + "/pembekalan"
		}, Want: admin(200)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/hasil/{run}/pembekalan/kedaluwarsa", Path: func(f *fixture) string {
			return "/admin/seleksi/hasil/" + ids(selMatrixWorld(f, "view").Run) + "/pembekalan/kedaluwarsa"
		}, Form: func(*fixture) url.Values { return confirmYes }, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/hasil/{run}/pembekalan/{seat}/hadir", Path: func(f *fixture) string {
			w, seat := publishedSeat(f, "attend", true)
			return "/admin/seleksi/hasil/" + ids(w.Run) + "/pembekalan/" + ids(seat) + "/hadir"
		}, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/hasil/{run}/pembekalan/{seat}/absen", Path: func(f *fixture) string {
			w, seat := publishedSeat(f, "absent", true)
			return "/admin/seleksi/hasil/" + ids(w.Run) + "/pembekalan/" + ids(seat) + "/absen"
		}, Form: func(*fixture) url.Values { return confirmYes }, Want: admin(303)},
		routeCase{Method: "GET", Pattern: "/seleksi/hasil", Want: staff(200)},
		// An unpublished run in Sumatera Selatan and Banten: Dinas sees nothing before publication.
		routeCase{Method: "GET", Pattern: "/seleksi/hasil/{run}", Path: func(f *fixture) string {
			return "/seleksi/hasil/" + ids(selMatrixWorld(f, "view").Run)
		}, Want: with(staff(200), "dinas", 404)},
		routeCase{Method: "POST", Pattern: "/seleksi/hasil/{run}/setujui", Path: func(f *fixture) string {
			return "/seleksi/hasil/" + ids(selMatrixWorld(f, "view").Run) + "/setujui"
		}, Form: func(*fixture) url.Values {
			return url.Values{"province": {"16"}, "comment": {"sesuai"}, "confirm": {"yes"}}
		}, Want: only(303, "bgp")},
		routeCase{Method: "GET", Pattern: "/asesor/penilaian", Want: only(200, "asesor")},
		routeCase{Method: "GET", Pattern: "/asesor/penilaian/{sheet}", Path: func(f *fixture) string {
			return "/asesor/penilaian/" + ids(matrixSheet(f, "score"))
		}, Want: only(200, "asesor")},
		routeCase{Method: "GET", Pattern: "/asesor/penilaian/{sheet}/berkas/{doc}", Path: func(f *fixture) string {
			sheet := matrixSheet(f, "score")
			doc, ok := f.Data["selection.doc"].(int64)
			if !ok {
				doc = selFixture(f).Document(selMatrixWorld(f, "score").Apps[0], f.App.Config.UploadDir, []byte("%PDF-1.4 ktp"))
				f.Data["selection.doc"] = doc
			}
			return "/asesor/penilaian/" + ids(sheet) + "/berkas/" + ids(doc)
		}, Want: only(200, "asesor")},
		routeCase{Method: "POST", Pattern: "/asesor/penilaian/{sheet}", Path: func(f *fixture) string {
			return "/asesor/penilaian/" + ids(matrixSheet(f, "score"))
		}, Form: func(*fixture) url.Values {
			return url.Values{"score": {"3", ""}, "note": {"draf", ""}, "submit": {"false"}}
		}, Want: only(303, "asesor")},
		// Every signed-in user holds guru.
		routeCase{Method: "GET", Pattern: "/seleksi/saya", Want: signedIn(200)},
		// Someone else's seat: 404 for everyone.
		routeCase{Method: "POST", Pattern: "/seleksi/kursi/{seat}/konfirmasi", Path: func(f *fixture) string {
			_, seat := publishedSeat(f, "seat", false)
			return "/seleksi/kursi/" + ids(seat) + "/konfirmasi"
		}, Want: signedIn(404)},
		routeCase{Method: "POST", Pattern: "/seleksi/kursi/{seat}/tolak", Path: func(f *fixture) string {
			var seat int64
			_ = f.App.DB.QueryRow(context.Background(), `SELECT id FROM pembekalan_seats WHERE application_id = $1`, selMatrixWorld(f, "seat").Apps[0]).Scan(&seat)
			return "/seleksi/kursi/" + ids(seat) + "/tolak"
		}, Want: signedIn(404)},
	)
}

func selCount(t *testing.T, a *apptest.App, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func mustStatus(t *testing.T, what string, res apptest.Response, want int) {
	t.Helper()
	if res.Status != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.Status, want, res.Body)
	}
}

// TestSelectionJourney walks a small cohort end to end through the HTTP layer: the admin sets
// the rubric and assigns assessors, two assessors score (one pair far apart, so a third is
// assigned and adjudicates), the admin runs the result, the BGP signs off, the admin publishes
// with a recorded override for the province that did not sign, the applicant sees the breakdown,
// declines, and the best cadangan moves up and is emailed.
func TestSelectionJourney(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	ctx := context.Background()
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	a.User("bgp@uji.id", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	admin, bgp := a.SignIn("admin@uji.id"), a.SignIn("bgp@uji.id")
	var assessors []*apptest.Client
	for _, e := range []string{"as1@uji.id", "as2@uji.id", "as3@uji.id"} {
		a.User(e, account.RoleAsesor, account.Scope{})
		assessors = append(assessors, a.SignIn(e))
	}
	cohort := fx.Cohort(map[string]int{"16.01": 1, "36.73": 1})
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	type cgp struct {
		email, name, npsn, reg string
		c                      *apptest.Client
		app                    int64
	}
	cgps := []*cgp{{"siti@uji.id", "Siti Aminah", "10600201", "16.01", nil, 0}, {"budi@uji.id", "Budi Santoso", "10600202", "16.01", nil, 0},
		{"rina@uji.id", "Rina Wati", "36000203", "36.73", nil, 0}}
	for i, c := range cgps {
		u := a.User(c.email, account.RoleGuru, account.Scope{})
		c.app = fx.ApplicationFor(cohort, u.ID, c.name, c.npsn, c.reg, t0.Add(time.Duration(i)*time.Hour))
		c.c = a.SignIn(c.email)
	}
	base := "/admin/seleksi/" + ids(cohort)
	if res := admin.Get("/admin/seleksi"); !strings.Contains(res.Body, `<span class="badge">Seleksi</span>`) {
		t.Fatalf("the cohort list should name the stage, not its code:\n%s", res.Body)
	}

	// Rubric: a bad form keeps what was typed and says what is wrong.
	res := admin.PostForm(base+"/rubrik/tahap1", url.Values{"passing_grade": {"150"}, "threshold": {"15"}, "criteria": {"Esai | 1 | 4"}})
	mustStatus(t, "bad rubric", res, 422)
	if !strings.Contains(res.Body, "Isi angka antara 0 dan 100") || !strings.Contains(res.Body, "Esai | 1 | 4") {
		t.Fatal("the rubric form lost the input or the message")
	}
	res = admin.PostForm(base+"/rubrik/tahap1", url.Values{"passing_grade": {"60"}, "threshold": {"15"},
		"criteria": {"Pengalaman mengembangkan orang lain | 1 | 4 | 2 | Belum; Mulai; Cakap; Mahir\nKualitas esai | 1 | 4 | 1"}})
	mustStatus(t, "rubric", res, 303)
	mustStatus(t, "assign", admin.PostForm(base+"/tugaskan/tahap1", nil), 303)
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets`); n != 6 {
		t.Fatalf("%d sheets, want 6", n)
	}
	res = admin.Get(base + "/beban")
	if !strings.Contains(res.Body, "Pengguna as1") {
		t.Fatalf("workload page: %s", res.Body)
	}

	// Each assessor scores their sheets; Siti gets 4,4 from one and 1,1 from the other.
	score := func(c *apptest.Client, app int64, vals ...string) {
		t.Helper()
		var sheet int64
		var who string
		rows, _ := a.DB.Query(ctx, `SELECT sh.id, u.email FROM score_sheets sh JOIN users u ON u.id = sh.assessor_id
			WHERE sh.application_id = $1 AND sh.submitted_at IS NULL ORDER BY sh.id`, app)
		for rows.Next() {
			var id int64
			var e string
			_ = rows.Scan(&id, &e)
			if sheet == 0 {
				sheet, who = id, e
			}
		}
		rows.Close()
		if sheet == 0 {
			t.Fatalf("no open sheet for %d", app)
		}
		for _, ac := range assessors {
			page := ac.Get("/asesor/penilaian/" + ids(sheet))
			if page.Status != 200 {
				continue
			}
			if strings.Contains(page.Body, "Siti Aminah") {
				t.Fatal("identity shown in tahap 1")
			}
			mustStatus(t, "score "+who, ac.PostForm("/asesor/penilaian/"+ids(sheet), url.Values{"score": {vals[0], vals[1]}, "note": {"catatan", ""}, "submit": {"true"}, "confirm": {"yes"}}), 303)
			return
		}
		t.Fatalf("no assessor could open sheet %d", sheet)
	}
	score(nil, cgps[0].app, "4", "4")
	score(nil, cgps[0].app, "1", "1")
	for _, c := range cgps[1:] {
		score(nil, c.app, "4", "3")
		score(nil, c.app, "4", "3")
	}
	// Scores outside the scale are refused with the value kept.
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets WHERE adjudicator AND submitted_at IS NULL AND application_id = $1`, cgps[0].app); n != 1 {
		t.Fatal("no third assessor assigned on a discrepancy")
	}
	var third int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM score_sheets WHERE adjudicator`).Scan(&third)
	for _, ac := range assessors {
		if page := ac.Get("/asesor/penilaian/" + ids(third)); page.Status == 200 {
			res := ac.PostForm("/asesor/penilaian/"+ids(third), url.Values{"score": {"4", "9"}, "submit": {"true"}, "confirm": {"yes"}})
			mustStatus(t, "out of scale", res, 422)
			if !strings.Contains(res.Body, `value="9"`) {
				t.Fatal("typed score lost")
			}
		}
	}
	// While the third sheet is open the run is refused, saying why, and nothing is stored.
	res = admin.PostForm(base+"/hasil", nil)
	mustStatus(t, "run while scoring is pending", res, 409)
	if !strings.Contains(res.Body, "Hasil belum dapat dihitung") || !strings.Contains(res.Body, "1 pelamar menunggu asesor ketiga (tahap 1); 1 lembar nilai belum dikirim asesor.") {
		t.Fatalf("no reason for the refused run:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM result_runs`); n != 0 {
		t.Fatalf("%d runs stored while scoring is pending", n)
	}
	score(nil, cgps[0].app, "4", "3") // 88.89: mean with 100 → 94.45 (rounded)

	// Run, sign-off, publish.
	mustStatus(t, "run", admin.PostForm(base+"/hasil", nil), 303)
	var run int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM result_runs WHERE cohort_id = $1`, cohort).Scan(&run)
	if res := admin.Get("/seleksi/hasil/" + ids(run) + "?periksa=1"); !strings.Contains(res.Body, "<dd>Ya</dd>") {
		t.Fatalf("recomputing the run should match its stored hash:\n%s", res.Body)
	}
	res = bgp.Get("/seleksi/hasil/" + ids(run))
	mustStatus(t, "bgp view", res, 200)
	if !strings.Contains(res.Body, "Siti Aminah") || strings.Contains(res.Body, "Rina Wati") {
		t.Fatal("bgp sees outside its province or misses its own")
	}
	if !strings.Contains(res.Body, `<span class="badge">Sumatera Selatan</span>`) || !strings.Contains(res.Body, "Setujui hasil provinsi (Sumatera Selatan)") {
		t.Fatalf("sign-off should name the province, not its code:\n%s", res.Body)
	}
	mustStatus(t, "sign-off other province", bgp.PostForm("/seleksi/hasil/"+ids(run)+"/setujui", url.Values{"province": {"36"}, "confirm": {"yes"}}), 403)
	mustStatus(t, "sign-off", bgp.PostForm("/seleksi/hasil/"+ids(run)+"/setujui", url.Values{"province": {"16"}, "comment": {"Sudah diperiksa"}, "confirm": {"yes"}}), 303)
	// Not confirmed: 422 with the message, nothing published, nobody mailed.
	if res := cgps[0].c.Get("/dasbor"); strings.Contains(res.Body, "Jadwal tahap 2, hasil seleksi dan rincian nilai Anda.") {
		t.Fatalf("the dashboard links to a result not yet published")
	}
	res = admin.PostForm("/admin/seleksi/hasil/"+ids(run)+"/umumkan", url.Values{"override": {"diketik"}})
	mustStatus(t, "publish unconfirmed", res, 422)
	if !strings.Contains(res.Body, "Centang pernyataan di atas untuk mengumumkan hasil") || !strings.Contains(res.Body, `value="diketik"`) {
		t.Error("unconfirmed publication: message or typed reason missing")
	}
	res = admin.PostForm("/admin/seleksi/hasil/"+ids(run)+"/umumkan", url.Values{"confirm": {"yes"}})
	mustStatus(t, "publish without all sign-offs", res, 303)
	if n := selCount(t, a, `SELECT count(*) FROM result_runs WHERE published_at IS NOT NULL`); n != 0 {
		t.Fatal("published without every sign-off or an override")
	}
	mustStatus(t, "publish", admin.PostForm("/admin/seleksi/hasil/"+ids(run)+"/umumkan", url.Values{"override": {"BGP Banten belum aktif"}, "confirm": {"yes"}}), 303)
	if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'selection.run.publish' AND detail->>'override_reason' = 'BGP Banten belum aktif'`); n != 1 {
		t.Fatal("override reason not audited")
	}
	// SECURITY.md 24: a double-submitted publication and sign-off change nothing more.
	mails := selCount(t, a, `SELECT count(*) FROM mail_outbox`)
	mustStatus(t, "publish again", admin.PostForm("/admin/seleksi/hasil/"+ids(run)+"/umumkan", url.Values{"override": {"BGP Banten belum aktif"}, "confirm": {"yes"}}), 409)
	mustStatus(t, "sign-off again", bgp.PostForm("/seleksi/hasil/"+ids(run)+"/setujui", url.Values{"province": {"16"}, "comment": {"Sudah diperiksa"}, "confirm": {"yes"}}), 409)
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox`); n != mails || selCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'selection.run.publish'`) != 1 {
		t.Fatalf("a second publication: %d mails (was %d)", n, mails)
	}

	// Nothing shows before the admin releases the held mails.
	if res := cgps[0].c.Get("/seleksi/saya"); strings.Contains(res.Body, "94.45") {
		t.Fatalf("the result shows before its mails are released:\n%s", res.Body)
	}
	if res := cgps[0].c.Get("/dasbor"); strings.Contains(res.Body, "Jadwal tahap 2, hasil seleksi dan rincian nilai Anda.") {
		t.Fatalf("the dashboard links to a result whose mails are not released")
	}
	releaseReviewed(t, admin)
	// The dashboard links each applicant with a published result to it (HasApplicantPage).
	for _, g := range cgps[:2] {
		if res := g.c.Get("/dasbor"); !strings.Contains(res.Body, "Jadwal tahap 2, hasil seleksi dan rincian nilai Anda.") {
			t.Fatalf("no selection card on the dashboard of an applicant with a published result")
		}
	}
	// Siti: 94.45 lulus rank 1 of 2 in OKU (quota 1); Budi cadangan.
	res = cgps[0].c.Get("/seleksi/saya")
	for _, want := range []string{"Lulus", "94.45", "1 dari 2 pendaftar", "Pengalaman mengembangkan orang lain", "60.00", "4.00"} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("breakdown lacks %q:\n%s", want, res.Body)
		}
	}
	res = cgps[1].c.Get("/seleksi/saya")
	if !strings.Contains(res.Body, "Cadangan") {
		t.Fatal("Budi should be cadangan")
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE subject = 'Hasil seleksi Calon Guru Penggerak'`); n != 3 {
		t.Fatalf("%d result mails", n)
	}
	// Siti declines; Budi moves up and is emailed.
	var seat int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM pembekalan_seats WHERE application_id = $1`, cgps[0].app).Scan(&seat)
	mustStatus(t, "decline by another", cgps[1].c.PostForm("/seleksi/kursi/"+ids(seat)+"/tolak", nil), 404)
	// Withdrawing gives the seat away for good: without ticking "I am sure" it is refused on the
	// same page, saying why, and the seat is still offered.
	res = cgps[0].c.PostForm("/seleksi/kursi/"+ids(seat)+"/tolak", nil)
	mustStatus(t, "decline without ticking", res, 422)
	if !strings.Contains(res.Body, "Centang pernyataan di atas") || !strings.Contains(res.Body, "94.45") {
		t.Fatalf("refused decline should re-render the results page with the reason:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM pembekalan_seats WHERE id = $1 AND status = 'offered'`, seat); n != 1 {
		t.Fatal("an unticked decline changed the seat")
	}
	mustStatus(t, "decline", cgps[0].c.PostForm("/seleksi/kursi/"+ids(seat)+"/tolak", url.Values{"yakin": {"true"}}), 303)
	releaseReviewed(t, admin)
	res = cgps[1].c.Get("/seleksi/saya")
	if !strings.Contains(res.Body, "naik dari daftar cadangan") {
		t.Fatalf("Budi not promoted:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'budi@uji.id' AND subject = 'Anda naik dari daftar cadangan'`); n != 1 {
		t.Fatal("promotion not emailed")
	}
	// Budi confirms: a text file is refused, a PDF accepted; the admin records attendance.
	var budiSeat int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM pembekalan_seats WHERE application_id = $1`, cgps[1].app).Scan(&budiSeat)
	upload := func(content string) apptest.Response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("pakta", "pakta.pdf")
		_, _ = fw.Write([]byte(content))
		_ = mw.Close()
		return cgps[1].c.PostBody("/seleksi/kursi/"+ids(budiSeat)+"/konfirmasi", mw.FormDataContentType(), &buf)
	}
	res = upload("bukan pdf")
	mustStatus(t, "not a pdf", res, 422)
	if !strings.Contains(res.Body, "Unggah Pakta Integritas yang sudah ditandatangani dalam format PDF") || !strings.Contains(res.Body, "naik dari daftar cadangan") {
		t.Fatalf("a refused Pakta should re-render the results page with the message at the field:\n%s", res.Body)
	}
	mustStatus(t, "pdf over 5 MiB", upload("%PDF-1.4\n"+strings.Repeat("0", 5<<20)), 413)
	mustStatus(t, "pdf", upload("%PDF-1.4\n%pakta"), 303)
	mustStatus(t, "confirm again", upload("%PDF-1.4\n%pakta"), 409)
	if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'selection.seat.confirm'`); n != 1 {
		t.Fatalf("%d confirmations recorded for one seat", n)
	}
	mustStatus(t, "attend", admin.PostForm("/admin/seleksi/hasil/"+ids(run)+"/pembekalan/"+ids(budiSeat)+"/hadir", nil), 303)
	if n := selCount(t, a, `SELECT count(*) FROM pembekalan_seats WHERE id = $1 AND status = 'attended' AND pakta_storage IS NOT NULL`, budiSeat); n != 1 {
		t.Fatal("attendance not recorded")
	}
	// A correction after publication needs a reason; both runs stay visible.
	// A correction without the run it corrects or a reason is refused on the same page, with a
	// message at each field and what was typed kept.
	res = admin.PostForm(base+"/hasil", url.Values{"reason": {"abc"}})
	mustStatus(t, "correction without reason", res, 422)
	for _, want := range []string{"Pilih hasil yang dikoreksi.", "Tulis alasan koreksi (minimal 5 karakter).", `value="abc"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("refused correction lacks %q:\n%s", want, res.Body)
		}
	}
	res = admin.PostForm(base+"/hasil", url.Values{"corrects": {ids(run)}, "reason": {"x"}})
	mustStatus(t, "correction with a short reason", res, 422)
	if !strings.Contains(res.Body, "Tulis alasan koreksi") || strings.Contains(res.Body, "Pilih hasil yang dikoreksi.") || !strings.Contains(res.Body, `value="`+ids(run)+`" selected`) {
		t.Fatalf("short reason: wrong messages or lost choice:\n%s", res.Body)
	}
	mustStatus(t, "correction", admin.PostForm(base+"/hasil", url.Values{"corrects": {ids(run)}, "reason": {"Koreksi data sekolah"}}), 303)
	res = admin.Get("/seleksi/hasil")
	if strings.Count(res.Body, "/seleksi/hasil/") < 2 {
		t.Fatal("both runs should be listed")
	}
	if !strings.Contains(admin.Get(base).Body, "Koreksi atas hasil") {
		t.Fatal("the correction is not shown as one")
	}
}

// TestRegionalRolesCannotWriteSelection: no dinas or bgp can write a score, a grade, a quota or a
// run: 403, and the database unchanged.
func TestRegionalRolesCannotWriteSelection(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	w := newSelWorld(t, fx)
	var open int64
	_ = a.DB.QueryRow(context.Background(), `INSERT INTO score_sheets (application_id, stage, assessor_id, adjudicator) VALUES ($1, 'tahap1', $2, true) RETURNING id`,
		w.Apps[0], w.X).Scan(&open)
	a.User("dinasprov@uji.id", account.RoleDinas, account.Scope{ProvinceCode: "16"})
	a.User("dinas@uji.id", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("bgp@uji.id", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	snapshot := func() string {
		var s string
		err := a.DB.QueryRow(context.Background(), `SELECT concat_ws('|',
			(SELECT string_agg(concat_ws(',', cohort_id, stage, passing_grade, threshold), ';') FROM selection_rubrics),
			(SELECT string_agg(concat_ws(',', id, name, min_score, max_score, weight), ';' ORDER BY id) FROM selection_criteria),
			(SELECT string_agg(concat_ws(',', id, assessor_id, submitted_at, stage_score), ';' ORDER BY id) FROM score_sheets),
			(SELECT string_agg(concat_ws(',', sheet_id, position, score), ';' ORDER BY sheet_id, position) FROM score_items),
			(SELECT string_agg(concat_ws(',', cohort_id, regency_code, quota), ';' ORDER BY cohort_id, regency_code) FROM cohort_regencies),
			(SELECT string_agg(concat_ws(',', id, published_at, output_hash), ';' ORDER BY id) FROM result_runs),
			(SELECT count(*) FROM run_results), (SELECT count(*) FROM pembekalan_seats))`).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	writes := []struct {
		path string
		form url.Values
	}{
		{"/admin/seleksi/" + ids(w.Cohort) + "/rubrik/tahap1", url.Values{"passing_grade": {"10"}, "threshold": {"90"}, "criteria": {"Mudah | 1 | 4 | 1"}}},
		{"/admin/seleksi/" + ids(w.Cohort) + "/tugaskan/tahap1", nil},
		{"/admin/seleksi/lembar/" + ids(open) + "/pindah", url.Values{"assessor": {ids(w.Y)}}},
		{"/admin/seleksi/" + ids(w.Cohort) + "/hasil", nil},
		{"/admin/seleksi/hasil/" + ids(w.Run) + "/umumkan", url.Values{"override": {"paksa diumumkan"}, "confirm": {"yes"}}},
		{"/admin/seleksi/hasil/" + ids(w.Run) + "/pembekalan/kedaluwarsa", confirmYes},
		{"/asesor/penilaian/" + ids(open), url.Values{"score": {"4", "4"}, "submit": {"true"}, "confirm": {"yes"}}},
		// quotas are the cohort's kab/kota targets (recruitment feature)
		{"/admin/angkatan/" + ids(w.Cohort) + "/sasaran", url.Values{"regency_code": {"16.01"}, "quota": {"999"}}},
		{"/admin/angkatan/" + ids(w.Cohort) + "/sasaran/hapus", url.Values{"regency_code": {"16.01"}}},
	}
	for _, who := range []string{"dinasprov@uji.id", "dinas@uji.id", "bgp@uji.id"} {
		c := a.SignIn(who)
		for _, wr := range writes {
			if res := c.PostForm(wr.path, wr.form); res.Status != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", who, wr.path, res.Status)
			}
		}
	}
	if after := snapshot(); after != before {
		t.Fatalf("the database changed:\n%s\n%s", before, after)
	}
}

// TestSelectionRegionScope: Dinas sees results of its own region only, and only after
// publication; BGP sees its province; an assessor sees only their own sheets, and the other
// assessor's scores only after both submitted.
func TestSelectionRegionScope(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	w := newSelWorld(t, fx)
	a.User("serang@uji.id", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	a.User("oku@uji.id", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("bgpjabar@uji.id", account.RoleBGP, account.Scope{ProvinceCode: "32"})
	serang, oku, jabar := a.SignIn("serang@uji.id"), a.SignIn("oku@uji.id"), a.SignIn("bgpjabar@uji.id")
	path := "/seleksi/hasil/" + ids(w.Run)
	mustStatus(t, "dinas before publication", serang.Get(path), 404)
	if strings.Contains(serang.Get("/seleksi/hasil").Body, path) {
		t.Fatal("dinas lists an unpublished run")
	}
	mustStatus(t, "bgp of another province", jabar.Get(path), 404)
	if err := selection.NewStore(a.DB).Publish(context.Background(), testActor(), w.Run, "uji cakupan", time.Now().Add(time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	res := serang.Get(path)
	mustStatus(t, "dinas after publication", res, 200)
	if !strings.Contains(res.Body, "Calon") || strings.Contains(res.Body, "Kabupaten Ogan Komering Ulu") || strings.Count(res.Body, `<td>Kota Serang <span class="muted">36.73</span></td></tr>`) != 1 {
		t.Fatalf("dinas Serang sees outside its kab/kota:\n%s", res.Body)
	}
	res = oku.Get(path)
	if strings.Count(res.Body, `<span class="muted">16.01</span></td></tr>`) != 2 || strings.Contains(res.Body, `<span class="muted">36.73</span></td></tr>`) {
		t.Fatalf("dinas OKU view wrong:\n%s", res.Body)
	}
	if strings.Contains(res.Body, `/setujui"`) || strings.Contains(res.Body, `/umumkan"`) {
		t.Fatal("dinas is offered a write action")
	}
}

func TestAssessorSeesOnlyOwnSheets(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	cohort := fx.Cohort(map[string]int{"16.01": 2})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	_, app := fx.Applicant(cohort, "cgp@uji.id", "Dewi Lestari", "10600301", "16.01", time.Now())
	one := a.User("satu@uji.id", account.RoleAsesor, account.Scope{})
	two := a.User("dua@uji.id", account.RoleAsesor, account.Scope{})
	s1 := fx.Score(app, selection.StageTahap1, one.ID, 4, 4)
	var s2 int64
	_ = a.DB.QueryRow(context.Background(), `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2) RETURNING id`, app, two.ID).Scan(&s2)
	c1, c2 := a.SignIn("satu@uji.id"), a.SignIn("dua@uji.id")
	if res := c2.Get("/dasbor"); !strings.Contains(res.Body, "1 lembar nilai menunggu penilaian Anda") {
		t.Fatalf("dashboard lacks the open-sheet card:\n%s", res.Body)
	}
	doc := fx.Document(app, a.Config.UploadDir, []byte("%PDF-1.4 ktp"))
	res := c1.Get("/asesor/penilaian/" + ids(s1) + "/berkas/" + ids(doc))
	if res.Status != 200 || res.Body != "%PDF-1.4 ktp" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") ||
		strings.Contains(res.Header.Get("Content-Disposition"), "nama-asli") {
		t.Fatalf("document download: %d %q %v", res.Status, res.Body, res.Header)
	}
	mustStatus(t, "document through another's sheet", c2.Get("/asesor/penilaian/"+ids(s1)+"/berkas/"+ids(doc)), 404)
	mustStatus(t, "another's sheet", c2.Get("/asesor/penilaian/"+ids(s1)), 404)
	mustStatus(t, "another's sheet POST", c2.PostForm("/asesor/penilaian/"+ids(s1), url.Values{"score": {"1", "1"}, "submit": {"true"}, "confirm": {"yes"}}), 404)
	res = c1.Get("/asesor/penilaian/" + ids(s1))
	if !strings.Contains(res.Body, "setelah kedua penilai mengirim") || strings.Contains(res.Body, "Dewi Lestari") {
		t.Fatalf("before the second submits:\n%s", res.Body)
	}
	res = c2.Get("/asesor/penilaian/" + ids(s2))
	if strings.Contains(res.Body, "100.00") {
		t.Fatal("the second assessor sees the first's score before submitting")
	}
	mustStatus(t, "draft", c2.PostForm("/asesor/penilaian/"+ids(s2), url.Values{"score": {"4", ""}, "note": {"bagus", ""}, "submit": {"false"}}), 303)
	if res := c2.Get("/asesor/penilaian/" + ids(s2)); !strings.Contains(res.Body, "bagus") {
		t.Fatal("draft not kept")
	}
	mustStatus(t, "submit", c2.PostForm("/asesor/penilaian/"+ids(s2), url.Values{"score": {"4", "3"}, "submit": {"true"}, "confirm": {"yes"}}), 303)
	if res := c1.Get("/asesor/penilaian/" + ids(s1)); !strings.Contains(res.Body, "88.89") {
		t.Fatal("after both submitted the other's score should show")
	}
	mustStatus(t, "change after submit", c2.PostForm("/asesor/penilaian/"+ids(s2), url.Values{"score": {"1", "1"}, "submit": {"true"}, "confirm": {"yes"}}), 409)
}

// matrixSlot schedules tahap 2 for a world once and returns a1's session (with a pending
// reschedule request when requested).
func matrixSlot(f *fixture, key string, requested bool) int64 {
	k := "selection.slot." + key
	if id, ok := f.Data[k].(int64); ok {
		return id
	}
	w := selMatrixWorld(f, key)
	id := scheduleWorld(f.App.T, selFixture(f), w)
	if requested {
		if err := selection.NewStore(f.App.DB).RequestReschedule(context.Background(), testActor(), w.Users[0], id, "berhalangan hadir", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			f.App.T.Fatal(err)
		}
	}
	f.Data[k] = id
	return id
}

// scheduleWorld adds tahap 2 rubrics, schedules from 4 May 2026 and returns a1's session.
func scheduleWorld(t testing.TB, fx selectiontest.Fixture, w selWorld) int64 {
	fx.Rubric(w.Cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
	fx.Rubric(w.Cohort, selection.StageWawancara, selectiontest.DefaultRubric())
	win, errs := scheduleForm().Parse()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, err := selection.NewStore(fx.DB).ScheduleTahap2(context.Background(), testActor(), w.Cohort, win, "daring", "https://meet.example.id/gp"); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := fx.DB.QueryRow(context.Background(), `SELECT id FROM tahap2_slots WHERE application_id = $1`, w.Apps[0]).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func scheduleForm() selection.ScheduleForm {
	return selection.ScheduleForm{FirstDay: "2026-05-04", DayStart: "08:00", DayEnd: "16:00", Minutes: "75", Break: "15", Mode: "daring", Location: "https://meet.example.id/gp"}
}

func init() {
	admin := func(status int) map[string]int { return only(status, "admin") }
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/seleksi/{cohort}/jadwal", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/jadwal"
		}, Want: admin(200)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/jadwal", Path: func(f *fixture) string {
			w := selMatrixWorld(f, "schedule")
			if _, ok := f.Data["selection.schedule.rubrics"]; !ok {
				selFixture(f).Rubric(w.Cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
				selFixture(f).Rubric(w.Cohort, selection.StageWawancara, selectiontest.DefaultRubric())
				f.Data["selection.schedule.rubrics"] = true
			}
			return "/admin/seleksi/" + ids(w.Cohort) + "/jadwal"
		}, Form: func(*fixture) url.Values {
			sf := scheduleForm()
			return url.Values{"first_day": {sf.FirstDay}, "day_start": {sf.DayStart}, "day_end": {sf.DayEnd}, "minutes": {sf.Minutes},
				"break": {sf.Break}, "mode": {sf.Mode}, "location": {sf.Location}}
		}, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/jadwal/{slot}/ubah", Path: func(f *fixture) string {
			return "/admin/seleksi/jadwal/" + ids(matrixSlot(f, "approve", true)) + "/ubah"
		}, Form: func(*fixture) url.Values { return url.Values{"start": {"2099-05-06T09:00"}} }, Want: admin(303)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/jadwal/{slot}/status", Path: func(f *fixture) string {
			return "/admin/seleksi/jadwal/" + ids(matrixSlot(f, "mark", false)) + "/status"
		}, Form: func(*fixture) url.Values { return url.Values{"status": {"tidak_hadir"}} }, Want: admin(303)},
		// Someone else's session: 404 for everyone (every signed-in user holds guru).
		routeCase{Method: "POST", Pattern: "/seleksi/jadwal/{slot}/ubah", Path: func(f *fixture) string {
			return "/seleksi/jadwal/" + ids(matrixSlot(f, "mark", false)) + "/ubah"
		}, Form: func(*fixture) url.Values { return url.Values{"reason": {"berhalangan hadir"}} }, Want: signedIn(404)},
	)
}

// TestTahap2Schedule: the applicant sees the session in their own time zone (WIT for Kota
// Jayapura), asks once to reschedule, the admin approves a new time, a no-show is recorded.
func TestTahap2Schedule(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	admin := a.SignIn("admin@uji.id")
	cohort := fx.Cohort(map[string]int{"91.71": 2})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	u := a.User("yohana@uji.id", account.RoleGuru, account.Scope{})
	app := fx.ApplicationFor(cohort, u.ID, "Yohana Wenda", "60000001", "91.71", time.Now())
	x := fx.User("ax@uji.id", "Asesor X", "asesor", "", "", "")
	y := fx.User("ay@uji.id", "Asesor Y", "asesor", "", "", "")
	fx.Score(app, selection.StageTahap1, x, 4, 4)
	fx.Score(app, selection.StageTahap1, y, 4, 3)
	fx.Rubric(cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
	fx.Rubric(cohort, selection.StageWawancara, selectiontest.DefaultRubric())
	page := "/admin/seleksi/" + ids(cohort) + "/jadwal"
	res := admin.PostForm(page, url.Values{"first_day": {"2026-05-04"}, "day_start": {"08:00"}, "day_end": {"08:30"}, "minutes": {"75"}, "break": {"0"}, "mode": {"daring"}, "location": {"ruang"}})
	mustStatus(t, "bad schedule form", res, 422)
	if !strings.Contains(res.Body, "2026-05-04") || !strings.Contains(res.Body, "https://") {
		t.Fatal("the schedule form lost the input or the message")
	}
	sf := scheduleForm()
	mustStatus(t, "schedule", admin.PostForm(page, url.Values{"first_day": {sf.FirstDay}, "day_start": {sf.DayStart}, "day_end": {sf.DayEnd},
		"minutes": {sf.Minutes}, "break": {sf.Break}, "mode": {sf.Mode}, "location": {sf.Location}}), 303)
	// 08:00 WIB is 10:00 WIT.
	c := a.SignIn("yohana@uji.id")
	a.SetNow(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	if res := c.Get("/dasbor"); !strings.Contains(res.Body, "Jadwal tahap 2, hasil seleksi dan rincian nilai Anda.") {
		t.Fatalf("no selection card on the dashboard of an applicant with a tahap 2 session")
	}
	res = c.Get("/seleksi/saya")
	if !strings.Contains(res.Body, "04-05-2026 10:00 WIT") || !strings.Contains(res.Body, "https://meet.example.id/gp") {
		t.Fatalf("session not shown in WIT:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'yohana@uji.id' AND body_text LIKE '%04-05-2026 10:00 WIT%'`); n != 1 {
		t.Fatal("schedule mail not in the applicant's zone")
	}
	var slot int64
	_ = a.DB.QueryRow(context.Background(), `SELECT id FROM tahap2_slots WHERE application_id = $1`, app).Scan(&slot)
	mustStatus(t, "reason too short", c.PostForm("/seleksi/jadwal/"+ids(slot)+"/ubah", url.Values{"reason": {"x"}}), 422)
	mustStatus(t, "request", c.PostForm("/seleksi/jadwal/"+ids(slot)+"/ubah", url.Values{"reason": {"Ada ujian sertifikasi"}}), 303)
	mustStatus(t, "second request", c.PostForm("/seleksi/jadwal/"+ids(slot)+"/ubah", url.Values{"reason": {"Sekali lagi ya"}}), 409)
	if !strings.Contains(admin.Get(page).Body, "Ada ujian sertifikasi") {
		t.Fatal("admin does not see the request")
	}
	mustStatus(t, "approve", admin.PostForm("/admin/seleksi/jadwal/"+ids(slot)+"/ubah", url.Values{"start": {"2026-05-07T13:00"}}), 303)
	if !strings.Contains(c.Get("/seleksi/saya").Body, "07-05-2026 15:00 WIT") {
		t.Fatal("new time not shown in WIT")
	}
	mustStatus(t, "no-show", admin.PostForm("/admin/seleksi/jadwal/"+ids(slot)+"/status", url.Values{"status": {"tidak_hadir"}}), 303)
	if n := selCount(t, a, `SELECT count(*) FROM tahap2_slots WHERE id = $1 AND status = 'tidak_hadir'`, slot); n != 1 {
		t.Fatal("no-show not recorded")
	}
	if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action LIKE 'selection.tahap2.%'`); n != 4 {
		t.Fatalf("%d tahap 2 audit entries, want 4", n)
	}
}

// A criterion that describes every level of its scale is scored by picking a level from a radio
// list showing each description (no typing); a draft with the first criterion unpicked keeps the
// second's score on the second criterion; an error re-render keeps the picked level.
func TestScoringByLevelDescriptions(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	cohort := fx.Cohort(map[string]int{"16.01": 2})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric()) // 1: 1-4 with Belum/Mulai/Cakap/Mahir; 2: 1-4, no levels
	_, app := fx.Applicant(cohort, "cgp@uji.id", "Dewi Lestari", "10600301", "16.01", time.Now())
	as := a.User("satu@uji.id", account.RoleAsesor, account.Scope{})
	var sheet int64
	_ = a.DB.QueryRow(context.Background(), `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2) RETURNING id`, app, as.ID).Scan(&sheet)
	c := a.SignIn("satu@uji.id")
	path := "/asesor/penilaian/" + ids(sheet)
	res := c.Get(path)
	for _, want := range []string{`type="radio" id="score-1-1" name="score[0]" value="1"`, `<label for="score-1-3"><strong>3</strong> — Cakap</label>`,
		`id="score-2" name="score[1]" type="number"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("sheet lacks %q:\n%s", want, res.Body)
		}
	}
	// Draft: level of criterion 1 not picked yet, criterion 2 typed.
	mustStatus(t, "draft", c.PostForm(path, url.Values{"score[1]": {"2"}, "note": {"", "cukup"}, "submit": {"false"}}), 303)
	if n := selCount(t, a, `SELECT count(*) FROM score_items WHERE sheet_id = $1 AND position = 2 AND score = 2 AND note = 'cukup'`, sheet); n != 1 {
		t.Fatal("criterion 2's score did not land on criterion 2")
	}
	if n := selCount(t, a, `SELECT count(*) FROM score_items WHERE sheet_id = $1 AND position = 1`, sheet); n != 0 {
		t.Fatal("an unpicked level was stored")
	}
	// Submitting with criterion 2 out of range: 422, the picked level stays checked.
	res = c.PostForm(path, url.Values{"score[0]": {"3"}, "score[1]": {"7"}, "submit": {"true"}, "confirm": {"yes"}})
	mustStatus(t, "out of range", res, 422)
	if !strings.Contains(res.Body, `id="score-1-3" name="score[0]" value="3" checked`) || !strings.Contains(res.Body, `value="7"`) {
		t.Fatalf("picked level or typed value lost:\n%s", res.Body)
	}
	mustStatus(t, "submit", c.PostForm(path, url.Values{"score[0]": {"3"}, "score[1]": {"4"}, "submit": {"true"}, "confirm": {"yes"}}), 303)
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets WHERE id = $1 AND submitted_at IS NOT NULL AND scores = '{3,4}'`, sheet); n != 1 {
		t.Fatal("submitted scores not stored in criterion order")
	}
}

// TestRunRefusedWhileScoresNotFinal: a run is refused while those who passed tahap 1 have no
// tahap 2 session, then while their tahap 2 sheets are not in; the admin sees how many
// applicants lack which score, nothing is stored or audited. A recorded no-show is not waited
// for.
func TestRunRefusedWhileScoresNotFinal(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	ctx := context.Background()
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	admin := a.SignIn("admin@uji.id")
	cohort := fx.Cohort(map[string]int{"16.01": 2, "36.73": 1})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	x := fx.User("ax@uji.id", "Asesor X", "asesor", "", "", "")
	y := fx.User("ay@uji.id", "Asesor Y", "asesor", "", "", "")
	var apps []int64
	for i, p := range []struct{ npsn, reg string }{{"10600401", "16.01"}, {"10600402", "16.01"}, {"36000403", "36.73"}} {
		_, app := fx.Applicant(cohort, fmt.Sprintf("cgp%d@uji.id", i), fmt.Sprintf("Calon %d", i), p.npsn, p.reg, time.Now())
		fx.Score(app, selection.StageTahap1, x, 4, 3)
		fx.Score(app, selection.StageTahap1, y, 4, 3)
		apps = append(apps, app)
	}
	fx.Rubric(cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
	fx.Rubric(cohort, selection.StageWawancara, selectiontest.DefaultRubric())
	base := "/admin/seleksi/" + ids(cohort)
	refused := func(what, want string) {
		t.Helper()
		res := admin.PostForm(base+"/hasil", nil)
		mustStatus(t, what, res, 409)
		if !strings.Contains(res.Body, "Hasil belum dapat dihitung") || !strings.Contains(res.Body, want) {
			t.Fatalf("%s: the page does not say %q:\n%s", what, want, res.Body)
		}
		if n := selCount(t, a, `SELECT count(*) FROM result_runs`); n != 0 {
			t.Fatalf("%s: %d runs stored", what, n)
		}
		if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'selection.run.create'`); n != 0 {
			t.Fatalf("%s: refused run audited", what)
		}
	}
	refused("before tahap 2 is scheduled", "3 pelamar lolos tahap 1 belum dijadwalkan untuk tahap 2.")
	sf := scheduleForm()
	mustStatus(t, "schedule", admin.PostForm(base+"/jadwal", url.Values{"first_day": {sf.FirstDay}, "day_start": {sf.DayStart}, "day_end": {sf.DayEnd},
		"minutes": {sf.Minutes}, "break": {sf.Break}, "mode": {sf.Mode}, "location": {sf.Location}}), 303)
	var slot int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM tahap2_slots WHERE application_id = $1`, apps[2]).Scan(&slot)
	mustStatus(t, "no-show", admin.PostForm("/admin/seleksi/jadwal/"+ids(slot)+"/status", url.Values{"status": {"tidak_hadir"}}), 303)
	refused("before tahap 2 is scored", "2 pelamar belum memiliki nilai simulasi mengajar; 2 pelamar belum memiliki nilai wawancara; 8 lembar nilai belum dikirim asesor.")
	for _, app := range apps[:2] {
		for _, st := range []selection.Stage{selection.StageSimulasi, selection.StageWawancara} {
			fx.Score(app, st, x, 4, 4)
			fx.Score(app, st, y, 4, 4)
		}
	}
	mustStatus(t, "run", admin.PostForm(base+"/hasil", nil), 303)
	if n := selCount(t, a, `SELECT count(*) FROM run_results WHERE application_id = $1 AND outcome = 'tidak_lulus'`, apps[2]); n != 1 {
		t.Fatal("the no-show should be tidak lulus")
	}
}
