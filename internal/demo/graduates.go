package demo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/cohort"
	"penggerak/internal/profile"
	"penggerak/internal/training"
)

// GraduateEmail is the demo login of a Guru Penggerak of Angkatan 9 (see SeedGraduates).
const GraduateEmail = "gp@demo.penggerak.id"

// RevokedReason is why the demo revokes one certificate of Angkatan 9.
const RevokedReason = "Dicabut atas permintaan Dinas Pendidikan Kota Serang: aksi nyata yang dinilai terbukti hasil karya orang lain."

// DemoGraduateProfile is the teacher profile of the demo graduate (school set when seeded).
var DemoGraduateProfile = profile.Profile{
	NIK: "1601146108850002", NUPTK: "2153763665300013", NIP: "198508212009012004",
	BirthDate: time.Date(1985, 8, 21, 0, 0, 0, 0, time.UTC), Gender: "P", Jenjang: "SMP", Subject: "Matematika",
	EmploymentStatus: "PNS", YearsTeaching: 16, Education: "S2",
}

// Angkatan 9's graduates: 11 CGPs in Kabupaten OKU (the demo graduate first) and 5 in Kota Serang.
var graduateNames = map[string][]string{
	"16.01": {"Dewi Kartika", "Ahmad Fauzi", "Yuliana Safitri", "Bambang Prasetyo", "Nurhayati", "Eko Wibowo",
		"Siti Khodijah", "Rizky Ramadhan", "Endang Susanti", "Taufik Hidayat", "Marlina Dewi"},
	"36.73": {"Iis Aisyah", "Asep Saepudin", "Nining Kurniasih", "Dadang Sunarya", "Rina Marlina"},
}

