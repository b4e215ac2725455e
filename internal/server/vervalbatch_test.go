package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/apptest"
)

// vervalMatrixPath is a path under one cohort shared by the verval batch rows.
func vervalMatrixPath(suffix string) func(f *fixture) string {
	return func(f *fixture) string {
		id, ok := f.Data["verval.batch.cohort"].(int64)
		if !ok {
			// A number of its own: the recruitment rows number theirs 100+n and the training
			// fixtures take 300-499.
			id = recSeedCohort(f.App.T, f.App, 999, "draft", 0).ID
			f.Data["verval.batch.cohort"] = id
		}
		return fmt.Sprintf("/admin/angkatan/%d%s", id, suffix)
	}
}

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/angkatan/{id}/verval/bagi", Path: vervalMatrixPath("/verval/bagi"), Want: only(200, "admin")},
		// Unconfirmed: the confirmation page, nothing undone.
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/penugasan/{batch}/batal", Path: vervalMatrixPath("/verval/penugasan/1/batal"),
			Want: only(422, "admin")},
		// Confirmed, a batch that is not this cohort's: 404.
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/penugasan/{batch}/batal", Variant: "other cohort", Path: vervalMatrixPath("/verval/penugasan/99999999/batal"),
			Form: func(*fixture) url.Values { return url.Values{"confirm": {"yes"}} }, Want: only(404, "admin")},
		routeCase{Method: "POST", Pattern: "/admin/angkatan/{id}/verval/pindah", Path: vervalMatrixPath("/verval/pindah"), Want: only(422, "admin")},
	)
}

// Pure: the plan says who gets how many, how often an assessor was passed over for teaching at
// the applicant's school, and why an application is left.
func TestPlanEvenlyExplains(t *testing.T) {
	as := []application.Assessor{
		{UserID: 1, NPSN: "10600001", ProvinceCodes: []string{"16"}},
		{UserID: 2, ProvinceCodes: []string{"16"}, Load: 1},
		{UserID: 3, NPSN: "36000001", RegencyCodes: []string{"36.73"}},
	}
	apps := []application.Pending{
		{ID: 10, RegencyCode: "16.01", NPSN: "10600001"}, // 1 is at its school → 2
		{ID: 11, RegencyCode: "16.01", NPSN: "10600002"}, // 1 (load 0) → 1
		{ID: 12, RegencyCode: "36.73", NPSN: "36000001"}, // only 3, own school → left
		{ID: 13, RegencyCode: "51.71", NPSN: "51000001"}, // nobody covers Bali → left
	}
	p := application.PlanEvenly(apps, as)
	if want := map[int64]int64{10: 2, 11: 1}; !reflect.DeepEqual(p.Assign, want) {
		t.Errorf("assign %v, want %v", p.Assign, want)
	}
	if p.ConflictsAvoided != 2 || p.PerAssessor[1] != 1 || p.PerAssessor[2] != 1 {
		t.Errorf("conflicts %d, per assessor %v", p.ConflictsAvoided, p.PerAssessor)
	}
	want := []application.Unassigned{{ID: 12, Reason: application.OnlyOwnSchool}, {ID: 13, Reason: application.NoAssessorInScope}}
	if !reflect.DeepEqual(p.Unassigned, want) {
		t.Errorf("unassigned %v, want %v", p.Unassigned, want)
	}
}

