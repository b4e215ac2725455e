package selection_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"penggerak/internal/selection"
)

func sheetSnapshot(t *testing.T, w world) []string {
	t.Helper()
	rows, err := w.f.DB.Query(ctx, `SELECT id, application_id, stage, assessor_id, adjudicator, coalesce(due_at::text, ''), coalesce(batch_id, 0)
		FROM score_sheets ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		v, _ := rows.Values()
		out = append(out, fmt.Sprint(v...))
	}
	return out
}

// The dry run says per assessor how many sheets, how many conflicts were avoided and nothing
// is stored; the commit is one batch; undoing it restores exactly the previous sheets (checked
// row by row in the database); a batch with a started sheet cannot be undone.
func TestAssignPreviewCommitUndo(t *testing.T) {
	w := newWorld(t)
	// One sheet already there by hand (assessor C on a1).
	w.f.DB.Exec(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2)`, w.apps[0], w.assessors[2])
	before := sheetSnapshot(t, w)
	p, err := w.s.PreviewAssign(ctx, w.cohort, selection.StageTahap1)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, a := range p.Assessors {
		total += a.New
	}
	if total != 7 || len(p.Plan.Unassigned) != 0 || p.Plan.ConflictsAvoided == 0 || len(p.Assessors) != 4 {
		t.Fatalf("preview: %d new sheets, %+v", total, p)
	}
	if after := sheetSnapshot(t, w); !reflect.DeepEqual(before, after) {
		t.Fatal("the preview stored something")
	}
	n, err := w.s.AutoAssign(ctx, w.admin, w.cohort, selection.StageTahap1, time.Now())
	if err != nil || n != 7 {
		t.Fatalf("AutoAssign = %d, %v", n, err)
	}
	bs, err := w.s.Batches(ctx, w.cohort)
	if err != nil || len(bs) != 1 || bs[0].Sheets != 7 || bs[0].Started != 0 {
		t.Fatalf("Batches = %+v, %v", bs, err)
	}
	// The planned picks are the committed ones.
	if c := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE batch_id = $1`, bs[0].ID); c != len(p.Plan.Assignments) {
		t.Fatalf("%d sheets committed, %d planned", c, len(p.Plan.Assignments))
	}
	if err := w.s.UndoBatch(ctx, w.admin, w.cohort+1000, bs[0].ID); err == nil {
		t.Fatal("undo through another cohort")
	}
	if err := w.s.UndoBatch(ctx, w.admin, w.cohort, bs[0].ID); err != nil {
		t.Fatal(err)
	}
	if after := sheetSnapshot(t, w); !reflect.DeepEqual(before, after) {
		t.Fatalf("undo did not restore the previous assignment:\nbefore %v\nafter  %v", before, after)
	}
	if err := w.s.UndoBatch(ctx, w.admin, w.cohort, bs[0].ID); !errors.Is(err, selection.ErrBatchStarted) {
		t.Fatalf("undo twice: %v", err)
	}
	// Committed again, one sheet gets a draft score: the batch stays.
	if _, err := w.s.AutoAssign(ctx, w.admin, w.cohort, selection.StageTahap1, time.Now()); err != nil {
		t.Fatal(err)
	}
	bs, _ = w.s.Batches(ctx, w.cohort)
	var sheet, who int64
	_ = w.f.DB.QueryRow(ctx, `SELECT id, assessor_id FROM score_sheets WHERE batch_id = $1 ORDER BY id LIMIT 1`, bs[0].ID).Scan(&sheet, &who)
	four := 4
	if _, err := w.s.SaveSheet(ctx, w.admin, who, sheet, []selection.ScoreItem{{Score: &four}, {}}, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := w.s.UndoBatch(ctx, w.admin, w.cohort, bs[0].ID); !errors.Is(err, selection.ErrBatchStarted) {
		t.Fatalf("undo with a started sheet: %v", err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action = 'selection.assign.undo'`); c != 1 {
		t.Fatalf("%d undo audit entries", c)
	}
}

// A preview names who cannot be served and why.
func TestAssignPreviewUnassigned(t *testing.T) {
	w := newWorld(t)
	w.f.DB.Exec(ctx, `UPDATE role_grants SET revoked_at = now() WHERE role = 'asesor' AND user_id <> $1`, w.assessors[0])
	p, err := w.s.PreviewAssign(ctx, w.cohort, selection.StageTahap1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Plan.Unassigned) != 4 || p.Plan.Unassigned[0].Reason != "too_few" || p.Numbers[w.apps[0]] == "" {
		t.Fatalf("unassigned %+v", p.Plan.Unassigned)
	}
}
