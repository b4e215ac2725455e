package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/training/trainingtest"
)

func init() {
	cohortB := func(d trMatrixData) []any { return []any{d.cohortB} }
	settingsForm := func(*fixture) url.Values {
		return url.Values{"group_min": {"5"}, "group_max": {"6"}, "pp_cap": {"6"}, "fasilitator_cap": {"4"}, "visits_planned": {"6"},
			"ack_days": {"7"}, "lokakarya_count": {"8"}, "reminder_days": {"2"}, "attendance_min_pct": {"80"}, "module_packages": {"3"},
			"modules": {"10"}, "assessment_pass_score": {"70"}}
	}
	addRoutes(
		// The training settings: the national admin only; a cohort that does not exist is 404.
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/pengaturan", Path: trPath("/pelatihan/%d/pengaturan", cohortB), Want: only(200, "admin")},
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/pengaturan", Variant: "no such cohort",
			Path: func(*fixture) string { return "/pelatihan/987654321/pengaturan" }, Want: only(404, "admin")},
		// The same values as the defaults, so the other rows see no change.
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/pengaturan", Path: trPath("/pelatihan/%d/pengaturan", cohortB),
			Form: settingsForm, Want: only(303, "admin")},
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/pengaturan", Variant: "no such cohort",
			Path: func(*fixture) string { return "/pelatihan/987654321/pengaturan" }, Form: settingsForm, Want: only(404, "admin")},
	)
}

// TestTrainingSettingsForm: the admin opens a cohort's training settings, a wrong form comes back
// with every value as typed and a message tied to each wrong field, nothing stored; the right
// form is stored and audited, and the BGP's province page shows the new group sizes.
func TestTrainingSettingsForm(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: a.DB}
	c := fx.NewCohort("16.01")
	fx.CGP(c, 0, "Calon Satu", "10697200", "16.01", "SD")
	fx.Start(c)
	a.User("admin@set.test", account.RoleAdmin, account.Scope{})
	a.User("bgp@set.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	admin := a.SignIn("admin@set.test")
	if res := admin.Get("/pelatihan"); !strings.Contains(res.Body, fmt.Sprintf(`href="/pelatihan/%d/pengaturan"`, c.ID)) {
		t.Fatalf("the index has no link to the settings:\n%s", res.Body)
	}
	path := fmt.Sprintf("/pelatihan/%d/pengaturan", c.ID)
	res := admin.Get(path)
	if res.Status != 200 || !strings.Contains(res.Body, `id="group_min"`) || !strings.Contains(res.Body, `value="80"`) {
		t.Fatalf("settings page: %d\n%s", res.Status, res.Body)
	}
	form := url.Values{"group_min": {"4"}, "group_max": {"3"}, "pp_cap": {"8"}, "fasilitator_cap": {"3"}, "visits_planned": {"5"},
		"ack_days": {"10"}, "lokakarya_count": {"6"}, "reminder_days": {"3"}, "attendance_min_pct": {"seratus"}, "module_packages": {"2"},
		"modules": {"8"}, "assessment_pass_score": {"65"}}
	res = admin.PostForm(path, form)
	if res.Status != 422 || !strings.Contains(res.Body, "Ukuran kelompok paling banyak tidak boleh kurang dari ukuran paling sedikit.") ||
		!strings.Contains(res.Body, "Isi kehadiran minimal dengan persen 0 sampai 100.") || !strings.Contains(res.Body, `value="seratus"`) ||
		!strings.Contains(res.Body, `aria-describedby="group_max-error group_max-hint"`) || strings.Contains(res.Body, `aria-describedby="group_min-error`) {
		t.Fatalf("wrong form: %d\n%s", res.Status, res.Body)
	}
	var min int
	_ = a.DB.QueryRow(ctx, `SELECT group_min FROM training_settings WHERE cohort_id = $1`, c.ID).Scan(&min)
	if min != 5 {
		t.Fatalf("a refused form stored group_min %d", min)
	}
	form.Set("group_max", "7")
	form.Set("attendance_min_pct", "75")
	if res := admin.PostForm(path, form); res.Status != 303 {
		t.Fatalf("save: %d\n%s", res.Status, res.Body)
	}
	var max, pct, audited int
	_ = a.DB.QueryRow(ctx, `SELECT group_min, group_max, attendance_min_pct FROM training_settings WHERE cohort_id = $1`, c.ID).Scan(&min, &max, &pct)
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'training.settings' AND object_id = $1`, fmt.Sprint(c.ID)).Scan(&audited)
	if min != 4 || max != 7 || pct != 75 || audited != 1 {
		t.Fatalf("stored %d–%d, %d%%, audited %d", min, max, pct, audited)
	}
	if res := admin.Get(path); !strings.Contains(res.Body, "Pengaturan pelatihan tersimpan.") || !strings.Contains(res.Body, `value="75"`) {
		t.Fatalf("after save:\n%s", res.Body)
	}
	if res := a.SignIn("bgp@set.test").Get(fmt.Sprintf("/pelatihan/%d/16", c.ID)); !strings.Contains(res.Body, "kelompok 4–7 CGP") {
		t.Fatalf("province page does not show the new sizes:\n%s", res.Body)
	}
}
