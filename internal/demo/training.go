package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/training"
)

// SeedTraining creates "Angkatan 10" (CGP) in pendidikan: CGPs in Kabupaten OKU and Kota
// Serang whose pembekalan attendance is recorded, PPs and fasilitators appointed, groups
// proposed and confirmed, Lokakarya 0 held (attendance recorded) and Lokakarya 1 scheduled,
// pendampingan visits logged (one acknowledged, one overdue, one draft) and module progress.
// The demo PP (pp@demo…) and fasilitator (fasilitator@demo…) lead the first OKU group; the
// demo CGP (cgp@demo…) is in it. It also seeds the graduates of Angkatan 9 (SeedGraduates).
// Idempotent; skipped when the demo schools are missing.
func SeedTraining(ctx context.Context, db *pgxpool.Pool) error {
	if err := seedAngkatan10(ctx, db); err != nil {
		return err
	}
	return SeedGraduates(ctx, db)
}

// seedAngkatan10 seeds Angkatan 10 in pendidikan (see SeedTraining).
func seedAngkatan10(ctx context.Context, db *pgxpool.Pool) error {
	var exists bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = 10)`).Scan(&exists); err != nil || exists {
		return err
	}
	schools := map[string][]string{}
	for _, reg := range []string{"16.01", "36.73"} {
		rows, _ := db.Query(ctx, `SELECT npsn FROM schools WHERE regency_code = $1 AND jenjang IN ('SD', 'SMP') ORDER BY jenjang, npsn LIMIT 6`, reg)
		list, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		if len(list) < 3 {
			return nil // no demo schools (region data missing)
		}
		schools[reg] = list
	}
	var admin, bgp int64
	if err := db.QueryRow(ctx, `SELECT (SELECT id FROM users WHERE email = 'admin@demo.penggerak.id'), (SELECT id FROM users WHERE email = 'bgp.sumsel@demo.penggerak.id')`).
		Scan(&admin, &bgp); err != nil {
		return err
	}
	now := time.Now()
	var cohort, run int64
	if err := db.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, training_months, status)
		VALUES (10, 'Angkatan 10', 'cgp', $1, $2, 6, 'pembekalan') RETURNING id`, now.AddDate(0, -6, 0), now.AddDate(0, -5, 0)).Scan(&cohort); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '16.01', 20), ($1, '36.73', 10)`, cohort); err != nil {
		return err
	}
	if err := db.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash, created_by, published_at, published_by)
		VALUES ($1, '{"quotas": {"16.01": 20, "36.73": 10}}', repeat('d', 64), repeat('e', 64), $2, $3, $2) RETURNING id`,
		cohort, admin, now.AddDate(0, -2, 0)).Scan(&run); err != nil {
		return err
	}
	names := map[string][]string{
		"16.01": {"Nur Aisyah", "Budi Santoso", "Fitri Handayani", "Agus Salim", "Lestari Wulandari", "Hendra Gunawan",
			"Ratna Sari", "Dedi Kurniawan", "Sri Mulyani", "Joko Susilo", "Wahyuni Putri"},
		"36.73": {"Maya Sofia", "Rudi Hartono", "Intan Permata", "Fajar Nugroho", "Dian Anggraini"},
	}
	seat := func(userID int64, name, npsn, regency string, n int) error {
		var app int64
		if err := db.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
				submitted_at, registration_number, receipt_checksum)
			SELECT $1, $2, 'verval_passed', $3, s.npsn, s.regency_code, substr(s.regency_code, 1, 2), s.jenjang, $5, $6, repeat('c', 64)
			FROM schools s WHERE s.npsn = $4 RETURNING id`, cohort, userID, name, npsn, now.AddDate(0, -5, -10), fmt.Sprintf("GP10-%05d", n)).Scan(&app); err != nil {
			return err
		}
		_, err := db.Exec(ctx, `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at, attended_at)
			VALUES ($1, $2, $3, 'attended', $4, $5, $4, $4)`, run, app, regency, now.AddDate(0, -1, -15), fmt.Sprintf("%032x.pdf", 10_000+n))
		return err
	}
	n := 0
	var demoCGP int64
	if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'cgp@demo.penggerak.id'`).Scan(&demoCGP); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	for _, reg := range []string{"16.01", "36.73"} {
		for i, name := range names[reg] {
			n++
			uid := demoCGP
			if reg != "16.01" || i != 0 || demoCGP == 0 {
				if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, 'x', now())
					ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name RETURNING id`, fmt.Sprintf("cgp10.%02d@demo.penggerak.id", n), name).Scan(&uid); err != nil {
					return err
				}
			} else if err := db.QueryRow(ctx, `SELECT name FROM users WHERE id = $1`, uid).Scan(&name); err != nil {
				return err
			}
			list := schools[reg]
			if err := seat(uid, name, list[i%len(list)], reg, n); err != nil {
				return err
			}
		}
	}
	if _, err := db.Exec(ctx, `UPDATE cohorts SET status = 'pendidikan' WHERE id = $1`, cohort); err != nil {
		return err
	}
	// Mentors: the demo PP teaches at the second OKU school (so the proposal keeps its CGPs away
	// from them), a second PP in OKU, one PP in Kota Serang; fasilitators per province.
	user := func(email, name, role, prov, reg string) (int64, error) {
		return staffUser(ctx, db, email, name, role, prov, reg)
	}
	pp, err := user("pp@demo.penggerak.id", "Pengajar Praktik Demo", "pengajar_praktik", "16", "16.01")
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `INSERT INTO teacher_profiles (user_id, nik, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
		SELECT $1, '1601014105800001', '1980-05-01', 'P', $2, s.jenjang, 'Bahasa Indonesia', 'PNS', 18, 'S2' FROM schools s WHERE s.npsn = $2
		ON CONFLICT DO NOTHING`, pp, schools["16.01"][1]); err != nil {
		return err
	}
	pp2, err := user("pp.oku2@demo.penggerak.id", "Rahmat Hidayat", "pengajar_praktik", "16", "16.01")
	if err != nil {
		return err
	}
	ppSerang, err := user("pp.serang@demo.penggerak.id", "Euis Komalasari", "pengajar_praktik", "36", "36.73")
	if err != nil {
		return err
	}
	fas, err := user("fasilitator@demo.penggerak.id", "Fasilitator Demo", "fasilitator", "16", "")
	if err != nil {
		return err
	}
	fasBanten, err := user("fasilitator.banten@demo.penggerak.id", "Yayan Supriatna", "fasilitator", "36", "")
	if err != nil {
		return err
	}
	st := training.NewStore(db)
	mails := trainingMails()
	seed := audit.Actor{UserID: bgp, IP: "seed"}
	both := training.Scope{Provinces: []string{"16", "36"}}
	for _, a := range []training.Appointment{
		{UserID: pp, Role: "pengajar_praktik", Regency: "16.01"},
		{UserID: pp2, Role: "pengajar_praktik", Regency: "16.01"},
		{UserID: fas, Role: "fasilitator", Regency: "16.01"},
		{UserID: ppSerang, Role: "pengajar_praktik", Regency: "36.73"},
		{UserID: fasBanten, Role: "fasilitator", Regency: "36.73"},
	} {
		if _, err := st.Appoint(ctx, seed, both, cohort, a); err != nil {
			return fmt.Errorf("appoint: %w", err)
		}
	}
	for _, prov := range []string{"16", "36"} {
		if _, err := st.Propose(ctx, seed, both, cohort, prov); err != nil {
			return fmt.Errorf("propose: %w", err)
		}
		if _, err := st.Confirm(ctx, seed, both, cohort, prov, mails.Group, now.AddDate(0, 0, -28)); err != nil {
			return fmt.Errorf("confirm %s: %w", prov, err)
		}
	}
	// Lokakarya 0 held three weeks ago, Lokakarya 1 next week (09:00 local time).
	day := func(days int) time.Time {
		d := now.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 2, 0, 0, 0, time.UTC) // 09:00 WIB
	}
	held := map[string]int64{}
	for _, reg := range []string{"16.01", "36.73"} {
		place := map[string]string{"16.01": "Aula SMP Negeri 1 OKU, Baturaja", "36.73": "Aula Dinas Pendidikan Kota Serang"}[reg]
		id, err := st.ScheduleLokakarya(ctx, seed, both, cohort, training.LokakaryaInput{Regency: reg, Number: 0, StartsAt: day(-21), Place: place}, mails.Lokakarya)
		if err != nil {
			return err
		}
		held[reg] = id
		if _, err := st.ScheduleLokakarya(ctx, seed, both, cohort, training.LokakaryaInput{Regency: reg, Number: 1, StartsAt: day(7), Place: place}, mails.Lokakarya); err != nil {
			return err
		}
	}
	for reg, lk := range held {
		_, rows, err := st.AttendanceSheet(ctx, training.Recorder{UserID: bgp, BGPProvinces: []string{"16", "36"}}, lk)
		if err != nil {
			return err
		}
		var es []training.AttendanceEntry
		for i, r := range rows {
			e := training.AttendanceEntry{ParticipantID: r.ParticipantID, Status: "hadir"}
			switch {
			case reg == "16.01" && i == 2:
				e = training.AttendanceEntry{ParticipantID: r.ParticipantID, Status: "izin", Reason: "Mendampingi siswa lomba tingkat kabupaten"}
			case reg == "16.01" && i == 7:
				e.Status = "tidak_hadir"
			}
			es = append(es, e)
		}
		if err := st.SaveAttendance(ctx, seed, training.Recorder{UserID: bgp, BGPProvinces: []string{"16", "36"}}, lk, es); err != nil {
			return err
		}
	}
	// Visits by the demo PP: visit 1 planned for each mentee; logged and acknowledged for the
	// first, sent ten days ago and not acknowledged for the second (flagged), a draft for the third.
	groups, err := st.MentoredGroups(ctx, pp)
	if err != nil || len(groups) == 0 {
		return err
	}
	ppActor := audit.Actor{UserID: pp, IP: "seed"}
	for i, m := range groups[0].Members {
		id, errs, err := st.PlanVisit(ctx, pp, m.ID, "1", day(-10).Format("2006-01-02"))
		if err != nil || len(errs) > 0 {
			return fmt.Errorf("plan visit: %v %v", err, errs)
		}
		log := training.VisitLog{Date: day(-10).Format("2006-01-02"), Mode: "kunjungan",
			Notes:    "Mengamati pembelajaran di kelas; refleksi bersama tentang pembelajaran berdiferensiasi dan asesmen awal murid.",
			FollowUp: "Menyusun modul ajar dengan tiga jalur aktivitas sebelum Lokakarya 1."}
		switch i {
		case 0, 1:
			if _, err := st.SaveVisit(ctx, ppActor, pp, id, log, true, now.AddDate(0, 0, -10), mails.Visit); err != nil {
				return err
			}
			if i == 0 {
				if err := st.AcknowledgeVisit(ctx, m.UserID, id, true, "Terima kasih, catatan sesuai dengan diskusi kita.", now.AddDate(0, 0, -9)); err != nil {
					return err
				}
			}
		case 2:
			log.Mode, log.FollowUp = "daring", ""
			if _, err := st.SaveVisit(ctx, ppActor, pp, id, log, false, now.AddDate(0, 0, -1), mails.Visit); err != nil {
				return err
			}
		}
	}
	// Module progress in the demo fasilitator's class.
	ps, err := st.ClassProgress(ctx, fas)
	if err != nil {
		return err
	}
	var items []training.ProgressItem
	for i, p := range ps {
		for m := 1; m <= 1+(i*3)%p.Modules; m++ {
			items = append(items, training.ProgressItem{ParticipantID: p.ParticipantID, Module: m, Done: true})
		}
	}
	if len(items) > 0 {
		return st.ApplyProgress(ctx, audit.Actor{UserID: fas, IP: "seed"}, fas, items, "impor")
	}
	return nil
}
