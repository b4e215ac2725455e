package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

// serangRun is an unpublished run of a cohort with applicants in Kota Serang (Banten) only:
// another province's run for the matrix BGP (Sumatera Selatan).
func serangRun(t testing.TB, fx selectiontest.Fixture) int64 {
	t.Helper()
	n := int(selSeq.Add(1))
	cohort := fx.Cohort(map[string]int{"36.73": 1})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	x := fx.User(fmt.Sprintf("sx%d@uji.id", n), "Asesor SX", "asesor", "", "", "")
	y := fx.User(fmt.Sprintf("sy%d@uji.id", n), "Asesor SY", "asesor", "", "", "")
	_, app := fx.Applicant(cohort, fmt.Sprintf("serang%d@uji.id", n), "Calon Serang", fmt.Sprintf("3600%04d", n), "36.73", time.Now())
	fx.Score(app, selection.StageTahap1, x, 4, 4)
	fx.Score(app, selection.StageTahap1, y, 4, 4)
	run, err := selection.NewStore(fx.DB).CreateRun(context.Background(), testActor(), cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func returnForm(comment string) url.Values {
	return url.Values{"province": {"16"}, "regency": {"16.01"}, "comment": {comment}}
}

// matrixObjection is an open objection of Sumatera Selatan on a fresh world's run.
func matrixObjection(f *fixture, key string) (selWorld, int64) {
	w := selMatrixWorld(f, "objection."+key)
	if id, ok := f.Data["objection."+key].(int64); ok {
		return w, id
	}
	id, err := selection.NewStore(f.App.DB).ReturnRun(context.Background(), audit.Actor{UserID: f.Users["bgp"].ID}, w.Run, "16",
		map[string]string{"16.01": "Mohon periksa ulang nilai tahap 1"})
	if err != nil {
		f.App.T.Fatal(err)
	}
	f.Data["objection."+key] = id
	return w, id
}

func init() {
	addRoutes(
		routeCase{Method: "POST", Pattern: "/seleksi/hasil/{run}/kembalikan", Path: func(f *fixture) string {
			return "/seleksi/hasil/" + ids(selMatrixWorld(f, "return").Run) + "/kembalikan"
		}, Form: func(*fixture) url.Values { return returnForm("Nilai Calon perlu diperiksa ulang") }, Want: only(303, "bgp")},
		// IDOR: another province's run (no results in Sumatera Selatan) → 404.
		routeCase{Method: "POST", Pattern: "/seleksi/hasil/{run}/kembalikan", Variant: "other province", Path: func(f *fixture) string {
			k := "objection.serang"
			if p, ok := f.Data[k].(string); ok {
				return p
			}
			p := "/seleksi/hasil/" + ids(serangRun(f.App.T, selFixture(f))) + "/kembalikan"
			f.Data[k] = p
			return p
		}, Form: func(*fixture) url.Values {
			return url.Values{"province": {"16"}, "regency": {"36.73"}, "comment": {"Bukan provinsi saya"}}
		}, Want: only(404, "bgp")},
		// IDOR: naming a province outside the BGP's scope → 404.
		routeCase{Method: "POST", Pattern: "/seleksi/hasil/{run}/kembalikan", Variant: "province out of scope", Path: func(f *fixture) string {
			return "/seleksi/hasil/" + ids(selMatrixWorld(f, "return.scope").Run) + "/kembalikan"
		}, Form: func(*fixture) url.Values {
			return url.Values{"province": {"36"}, "regency": {"36.73"}, "comment": {"Bukan provinsi saya"}}
		}, Want: only(404, "bgp")},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/hasil/{run}/keberatan/{objection}/jawab", Path: func(f *fixture) string {
			w, id := matrixObjection(f, "answer")
			return "/admin/seleksi/hasil/" + ids(w.Run) + "/keberatan/" + ids(id) + "/jawab"
		}, Form: func(*fixture) url.Values {
			return url.Values{"kind": {"reply"}, "answer": {"Nilai sudah diperiksa dan benar."}}
		}, Want: only(303, "admin")},
		// IDOR: an objection through another run's path → 404.
		routeCase{Method: "POST", Pattern: "/admin/seleksi/hasil/{run}/keberatan/{objection}/jawab", Variant: "other run", Path: func(f *fixture) string {
			_, id := matrixObjection(f, "idor")
			return "/admin/seleksi/hasil/" + ids(selMatrixWorld(f, "view").Run) + "/keberatan/" + ids(id) + "/jawab"
		}, Form: func(*fixture) url.Values {
			return url.Values{"kind": {"reply"}, "answer": {"Nilai sudah diperiksa dan benar."}}
		}, Want: only(404, "admin")},
	)
}

