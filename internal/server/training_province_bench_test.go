package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
)

// BenchmarkTrainingProvince3k measures the BGP's province page of a cohort with 3,000 CGPs over
// the 17 kab/kota of Sumatera Selatan in 500 confirmed groups, with 4 lokakarya per kab/kota (3
// held, attendance recorded), 6 planned visits per CGP (3 sent, 2 acknowledged) and module
// progress: the whole page through HTTP for the BGP and for a kab/kota Dinas, beside the
// baseline of the same run — the page's SQL alone (the store calls the handler makes: the
// figures per kab/kota, the CGPs at risk, the lokakarya list).
func BenchmarkTrainingProvince3k(b *testing.B) {
	const cgps = 3000
	a := apptest.Start(b)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: b, DB: a.DB}
	rows, _ := a.DB.Query(ctx, `SELECT code FROM regencies WHERE province_code = '16' ORDER BY code`)
	regs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	c := fx.NewCohort(regs...)
	conn, err := a.DB.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	exec := func(sql string, args ...any) {
		b.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%v\n%s", err, sql)
		}
	}
	start := time.Now()
	exec(`SET statement_timeout = 0`)
	exec(`CREATE TEMP TABLE br AS SELECT code, row_number() OVER (ORDER BY code) AS i FROM regencies WHERE province_code = '16'`)
	exec(`INSERT INTO schools (npsn, name, jenjang, status, regency_code)
		SELECT lpad((30000000 + br.i * 100 + s)::text, 8, '0'), 'Sekolah ' || br.code || '-' || s, (ARRAY['SD', 'SMP', 'SMA'])[1 + s % 3], 'negeri', br.code
		FROM br, generate_series(0, 19) s ON CONFLICT DO NOTHING`)
	exec(`INSERT INTO users (email, name, password_hash, email_verified_at) SELECT 'cgp' || n || '@bench.test', 'CGP ' || n, 'x', now() FROM generate_series(1, $1) n`, cgps)
	exec(`INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang, submitted_at, registration_number, receipt_checksum)
		SELECT $1, u.id, 'lolos_verval', u.name, s.npsn, s.regency_code, '16', s.jenjang, now() - interval '70 days', 'BP-' || u.id, 'abc'
		FROM (SELECT id, name, row_number() OVER (ORDER BY id) AS n FROM users WHERE email LIKE 'cgp%@bench.test') u
		JOIN (SELECT npsn, regency_code, jenjang, row_number() OVER (ORDER BY npsn) - 1 AS k FROM schools WHERE npsn LIKE '3%' AND length(npsn) = 8 AND regency_code LIKE '16.%') s
			ON s.k = u.n % (SELECT count(*) * 20 FROM br)`, c.ID)
	exec(`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at, attended_at)
		SELECT $1, id, regency_code, 'attended', now(), md5(id::text) || '.pdf', now(), now() FROM applications WHERE cohort_id = $2`, c.Run, c.ID)
	fx.Start(c)
	// 500 groups of 6 per kab/kota in order, each under its own PP.
	exec(`CREATE TEMP TABLE bx AS SELECT p.id, p.regency_code, ((row_number() OVER (PARTITION BY p.regency_code ORDER BY p.id) - 1) / 6 + 1)::int AS gno
		FROM training_participants p WHERE p.cohort_id = $1`, c.ID)
	exec(`INSERT INTO users (email, name, password_hash, email_verified_at)
		SELECT DISTINCT 'pp-' || regency_code || '-' || gno || '@bench.test', 'PP ' || regency_code || ' ' || gno, 'x', now() FROM bx`)
	exec(`INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
		SELECT $1, u.id, 'pengajar_praktik', d.regency_code, '16', 6, u.id FROM (SELECT DISTINCT regency_code, gno FROM bx) d
		JOIN users u ON u.email = 'pp-' || d.regency_code || '-' || d.gno || '@bench.test'`, c.ID)
	exec(`INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, status, confirmed_at)
		SELECT $1, '16', d.regency_code, d.gno, t.id, 'aktif', now() FROM (SELECT DISTINCT regency_code, gno FROM bx) d
		JOIN users u ON u.email = 'pp-' || d.regency_code || '-' || d.gno || '@bench.test' JOIN training_mentors t ON t.user_id = u.id AND t.cohort_id = $1`, c.ID)
	exec(`INSERT INTO training_group_members (participant_id, group_id)
		SELECT bx.id, g.id FROM bx JOIN training_groups g ON g.cohort_id = $1 AND g.regency_code = bx.regency_code AND g.number = bx.gno`, c.ID)
	exec(`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		SELECT $1, '16', code, n, now() + (n - 3) * interval '20 days', 'Aula ' || code FROM br, generate_series(0, 3) n`, c.ID)
	exec(`INSERT INTO training_attendance (lokakarya_id, participant_id, status)
		SELECT l.id, p.id, CASE WHEN (p.id + l.number) % 10 = 0 THEN 'tidak_hadir' ELSE 'hadir' END
		FROM training_lokakarya l JOIN training_participants p ON p.cohort_id = l.cohort_id AND p.regency_code = l.regency_code
		WHERE l.cohort_id = $1 AND l.starts_at < now()`, c.ID)
	exec(`INSERT INTO training_visits (participant_id, number, planned_on, visited_on, mode, notes, submitted_at, acknowledged_at)
		SELECT p.id, n, current_date + (n * 10 - 40), CASE WHEN n <= 3 THEN current_date + (n * 10 - 40 + (p.id % 3)::int) END,
			CASE WHEN n <= 3 THEN 'kunjungan' END, CASE WHEN n <= 3 THEN 'catatan kunjungan' ELSE '' END,
			CASE WHEN n <= 3 THEN now() - (40 - n * 10) * interval '1 day' END,
			CASE WHEN n <= 2 AND p.id % 7 <> 0 THEN now() - (38 - n * 10) * interval '1 day' END
		FROM training_participants p, generate_series(1, 6) n WHERE p.cohort_id = $1`, c.ID)
	exec(`INSERT INTO training_module_progress (participant_id, module) SELECT p.id, m FROM training_participants p, generate_series(1, 10) m
		WHERE p.cohort_id = $1 AND m <= p.id % 9`, c.ID)
	exec(`VACUUM ANALYZE`)
	b.Logf("loaded %d CGPs in %v", cgps, time.Since(start).Round(time.Millisecond))

	a.User("bgp@bench.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("dinas@bench.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	path := fmt.Sprintf("/pelatihan/%d/16", c.ID)
	store := training.NewStore(a.DB)
	bgpScope := training.Scope{Provinces: []string{"16"}}
	b.Run("baseline/sql", func(b *testing.B) {
		for b.Loop() {
			now := time.Now()
			if _, err := store.ProvinceAt(ctx, bgpScope, c.ID, "16", "", now); err != nil {
				b.Fatal(err)
			}
			if _, err := store.AtRisk(ctx, bgpScope, c.ID, "16", "", now); err != nil {
				b.Fatal(err)
			}
			if _, err := store.ProvinceLokakarya(ctx, bgpScope, c.ID, "16"); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, who := range []string{"bgp", "dinas"} {
		cl := a.SignIn(who + "@bench.test")
		b.Run("page/"+who, func(b *testing.B) {
			var size int
			for b.Loop() {
				res := cl.Get(path)
				if res.Status != http.StatusOK || !strings.Contains(res.Body, "CGP berisiko") {
					b.Fatalf("%d", res.Status)
				}
				size = len(res.Body)
			}
			b.ReportMetric(float64(size)/1024, "KiB")
		})
	}
}
