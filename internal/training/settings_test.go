package training_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/cohort"
	"penggerak/internal/database"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
)

func validSettings() map[string]string {
	return map[string]string{"group_min": "4", "group_max": "7", "pp_cap": "8", "fasilitator_cap": "3", "visits_planned": "5",
		"ack_days": "10", "lokakarya_count": "6", "reminder_days": "3", "attendance_min_pct": "75", "module_packages": "2",
		"modules": "8", "assessment_pass_score": "65"}
}

// Each field is refused on its own with its own message; cross-field rules name the later field.
func TestParseSettings(t *testing.T) {
	st, errs := training.ParseSettings(validSettings())
	if len(errs) != 0 {
		t.Fatalf("valid settings refused: %v", errs)
	}
	want := training.Settings{GroupMin: 4, GroupMax: 7, PPCap: 8, FasilitatorCap: 3, VisitsPlanned: 5, AckDays: 10, LokakaryaCount: 6,
		ReminderDays: 3, AttendanceMinPct: 75, ModulePackages: 2, Modules: 8, AssessmentPass: 65}
	if st != want {
		t.Fatalf("parsed %+v, want %+v", st, want)
	}
	for _, tc := range []struct {
		field, value, wantField, wantKey string
	}{
		{"group_min", "0", "group_min", "training.settings.error.group_min"},
		{"group_max", "51", "group_max", "training.settings.error.group_max"},
		{"group_max", "3", "group_max", "training.settings.error.group_order"},
		{"pp_cap", "3", "pp_cap", "training.settings.error.pp_cap_small"},
		{"pp_cap", "lima", "pp_cap", "training.settings.error.pp_cap"},
		{"fasilitator_cap", "", "fasilitator_cap", "training.settings.error.fasilitator_cap"},
		{"visits_planned", "-1", "visits_planned", "training.settings.error.visits_planned"},
		{"ack_days", "91", "ack_days", "training.settings.error.ack_days"},
		{"lokakarya_count", "21", "lokakarya_count", "training.settings.error.lokakarya_count"},
		{"reminder_days", "0", "reminder_days", "training.settings.error.reminder_days"},
		{"attendance_min_pct", "101", "attendance_min_pct", "training.settings.error.attendance_min_pct"},
		{"module_packages", "9", "module_packages", "training.settings.error.packages_order"},
		{"modules", "1.5", "modules", "training.settings.error.modules"},
		{"assessment_pass_score", "100000000000000000000", "assessment_pass_score", "training.settings.error.assessment_pass_score"},
	} {
		t.Run(tc.field+"="+tc.value, func(t *testing.T) {
			in := validSettings()
			in[tc.field] = tc.value
			_, errs := training.ParseSettings(in)
			if len(errs) != 1 || errs[tc.wantField] != tc.wantKey {
				t.Fatalf("errors %v, want only %s=%s", errs, tc.wantField, tc.wantKey)
			}
		})
	}
}

