package training_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/mail"
	"penggerak/internal/testdb"
	"penggerak/internal/training"
	"penggerak/internal/training/trainingtest"
)

// certFixture is a cohort in pendidikan in Kabupaten OKU (16.01) with n CGPs who meet every
// completion rule (a held lokakarya attended, modules and visits set to what the settings ask,
// both final assessments), and a BGP user.
type certFixture struct {
	cohort trainingtest.Cohort
	number int
	ids    []int64
	bgp    int64
}

func newCertFixture(t testing.TB, db database.DB, n int, regency string) certFixture {
	t.Helper()
	ctx := context.Background()
	f := trainingtest.Fixture{T: t, DB: db}
	c := f.NewCohort(regency)
	for i := range n {
		f.CGP(c, 0, fmt.Sprintf("Lulusan %02d", i), fmt.Sprintf("%s7%03d", strings.ReplaceAll(regency, ".", ""), i), regency, "SD")
	}
	f.Start(c)
	bgp := f.User(fmt.Sprintf("bgp%d@sertifikat.test", c.ID), "BGP Uji", "")
	f.Grant(bgp, "bgp", regency[:2], "")
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	exec(`UPDATE training_settings SET visits_planned = 0, modules = 1 WHERE cohort_id = $1`, c.ID)
	exec(`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, substr($2, 1, 2), $2, 1, now() - interval '30 days', 'Aula Dinas')`, c.ID, regency)
	exec(`INSERT INTO training_attendance (lokakarya_id, participant_id, status)
		SELECT l.id, p.id, 'hadir' FROM training_participants p JOIN training_lokakarya l ON l.cohort_id = p.cohort_id WHERE p.cohort_id = $1`, c.ID)
	exec(`INSERT INTO training_module_progress (participant_id, module) SELECT id, 1 FROM training_participants WHERE cohort_id = $1`, c.ID)
	exec(`INSERT INTO training_assessments (participant_id, by_role, score, recorded_by)
		SELECT p.id, r, 85, $2 FROM training_participants p, unnest(ARRAY['pengajar_praktik', 'fasilitator']) r WHERE p.cohort_id = $1`, c.ID, bgp)
	out := certFixture{cohort: c, bgp: bgp}
	if err := db.QueryRow(ctx, `SELECT number FROM cohorts WHERE id = $1`, c.ID).Scan(&out.number); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 ORDER BY id`, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out.ids = append(out.ids, id)
	}
	if rows.Err() != nil || len(out.ids) != n {
		t.Fatalf("participants: %d, %v", len(out.ids), rows.Err())
	}
	return out
}

func compose(m training.GraduationMail) mail.Message {
	return mail.Message{Subject: "Lulus " + m.Name, Body: "Nomor " + m.CertNumber + " token " + m.CertToken}
}

func count(t *testing.T, db database.DB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return n
}

// TestGraduationIssuesCertificate: Decide lulus issues the certificate in the graduation's
// transaction (number SGP/<angkatan>/16.01/0001, the mail in the outbox carries it); a batch
// refused because one CGP misses a rule leaves no outcome, no certificate and no used number;
// tidak lulus issues none.
func TestGraduationIssuesCertificate(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	fx := newCertFixture(t, db, 3, "16.01")
	st := training.NewStore(db)
	sc := training.Scope{Provinces: []string{"16"}}
	actor := audit.Actor{UserID: fx.bgp}
	now := time.Now()
	// The third CGP misses the PP's assessment: the batch with the first is refused whole.
	if _, err := db.Exec(ctx, `DELETE FROM training_assessments WHERE participant_id = $1 AND by_role = 'pengajar_praktik'`, fx.ids[2]); err != nil {
		t.Fatal(err)
	}
	var pe *training.ProblemError
	if _, err := st.Decide(ctx, actor, sc, []int64{fx.ids[0], fx.ids[2]}, training.Decision{Outcome: "lulus"}, now, compose); !errors.As(err, &pe) {
		t.Fatalf("batch with an unmet rule: err = %v", err)
	}
	if n := count(t, db, `SELECT count(*) FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id WHERE p.cohort_id = $1`, fx.cohort.ID); n != 0 {
		t.Fatalf("certificates after a refused batch: %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM training_certificate_counters WHERE cohort_id = $1`, fx.cohort.ID); n != 0 {
		t.Fatalf("a refused batch used a number: %d counters", n)
	}
	if _, err := st.Decide(ctx, actor, sc, []int64{fx.ids[0]}, training.Decision{Outcome: "lulus"}, now, compose); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Decide(ctx, actor, sc, []int64{fx.ids[1]}, training.Decision{Outcome: "tidak_lulus", Reason: "Tidak hadir Panen Hasil Belajar"}, now, compose); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("SGP/%d/16.01/0001", fx.number)
	var number, token string
	if err := db.QueryRow(ctx, `SELECT number, token FROM training_certificates WHERE participant_id = $1`, fx.ids[0]).Scan(&number, &token); err != nil || number != want {
		t.Fatalf("certificate of the graduate: %q, %v; want %q", number, err, want)
	}
	if n := count(t, db, `SELECT count(*) FROM training_certificates WHERE participant_id = $1`, fx.ids[1]); n != 0 {
		t.Fatal("tidak lulus got a certificate")
	}
	if n := count(t, db, `SELECT count(*) FROM mail_outbox WHERE body_text = $1`, "Nomor "+want+" token "+token); n != 1 {
		t.Fatalf("graduation mails with the certificate: %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'training.decide' AND object_id = $1 AND detail->>'certificate' = $2`, fmt.Sprint(fx.ids[0]), want); n != 1 {
		t.Fatalf("decision audit with the certificate: %d", n)
	}
	// Asking again returns the same certificate; the one who did not graduate gets none.
	c, err := st.IssueCertificate(ctx, fx.ids[0])
	if err != nil || c.Number != want || c.Token != token || c.Name != "Lulusan 00" || c.RegencyName != "Kabupaten Ogan Komering Ulu" {
		t.Fatalf("issue again: %+v, %v", c, err)
	}
	if _, err := st.IssueCertificate(ctx, fx.ids[1]); !errors.Is(err, training.ErrNotGraduate) {
		t.Fatalf("tidak lulus: err = %v", err)
	}
	byTok, err := st.CertificateByToken(ctx, token)
	if err != nil || byTok.ID != c.ID || byTok.Revoked() {
		t.Fatalf("by token: %+v, %v", byTok, err)
	}
	if _, err := st.CertificateByToken(ctx, "tidak-ada"); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
}

