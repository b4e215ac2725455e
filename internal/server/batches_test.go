package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

// batchWorld is a cohort with two applicants in OKU and no sheets yet, and its id.
func batchWorld(t testing.TB, fx selectiontest.Fixture, tag int) int64 {
	t.Helper()
	cohort := fx.Cohort(map[string]int{"16.01": 2})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	for i := 0; i < 2; i++ {
		fx.Applicant(cohort, fmt.Sprintf("b%d-%d@uji.id", tag, i), fmt.Sprintf("Calon %d-%d", tag, i), fmt.Sprintf("106%03d%02d", tag, i), "16.01", time.Now())
	}
	return cohort
}

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/seleksi/{cohort}/tugaskan/{stage}", Path: func(f *fixture) string {
			return "/admin/seleksi/" + ids(selMatrixWorld(f, "view").Cohort) + "/tugaskan/tahap1"
		}, Want: only(200, "admin")},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/{cohort}/penugasan/{batch}/batal", Path: func(f *fixture) string {
			k := "batch.undo"
			if p, ok := f.Data[k].(string); ok {
				return p
			}
			fx := selFixture(f)
			cohort := batchWorld(f.App.T, fx, 901)
			if _, err := selection.NewStore(fx.DB).AutoAssign(context.Background(), testActor(), cohort, selection.StageTahap1, time.Now()); err != nil {
				f.App.T.Fatal(err)
			}
			var batch int64
			_ = fx.DB.QueryRow(context.Background(), `SELECT id FROM assign_batches WHERE cohort_id = $1`, cohort).Scan(&batch)
			p := "/admin/seleksi/" + ids(cohort) + "/penugasan/" + ids(batch) + "/batal"
			f.Data[k] = p
			return p
		}, Form: func(*fixture) url.Values { return url.Values{"yakin": {"true"}, "stage": {"tahap1"}} }, Want: only(303, "admin")},
	)
}

// The admin previews (names, counts, nothing stored), commits, and undoes the batch with the
// confirmation; the sheets are as before; a batch through another cohort's URL is 404.
func TestAssignPreviewAndUndoPages(t *testing.T) {
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	cohort := batchWorld(t, fx, 77)
	other := batchWorld(t, fx, 78)
	fx.User("p@uji.id", "Asesor Pertama", "asesor", "", "", "")
	fx.User("k@uji.id", "Asesor Kedua", "asesor", "", "", "")
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	ad := a.SignIn("admin@uji.id")
	base := "/admin/seleksi/" + ids(cohort)
	res := ad.Get(base + "/tugaskan/tahap1")
	if res.Status != 200 || !strings.Contains(res.Body, "4 lembar baru") || !strings.Contains(res.Body, "Asesor Pertama") {
		t.Fatalf("preview: %d\n%s", res.Status, res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets`); n != 0 {
		t.Fatal("the preview stored sheets")
	}
	mustStatus(t, "commit", ad.PostForm(base+"/tugaskan/tahap1", nil), 303)
	var batch int64
	_ = a.DB.QueryRow(context.Background(), `SELECT id FROM assign_batches WHERE cohort_id = $1`, cohort).Scan(&batch)
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets WHERE batch_id = $1`, batch); n != 4 {
		t.Fatalf("%d sheets in the batch", n)
	}
	undo := base + "/penugasan/" + ids(batch) + "/batal"
	res = ad.PostForm(undo, url.Values{"stage": {"tahap1"}})
	mustStatus(t, "undo unsure", res, 422)
	if !strings.Contains(res.Body, "Centang kotak ini untuk memastikan pembatalan") {
		t.Fatalf("refused undo:\n%s", res.Body)
	}
	mustStatus(t, "undo through another cohort", ad.PostForm("/admin/seleksi/"+ids(other)+"/penugasan/"+ids(batch)+"/batal", url.Values{"yakin": {"true"}}), 404)
	mustStatus(t, "undo", ad.PostForm(undo, url.Values{"yakin": {"true"}, "stage": {"tahap1"}}), 303)
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets`); n != 0 {
		t.Fatalf("%d sheets after the undo, want none (as before)", n)
	}
	if res := ad.Get(base + "/tugaskan/tahap1"); !strings.Contains(res.Body, "Dibatalkan") {
		t.Fatalf("history lacks the undone batch:\n%s", res.Body)
	}
}