// The admin edits a cohort's settings: stored, audited with what changed, used by the rules
// (Settings), copied with the cohort, and refused once the cohort is selesai.
func TestSaveSettingsAuditedAndCopied(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	admin := audit.Actor{UserID: w.f.User("admin@pelatihan.test", "Admin", ""), IP: "127.0.0.1"}
	before, err := w.store.SettingsForEdit(ctx, w.c.ID)
	if err != nil || !before.Stored || before.Settings.GroupMin != 5 || before.Settings.ReminderDays != 2 {
		t.Fatalf("before: %+v %v", before, err)
	}
	st, _ := training.ParseSettings(validSettings())
	if err := w.store.SaveSettings(ctx, admin, w.c.ID, st); err != nil {
		t.Fatal(err)
	}
	got, err := w.store.Settings(ctx, w.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.CohortID = w.c.ID
	if got != st {
		t.Fatalf("stored %+v, want %+v", got, st)
	}
	var from, to int
	if err := w.f.DB.QueryRow(ctx, `SELECT (detail->'changed'->'group_min'->>'from')::int, (detail->'changed'->'group_min'->>'to')::int
		FROM audit_log WHERE action = 'training.settings' AND object_id = $1 AND actor_id = $2`, fmt.Sprint(w.c.ID), admin.UserID).Scan(&from, &to); err != nil {
		t.Fatal(err)
	}
	if from != 5 || to != 4 {
		t.Fatalf("audited group_min %d → %d, want 5 → 4", from, to)
	}

	// A draft cohort without its own row shows the defaults and reading them stores nothing.
	draft := applicationtest.NewCohort(t, w.f.DB, applicationtest.CohortRow{Number: 777, Name: "Angkatan Draf"})
	d, err := w.store.SettingsForEdit(ctx, draft)
	if err != nil || d.Stored || d.Settings.GroupMax != 6 || d.Settings.AttendanceMinPct != 80 || d.Settings.Modules != 10 {
		t.Fatalf("draft defaults: %+v %v", d, err)
	}
	var rows int
	_ = w.f.DB.QueryRow(ctx, `SELECT count(*) FROM training_settings WHERE cohort_id = $1`, draft).Scan(&rows)
	if rows != 0 {
		t.Fatalf("reading the defaults stored %d rows", rows)
	}
	if _, err := w.store.SettingsForEdit(ctx, 987654); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("unknown cohort: %v", err)
	}

	// Copying the cohort copies its training settings.
	copied, err := cohort.NewStore(w.f.DB).Copy(ctx, admin, w.c.ID, 778, "Angkatan Salinan")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := w.store.Settings(ctx, copied)
	if err != nil {
		t.Fatal(err)
	}
	st.CohortID = copied
	if cs != st {
		t.Fatalf("copied settings %+v, want %+v", cs, st)
	}

	// Selesai: refused, nothing changed.
	if _, err := w.f.DB.Exec(ctx, `UPDATE cohorts SET status = 'selesai' WHERE id = $1`, w.c.ID); err != nil {
		t.Fatal(err)
	}
	other := st
	other.GroupMin = 2
	if err := w.store.SaveSettings(ctx, admin, w.c.ID, other); !errors.Is(err, training.ErrCohortDone) {
		t.Fatalf("selesai cohort: %v", err)
	}
	if got, _ := w.store.Settings(ctx, w.c.ID); got.GroupMin != 4 {
		t.Fatalf("selesai cohort changed to %d", got.GroupMin)
	}
}

// Twenty admins save a draft cohort's settings at once through a pool of 4 (the first save
// creates the row): no deadlock or error, one row holding one of the saved versions, every save
// audited.
func TestSaveSettingsConcurrently(t *testing.T) {
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	f := trainingtest.Fixture{T: t, DB: db}
	draft := applicationtest.NewCohort(t, db, applicationtest.CohortRow{Number: 779, Name: "Angkatan Serentak"})
	admin := audit.Actor{UserID: f.User("admin@serentak.test", "Admin", ""), IP: "127.0.0.1"}
	store := training.NewStore(smallPool(t, dbURL))
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in := validSettings()
			in["group_max"] = fmt.Sprint(10 + i)
			st, bad := training.ParseSettings(in)
			if len(bad) > 0 {
				errs[i] = fmt.Errorf("%v", bad)
				return
			}
			errs[i] = store.SaveSettings(ctx, admin, draft, st)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows, max, audited int
	_ = db.QueryRow(ctx, `SELECT count(*), max(group_max) FROM training_settings WHERE cohort_id = $1`, draft).Scan(&rows, &max)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'training.settings' AND object_id = $1`, fmt.Sprint(draft)).Scan(&audited)
	if rows != 1 || max < 10 || max > 29 || audited != 20 {
		t.Fatalf("rows %d, group_max %d, audited %d", rows, max, audited)
	}
}
