package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/training/trainingtest"
)

// trainingGroup builds a cohort in pendidikan with one confirmed group of five CGPs in Kabupaten
// OKU under the given PP, in the given fasilitator's class, and returns the cohort and group.
func trainingGroup(t *testing.T, a *apptest.App, pp, fas int64, prefix string) (trainingtest.Cohort, int64) {
	t.Helper()
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: a.DB}
	c := fx.NewCohort("16.01")
	for i := range 5 {
		fx.CGP(c, fx.User(fmt.Sprintf("%s%d@tr-phone.test", strings.ToLower(prefix), i), fmt.Sprintf("%s Calon %d", prefix, i), ""), fmt.Sprintf("%s Calon %d", prefix, i),
			fmt.Sprintf("1069760%d", i), "16.01", "SD")
	}
	fx.Start(c)
	var ppm, fasm, g int64
	q := func(dst *int64, sql string, args ...any) {
		t.Helper()
		if err := a.DB.QueryRow(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	q(&ppm, `INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
		VALUES ($1, $2, 'pengajar_praktik', '16.01', '16', 6, $2) RETURNING id`, c.ID, pp)
	q(&fasm, `INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
		VALUES ($1, $2, 'fasilitator', '16.01', '16', 4, $2) RETURNING id`, c.ID, fas)
	q(&g, `INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, fasilitator_id, status, confirmed_at)
		VALUES ($1, '16', '16.01', 1, $2, $3, 'aktif', now()) RETURNING id`, c.ID, ppm, fasm)
	if _, err := a.DB.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id) SELECT id, $2 FROM training_participants WHERE cohort_id = $1`, c.ID, g); err != nil {
		t.Fatal(err)
	}
	return c, g
}

// On a 390 px phone the PP opens the lokakarya's attendance list from their page, marks who came;
// izin without a reason is refused with the message at that CGP (the other choices kept), then
// saved with the reason — stored as chosen.
func TestTrainingPPRecordsAttendanceOnPhone(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	pp := a.User("pp@tr-phone.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	fas := a.User("fas@tr-phone.test", account.RoleFasilitator, account.Scope{ProvinceCode: "16"})
	c, _ := trainingGroup(t, a, pp.ID, fas.ID, "Hadir")
	var lk int64
	if err := a.DB.QueryRow(ctx, `INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '16', '16.01', 1, now() - interval '2 hours', 'SMPN 1 OKU') RETURNING id`, c.ID).Scan(&lk); err != nil {
		t.Fatal(err)
	}
	rows, err := a.DB.Query(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 ORDER BY name`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()

	b := browsertest.New(t, browsertest.Phone())
	signIn(b, a, "pp@tr-phone.test")
	b.Visit(a.URL + "/pendampingan")
	b.Click(fmt.Sprintf(`a[href="/lokakarya/%d/presensi"]`, lk))
	b.MustSee("Lokakarya 1", "Hadir Calon 0", "Hadir Calon 4")
	if v := b.Eval(`String(document.documentElement.scrollWidth)`); v != "390" {
		t.Errorf("the attendance list is %s px wide on a 390 px phone", v)
	}
	for i, id := range ids {
		st := "hadir"
		switch i {
		case 3:
			st = "izin"
		case 4:
			st = "tidak_hadir"
		}
		b.Click(fmt.Sprintf("#%s-%d", st, id))
	}
	b.Click(`form.attendance button[type=submit]`)
	b.MustSee("Tuliskan alasan izin.")
	if v := b.Eval(fmt.Sprintf(`String(document.getElementById("tidak_hadir-%d").checked)`, ids[4])); v != "true" {
		t.Fatalf("the other choices were lost: tidak hadir is %s", v)
	}
	var stored int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM training_attendance WHERE lokakarya_id = $1`, lk).Scan(&stored)
	if stored != 0 {
		t.Fatalf("a refused list stored %d rows", stored)
	}
	b.Fill(fmt.Sprintf("#reason-%d", ids[3]), "Mendampingi siswa lomba")
	b.Click(`form.attendance button[type=submit]`)
	b.MustSee("Presensi disimpan.")
	var hadir, izin, absent int
	var reason string
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'hadir'), count(*) FILTER (WHERE status = 'izin'), count(*) FILTER (WHERE status = 'tidak_hadir'),
		max(reason) FROM training_attendance WHERE lokakarya_id = $1 AND recorded_by = $2`, lk, pp.ID).Scan(&hadir, &izin, &absent, &reason)
	if hadir != 3 || izin != 1 || absent != 1 || reason != "Mendampingi siswa lomba" {
		t.Fatalf("stored hadir %d izin %d tidak hadir %d reason %q", hadir, izin, absent, reason)
	}
	if v := b.Eval(fmt.Sprintf(`String(document.getElementById("izin-%d").checked)`, ids[3])); v != "true" {
		t.Fatalf("the saved list does not show izin")
	}
}

// On a 390 px phone the fasilitator uploads an LMS export with one bad row: the whole file is
// refused with that row's line and reason and nothing is stored; the fixed file shows a preview
// and is saved, and the class page shows the progress.
func TestTrainingModuleImportRefusedThenFixedOnPhone(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	pp := a.User("pp@tr-import.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	fas := a.User("fas@tr-import.test", account.RoleFasilitator, account.Scope{ProvinceCode: "16"})
	trainingGroup(t, a, pp.ID, fas.ID, "Modul")
	dir := t.TempDir()
	bad := filepath.Join(dir, "lms-salah.csv")
	good := filepath.Join(dir, "lms.csv")
	rowsOK := "email;modul;status\nmodul0@tr-phone.test;1;selesai\nmodul0@tr-phone.test;2;selesai\nmodul1@tr-phone.test;1;selesai\n"
	if err := os.WriteFile(bad, []byte(rowsOK+"modul2@tr-phone.test;11;selesai\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, []byte(rowsOK+"modul2@tr-phone.test;10;selesai\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t, browsertest.Phone())
	signIn(b, a, "fas@tr-import.test")
	b.Visit(a.URL + "/kelas/impor")
	b.Upload("#file", bad)
	b.Click(`form[action="/kelas/impor"] button[type=submit]`)
	b.MustSee("Berkas ditolak; tidak ada yang disimpan.", "Baris 5", "Nomor modul di luar jumlah modul angkatan.")
	b.MustNotSee("Simpan semua baris")
	if v := b.Eval(`String(document.documentElement.scrollWidth)`); v != "390" {
		t.Errorf("the import page is %s px wide on a 390 px phone", v)
	}
	var stored int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM training_module_progress`).Scan(&stored)
	if stored != 0 {
		t.Fatalf("a refused file stored %d rows", stored)
	}
	b.Upload("#file", good)
	b.Click(`form[action="/kelas/impor"] button[type=submit]`)
	b.MustSee("Modul Calon 0", "Modul Calon 2")
	b.Click(`form[action="/kelas/impor/simpan"] button[type=submit]`)
	b.MustSee("Impor kemajuan modul disimpan.")
	var done, ten int
	_ = a.DB.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE module = 10 AND source = 'impor') FROM training_module_progress`).Scan(&done, &ten)
	if done != 4 || ten != 1 {
		t.Fatalf("stored %d modules (%d of them module 10), want 4 and 1", done, ten)
	}
}
