package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"penggerak/internal/audit"
	"penggerak/internal/selection"
)

// SeedSelection creates "Angkatan 11" (CGP) in seleksi: quotas in Kabupaten OKU (2) and Kota
// Serang (1), a tahap 1 rubric, six applicants whose verval passed (the demo teacher among
// them) scored by two assessors, and one applicant still waiting for the demo assessor, so the
// whole flow can be tried: score → run → BGP sign-off → publish → breakdown. Idempotent.
func SeedSelection(ctx context.Context, db *pgxpool.Pool) error {
	var exists bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM cohorts WHERE program_kind = 'cgp' AND number = 11)`).Scan(&exists); err != nil || exists {
		return err
	}
	var cohort int64
	now := time.Now()
	if err := db.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at, status)
		VALUES (11, 'Angkatan 11', 'cgp', $1, $2, 'seleksi') RETURNING id`, now.AddDate(0, -2, 0), now.AddDate(0, -1, 0)).Scan(&cohort); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '16.01', 2), ($1, '36.73', 1)`, cohort); err != nil {
		return err
	}
	s := selection.NewStore(db)
	seed := audit.Actor{IP: "seed"}
	rub := selection.Rubric{PassingGrade: 60, Threshold: 15, Criteria: []selection.Criterion{
		{Name: "Pengalaman mengembangkan orang lain", Min: 1, Max: 4, Weight: 2, Levels: []string{"Belum tampak", "Mulai tampak", "Cakap", "Mahir"}},
		{Name: "Praktik pembelajaran berpusat pada murid", Min: 1, Max: 4, Weight: 2, Levels: []string{"Belum tampak", "Mulai tampak", "Cakap", "Mahir"}},
		{Name: "Kualitas esai", Min: 1, Max: 4, Weight: 1, Levels: []string{"Belum tampak", "Mulai tampak", "Cakap", "Mahir"}},
	}}
	if err := s.SaveRubric(ctx, seed, cohort, selection.StageTahap1, rub, false); err != nil {
		return err
	}
	var assessors []int64
	for i := 1; i <= 2; i++ {
		var id int64
		if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, 'x', now())
			ON CONFLICT DO NOTHING RETURNING id`, fmt.Sprintf("penilai%d@demo.penggerak.id", i), fmt.Sprintf("Penilai Demo %d", i)).Scan(&id); err != nil {
			return err
		}
		if _, err := db.Exec(ctx, `INSERT INTO role_grants (user_id, role) VALUES ($1, 'asesor')`, id); err != nil {
			return err
		}
		assessors = append(assessors, id)
	}
	var demoAsesor int64
	err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'asesor@demo.penggerak.id'`).Scan(&demoAsesor)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	type applicant struct {
		email, name, npsn, regency string
		scores                     [][]int // per sheet
		waits                      bool    // one more sheet, open, for the demo assessor
	}
	list := []applicant{
		{"guru@demo.penggerak.id", "", "", "16.01", [][]int{{4, 3, 4}, {3, 3, 4}}, false},
		{"cgp.dewi@demo.penggerak.id", "Dewi Lestari", "10691001", "16.01", [][]int{{4, 4, 3}, {4, 4, 4}}, false},
		{"cgp.andi@demo.penggerak.id", "Andi Pratama", "10691002", "16.01", [][]int{{3, 3, 3}, {3, 2, 3}}, false},
		{"cgp.yusuf@demo.penggerak.id", "Yusuf Hidayat", "10691003", "16.01", [][]int{{2, 2, 2}, {2, 1, 2}}, false},
		{"cgp.maria@demo.penggerak.id", "Maria Ulfa", "36791001", "36.73", [][]int{{4, 3, 3}, {3, 3, 3}}, false},
		{"cgp.rizki@demo.penggerak.id", "Rizki Ramadhan", "36791002", "36.73", [][]int{{3, 3, 3}}, true},
	}
	for i, a := range list {
		var userID int64
		npsn, name := a.npsn, a.name
		if a.name == "" { // the demo teacher, with her profile's school
			if err := db.QueryRow(ctx, `SELECT u.id, u.name, tp.npsn FROM users u JOIN teacher_profiles tp ON tp.user_id = u.id WHERE u.email = $1`, a.email).
				Scan(&userID, &name, &npsn); errors.Is(err, pgx.ErrNoRows) {
				continue
			} else if err != nil {
				return err
			}
		} else {
			if _, err := db.Exec(ctx, `INSERT INTO schools (npsn, name, jenjang, status, regency_code) VALUES ($1, 'SD Negeri Demo ' || $1, 'SD', 'negeri', $2)
				ON CONFLICT (npsn) DO NOTHING`, npsn, a.regency); err != nil {
				return err
			}
			if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, email_verified_at) VALUES ($1, $2, 'x', now()) RETURNING id`,
				a.email, name).Scan(&userID); err != nil {
				return err
			}
		}
		var app int64
		if err := db.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, status, applicant_name, npsn, regency_code, province_code, jenjang,
				submitted_at, registration_number, receipt_checksum)
			VALUES ($1, $2, 'verval_passed', $3, $4, $5, substr($5, 1, 2), 'SD', $6, $7, 'demo') RETURNING id`,
			cohort, userID, name, npsn, a.regency, now.AddDate(0, -1, -1).Add(time.Duration(i)*time.Hour), fmt.Sprintf("GP11-%05d", i+1)).Scan(&app); err != nil {
			return err
		}
		if a.waits {
			// The other assessor has submitted; the demo assessor's sheet is the only open one, so
			// once it is submitted the admin can compute the run.
			if demoAsesor == 0 {
				continue
			}
			if _, err := db.Exec(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id, due_at) VALUES ($1, 'tahap1', $2, $3)`,
				app, demoAsesor, now.AddDate(0, 0, 7)); err != nil {
				return err
			}
		}
		for k, sc := range a.scores {
			var sheet int64
			if err := db.QueryRow(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2) RETURNING id`,
				app, assessors[k]).Scan(&sheet); err != nil {
				return err
			}
			items := make([]selection.ScoreItem, len(sc))
			for j := range sc {
				items[j].Score = &sc[j]
			}
			if _, err := s.SaveSheet(ctx, audit.Actor{UserID: assessors[k], IP: "seed"}, assessors[k], sheet, items, true, now.AddDate(0, 0, 7)); err != nil {
				return err
			}
		}
	}
	return nil
}