func vervalRows(t *testing.T, a *apptest.App, cohort int64) map[int64]int64 {
	t.Helper()
	rows, _ := a.DB.Query(context.Background(), `SELECT va.application_id, va.assessor_id FROM verval_assignments va
		JOIN applications ap ON ap.id = va.application_id WHERE ap.cohort_id = $1`, cohort)
	out := map[int64]int64{}
	var app, asr int64
	if _, err := pgx.ForEachRow(rows, []any{&app, &asr}, func() error { out[app] = asr; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// The admin previews (nothing stored), commits one batch, and undoing it restores exactly the
// assignment before it (checked in the DB); a batch with a decided document cannot be undone;
// many assignments move from one assessor to another at once (previewed, then confirmed),
// skipping started ones.
func TestVervalPreviewUndoAndBulkMove(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	tc := recSeedCohort(t, a, 15, "pendaftaran", 0)
	adm := recAdminClient(t, a)
	a1 := a.User("pertama@asesor.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	a2 := a.User("kedua@asesor.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	var apps []int64
	for i := 0; i < 4; i++ {
		_, _, id := recSubmitted(t, a, tc, fmt.Sprintf("batch%d@guru.test", i), fmt.Sprintf("1060150%d", i), "16.01")
		apps = append(apps, id)
	}
	var number string
	_ = a.DB.QueryRow(ctx, `SELECT registration_number FROM applications WHERE id = $1`, apps[0]).Scan(&number)
	mustStatus(t, "manual", adm.PostForm(fmt.Sprintf("/admin/angkatan/%d/verval/tugaskan", tc.ID), url.Values{"number": {number}, "assessor_id": {fmt.Sprint(a1.ID)}}), http.StatusSeeOther)
	before := vervalRows(t, a, tc.ID)

	base := fmt.Sprintf("/admin/angkatan/%d/verval", tc.ID)
	res := adm.Get(base + "/bagi")
	mustStatus(t, "preview", res, 200)
	if !strings.Contains(res.Body, "3 pendaftaran mendapat asesor, 0 tidak dapat dibagi") || !strings.Contains(res.Body, "Bagi 3 pendaftaran sekarang") {
		t.Fatalf("preview:\n%s", res.Body)
	}
	if got := vervalRows(t, a, tc.ID); !reflect.DeepEqual(got, before) {
		t.Fatal("the preview stored assignments")
	}
	mustStatus(t, "commit", adm.PostForm(base+"/bagi", nil), http.StatusSeeOther)
	var batch int64
	if err := a.DB.QueryRow(ctx, `SELECT b.id FROM verval_batches b WHERE b.cohort_id = $1 AND b.assignments = 3
		AND (SELECT count(*) FROM verval_assignments WHERE batch_id = b.id) = 3`, tc.ID).Scan(&batch); err != nil {
		t.Fatalf("no batch of 3: %v", err)
	}
	undo := fmt.Sprintf("%s/penugasan/%d/batal", base, batch)
	mustStatus(t, "undo unconfirmed", adm.PostForm(undo, nil), http.StatusUnprocessableEntity)
	if n := len(vervalRows(t, a, tc.ID)); n != 4 {
		t.Fatalf("an unconfirmed undo changed the assignment: %d rows", n)
	}
	mustStatus(t, "undo", adm.PostForm(undo, confirmYes), http.StatusSeeOther)
	if got := vervalRows(t, a, tc.ID); !reflect.DeepEqual(got, before) {
		t.Fatalf("after undo %v, before the batch %v", got, before)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'verval.assign.undo' AND object_id = $1`, fmt.Sprint(batch)); n != 1 {
		t.Error("undo not audited")
	}
	mustStatus(t, "undo twice", adm.PostForm(undo, confirmYes), http.StatusConflict)

	// A second batch; one of its applications gets a decision: no undo.
	mustStatus(t, "commit again", adm.PostForm(base+"/bagi", nil), http.StatusSeeOther)
	_ = a.DB.QueryRow(ctx, `SELECT max(id) FROM verval_batches WHERE cohort_id = $1`, tc.ID).Scan(&batch)
	var startedApp, startedBy, doc int64
	_ = a.DB.QueryRow(ctx, `SELECT va.application_id, va.assessor_id FROM verval_assignments va WHERE va.batch_id = $1 AND va.assessor_id = $2
		ORDER BY 1 LIMIT 1`, batch, a1.ID).Scan(&startedApp, &startedBy)
	_ = a.DB.QueryRow(ctx, `SELECT id FROM application_documents WHERE application_id = $1 LIMIT 1`, startedApp).Scan(&doc)
	as1 := a.SignIn("pertama@asesor.test")
	mustStatus(t, "decide", as1.PostForm(fmt.Sprintf("/verval/%d/dokumen/%d", startedApp, doc), url.Values{"verdict": {"valid"}}), http.StatusSeeOther)
	mid := vervalRows(t, a, tc.ID)
	res = adm.PostForm(fmt.Sprintf("%s/penugasan/%d/batal", base, batch), confirmYes)
	mustStatus(t, "undo started", res, http.StatusConflict)
	if !strings.Contains(res.Body, "sudah ada pendaftaran yang mulai diverifikasi") || !reflect.DeepEqual(vervalRows(t, a, tc.ID), mid) {
		t.Fatalf("a started batch was undone or not explained:\n%s", res.Body)
	}

	// Everything of the first assessor moves to the second, except the started application.
	res = adm.PostForm(base+"/pindah", url.Values{"from": {fmt.Sprint(a1.ID)}, "to": {fmt.Sprint(a1.ID)}})
	mustStatus(t, "same assessor", res, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "Asesor tujuan harus berbeda") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("refused move:\n%s", res.Body)
	}
	ownA1 := 0
	for _, asr := range mid {
		if asr == a1.ID {
			ownA1++
		}
	}
	res = adm.PostForm(base+"/pindah", url.Values{"from": {fmt.Sprint(a1.ID)}, "to": {fmt.Sprint(a2.ID)}, "regency": {"16.01"}})
	mustStatus(t, "move preview", res, 200)
	if !reflect.DeepEqual(vervalRows(t, a, tc.ID), mid) {
		t.Fatal("the move's preview moved assignments")
	}
	confirm := url.Values{"from": {fmt.Sprint(a1.ID)}, "to": {fmt.Sprint(a2.ID)}, "regency": {"16.01"}, "app": previewedApps(res.Body), "confirm": {"yes"}}
	res = adm.PostForm(base+"/pindah", confirm)
	mustStatus(t, "move", res, 200)
	if want := fmt.Sprintf("%d pendaftaran dipindahkan, 1 dilewati.", ownA1-1); !strings.Contains(res.Body, want) {
		t.Fatalf("move result %q missing:\n%s", want, res.Body)
	}
	after := vervalRows(t, a, tc.ID)
	for app, asr := range after {
		want := a2.ID
		if app == startedApp {
			want = a1.ID
		}
		if asr != want {
			t.Errorf("application %d with assessor %d after the move, want %d", app, asr, want)
		}
	}
	for app, asr := range mid {
		if asr == a1.ID && app != startedApp {
			if n := recCount(t, a, `SELECT count(*) FROM verval_assignments WHERE application_id = $1 AND batch_id IS NULL AND assessor_id = $2`, app, a2.ID); n != 1 {
				t.Errorf("moved application %d still counts as part of its batch", app)
			}
		}
	}
}
