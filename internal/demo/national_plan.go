package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/selection"
)

func (n *national) plan(ctx context.Context, tx pgx.Tx) error {
	rows, _ := tx.Query(ctx, `SELECT d.code, d.regency_code, d.name FROM districts d ORDER BY d.code`)
	type dist struct{ code, regency, name string }
	var ds []dist
	var d dist
	if _, err := pgx.ForEachRow(rows, []any{&d.code, &d.regency, &d.name}, func() error { ds = append(ds, d); return nil }); err != nil {
		return err
	}
	if len(ds) == 0 {
		return errors.New("no kecamatan: load the regions first (penggerak migrate)")
	}
	rows, _ = tx.Query(ctx, `SELECT code FROM regencies ORDER BY code`)
	var err error
	if n.regencies, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return err
	}
	k := 0
	for _, d := range ds {
		counter := map[string]int{}
		for j := 0; j < n.o.SchoolsPerDistrict; j++ {
			jen := natJenjang[j%len(natJenjang)]
			counter[jen]++
			status := "Negeri"
			if counter[jen] > 2 && j%3 == 0 {
				status = "Swasta"
			}
			prefix := jen
			if jen == "PAUD" {
				prefix = "TK"
			}
			k++
			n.schools = append(n.schools, natSchool{NPSN: fmt.Sprintf("%08d", 60_000_000+k),
				Name: fmt.Sprintf("%s %s %d %s", prefix, status, counter[jen], d.name), Jenjang: jen, Regency: d.regency, District: d.code})
		}
	}
	r := n.rng(saltTeacher, 0)
	n.byRegency = map[string][]int32{}
	for i := 0; i < n.o.Teachers; i++ {
		t := natTeacher{School: int32(r.IntN(len(n.schools))), Female: r.IntN(10) < 6, First: int8(r.IntN(len(firstNames))), Last: int8(r.IntN(len(lastNames)))}
		t.Birth = time.Date(1968+r.IntN(29), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		p := r.IntN(1000)
		switch {
		case p < permilleDraftPartial:
			t.State = stDraftPartial
		case p < permilleDraftPartial+permilleDraftReady:
			t.State = stDraftReady
		case p < permilleDraftPartial+permilleDraftReady+permilleWithdrawn:
			t.State = stWithdrawn
		case p < permilleDraftPartial+permilleDraftReady+permilleWithdrawn+permilleSubmitted:
			t.State = stSubmitted
		case p < permilleDraftPartial+permilleDraftReady+permilleWithdrawn+permilleSubmitted+permilleTidakLolos:
			t.State = stVervalFailed
		default:
			t.State = stVervalPassed
		}
		n.teachers = append(n.teachers, t)
		reg := n.schools[t.School].Regency
		n.byRegency[reg] = append(n.byRegency[reg], int32(i))
	}
	// Ids: identity columns take the values COPY gives them (the sequences are moved past
	// them at the end); each application owns fixed slots of CV, document and sheet ids.
	next := func(table string) (int64, error) {
		var id int64
		err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1000 FROM `+table).Scan(&id)
		return id, err
	}
	for _, x := range []struct {
		p     *int64
		table string
	}{{&n.userBase, "users"}, {&n.appBase, "applications"}, {&n.cvBase, "application_cv_entries"}, {&n.docBase, "application_documents"},
		{&n.sheetBase, "score_sheets"}, {&n.clinicBase, "clinics"}, {&n.regBase, "clinic_registrations"}} {
		if *x.p, err = next(x.table); err != nil {
			return err
		}
	}
	return n.cohort(ctx, tx)
}

// cohort creates the national cohort with its targets (quotas about a fifth of the applicants
// who passed verval in each kab/kota), questions, documents and tahap 1 rubric.
func (n *national) cohort(ctx context.Context, tx pgx.Tx) error {
	closes := endOfDayWIB(n.anchor.AddDate(0, 0, 30))
	if err := tx.QueryRow(ctx, `INSERT INTO cohorts (number, name, program_kind, registration_opens_at, registration_closes_at,
		administrasi_starts_on, administrasi_ends_on, simulasi_starts_on, simulasi_ends_on, pembekalan_starts_on, pembekalan_ends_on,
		training_months, correction_days, status)
		VALUES ($1, 'Angkatan 20 (nasional)', 'cgp', $2, $3, $4, $5, $6, $7, $8, $9, 6, 3, 'pendaftaran') RETURNING id`,
		NationalCohortNumber, n.opens, closes, n.anchor.AddDate(0, 1, 1), n.anchor.AddDate(0, 1, 21), n.anchor.AddDate(0, 2, 1),
		n.anchor.AddDate(0, 2, 14), n.anchor.AddDate(0, 3, 1), n.anchor.AddDate(0, 3, 5)).Scan(&n.cohortID); err != nil {
		return err
	}
	b := &pgx.Batch{}
	for _, reg := range n.regencies {
		lolos := 0
		for _, i := range n.byRegency[reg] {
			if n.teachers[i].State == stVervalPassed {
				lolos++
			}
		}
		b.Queue(`INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, $2, $3)`, n.cohortID, reg, max(1, lolos/5))
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	for i, p := range []string{"Ceritakan satu praktik baik pembelajaran yang berpusat pada murid yang pernah Anda lakukan.",
		"Apa tantangan terbesar di kelas Anda dan bagaimana Anda menghadapinya?",
		"Bagaimana Anda pernah membantu rekan guru berkembang?",
		"Apa rencana Anda untuk komunitas belajar di sekolah setelah menjadi Guru Penggerak?"} {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO essay_questions (cohort_id, group_name, position, prompt, min_chars, max_chars)
			VALUES ($1, $2, $3, $4, 150, 2000) RETURNING id`, n.cohortID, fmt.Sprintf("Paket %d", i/2+1), i+1, p).Scan(&id); err != nil {
			return err
		}
		n.questions = append(n.questions, id)
	}
	for i, d := range []string{"KTP", "Surat rekomendasi kepala sekolah", "SK pembagian tugas mengajar", "Modul ajar / RPP"} {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO required_documents (cohort_id, position, name, required) VALUES ($1, $2, $3, $4) RETURNING id`,
			n.cohortID, i+1, d, i < 3).Scan(&id); err != nil {
			return err
		}
		n.documents = append(n.documents, id)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO selection_rubrics (cohort_id, stage, passing_grade, threshold) VALUES ($1, 'tahap1', 60, 15)`, n.cohortID); err != nil {
		return err
	}
	for c, rc := range natRubric().Criteria {
		if _, err := tx.Exec(ctx, `INSERT INTO selection_criteria (cohort_id, stage, position, name, min_score, max_score, weight, levels)
			VALUES ($1, 'tahap1', $2, $3, $4, $5, $6, $7)`, n.cohortID, c+1, rc.Name, rc.Min, rc.Max, rc.Weight, strings.Join(rc.Levels, "\n")); err != nil {
			return err
		}
	}
	return nil
}

// natRubric is the national cohort's tahap 1 rubric: 8 criteria scored 1-4, weights 1-3.
func natRubric() selection.Rubric {
	r := selection.Rubric{PassingGrade: 60, Threshold: 15}
	for c := 0; c < 8; c++ {
		r.Criteria = append(r.Criteria, selection.Criterion{Name: fmt.Sprintf("Kriteria %d", c+1), Min: 1, Max: 4, Weight: float64(c%3 + 1),
			Levels: []string{"Belum tampak", "Mulai tampak", "Cakap", "Mahir"}})
	}
	return r
}
