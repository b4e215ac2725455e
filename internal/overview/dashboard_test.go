package overview_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/clinic"
	"penggerak/internal/cohort"
	"penggerak/internal/demo"
	"penggerak/internal/overview"
	"penggerak/internal/selection"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
)

// The dashboard's one statement says for every user what the features' own reads say (the
// ones the dashboard made before, one statement each): the profile, the applications with
// where each stands as the applicant may see it and their cohorts' names, the clinic
// registrations that are not cancelled, the selection page, the training group, the open
// score sheets, the region figures and the staff clinic events. The demo data has teachers at
// every stage (drafts, submitted, verval, a published run, seats, CGPs in groups, graduates,
// a withdrawal), assessors, clinics with registrations; a few writes below add a held verval
// mail (the outcome must read as submitted), a cancelled registration and a staff account
// without a teacher profile.
func TestDashboardMatchesTheFeatureReads(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	for _, seed := range []func() error{
		func() error { return demo.Seed(ctx, db, account.TestParams) },
		func() error { return demo.SeedSelection(ctx, db) },
		func() error { return demo.SeedTraining(ctx, db) },
	} {
		if err := seed(); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range []struct {
		sql  string
		args []any
	}{
		// a verval outcome whose mail is held: the applicant still reads "submitted"
		{`INSERT INTO mail_outbox (to_addr, subject, body_text, held, ref)
			SELECT 'x@uji.id', 's', 'b', true, 'verval:' || a.id FROM applications a WHERE a.status = $1 ORDER BY a.id LIMIT 1`,
			[]any{application.StatusVervalPassed}},
		// a published run of Angkatan 11 (released: no mail held), with a result for each applicant
		{`INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash)
			SELECT id, '{}', repeat('a', 64), repeat('b', 64) FROM cohorts WHERE number = 11`, nil},
		{`INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank,
				stage_scores, first_criterion, submitted_at)
			SELECT r.id, a.id, a.regency_code, a.province_code, 80, a.id % 2 = 0, CASE WHEN a.id % 2 = 0 THEN 'cadangan' ELSE 'tidak_lulus' END,
				row_number() OVER (ORDER BY a.id), ARRAY[80],
				80, coalesce(a.submitted_at, now())
			FROM result_runs r JOIN applications a ON a.cohort_id = r.cohort_id
			WHERE r.id = (SELECT max(id) FROM result_runs)`, nil},
		{`UPDATE result_runs SET published_at = now() WHERE id = (SELECT max(id) FROM result_runs)`, nil},
		// clinic registrations of the teachers with a profile: one kept, one cancelled
		{`INSERT INTO clinic_registrations (clinic_id, user_id, name, email, npsn, status, code, cert_code)
			SELECT (SELECT min(id) FROM clinics), p.user_id, 'Guru', 'g' || p.user_id || '@uji.id', p.npsn, s, 'K' || p.user_id || s, 'C' || p.user_id || s
			FROM teacher_profiles p CROSS JOIN (VALUES ($1), ($2)) v(s)`,
			[]any{clinic.RegistrationRegistered, clinic.RegistrationCancelled}},
	} {
		if tag, err := db.Exec(ctx, w.sql, w.args...); err != nil || tag.RowsAffected() == 0 {
			t.Fatalf("setup: %v (%d rows)\n%s", err, tag.RowsAffected(), w.sql)
		}
	}
	apps, sel, trn := application.NewStore(db, nil), selection.NewStore(db), training.NewStore(db)
	clinics, cohorts, st := clinic.NewStore(db, clinic.NewSigner("uji"), "http://x"), cohort.NewStore(db), overview.NewStore(db)
	rows, _ := db.Query(ctx, `SELECT id FROM users ORDER BY id`)
	users, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	var seen struct{ profile, apps, progress, regs, page, group, sheets int }
	for _, uid := range users {
		q := overview.DashboardQuery{UserID: uid, Teacher: true, Assessor: true}
		got, err := st.Dashboard(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		prof, err := apps.Profile(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		mine, err := apps.Mine(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		var ids, cohortIDs []int64
		for _, a := range mine {
			ids, cohortIDs = append(ids, a.ID), append(cohortIDs, a.CohortID)
		}
		progress, err := apps.MyProgresses(ctx, uid, ids)
		if err != nil {
			t.Fatal(err)
		}
		names, err := cohorts.Names(ctx, cohortIDs)
		if err != nil {
			t.Fatal(err)
		}
		regs, err := clinics.ByUser(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		active := 0
		for _, g := range regs {
			if g.Status != clinic.RegistrationCancelled {
				active++
			}
		}
		page, err := sel.HasApplicantPage(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		group, err := trn.InGroup(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		sheets, err := sel.OpenSheetCount(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		tt := got.Teacher
		if !reflect.DeepEqual(tt.Profile, prof) {
			t.Errorf("user %d: profile %+v, the store reads %+v", uid, tt.Profile, prof)
		}
		gotMine := map[int64]application.Application{}
		for _, a := range tt.Applications {
			gotMine[a.CohortID] = a
		}
		if len(tt.Applications) != len(mine) || !reflect.DeepEqual(gotMine, mine) {
			t.Errorf("user %d: applications %+v, Mine reads %+v", uid, tt.Applications, mine)
		}
		if !reflect.DeepEqual(tt.Progress, progress) {
			t.Errorf("user %d: progress %+v, MyProgresses reads %+v", uid, tt.Progress, progress)
		}
		if !reflect.DeepEqual(tt.CohortNames, names) {
			t.Errorf("user %d: cohort names %v, Names reads %v", uid, tt.CohortNames, names)
		}
		if tt.ClinicRegistrations != active || tt.HasApplicantPage != page || tt.InGroup != group || got.OpenSheets != sheets {
			t.Errorf("user %d: clinic %d page %v group %v sheets %d; the stores read %d %v %v %d", uid,
				tt.ClinicRegistrations, tt.HasApplicantPage, tt.InGroup, got.OpenSheets, active, page, group, sheets)
		}
		if prof != nil {
			seen.profile++
		}
		seen.apps += len(mine)
		for _, p := range progress {
			if p.Outcome != "" || p.Seat != "" || p.Training != "" {
				seen.progress++
			}
		}
		if active > 0 {
			seen.regs++
		}
		if page {
			seen.page++
		}
		if group {
			seen.group++
		}
		if sheets > 0 {
			seen.sheets++
		}

		// A staff account reads the teacher's other facts only once it has a profile.
		staff, err := st.Dashboard(ctx, overview.DashboardQuery{UserID: uid, Teacher: true, TeacherNeedsProfile: true})
		if err != nil {
			t.Fatal(err)
		}
		if prof == nil && (len(staff.Teacher.Applications) > 0 || staff.Teacher.ClinicRegistrations > 0 || staff.Teacher.HasApplicantPage || staff.Teacher.InGroup) {
			t.Errorf("user %d without a profile: the staff read returned teacher facts %+v", uid, staff.Teacher)
		}
		if prof != nil && !reflect.DeepEqual(staff.Teacher, tt) {
			t.Errorf("user %d with a profile: the staff read %+v, the teacher read %+v", uid, staff.Teacher, tt)
		}
	}
	// The demo data must exercise every fact, or the comparison proves little.
	if seen.profile == 0 || seen.apps == 0 || seen.progress == 0 || seen.regs == 0 || seen.page == 0 || seen.group == 0 || seen.sheets == 0 {
		t.Errorf("the data does not exercise every fact: %+v", seen)
	}
	t.Logf("%d users compared: %+v", len(users), seen)

	// The staff figures: region counts for every kind of scope in one statement, in order,
	// and the clinic events of a staff scope.
	scopes := []account.Scope{{}, {ProvinceCode: "16"}, {ProvinceCode: "36", RegencyCode: "36.73"}, {ProvinceCode: "16", RegencyCode: "16.01"}}
	for _, sc := range []clinic.Scope{{National: true}, {Provinces: []string{"16"}}, {Regencies: []string{"36.73"}}, {Provinces: []string{}, Regencies: []string{}}} {
		sc := sc
		got, err := st.Dashboard(ctx, overview.DashboardQuery{UserID: users[0], Regions: scopes, ClinicStaff: &sc})
		if err != nil {
			t.Fatal(err)
		}
		for i, rs := range scopes {
			want, err := st.RegionCounts(ctx, rs)
			if err != nil {
				t.Fatal(err)
			}
			if got.Regions[i] != want {
				t.Errorf("scope %+v: %+v, RegionCounts %+v", rs, got.Regions[i], want)
			}
		}
		list, err := clinics.StaffList(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		if got.ClinicEvents != len(list) {
			t.Errorf("clinic scope %+v: %d events, StaffList lists %d", sc, got.ClinicEvents, len(list))
		}
	}
}
