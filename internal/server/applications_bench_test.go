package server_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/storage"
)

func recPercentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(float64(len(s)-1)*p)]
}

// BenchmarkSubmitApplication measures POST /lamaran/{id}/kirim through the HTTP handlers
// (session, CSRF check, row lock, completeness check, canonical checksum, email enqueue, audit
// entry) for 1,000 complete draft applications, and reports p50 and p99.
func BenchmarkSubmitApplication(b *testing.B) {
	const n = 1000
	a := apptest.Start(b)
	ctx := context.Background()
	recSeedSchool(b, a, "10600001", "SD Negeri 1 Baturaja", "SD", "16.01")
	u := a.User("bench@guru.test", account.RoleGuru, account.Scope{})
	recSeedProfile(b, a, u.ID, "10600001", recProfileOpts{})
	c := a.SignIn("bench@guru.test")
	var all []time.Duration
	for iter := 0; iter < b.N && iter < 3; iter++ {
		b.StopTimer()
		// n cohorts with one draft application each, every step complete, built with SQL.
		rows, err := a.DB.Query(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
			SELECT ((g - 1) % 250) + 1 + 250 * $1::int, 'Angkatan ' || g, (ARRAY['cgp', 'pp', 'fasilitator', 'kepala_sekolah'])[(g - 1) / 250 + 1],
			now() - interval '1 day', now() + interval '30 day', 'pendaftaran'
			FROM generate_series(1, $2::int) g RETURNING id`, iter%3, n)
		if err != nil {
			b.Fatal(err)
		}
		cohorts, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range []string{
			`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) SELECT unnest($1::bigint[]), '16.01', 100`,
			`INSERT INTO essay_questions (cohort_id, position, prompt, min_chars, max_chars) SELECT c, p, 'Pertanyaan esai ' || p, 20, 2000 FROM unnest($1::bigint[]) c, generate_series(1, 4) p`,
			`INSERT INTO required_documents (cohort_id, position, name, max_bytes) SELECT c, p, 'Dokumen ' || p, 2097152 FROM unnest($1::bigint[]) c, generate_series(1, 3) p`,
			`INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang, profile_confirmed_at)
				SELECT c, ` + fmt.Sprint(u.ID) + `, 'Guru Bench', '10600001', '16.01', '16', 'SD', now() FROM unnest($1::bigint[]) c`,
			`INSERT INTO application_cv_entries (application_id, section, title) SELECT a.id, s, 'Isian ' || s FROM applications a, unnest('{umum,pelatihan,organisasi}'::text[]) s WHERE a.cohort_id = ANY($1)`,
			`INSERT INTO application_essays (application_id, question_id, body) SELECT a.id, q.id, repeat('Jawaban esai yang cukup panjang. ', 40)
				FROM applications a JOIN essay_questions q ON q.cohort_id = a.cohort_id WHERE a.cohort_id = ANY($1)`,
			`INSERT INTO application_documents (application_id, required_document_id, storage_name, original_name, size_bytes, sha256)
				SELECT a.id, d.id, md5(a.id || '-' || d.id) || '.pdf', 'dok.pdf', 1000, encode(sha256((a.id || '-' || d.id)::bytea), 'hex')
				FROM applications a JOIN required_documents d ON d.cohort_id = a.cohort_id WHERE a.cohort_id = ANY($1)`,
			`INSERT INTO application_consents (application_id, text_version, consented_at) SELECT id, 'pdp-2026-01', now() FROM applications WHERE cohort_id = ANY($1)`,
		} {
			if _, err := a.DB.Exec(ctx, q, cohorts); err != nil {
				b.Fatal(err)
			}
		}
		rows, _ = a.DB.Query(ctx, `SELECT id FROM applications WHERE cohort_id = ANY($1) ORDER BY id`, cohorts)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, id := range ids {
			t0 := time.Now()
			res := c.PostForm(fmt.Sprintf("/lamaran/%d/kirim", id), confirmYes)
			all = append(all, time.Since(t0))
			if res.Status != http.StatusSeeOther {
				b.Fatalf("submit %d: %d\n%.1000s", id, res.Status, res.Body)
			}
		}
	}
	b.ReportMetric(float64(recPercentile(all, 0.50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(recPercentile(all, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(len(all)), "submits")
}

// BenchmarkWatchList250k loads 250,000 applications (CopyFrom) in one cohort across every
// kabupaten/kota and measures the regional list (keyset page + counts per status) for the
// national admin, a BGP (province) and a kab/kota dinas, deep pages, filters and name search,
// both at the store and through the HTTP handler.
func BenchmarkWatchList250k(b *testing.B) {
	const total = 250_000
	a := apptest.Start(b)
	ctx := context.Background()
	var regs []string
	rows, _ := a.DB.Query(ctx, `SELECT code FROM regencies ORDER BY code`)
	regs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		b.Fatal(err)
	}
	opens := time.Now().Add(-10 * 24 * time.Hour)
	cohortID := applicationtest.NewCohort(b, a.DB, applicationtest.CohortRow{Number: 1, Name: "Angkatan Besar", Status: "pendaftaran",
		Opens: opens, Closes: opens.Add(20 * 24 * time.Hour)})
	// The bulk load runs on one connection without the pool's statement timeout.
	conn, err := a.DB.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET statement_timeout = 0`); err != nil {
		b.Fatal(err)
	}
	// 10 schools per kabupaten/kota.
	var schools [][]any
	for i, r := range regs {
		for j := 0; j < 10; j++ {
			schools = append(schools, []any{fmt.Sprintf("%08d", 20000000+i*10+j), fmt.Sprintf("Sekolah %s-%d", r, j), []string{"SD", "SMP", "SMA"}[j%3], "negeri", r})
		}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"schools"}, []string{"npsn", "name", "jenjang", "status", "regency_code"}, pgx.CopyFromRows(schools)); err != nil {
		b.Fatal(err)
	}
	var firstUser int64
	if err := a.DB.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM users`).Scan(&firstUser); err != nil {
		b.Fatal(err)
	}
	names := []string{"Siti", "Budi", "Rahmawati", "Agus", "Dewi", "Hendra", "Nur", "Wahyu", "Putri", "Andi"}
	rnd := rand.New(rand.NewPCG(1, 2))
	userRows := make([][]any, total)
	for i := range userRows {
		userRows[i] = []any{fmt.Sprintf("guru%d@bench.test", i), fmt.Sprintf("%s %s %d", names[rnd.IntN(10)], names[rnd.IntN(10)], i), "x"}
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"email", "name", "password_hash"}, pgx.CopyFromRows(userRows)); err != nil {
		b.Fatal(err)
	}
	statuses := []string{"draft", "submitted", "submitted", "submitted", "verval_passed", "verval_failed", "withdrawn"}
	var profiles, apps [][]any
	now := time.Now()
	for i := 0; i < total; i++ {
		uid := firstUser + int64(i)
		si := rnd.IntN(len(schools))
		sc := schools[si]
		npsn, jenjang, reg := sc[0].(string), sc[2].(string), sc[4].(string)
		profiles = append(profiles, []any{uid, fmt.Sprintf("%s%012d", reg[:2]+reg[3:], i), time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC), "P", npsn, jenjang, "IPA", "PNS", 8, "S1"})
		st := statuses[rnd.IntN(len(statuses))]
		var sub, num, sum any
		if st != "draft" && st != "withdrawn" {
			sub, num, sum = now.Add(-time.Duration(rnd.IntN(100000))*time.Second), fmt.Sprintf("B-%d", i), "c"
		}
		apps = append(apps, []any{cohortID, uid, st, userRows[i][1], npsn, reg, reg[:2], jenjang, sub, num, sum})
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"teacher_profiles"}, []string{"user_id", "nik", "birth_date", "gender", "npsn", "jenjang", "subject", "employment_status", "years_teaching", "education"}, pgx.CopyFromRows(profiles)); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.CopyFrom(ctx, pgx.Identifier{"applications"}, []string{"cohort_id", "user_id", "status", "applicant_name", "npsn", "regency_code", "province_code", "jenjang", "submitted_at", "registration_number", "receipt_checksum"}, pgx.CopyFromRows(apps)); err != nil {
		b.Fatal(err)
	}
	// Autovacuum would do this after a bulk load; it lets counts use index-only scans.
	for _, q := range []string{`VACUUM ANALYZE applications`, `VACUUM ANALYZE teacher_profiles`, `ANALYZE`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	store := application.NewStore(a.DB, storage.NewLocal(b.TempDir()))
	var deep int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM applications ORDER BY id DESC OFFSET 200000 LIMIT 1`).Scan(&deep)
	national := application.Scope{National: true}
	kab := application.Scope{Regencies: []string{"16.01"}, Provinces: []string{}}
	prov := application.Scope{Regencies: []string{}, Provinces: []string{}, BGPProvinces: []string{"16"}} // a BGP: the whole province
	cases := []struct {
		name string
		sc   application.Scope
		f    application.Filter
	}{
		{"national/first", national, application.Filter{CohortID: cohortID}},
		{"national/deep", national, application.Filter{CohortID: cohortID, After: deep}},
		{"national/status", national, application.Filter{CohortID: cohortID, Status: "verval_passed"}},
		{"national/name", national, application.Filter{CohortID: cohortID, Query: "putri agus"}},
		{"province/first", prov, application.Filter{CohortID: cohortID}},
		{"province/jenjang", prov, application.Filter{CohortID: cohortID, Jenjang: "SMP"}},
		{"kabkota/first", kab, application.Filter{CohortID: cohortID}},
		{"kabkota/npsn", kab, application.Filter{CohortID: cohortID, NPSN: "20000000"}},
	}
	for _, tc := range cases {
		b.Run("store/"+tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := store.List(ctx, tc.sc, tc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	a.User("dinas.oku@bench.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("admin@bench.test", account.RoleAdmin, account.Scope{})
	for _, who := range []string{"dinas.oku@bench.test", "admin@bench.test"} {
		c := a.SignIn(who)
		b.Run("http/"+who, func(b *testing.B) {
			for b.Loop() {
				if res := c.Get(fmt.Sprintf("/pantau/lamaran?angkatan=%d", cohortID)); res.Status != 200 {
					b.Fatalf("status %d", res.Status)
				}
			}
		})
	}
}
