package application_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"penggerak/internal/application"
	"penggerak/internal/demo"
	"penggerak/internal/profile"
	"penggerak/internal/storage"
	"penggerak/internal/testdb"
)

// The applicant lists at national scale (checked on a national data set of 3,000 teachers in
// every kab/kota, see demo.SeedNational): no query of a list reads applications with a
// sequential scan, and the status counts kept per group (migration 000521) equal the rows'
// own counts after inserts, status changes and deletions.
//
// Robustness: on a small table the planner rightly prefers a sequential scan, so the plans are
// taken with enable_seqscan off. That setting only makes sequential scans expensive; when no
// index can answer a predicate the plan still has one, which is exactly what this detects.
func TestListPlansAndCounts(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	rep, err := demo.SeedNational(ctx, db, demo.NationalOptions{Seed: 7, Teachers: 3000, SchoolsPerDistrict: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Every national teacher has a valid NIK (as the profile form checks it), NUPTK and NIP
	// of the right form, the guru role, and one application.
	rows, _ := db.Query(ctx, `SELECT p.nik, p.nuptk, p.nip, p.birth_date, p.gender, p.employment_status FROM teacher_profiles p
		JOIN users u ON u.id = p.user_id WHERE u.email LIKE '%@nasional.penggerak.id'`)
	var profiles int
	for rows.Next() {
		var nik, nuptk, nip, gender, emp string
		var birth time.Time
		if err := rows.Scan(&nik, &nuptk, &nip, &birth, &gender, &emp); err != nil {
			t.Fatal(err)
		}
		profiles++
		civil := emp == "PNS" || emp == "PPPK"
		if k := profile.CheckNIK(nik, true, birth, gender); k != "" {
			t.Fatalf("NIK %s: %s", nik, k)
		}
		if k := profile.CheckNIP(nip, civil, birth, gender); k != "" {
			t.Fatalf("NIP %s (%s): %s", nip, emp, k)
		}
		if (civil && len(nuptk) != 16) || (nuptk != "" && len(nuptk) != 16) {
			t.Fatalf("NUPTK %q (%s)", nuptk, emp)
		}
	}
	if rows.Err() != nil || profiles != 3000 {
		t.Fatalf("%d national profiles (%v)", profiles, rows.Err())
	}
	var noGuru, apps int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM users u WHERE u.email LIKE '%@nasional.penggerak.id'
		AND NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'guru')`).Scan(&noGuru)
	_ = db.QueryRow(ctx, `SELECT count(*) FROM applications WHERE cohort_id = $1`, rep.CohortID).Scan(&apps)
	if noGuru != 0 || apps != 3000 {
		t.Errorf("%d national accounts without the guru role, %d applications", noGuru, apps)
	}

	nat := application.Scope{National: true}
	bgp := application.Scope{Regencies: []string{}, Provinces: []string{}, BGPProvinces: []string{"32"}}
	pdinas := application.Scope{Regencies: []string{}, Provinces: []string{"32"}, BGPProvinces: []string{}}
	kab := application.Scope{Regencies: []string{"32.04", "16.01"}, Provinces: []string{}, BGPProvinces: []string{}}
	c := rep.CohortID
	cases := []struct {
		name string
		sc   application.Scope
		f    application.Filter
	}{
		{"national", nat, application.Filter{CohortID: c}},
		{"national, every cohort", nat, application.Filter{}},
		{"national deep page", nat, application.Filter{CohortID: c, After: 1_000_000}},
		{"national status", nat, application.Filter{CohortID: c, Status: "submitted"}},
		{"national name", nat, application.Filter{CohortID: c, Query: "siti"}},
		{"BGP province", bgp, application.Filter{CohortID: c}},
		{"BGP province, name", bgp, application.Filter{CohortID: c, Query: "agus"}},
		{"provincial dinas", pdinas, application.Filter{CohortID: c}},
		{"kab/kota dinas", kab, application.Filter{CohortID: c}},
		{"kab/kota dinas, every cohort", kab, application.Filter{}},
		{"kab/kota dinas, jenjang", kab, application.Filter{CohortID: c, Jenjang: "SD"}},
	}
	conn, err := db.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		page, counts := application.ListQueries(tc.sc, tc.f)
		for _, q := range []application.Query{page, counts} {
			rows, err := conn.Query(ctx, "EXPLAIN "+q.SQL, q.Args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var line string
				_ = rows.Scan(&line)
				plan = append(plan, line)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if p := strings.Join(plan, "\n"); strings.Contains(p, "Seq Scan on applications") {
				t.Errorf("%s: sequential scan of applications:\n%s\n%s", tc.name, q.SQL, p)
			}
		}
	}

	store := application.NewStore(db, storage.NewLocal(t.TempDir()))
	check := func(when string) {
		t.Helper()
		for _, tc := range cases {
			tc.f.Status = ""
			p, err := store.List(ctx, tc.sc, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			// the same counts straight from the rows
			_, counts := application.ListQueries(tc.sc, application.Filter{CohortID: tc.f.CohortID, Jenjang: tc.f.Jenjang, Query: tc.f.Query, NPSN: "x"})
			direct := strings.Replace(counts.SQL, "a.npsn = $", "a.npsn <> $", 1)
			rows, _ := db.Query(ctx, direct, counts.Args...)
			want := map[application.Status]int{}
			for rows.Next() {
				var st string
				var n int
				_ = rows.Scan(&st, &n)
				want[application.Status(st)] = n
			}
			if rows.Err() != nil {
				t.Fatal(rows.Err())
			}
			for _, st := range application.Statuses {
				if p.Counts[st] != want[st] {
					t.Errorf("%s, %s: %s counted %d, rows say %d", when, tc.name, st, p.Counts[st], want[st])
				}
			}
		}
	}
	check("after the load")
	for _, sql := range []string{
		`UPDATE applications SET status = 'withdrawn', withdrawn_at = now() WHERE status = 'draft' AND id % 3 = 0`,
		`UPDATE applications SET regency_code = '32.04', province_code = '32' WHERE id % 11 = 0`,
		`DELETE FROM applications WHERE status = 'withdrawn' AND id % 2 = 0`,
		`INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang)
			SELECT c.id, u.id, 'Siti Baru', s.npsn, s.regency_code, substr(s.regency_code, 1, 2), s.jenjang
			FROM cohorts c, (SELECT id FROM users ORDER BY id LIMIT 5) u, (SELECT * FROM schools ORDER BY npsn LIMIT 1) s
			WHERE c.id <> $1`,
	} {
		var args []any
		if strings.Contains(sql, "$1") {
			args = append(args, c)
		}
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	check("after updates and deletions")
}
