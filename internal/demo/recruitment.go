package demo

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/database"
)

// SeedRecruitment creates "Angkatan 12" (CGP) open for registration, targeting Kabupaten OKU,
// Kota Serang and every kabupaten/kota of Kalimantan Tengah, with essay questions and the usual
// documents. When a school exists in OKU and the demo teacher has no profile yet, it gives them
// one there so the application can be tried. Idempotent; missing regions or schools are skipped.
func SeedRecruitment(ctx context.Context, db *pgxpool.Pool) error {
	return database.Tx(ctx, db, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM cohorts WHERE program_kind = 'cgp' AND number = 12`).Scan(&id)
		if err == nil {
			return seedDemoProfile(ctx, tx)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		now := time.Now()
		if err := tx.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at,
			administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on,
			training_months, correction_days, status)
			VALUES (12, 'Angkatan 12', 'cgp', $1, $2, $3, $4, $5, $6, $7, $8, 6, 3, 'pendaftaran') RETURNING id`,
			now.Add(-24*time.Hour), endOfDayWIB(now.AddDate(0, 0, 30)), now.AddDate(0, 1, 1), now.AddDate(0, 1, 21), now.AddDate(0, 2, 1), now.AddDate(0, 2, 14),
			now.AddDate(0, 3, 1), now.AddDate(0, 3, 5)).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cohort_regencies (cohort_id, regency_code, quota)
			SELECT $1, code, CASE WHEN code = '16.01' THEN 120 WHEN code = '36.73' THEN 80 ELSE 30 END
			FROM regencies WHERE code IN ('16.01', '36.73') OR province_code = '62'`, id); err != nil {
			return err
		}
		questions := []struct {
			group, prompt string
			min, max      int
		}{
			{"Paket 1: Diri sebagai pemimpin pembelajaran", "Ceritakan satu praktik baik pembelajaran yang berpusat pada murid yang pernah Anda lakukan.", 300, 2000},
			{"Paket 1: Diri sebagai pemimpin pembelajaran", "Apa tantangan terbesar di kelas Anda dan bagaimana Anda menghadapinya?", 300, 2000},
			{"Paket 2: Mengembangkan orang lain", "Bagaimana Anda pernah membantu rekan guru berkembang?", 300, 2000},
			{"Paket 2: Mengembangkan orang lain", "Apa rencana Anda untuk komunitas belajar di sekolah setelah menjadi Guru Penggerak?", 300, 2000},
		}
		for i, q := range questions {
			if _, err := tx.Exec(ctx, `INSERT INTO essay_questions (cohort_id, group_name, position, prompt, min_chars, max_chars) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, q.group, i+1, q.prompt, q.min, q.max); err != nil {
				return err
			}
		}
		docs := []struct {
			name, guidance string
			required       bool
		}{
			{"KTP", "Pindai KTP asli, kedua sisi dalam satu PDF, terbaca jelas.", true},
			{"Surat rekomendasi kepala sekolah", "Ditandatangani kepala sekolah dan diketahui Kepala Dinas Pendidikan.", true},
			{"SK pembagian tugas mengajar", "SK tahun ajaran berjalan.", true},
			{"Modul ajar / RPP", "Satu contoh modul ajar yang Anda susun sendiri.", false},
		}
		for i, d := range docs {
			if _, err := tx.Exec(ctx, `INSERT INTO required_documents (cohort_id, position, name, guidance, required, max_bytes) VALUES ($1, $2, $3, $4, $5, 2097152)`,
				id, i+1, d.name, d.guidance, d.required); err != nil {
				return err
			}
		}
		return seedDemoProfile(ctx, tx)
	})
}

// seedDemoProfile gives the demo teacher a profile at the first OKU primary school, if there
// is one and they have none.
func seedDemoProfile(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `INSERT INTO teacher_profiles (user_id, nik, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
		SELECT u.id, '1601014503850001', DATE '1985-03-05', 'P', s.npsn, s.jenjang, 'Guru kelas', 'PNS', 12, 'S1'
		FROM users u, LATERAL (SELECT npsn, jenjang FROM schools WHERE regency_code = '16.01' AND jenjang IN ('SD', 'SMP') ORDER BY npsn LIMIT 1) s
		WHERE u.email = 'guru@demo.penggerak.id'
		AND NOT EXISTS (SELECT 1 FROM teacher_profiles WHERE user_id = u.id OR nik = '1601014503850001')`)
	return err
}

// endOfDayWIB is 23:59 WIB on t's day, a deadline as a person would set it.
func endOfDayWIB(t time.Time) time.Time {
	wib := time.FixedZone("WIB", 7*3600)
	y, m, d := t.In(wib).Date()
	return time.Date(y, m, d, 23, 59, 0, 0, wib)
}
