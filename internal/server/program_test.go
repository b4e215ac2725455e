package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

// Scoring outside the cohort's administrasi dates is refused with a page naming the dates, and
// nothing is stored.
func TestScoringRefusedOutsideStageDates(t *testing.T) {
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	cohort := fx.Cohort(map[string]int{"16.01": 2})
	fx.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	if _, err := a.DB.Exec(context.Background(), `UPDATE cohorts SET administrasi_starts_on = '2020-12-16', administrasi_ends_on = '2021-01-10' WHERE id = $1`, cohort); err != nil {
		t.Fatal(err)
	}
	_, app := fx.Applicant(cohort, "cgp@uji.id", "Dewi Lestari", "10600301", "16.01", time.Now())
	as := a.User("satu@uji.id", account.RoleAsesor, account.Scope{})
	var sheet int64
	_ = a.DB.QueryRow(context.Background(), `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2) RETURNING id`, app, as.ID).Scan(&sheet)
	c := a.SignIn("satu@uji.id")
	res := c.PostForm("/asesor/penilaian/"+ids(sheet), url.Values{"score[0]": {"3"}, "score[1]": {"4"}, "submit": {"true"}, "confirm": {"yes"}})
	mustStatus(t, "outside dates", res, 409)
	if !strings.Contains(res.Body, "16 Desember 2020 sampai 10 Januari 2021") {
		t.Fatalf("refusal does not name the dates:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM score_sheets WHERE id = $1 AND submitted_at IS NULL`, sheet); n != 1 {
		t.Fatal("a refused sheet was submitted")
	}
}