// TestConcurrentCertificates: 30 CGPs graduated by 30 concurrent decisions (and 30 concurrent
// IssueCertificate calls for the same graduates) through a pool of 4 connections: one
// certificate per graduate, tokens unique, numbers exactly SGP/<n>/16.01/0001 … 0030.
func TestConcurrentCertificates(t *testing.T) {
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	fx := newCertFixture(t, db, 30, "16.01")
	st := training.NewStore(smallPool(t, dbURL))
	sc := training.Scope{Provinces: []string{"16"}}
	actor := audit.Actor{UserID: fx.bgp}
	errs := make([]error, 2*len(fx.ids))
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fx.ids[i/2]
			if i%2 == 0 {
				_, errs[i] = st.Decide(ctx, actor, sc, []int64{id}, training.Decision{Outcome: "lulus"}, time.Now(), compose)
				return
			}
			// Before the decision commits this one is refused; after it, it returns the same.
			if _, err := st.IssueCertificate(ctx, id); err != nil && !errors.Is(err, training.ErrNotGraduate) {
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	rows, err := db.Query(ctx, `SELECT c.number, c.token FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
		WHERE p.cohort_id = $1`, fx.cohort.ID)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	tokens := map[string]bool{}
	for rows.Next() {
		var n, tok string
		if err := rows.Scan(&n, &tok); err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, n)
		tokens[tok] = true
	}
	sort.Strings(numbers)
	if len(numbers) != 30 || len(tokens) != 30 {
		t.Fatalf("%d certificates, %d tokens; want 30", len(numbers), len(tokens))
	}
	format := regexp.MustCompile(`^SGP/\d+/16\.01/\d{4}$`)
	for i, n := range numbers {
		if want := training.CertificateNumber(fx.number, "16.01", i+1); n != want || !format.MatchString(n) {
			t.Fatalf("number %d = %q, want %q (no gaps, no repeats)", i, n, want)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Lulus %'`); n != 30 {
		t.Fatalf("graduation mails: %d", n)
	}
}

// TestRevokeCertificate: the reason is required; a BGP of another province cannot (not found);
// the BGP of the province revokes (stored with who, when and why, audited); a second revocation
// is refused; the certificate then reads as revoked.
func TestRevokeCertificate(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	fx := newCertFixture(t, db, 1, "16.01")
	st := training.NewStore(db)
	sc := training.Scope{Provinces: []string{"16"}}
	actor := audit.Actor{UserID: fx.bgp}
	if _, err := st.Decide(ctx, actor, sc, fx.ids, training.Decision{Outcome: "lulus"}, time.Now(), compose); err != nil {
		t.Fatal(err)
	}
	c, err := st.IssueCertificate(ctx, fx.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC)
	var pe *training.ProblemError
	if err := st.RevokeCertificate(ctx, actor, sc, c.ID, "   ", now); !errors.As(err, &pe) || pe.Problems[0] != "certificate.error.reason" {
		t.Fatalf("blank reason: %v", err)
	}
	if err := st.RevokeCertificate(ctx, actor, sc, c.ID, strings.Repeat("x", 501), now); !errors.As(err, &pe) || pe.Problems[0] != "certificate.error.reason_long" {
		t.Fatalf("long reason: %v", err)
	}
	if err := st.RevokeCertificate(ctx, actor, training.Scope{Provinces: []string{"36"}}, c.ID, "Data palsu", now); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("another province: %v", err)
	}
	if err := st.RevokeCertificate(ctx, actor, sc, c.ID, "Dokumen pendaftaran terbukti dipalsukan", now); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeCertificate(ctx, actor, training.Scope{National: true}, c.ID, "lagi", now); !errors.Is(err, training.ErrRevoked) {
		t.Fatalf("revoke twice: %v", err)
	}
	got, err := st.CertificateByToken(ctx, c.Token)
	if err != nil || got.RevokedAt == nil || !got.RevokedAt.Equal(now) || got.RevokeReason != "Dokumen pendaftaran terbukti dipalsukan" {
		t.Fatalf("after revocation: %+v, %v", got, err)
	}
	if n := count(t, db, `SELECT count(*) FROM training_certificates WHERE id = $1 AND revoked_by = $2`, c.ID, fx.bgp); n != 1 {
		t.Fatal("revoked_by not stored")
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'training.certificate_revoke' AND object_id = $1 AND detail->>'number' = $2`, fmt.Sprint(c.ID), c.Number); n != 1 {
		t.Fatalf("revocation audited %d times", n)
	}
	if list, err := st.ProvinceCertificates(ctx, sc, fx.cohort.ID, "16", false); err != nil || len(list) != 0 {
		t.Fatalf("valid certificates after revocation: %d, %v", len(list), err)
	}
}

// memWriter collects export rows.
type memWriter struct{ rows [][]any }

func (m *memWriter) Header([]string) error { return nil }
func (m *memWriter) Row(c []any) error {
	m.rows = append(m.rows, append([]any(nil), c...))
	return nil
}
func (m *memWriter) Close() error { return nil }

var _ export.Writer = (*memWriter)(nil)

// TestRegister: the register is scoped in SQL (a Dinas of Kota Serang sees only Serang's, a BGP
// of Sumatera Selatan only its province, national all), searches by name, filters by status,
// and masks the NUPTK in the list and the export.
func TestRegister(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	oku := newCertFixture(t, db, 3, "16.01")
	serang := newCertFixture(t, db, 2, "36.73")
	st := training.NewStore(db)
	for _, fx := range []certFixture{oku, serang} {
		prov := map[int64]string{oku.cohort.ID: "16", serang.cohort.ID: "36"}[fx.cohort.ID]
		if _, err := st.Decide(ctx, audit.Actor{UserID: fx.bgp}, training.Scope{Provinces: []string{prov}}, fx.ids, training.Decision{Outcome: "lulus"}, time.Now(), compose); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(ctx, `UPDATE users u SET name = 'Siti Aminah' FROM training_participants p WHERE p.user_id = u.id AND p.id = $1`, oku.ids[1]); err != nil {
		t.Fatal(err)
	}
	var sitiUser int64
	var sitiSchool string
	if err := db.QueryRow(ctx, `SELECT user_id, npsn FROM training_participants WHERE id = $1`, oku.ids[1]).Scan(&sitiUser, &sitiSchool); err != nil {
		t.Fatal(err)
	}
	applicationtest.SeedProfile(t, db, sitiUser, sitiSchool, applicationtest.Profile{NIK: "3271019999990001", NUPTK: "1234567890123456",
		Birth: time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC), Subject: "IPA", Years: 10})
	c, _ := st.IssueCertificate(ctx, oku.ids[2])
	if err := st.RevokeCertificate(ctx, audit.Actor{UserID: oku.bgp}, training.Scope{National: true}, c.ID, "Uji", time.Now()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		sc   training.Scope
		f    training.RegisterFilter
		want []string
	}{
		{"national", training.Scope{National: true}, training.RegisterFilter{}, []string{"Lulusan 00", "Lulusan 00", "Lulusan 01", "Lulusan 02", "Siti Aminah"}},
		{"bgp 16", training.Scope{Provinces: []string{"16"}}, training.RegisterFilter{}, []string{"Lulusan 00", "Lulusan 02", "Siti Aminah"}},
		{"dinas 36.73", training.Scope{Regencies: []string{"36.73"}}, training.RegisterFilter{}, []string{"Lulusan 00", "Lulusan 01"}},
		{"search", training.Scope{National: true}, training.RegisterFilter{Q: "aMIn"}, []string{"Siti Aminah"}},
		{"search wildcard", training.Scope{National: true}, training.RegisterFilter{Q: "%"}, nil},
		{"revoked", training.Scope{National: true}, training.RegisterFilter{Status: "dicabut"}, []string{"Lulusan 02"}},
		{"valid in oku", training.Scope{National: true}, training.RegisterFilter{Status: "sah", Regency: "16.01", CohortID: oku.cohort.ID}, []string{"Lulusan 00", "Siti Aminah"}},
		{"dinas asks for oku", training.Scope{Regencies: []string{"36.73"}}, training.RegisterFilter{Regency: "16.01"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rows, total, err := st.Register(ctx, tc.sc, tc.f, 100)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range rows {
				names = append(names, r.Name)
				if r.Name == "Siti Aminah" && r.MaskedNUPTK != "1234••••••••3456" {
					t.Errorf("NUPTK shown as %q", r.MaskedNUPTK)
				}
			}
			sort.Strings(names)
			if fmt.Sprint(names) != fmt.Sprint(tc.want) || total != len(tc.want) {
				t.Fatalf("register = %v (total %d), want %v", names, total, tc.want)
			}
			var w memWriter
			n, err := st.RegisterExport(ctx, tc.sc, tc.f, &w, time.UTC)
			if err != nil || n != len(tc.want) {
				t.Fatalf("export: %d rows, %v", n, err)
			}
			for _, r := range w.rows {
				if r[1] == "Siti Aminah" && r[2] != export.Plain("1234••••••••3456") {
					t.Errorf("exported NUPTK %v", r[2])
				}
			}
		})
	}
	groups, err := st.RegisterGroups(ctx, training.Scope{Provinces: []string{"16"}}, training.RegisterFilter{})
	if err != nil || len(groups) != 1 || groups[0].Valid != 2 || groups[0].RevokedCount != 1 || groups[0].RegencyCode != "16.01" {
		t.Fatalf("groups: %+v, %v", groups, err)
	}
}

// TestConcurrentRevocations: 12 staff revoke the same certificate at once through a pool of 4:
// one revocation stored and audited, every other one told it is already revoked.
func TestConcurrentRevocations(t *testing.T) {
	db, dbURL := testdb.New(t)
	ctx := context.Background()
	fx := newCertFixture(t, db, 1, "16.01")
	if _, err := training.NewStore(db).Decide(ctx, audit.Actor{UserID: fx.bgp}, training.Scope{Provinces: []string{"16"}}, fx.ids,
		training.Decision{Outcome: "lulus"}, time.Now(), compose); err != nil {
		t.Fatal(err)
	}
	c, err := training.NewStore(db).IssueCertificate(ctx, fx.ids[0])
	if err != nil {
		t.Fatal(err)
	}
	st := training.NewStore(smallPool(t, dbURL))
	errs := make([]error, 12)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.RevokeCertificate(ctx, audit.Actor{UserID: fx.bgp}, training.Scope{National: true}, c.ID, fmt.Sprintf("Alasan %d", i), time.Now())
		}()
	}
	wg.Wait()
	ok, already := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, training.ErrRevoked):
			already++
		default:
			t.Fatalf("revoke: %v", err)
		}
	}
	if ok != 1 || already != 11 {
		t.Fatalf("%d revoked, %d told already revoked; want 1 and 11", ok, already)
	}
	if n := count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'training.certificate_revoke' AND object_id = $1`, fmt.Sprint(c.ID)); n != 1 {
		t.Fatalf("revocation audited %d times", n)
	}
}
