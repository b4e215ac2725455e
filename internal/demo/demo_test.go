package demo

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/profile"
	"penggerak/internal/school"
	"penggerak/internal/testdb"
)

func TestSeedSchoolsAndGuruProfile(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	for i := 0; i < 2; i++ { // idempotent
		if err := Seed(ctx, db, account.TestParams); err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
	}
	var total, bad, badDistrict, regencies int
	if err := db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE npsn !~ '^\d{8}$'),
			count(*) FILTER (WHERE substr(district_code, 1, 5) <> regency_code OR district_code IS NULL),
			count(DISTINCT regency_code) FROM schools`).Scan(&total, &bad, &badDistrict, &regencies); err != nil {
		t.Fatal(err)
	}
	if total < 300 || total > 800 || bad != 0 || badDistrict != 0 || regencies != 5 {
		t.Errorf("schools: %d total, %d bad NPSN, %d outside their regency's kecamatan, %d regencies", total, bad, badDistrict, regencies)
	}
	var jenjangs int
	if err := db.QueryRow(ctx, `SELECT count(DISTINCT jenjang) FROM schools WHERE regency_code = '16.01'`).Scan(&jenjangs); err != nil || jenjangs != 6 {
		t.Errorf("OKU has %d jenjang (%v), want PAUD, SD, SMP, SMA, SMK and SLB", jenjangs, err)
	}
	for _, name := range []string{"SD Negeri 12 Baturaja Timur", "SMP Negeri 1 OKU", "SMA Negeri 2 Palangka Raya", "SLB Negeri Kota Serang"} {
		var n int
		if err := db.QueryRow(ctx, `SELECT count(*) FROM schools WHERE name = $1`, name).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s: %d schools (%v), want 1", name, n, err)
		}
	}
	var userID int64
	if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'guru@demo.penggerak.id'`).Scan(&userID); err != nil {
		t.Fatal(err)
	}
	p, err := profile.NewStore(db).Get(ctx, userID)
	if err != nil {
		t.Fatalf("demo guru profile: %v", err)
	}
	if p.SchoolName != DemoGuruSchool || p.NIK != DemoGuruProfile.NIK {
		t.Errorf("demo guru profile at %q with NIK %s", p.SchoolName, p.NIK)
	}
	// The demo profile passes the profile rules.
	in := profile.Normalize(profile.InputOf(p))
	if _, errs := profile.Validate(in, p.UpdatedAt, profile.Checks{ProvinceExists: true, SchoolExists: true}); len(errs) > 0 {
		t.Errorf("demo guru profile is not valid: %v", errs)
	}
}

func TestSchoolsForIsDeterministic(t *testing.T) {
	ds := []kecamatan{{"16.01.13", "Baturaja Barat"}, {"16.01.14", "Baturaja Timur"}}
	a, b := schoolsFor(demoRegencies[0], ds), schoolsFor(demoRegencies[0], ds)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("lengths %d and %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("school %d differs: %+v vs %+v", i, a[i], b[i])
		}
		if !school.ValidNPSN(a[i].NPSN, false) {
			t.Errorf("bad NPSN %s", a[i].NPSN)
		}
	}
}