// The BGP returns its province's part of a run with a comment per kab/kota (a refused form keeps
// what was typed); the admin answers once with a reply and once with a correction run; every
// step is stored, audited and shown on the run page.
func TestBGPReturnsRunAndAdminAnswers(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	w := newSelWorld(t, fx)
	a.User("bgp@uji.id", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	bgp, ad := a.SignIn("bgp@uji.id"), a.SignIn("admin@uji.id")
	page := "/seleksi/hasil/" + ids(w.Run)

	res := bgp.Get(page)
	mustStatus(t, "run page", res, 200)
	if !strings.Contains(res.Body, `action="`+page+`/kembalikan"`) || !strings.Contains(res.Body, `id="objection-16-01"`) {
		t.Fatalf("no return form with a comment per kab/kota:\n%s", res.Body)
	}
	res = bgp.PostForm(page+"/kembalikan", returnForm("abc"))
	mustStatus(t, "too short", res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, ">abc</textarea>") || !strings.Contains(res.Body, "Keberatan harus 5 sampai 2.000 karakter.") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("refused form:\n%s", res.Body)
	}
	mustStatus(t, "none", bgp.PostForm(page+"/kembalikan", returnForm("")), http.StatusUnprocessableEntity)
	if n := selCount(t, a, `SELECT count(*) FROM run_objections`); n != 0 {
		t.Fatal("a refused return was stored")
	}
	const comment = "Nilai Calon di OKU perlu diperiksa ulang: dua asesor dari sekolah yang sama."
	mustStatus(t, "return", bgp.PostForm(page+"/kembalikan", returnForm(comment)), http.StatusSeeOther)
	mustStatus(t, "return again while open", bgp.PostForm(page+"/kembalikan", returnForm(comment)), http.StatusConflict)
	var oid int64
	if err := a.DB.QueryRow(ctx, `SELECT o.id FROM run_objections o JOIN run_objection_comments c ON c.objection_id = o.id
		WHERE o.run_id = $1 AND o.province_code = '16' AND o.answered_at IS NULL AND c.regency_code = '16.01' AND c.comment = $2`, w.Run, comment).Scan(&oid); err != nil {
		t.Fatalf("objection not stored: %v", err)
	}
	if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'selection.run.return' AND object_id = $1`, ids(w.Run)); n != 1 {
		t.Fatal("return not audited")
	}
	res = ad.Get(page)
	if !strings.Contains(res.Body, comment) || !strings.Contains(res.Body, "Menunggu jawaban admin nasional") || !strings.Contains(res.Body, "/keberatan/"+ids(oid)+"/jawab") {
		t.Fatalf("the admin does not see the objection:\n%s", res.Body)
	}
	answer := "/admin/seleksi/hasil/" + ids(w.Run) + "/keberatan/" + ids(oid) + "/jawab"
	res = ad.PostForm(answer, url.Values{"kind": {"reply"}, "answer": {"ok"}})
	mustStatus(t, "short answer", res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "Jawaban harus 5 sampai 4.000 karakter.") {
		t.Fatalf("refused answer:\n%s", res.Body)
	}
	const reply = "Asesor sudah diganti sebelum penilaian; nilai tetap."
	mustStatus(t, "reply", ad.PostForm(answer, url.Values{"kind": {"reply"}, "answer": {reply}}), http.StatusSeeOther)
	mustStatus(t, "answer twice", ad.PostForm(answer, url.Values{"kind": {"reply"}, "answer": {reply}}), http.StatusConflict)
	if n := selCount(t, a, `SELECT count(*) FROM run_objections WHERE id = $1 AND answer_kind = 'reply' AND answer = $2 AND answered_at IS NOT NULL`, oid, reply); n != 1 {
		t.Fatal("reply not stored")
	}
	res = bgp.Get(page)
	if !strings.Contains(res.Body, reply) || !strings.Contains(res.Body, "Dibalas oleh") {
		t.Fatalf("the BGP does not see the reply:\n%s", res.Body)
	}

	// Returned again; the admin answers with a correction run.
	mustStatus(t, "return again", bgp.PostForm(page+"/kembalikan", returnForm("Masih keberatan atas peringkat di OKU.")), http.StatusSeeOther)
	_ = a.DB.QueryRow(ctx, `SELECT id FROM run_objections WHERE run_id = $1 AND answered_at IS NULL`, w.Run).Scan(&oid)
	res = ad.PostForm("/admin/seleksi/hasil/"+ids(w.Run)+"/keberatan/"+ids(oid)+"/jawab", url.Values{"kind": {"correction"}, "answer": {"Koreksi setelah keberatan BGP"}})
	mustStatus(t, "correction", res, http.StatusSeeOther)
	var corr int64
	if err := a.DB.QueryRow(ctx, `SELECT r.id FROM run_objections o JOIN result_runs r ON r.id = o.correction_run_id
		WHERE o.id = $1 AND o.answer_kind = 'correction' AND r.corrects_run_id = $2 AND r.reason = 'Koreksi setelah keberatan BGP'`, oid, w.Run).Scan(&corr); err != nil {
		t.Fatalf("no correction run: %v", err)
	}
	if res.Location != "/seleksi/hasil/"+ids(corr) {
		t.Errorf("after a correction the admin goes to %q", res.Location)
	}
	if n := selCount(t, a, `SELECT count(*) FROM audit_log WHERE action LIKE 'selection.run.objection.%'`); n != 2 {
		t.Fatalf("%d answers audited, want 2", n)
	}
	res = bgp.Get(page)
	if !strings.Contains(res.Body, "Putaran #"+ids(corr)) || !strings.Contains(res.Body, "Masih keberatan atas peringkat di OKU.") {
		t.Fatalf("the exchange is not on the run page:\n%s", res.Body)
	}
}
