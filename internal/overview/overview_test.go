package overview_test

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/overview"
	"penggerak/internal/testdb"
)

// The dashboard figures come from sums kept by triggers (000653); after every kind of write
// they equal the rows counted directly, for the nation, a province and a kab/kota.
func TestRegionCountsFollowWrites(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	st := overview.NewStore(db)
	check := func(when string) {
		t.Helper()
		for _, sc := range []account.Scope{{}, {ProvinceCode: "16"}, {ProvinceCode: "36"}, {ProvinceCode: "36", RegencyCode: "36.73"}, {ProvinceCode: "16", RegencyCode: "16.01"}} {
			got, err := st.RegionCounts(ctx, sc)
			if err != nil {
				t.Fatal(err)
			}
			var want overview.Counts
			err = db.QueryRow(ctx, `SELECT (SELECT count(*) FROM schools s JOIN regencies r ON r.code = s.regency_code
					WHERE $1 = '' OR r.province_code = $1 AND ($2 = '' OR r.code = $2)),
				(SELECT count(*) FROM teacher_profiles tp JOIN schools s ON s.npsn = tp.npsn JOIN regencies r ON r.code = s.regency_code
					WHERE $1 = '' OR r.province_code = $1 AND ($2 = '' OR r.code = $2)),
				CASE WHEN $1 = '' THEN (SELECT count(*) FROM users) ELSE 0 END`, sc.ProvinceCode, sc.RegencyCode).Scan(&want.Schools, &want.Teachers, &want.Users)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s, scope %+v: %+v, counted %+v", when, sc, got, want)
			}
		}
	}
	check("empty")
	for _, sql := range []string{
		`INSERT INTO schools (npsn, name, jenjang, status, regency_code)
			SELECT lpad((70000000 + g)::text, 8, '0'), 'Sekolah ' || g, 'SD', 'negeri', (ARRAY['16.01', '16.71', '36.73', '36.01'])[g % 4 + 1]
			FROM generate_series(1, 40) g`,
		`INSERT INTO users (email, name, password_hash) SELECT 'ov' || g || '@uji.id', 'Guru ' || g, 'x' FROM generate_series(1, 120) g`,
		`INSERT INTO teacher_profiles (user_id, nik, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
			SELECT u.id, '3201' || lpad(u.id::text, 12, '0'), '1985-01-01', 'P', lpad((70000000 + 1 + u.id % 40)::text, 8, '0'), 'SD', 'IPA', 'PNS', 5, 'S1'
			FROM users u WHERE u.email LIKE 'ov%' AND u.id % 6 <> 0`,
		`UPDATE teacher_profiles SET npsn = '70000003' WHERE user_id % 5 = 0`,
		`UPDATE teacher_profiles SET years_teaching = 6`,
		`UPDATE schools SET regency_code = '36.73' WHERE npsn IN ('70000002', '70000005')`,
		`DELETE FROM teacher_profiles WHERE user_id % 7 = 0`,
		`DELETE FROM users WHERE email LIKE 'ov%' AND id % 4 = 0`,
		`DELETE FROM schools WHERE NOT EXISTS (SELECT 1 FROM teacher_profiles tp WHERE tp.npsn = schools.npsn) AND npsn LIKE '7%'`,
	} {
		tag, err := db.Exec(ctx, sql)
		if err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("nothing written by %s", sql)
		}
		check(sql[:30])
	}
}
