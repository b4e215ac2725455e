package selection_test

import (
	"testing"
	"time"

	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

func TestMoveFormParse(t *testing.T) {
	for _, c := range []struct {
		f    selection.MoveForm
		want selection.Move
		errs map[string]string
	}{
		{selection.MoveForm{From: "3", To: "4"}, selection.Move{From: 3, To: 4}, nil},
		{selection.MoveForm{From: " 3 ", To: "4", Regency: "16.01", Stage: "tahap2"}, selection.Move{From: 3, To: 4, Regency: "16.01", Tahap2: true}, nil},
		{selection.MoveForm{From: "3", To: "3"}, selection.Move{}, map[string]string{"to": "verval.move.error.same"}},
		{selection.MoveForm{From: "x", To: "", Regency: "16.01.02", Stage: "wawancara"}, selection.Move{},
			map[string]string{"from": "verval.move.error.from", "to": "verval.move.error.to", "regency": "verval.move.error.regency", "stage": "selection.move.error.stage"}},
	} {
		got, errs := c.f.Parse()
		if len(errs) != len(c.errs) {
			t.Errorf("%+v: errors %v, want %v", c.f, errs, c.errs)
			continue
		}
		for k, v := range c.errs {
			if errs[k] != v {
				t.Errorf("%+v: %s = %q, want %q", c.f, k, errs[k], v)
			}
		}
		if c.errs == nil && got != c.want {
			t.Errorf("%+v = %+v, want %+v", c.f, got, c.want)
		}
	}
}

// Tahap 2 sessions move in bulk like tahap 1 sheets: a preview changes nothing; the move takes
// both sheets of each session and the session's assessor, all or none; a session with a score
// typed, or one the new assessor already sits on, stays.
func TestReassignTahap2Sessions(t *testing.T) {
	w := newWorld(t)
	w.f.Rubric(w.cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
	w.f.Rubric(w.cohort, selection.StageWawancara, selectiontest.DefaultRubric())
	x, y, z := w.assessors[1], w.assessors[2], w.assessors[3]
	start := time.Date(2026, 5, 4, 1, 0, 0, 0, time.UTC)
	for i, app := range w.apps[:3] {
		if _, err := w.f.DB.Exec(ctx, `INSERT INTO tahap2_slots (application_id, starts_at, minutes, mode, location, assessor1_id, assessor2_id)
			VALUES ($1, $2, 75, 'daring', 'https://meet.example.id/gp', $3, $4)`, app, start.Add(time.Duration(i)*2*time.Hour), x, []int64{y, y, z}[i]); err != nil {
			t.Fatal(err)
		}
		for _, as := range []int64{x, []int64{y, y, z}[i]} {
			for _, st := range []string{"simulasi", "wawancara"} {
				if _, err := w.f.DB.Exec(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, $2, $3)`, app, st, as); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// X has typed a score in a2's wawancara: a2's session stays whole with X.
	if _, err := w.f.DB.Exec(ctx, `INSERT INTO score_items (sheet_id, position, score)
		SELECT id, 0, 3 FROM score_sheets WHERE application_id = $1 AND stage = 'wawancara' AND assessor_id = $2`, w.apps[1], x); err != nil {
		t.Fatal(err)
	}
	m := selection.Move{From: x, To: z, Tahap2: true}
	preview, err := w.s.ReassignSheets(ctx, w.admin, w.cohort, m, true)
	// a1 moves (2 sheets); a2 is started (2 skipped); Z already sits on a3's session (2 skipped).
	if want := (selection.SheetMoveResult{Moved: 2, Skipped: 4}); err != nil || preview != want {
		t.Fatalf("preview = %+v, %v; want %+v", preview, err, want)
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE assessor_id = $1`, z); n != 2 {
		t.Fatalf("the preview moved sheets: Z has %d", n)
	}
	res, err := w.s.ReassignSheets(ctx, w.admin, w.cohort, m, false)
	if err != nil || res != preview {
		t.Fatalf("move = %+v, %v; want the preview %+v", res, err, preview)
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND assessor_id = $2 AND stage IN ('simulasi', 'wawancara')`, w.apps[0], z); n != 2 {
		t.Fatalf("a1's session moved %d sheets to Z, want 2", n)
	}
	if n := count(t, w.f, `SELECT count(*) FROM tahap2_slots WHERE application_id = $1 AND assessor1_id = $2 AND assessor2_id = $3`, w.apps[0], z, y); n != 1 {
		t.Fatal("a1's session does not name Z")
	}
	if n := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND assessor_id = $2`, w.apps[1], x); n != 2 {
		t.Fatal("a started session was split")
	}
	if n := count(t, w.f, `SELECT count(*) FROM tahap2_slots WHERE application_id = ANY($1) AND assessor1_id = $2`, w.apps[1:3], x); n != 2 {
		t.Fatal("a skipped session changed its assessor")
	}
	if n := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action = 'selection.assign.move_many' AND (detail->>'moved')::int = 2`); n != 1 {
		t.Fatal("the move is not audited once (the preview must not be)")
	}
}
