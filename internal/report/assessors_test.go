package report_test

import (
	"context"
	"math"
	"testing"

	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/testdb"
)

func TestAssessorAnalytics(t *testing.T) {
	db, _ := testdb.New(t)
	ctx := context.Background()
	seed := reporttest.Seed(t, db, reporttest.Options{N: 300, Regencies: []string{"16.01", "36.73"}, Quota: 5})
	// A third assessor (granted in Banten) adjudicates every 11th application that both scored.
	var third int64
	if err := db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('as3@seed.test', 'Asesor Tiga', 'x') RETURNING id`).Scan(&third); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO role_grants (user_id, role, province_code) VALUES ($1, 'asesor', '36')`,
		`INSERT INTO score_sheets (application_id, stage, assessor_id, adjudicator, submitted_at, stage_score, scores)
			SELECT application_id, 'tahap1', $1, true, now(), 42, ARRAY[1, 1] FROM score_sheets
			WHERE application_id % 11 = 0 GROUP BY application_id HAVING count(submitted_at) = 2`,
	} {
		if _, err := db.Exec(ctx, q, third); err != nil {
			t.Fatal(err)
		}
	}
	type sheet struct {
		app, assessor int64
		adj, done     bool
		score         float64
	}
	var sheets []sheet
	rows, _ := db.Query(ctx, `SELECT sh.application_id, sh.assessor_id, sh.adjudicator, sh.submitted_at IS NOT NULL, coalesce(sh.stage_score, 0)::float8
		FROM score_sheets sh JOIN applications a ON a.id = sh.application_id WHERE a.cohort_id = $1`, seed.Cohort)
	for rows.Next() {
		var s sheet
		if err := rows.Scan(&s.app, &s.assessor, &s.adj, &s.done, &s.score); err != nil {
			t.Fatal(err)
		}
		sheets = append(sheets, s)
	}
	byApp := map[int64][]sheet{}
	for _, s := range sheets {
		if s.done {
			byApp[s.app] = append(byApp[s.app], s)
		}
	}
	type want struct {
		assigned, done, compared, regular, thirds int64
		sum, sumSq, others, diff                  float64
	}
	exp := map[int64]*want{}
	for _, s := range sheets {
		if exp[s.assessor] == nil {
			exp[s.assessor] = &want{}
		}
		w := exp[s.assessor]
		w.assigned++
		if !s.done {
			continue
		}
		w.done++
		w.sum += s.score
		w.sumSq += s.score * s.score
		var o float64
		var n int
		hasThird := false
		for _, x := range byApp[s.app] {
			if x.adj {
				hasThird = true
			}
			if x.assessor != s.assessor {
				o += x.score
				n++
			}
		}
		if n > 0 {
			w.compared++
			w.others += o / float64(n)
			w.diff += s.score - o/float64(n)
		}
		if !s.adj {
			w.regular++
			if hasThird {
				w.thirds++
			}
		}
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.01 }
	st := report.NewStore(db)
	list, pairs, err := st.Assessors(ctx, seed.Cohort, report.AssessorScope{National: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 {
		t.Fatalf("%d assessors", len(list))
	}
	for _, a := range list {
		w := exp[a.ID]
		mean := w.sum / float64(w.done)
		spread := math.Sqrt((w.sumSq - float64(w.done)*mean*mean) / float64(w.done-1))
		if a.Assigned != w.assigned || a.Done != w.done || a.Compared != w.compared || !near(a.Mean, mean) || !near(a.Spread, spread) ||
			!near(a.OthersMean, w.others/float64(w.compared)) || !near(a.Leniency, w.diff/float64(w.compared)) {
			t.Errorf("%s: %+v, want %+v (mean %.2f spread %.2f)", a.Name, a, *w, mean, spread)
		}
		if w.regular > 0 && !near(a.ThirdRate, float64(w.thirds)/float64(w.regular)) {
			t.Errorf("%s: third rate %v, want %d/%d", a.Name, a.ThirdRate, w.thirds, w.regular)
		}
	}
	if len(pairs) != 1 || pairs[0].A != "Asesor Satu" || pairs[0].B != "Asesor Dua" {
		t.Fatalf("pairs %+v", pairs)
	}
	var gap, maxGap float64
	var shared int64
	for _, ss := range byApp {
		var x, y *sheet
		for i := range ss {
			if ss[i].adj {
				continue
			}
			if ss[i].assessor == seed.Assessors[0] {
				x = &ss[i]
			} else if ss[i].assessor == seed.Assessors[1] {
				y = &ss[i]
			}
		}
		if x != nil && y != nil {
			shared++
			gap += math.Abs(x.score - y.score)
			maxGap = max(maxGap, math.Abs(x.score-y.score))
		}
	}
	if pairs[0].Shared != shared || !near(pairs[0].MeanGap, gap/float64(shared)) || !near(pairs[0].MaxGap, maxGap) {
		t.Errorf("pair %+v, want %d shared, gap %.2f max %.2f", pairs[0], shared, gap/float64(shared), maxGap)
	}
	// A BGP of Banten sees only the assessor granted there; Sumatera Selatan's BGP the other two.
	list, _, _ = st.Assessors(ctx, seed.Cohort, report.AssessorScope{Provinces: []string{"36"}})
	if len(list) != 1 || list[0].ID != third {
		t.Errorf("Banten's assessors: %+v", list)
	}
	list, _, _ = st.Assessors(ctx, seed.Cohort, report.AssessorScope{Provinces: []string{"16"}})
	if len(list) != 2 {
		t.Errorf("Sumatera Selatan's assessors: %d", len(list))
	}
}