// SeedGraduates creates "Angkatan 9" (CGP), an earlier cohort whose six months are over and
// which is selesai: its CGPs in Kabupaten OKU and Kota Serang were grouped under their PPs and
// fasilitators, attended Lokakarya 0–7, had six acknowledged visits each, completed the modules
// and were assessed, all through the training store as the BGP, PPs and fasilitators would. In
// OKU one withdrew and one did not pass (attendance below the threshold); everyone else
// graduated, which issued their Sertifikat Guru Penggerak (number, token, audit) with the
// graduation; one Kota Serang certificate is then revoked with a reason. The cohort is moved to
// selesai through the cohort lifecycle. The demo graduate (GraduateEmail) is the first OKU CGP
// and has a teacher profile. Idempotent; skipped when the demo schools are missing.
func SeedGraduates(ctx context.Context, db *pgxpool.Pool) error {
	var exists bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = 9)`).Scan(&exists); err != nil || exists {
		return err
	}
	var admin, bgp int64
	if err := db.QueryRow(ctx, `SELECT (SELECT id FROM users WHERE email = 'admin@demo.penggerak.id'), (SELECT id FROM users WHERE email = 'bgp.sumsel@demo.penggerak.id')`).
		Scan(&admin, &bgp); err != nil {
		return err
	}
	now := time.Now()
	// The timeline: pembekalan 14 months ago, Lokakarya 0 a year ago, then one every three
	// weeks; graduation two weeks after Lokakarya 7 (Panen Hasil Belajar).
	day := func(days int) time.Time {
		d := now.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 1, 30, 0, 0, time.UTC) // 08:30 WIB
	}
	lk0 := -365
	lkDay := func(n int) int { return lk0 + 21*n }
	graduation := day(lkDay(7) + 14)

	c, people, err := seedEnrolledCohort(ctx, db, enrolment{number: 9, name: "Angkatan 9", admin: admin, names: graduateNames,
		opens: now.AddDate(-1, -6, 0), published: now.AddDate(-1, -2, -15), schoolOffset: 6, firstEmail: GraduateEmail, emailFmt: "cgp9.%02d@demo.penggerak.id"})
	if err != nil || c == 0 {
		return err
	}
	if err := seedGraduateProfile(ctx, db, people["16.01"][0]); err != nil {
		return err
	}
	user := func(email, name, role, prov, reg string) (int64, error) {
		return staffUser(ctx, db, email, name, role, prov, reg)
	}
	type mentor struct {
		email, name, role, prov, reg string
		id                           int64
	}
	mentors := []*mentor{
		{email: "pp9.oku1@demo.penggerak.id", name: "Suryani Rahayu", role: "pengajar_praktik", prov: "16", reg: "16.01"},
		{email: "pp9.oku2@demo.penggerak.id", name: "Hasanudin", role: "pengajar_praktik", prov: "16", reg: "16.01"},
		{email: "fasilitator9.sumsel@demo.penggerak.id", name: "Meiliana Sari", role: "fasilitator", prov: "16", reg: "16.01"},
		{email: "pp9.serang@demo.penggerak.id", name: "Ujang Suherman", role: "pengajar_praktik", prov: "36", reg: "36.73"},
		{email: "fasilitator9.banten@demo.penggerak.id", name: "Lilis Suryani", role: "fasilitator", prov: "36", reg: "36.73"},
	}
	st := training.NewStore(db)
	mails := trainingMails()
	seed := audit.Actor{UserID: bgp, IP: "seed"}
	both := training.Scope{Provinces: []string{"16", "36"}}
	for _, m := range mentors {
		grantProv := m.prov
		grantReg := m.reg
		if m.role == "fasilitator" {
			grantReg = ""
		}
		if m.id, err = user(m.email, m.name, m.role, grantProv, grantReg); err != nil {
			return err
		}
		if _, err := st.Appoint(ctx, seed, both, c, training.Appointment{UserID: m.id, Role: m.role, Regency: m.reg}); err != nil {
			return fmt.Errorf("appoint: %w", err)
		}
	}
	for _, prov := range []string{"16", "36"} {
		if _, err := st.Propose(ctx, seed, both, c, prov); err != nil {
			return fmt.Errorf("propose: %w", err)
		}
		if _, err := st.Confirm(ctx, seed, both, c, prov, mails.Group, day(lk0-14)); err != nil {
			return fmt.Errorf("confirm %s: %w", prov, err)
		}
	}
	// The participants by user, and who withdraws (the last OKU CGP, after Lokakarya 2) and who
	// misses lokakarya (the tenth OKU CGP: present at 5 of 8, below the 80% threshold).
	part := map[int64]int64{}
	rows, _ := db.Query(ctx, `SELECT user_id, id FROM training_participants WHERE cohort_id = $1`, c)
	var uid, pid int64
	if _, err := pgx.ForEachRow(rows, []any{&uid, &pid}, func() error { part[uid] = pid; return nil }); err != nil {
		return err
	}
	oku := people["16.01"]
	withdrawn, absent := part[oku[len(oku)-1]], part[oku[len(oku)-2]]

	rec := training.Recorder{UserID: bgp, BGPProvinces: []string{"16", "36"}}
	place := map[string]string{"16.01": "Aula SMA Negeri 1 OKU, Baturaja", "36.73": "Aula LPMP Banten, Kota Serang"}
	for n := 0; n < 8; n++ {
		if n == 3 {
			if err := st.Withdraw(ctx, seed, both, withdrawn, "Mutasi tugas ke luar provinsi; tidak dapat mengikuti lokakarya berikutnya.", day(lkDay(2)+5)); err != nil {
				return fmt.Errorf("withdraw: %w", err)
			}
		}
		for _, reg := range []string{"16.01", "36.73"} {
			id, err := st.ScheduleLokakarya(ctx, seed, both, c, training.LokakaryaInput{Regency: reg, Number: n, StartsAt: day(lkDay(n)), Place: place[reg]}, mails.Lokakarya)
			if err != nil {
				return fmt.Errorf("lokakarya %d: %w", n, err)
			}
			_, sheet, err := st.AttendanceSheet(ctx, rec, id)
			if err != nil {
				return err
			}
			es := make([]training.AttendanceEntry, 0, len(sheet))
			for _, r := range sheet {
				e := training.AttendanceEntry{ParticipantID: r.ParticipantID, Status: "hadir"}
				if r.ParticipantID == absent && n%3 == 1 {
					e.Status = "tidak_hadir"
				}
				if r.ParticipantID == absent && n == 6 {
					e = training.AttendanceEntry{ParticipantID: r.ParticipantID, Status: "izin", Reason: "Sakit, surat keterangan dokter terlampir"}
				}
				es = append(es, e)
			}
			if err := st.SaveAttendance(ctx, seed, rec, id, es); err != nil {
				return err
			}
		}
	}
	// Pendampingan: six visits per mentee, a week before Lokakarya 1–6, each logged by the PP and
	// acknowledged by the CGP two days later.
	notes := []string{
		"Refleksi awal: harapan murid dan kebutuhan belajar di kelas; menyepakati fokus pendampingan.",
		"Mengamati pembelajaran berdiferensiasi; diskusi tentang asesmen awal dan pengelompokan murid.",
		"Umpan balik atas modul ajar; merencanakan pembelajaran sosial-emosional di kelas.",
		"Coaching tentang budaya positif dan keyakinan kelas bersama murid.",
		"Meninjau rencana aksi nyata dan pelibatan rekan sejawat di komunitas belajar sekolah.",
		"Persiapan Panen Hasil Belajar: memilih karya dan dokumentasi praktik baik.",
	}
	for _, m := range mentors {
		if m.role != "pengajar_praktik" {
			continue
		}
		groups, err := st.MentoredGroups(ctx, m.id)
		if err != nil {
			return err
		}
		actor := audit.Actor{UserID: m.id, IP: "seed"}
		for _, g := range groups {
			if g.CohortID != c {
				continue
			}
			for _, cgp := range g.Members {
				if cgp.ID == withdrawn {
					continue
				}
				for v := 1; v <= 6; v++ {
					on := day(lkDay(v) - 7)
					id, errs, err := st.PlanVisit(ctx, m.id, cgp.ID, strconv.Itoa(v), on.Format("2006-01-02"))
					if err != nil || len(errs) > 0 {
						return fmt.Errorf("plan visit: %v %v", err, errs)
					}
					mode := "kunjungan"
					if v%3 == 0 {
						mode = "daring"
					}
					log := training.VisitLog{Date: on.Format("2006-01-02"), Mode: mode, Notes: notes[v-1], FollowUp: "Ditinjau kembali pada kunjungan berikutnya."}
					if errs, err := st.SaveVisit(ctx, actor, m.id, id, log, true, on.Add(6*time.Hour), mails.Visit); err != nil || len(errs) > 0 {
						return fmt.Errorf("save visit: %v %v", err, errs)
					}
					if err := st.AcknowledgeVisit(ctx, cgp.UserID, id, true, "", on.AddDate(0, 0, 2)); err != nil {
						return err
					}
				}
				score := 78 + int(cgp.ID%15)
				if err := st.RecordAssessment(ctx, actor, m.id, "pengajar_praktik", cgp.ID, score); err != nil {
					return fmt.Errorf("PP assessment: %w", err)
				}
			}
		}
	}
	// Modules (imported from the LMS) and the fasilitators' assessments.
	for _, m := range mentors {
		if m.role != "fasilitator" {
			continue
		}
		ps, err := st.ClassProgress(ctx, m.id)
		if err != nil {
			return err
		}
		var items []training.ProgressItem
		actor := audit.Actor{UserID: m.id, IP: "seed"}
		for _, p := range ps {
			if p.ParticipantID == withdrawn {
				continue
			}
			for mod := 1; mod <= p.Modules; mod++ {
				items = append(items, training.ProgressItem{ParticipantID: p.ParticipantID, Module: mod, Done: true})
			}
			if err := st.RecordAssessment(ctx, actor, m.id, "fasilitator", p.ParticipantID, 75+int(p.ParticipantID%20)); err != nil {
				return fmt.Errorf("fasilitator assessment: %w", err)
			}
		}
		if err := st.ApplyProgress(ctx, actor, m.id, items, "impor"); err != nil {
			return err
		}
	}
	// Graduation: everyone who meets every rule at once, the CGP who missed lokakarya not.
	for _, prov := range []string{"16", "36"} {
		ids, err := st.Eligible(ctx, both, c, prov, graduation)
		if err != nil {
			return err
		}
		if _, err := st.Decide(ctx, seed, both, ids, training.Decision{Outcome: "lulus"}, graduation, mails.Graduation); err != nil {
			return fmt.Errorf("graduate %s: %w", prov, err)
		}
	}
	if _, err := st.Decide(ctx, seed, both, []int64{absent}, training.Decision{Outcome: "tidak_lulus",
		Reason: "Kehadiran lokakarya 4 dari 8 (di bawah 80%)."}, graduation, mails.Graduation); err != nil {
		return fmt.Errorf("tidak lulus: %w", err)
	}
	// One Kota Serang certificate revoked, by the national admin.
	var revoke int64
	if err := db.QueryRow(ctx, `SELECT c.id FROM training_certificates c JOIN training_participants p ON p.id = c.participant_id
		WHERE p.cohort_id = $1 AND p.regency_code = '36.73' ORDER BY c.number DESC LIMIT 1`, c).Scan(&revoke); err != nil {
		return err
	}
	if err := st.RevokeCertificate(ctx, audit.Actor{UserID: admin, IP: "seed"}, training.Scope{National: true}, revoke, RevokedReason, graduation.AddDate(0, 1, 0)); err != nil {
		return err
	}
	return cohort.NewStore(db).Transition(ctx, audit.Actor{UserID: admin, IP: "seed"}, c, cohort.StatusSelesai, graduation.AddDate(0, 0, 7))
}

// enrolment is a demo cohort whose CGPs confirmed and attended pembekalan.
type enrolment struct {
	number       int
	name         string
	admin        int64
	names        map[string][]string
	opens        time.Time
	published    time.Time
	schoolOffset int
	// firstEmail is the first OKU CGP's account (an existing demo login); the others get
	// emailFmt with their sequence number.
	firstEmail, emailFmt string
}

// seedEnrolledCohort creates the cohort with its recruitment history (targets, a published
// result run, lolos verval applications, attended pembekalan seats) and moves it to pendidikan,
// where the database builds its roster. It returns the cohort and its CGPs' user ids per
// kab/kota, in the order of e.names; cohort 0 when the demo schools are missing.
func seedEnrolledCohort(ctx context.Context, db *pgxpool.Pool, e enrolment) (int64, map[string][]int64, error) {
	schools := map[string][]string{}
	for reg := range e.names {
		rows, _ := db.Query(ctx, `SELECT npsn FROM schools WHERE regency_code = $1 AND jenjang IN ('SD', 'SMP') ORDER BY jenjang, npsn OFFSET $2 LIMIT 6`, reg, e.schoolOffset)
		list, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return 0, nil, err
		}
		if len(list) < 3 {
			return 0, nil, nil
		}
		schools[reg] = list
	}
	var c, run int64
	if err := db.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, training_months, status)
		VALUES ($1, $2, 'cgp', $3, $4, 6, 'pembekalan') RETURNING id`, e.number, e.name, e.opens, e.opens.AddDate(0, 1, 0)).Scan(&c); err != nil {
		return 0, nil, err
	}
	if _, err := db.Exec(ctx, `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '16.01', 20), ($1, '36.73', 10)`, c); err != nil {
		return 0, nil, err
	}
	if err := db.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash, created_by, published_at, published_by)
		VALUES ($1, '{"quotas": {"16.01": 20, "36.73": 10}}', repeat('d', 64), repeat('e', 64), $2, $3, $2) RETURNING id`,
		c, e.admin, e.published).Scan(&run); err != nil {
		return 0, nil, err
	}
	people := map[string][]int64{}
	n := 0
	for _, reg := range []string{"16.01", "36.73"} {
		for i, name := range e.names[reg] {
			n++
			email := fmt.Sprintf(e.emailFmt, n)
			if reg == "16.01" && i == 0 && e.firstEmail != "" {
				email = e.firstEmail
			}
			var uid, app int64
			err := db.QueryRow(ctx, `SELECT id, name FROM users WHERE email = $1`, email).Scan(&uid, &name)
			if errors.Is(err, pgx.ErrNoRows) {
				err = db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, 'x', now()) RETURNING id`, email, name).Scan(&uid)
			}
			if err != nil {
				return 0, nil, err
			}
			list := schools[reg]
			if err := db.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
					submitted_at, registration_number, receipt_checksum)
				SELECT $1, $2, 'verval_passed', $3, s.npsn, s.regency_code, substr(s.regency_code, 1, 2), s.jenjang, $5, $6, repeat('c', 64)
				FROM schools s WHERE s.npsn = $4 RETURNING id`, c, uid, name, list[i%len(list)], e.opens.AddDate(0, 0, 10), fmt.Sprintf("GP%d-%05d", e.number, n)).Scan(&app); err != nil {
				return 0, nil, err
			}
			at := e.published.AddDate(0, 0, 20)
			if _, err := db.Exec(ctx, `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, pakta_storage, confirmed_at, attended_at)
				VALUES ($1, $2, $3, 'attended', $4, $5, $4, $4)`, run, app, reg, at, fmt.Sprintf("%032x.pdf", e.number*100_000+n)); err != nil {
				return 0, nil, err
			}
			people[reg] = append(people[reg], uid)
		}
	}
	_, err := db.Exec(ctx, `UPDATE cohorts SET status = 'pendidikan' WHERE id = $1`, c)
	return c, people, err
}

// seedGraduateProfile gives the demo graduate a teacher profile at the school of their
// application, unless they have one.
func seedGraduateProfile(ctx context.Context, db *pgxpool.Pool, userID int64) error {
	var npsn, jenjang string
	var exists bool
	if err := db.QueryRow(ctx, `SELECT a.npsn, a.jenjang, EXISTS (SELECT 1 FROM teacher_profiles t WHERE t.user_id = $1)
		FROM applications a WHERE a.user_id = $1 ORDER BY a.id LIMIT 1`, userID).Scan(&npsn, &jenjang, &exists); err != nil || exists {
		return err
	}
	p := DemoGraduateProfile
	p.NPSN, p.Jenjang = npsn, jenjang
	return profile.NewStore(db).Save(ctx, audit.Actor{UserID: userID, IP: "seed"}, userID, p)
}
