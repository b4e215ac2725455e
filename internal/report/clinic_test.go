package report_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"penggerak/internal/application/applicationtest"
	"penggerak/internal/clinic"
	"penggerak/internal/report"
	"penggerak/internal/testdb"
)

// TestClinicReport: per event, registrations, waiting, attendance (at least one session),
// schools reached of those invited and feedback, for the events in the staff scope only.
func TestClinicReport(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return id
	}
	clinicIn := func(title, prov, reg string) (int64, [2]int64) {
		id := one(`INSERT INTO clinics (kind, title, organiser, province_code, regency_code, mode, capacity, registration_opens, registration_closes, status)
			VALUES ('coaching_clinic', $1, 'Dinas Pendidikan', $2, $3, 'offline', 100, now() - interval '2 days', now() + interval '2 days', 'published') RETURNING id`, title, prov, reg)
		var s [2]int64
		for i := range s {
			s[i] = one(`INSERT INTO clinic_sessions (clinic_id, starts_at, ends_at) VALUES ($1, now() + ($2 || ' days')::interval, now() + ($2 || ' days')::interval + interval '2 hours') RETURNING id`, id, fmt.Sprint(i+1))
		}
		return id, s
	}
	serang, ss := clinicIn("Klinik Serang", "36", "36.73")
	oku, os := clinicIn("Klinik OKU", "16", "16.01")
	for _, npsn := range []string{"20600001", "20600002", "20600003", "20600004"} {
		exec(`INSERT INTO clinic_invitations (clinic_id, npsn, school_name) VALUES ($1, $2, 'Sekolah ' || $2)`, serang, npsn)
	}
	exec(`INSERT INTO clinic_invitations (clinic_id, npsn, school_name) VALUES ($1, '10600001', 'Sekolah OKU')`, oku)
	reg := func(c int64, n int, npsn, status string) int64 {
		regency := "16.01"
		if strings.HasPrefix(npsn, "2") {
			regency = "36.73"
		}
		applicationtest.School(t, db, npsn, "Sekolah "+npsn, "SD", regency)
		return one(`INSERT INTO clinic_registrations (clinic_id, name, email, npsn, status, code, cert_code) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			c, fmt.Sprintf("Guru %d", n), fmt.Sprintf("g%d-%d@x.test", c, n), npsn, status, fmt.Sprintf("C%d-%d", c, n), fmt.Sprintf("Z%d-%d", c, n))
	}
	// Serang: 5 registered (schools 1, 1, 2, uninvited, 3), 1 waiting (school 4), 1 cancelled (school 4).
	r := []int64{reg(serang, 1, "20600001", "registered"), reg(serang, 2, "20600001", "registered"), reg(serang, 3, "20600002", "registered"),
		reg(serang, 4, "20699999", "registered"), reg(serang, 5, "20600003", "registered")}
	reg(serang, 6, "20600004", "waiting")
	reg(serang, 7, "20600004", "cancelled")
	// Present: r0 at both sessions, r1 at one, r3 at one: 3 present of 5.
	for _, a := range [][2]int64{{r[0], ss[0]}, {r[0], ss[1]}, {r[1], ss[1]}, {r[3], ss[0]}} {
		exec(`INSERT INTO clinic_attendance (registration_id, session_id, method) VALUES ($1, $2, 'list')`, a[0], a[1])
	}
	exec(`INSERT INTO clinic_feedback (registration_id, rating) VALUES ($1, 5), ($2, 4)`, r[0], r[1])
	o := reg(oku, 1, "10600001", "registered")
	exec(`INSERT INTO clinic_attendance (registration_id, session_id, method) VALUES ($1, $2, 'scan')`, o, os[0])

	st := report.NewStore(db)
	rows, totals, err := st.ClinicReport(ctx, clinic.Scope{Regencies: []string{"36.73"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Title != "Klinik Serang" {
		t.Fatalf("rows %+v", rows)
	}
	c := rows[0]
	// Reached: schools 1, 2, 3 have a registrant and were invited; 4 only has waiting (counts:
	// not cancelled) → 4 of 4.
	if c.Registered != 5 || c.Waiting != 1 || c.Present != 3 || c.Invited != 4 || c.Reached != 4 || c.Feedback != 2 ||
		c.MeanScore == nil || *c.MeanScore != 4.5 || c.AttendanceRate() != 60 || c.ReachRate() != 100 {
		t.Errorf("Serang: %+v", c)
	}
	if totals.Events != 1 || totals.Registered != 5 {
		t.Errorf("totals %+v", totals)
	}
	rows, totals, _ = st.ClinicReport(ctx, clinic.Scope{National: true})
	if len(rows) != 2 || totals.Registered != 6 || totals.Present != 4 {
		t.Errorf("national: %d rows, totals %+v", len(rows), totals)
	}
}
