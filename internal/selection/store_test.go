package selection_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"penggerak/internal/audit"
	"penggerak/internal/database"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/storage"
	"penggerak/internal/testdb"
	"penggerak/web/i18n"
)

var ctx = context.Background()

// catalogueLetter writes mails from the real catalogues, as the server's letter does.
func catalogueLetter(lang, key string, data map[string]any) mail.Message {
	l := catalogues.Localizer(lang)
	return mail.Message{Subject: l.T(key+".subject", data), Body: l.T(key+".body", data)}
}

var catalogues = i18n.MustLoad()

func count(t *testing.T, f selectiontest.Fixture, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.DB.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// world: OKU (16.01) quota 1 with three applicants, Kota Serang (36.73) quota 2 with one.
type world struct {
	f         selectiontest.Fixture
	s         *selection.Store
	cohort    int64
	apps      []int64 // a1 (OKU), a2 (OKU), a3 (OKU), a4 (Serang)
	users     []int64
	assessors []int64
	admin     audit.Actor
}

func newWorld(t *testing.T) world {
	db, _ := testdb.New(t)
	f := selectiontest.Fixture{T: t, DB: db}
	w := world{f: f, s: selection.NewStore(db), admin: audit.Actor{IP: "127.0.0.1"}}
	w.cohort = f.Cohort(map[string]int{"16.01": 1, "36.73": 2})
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for i, a := range []struct{ npsn, reg string }{{"10600001", "16.01"}, {"10600002", "16.01"}, {"10600003", "16.01"}, {"20600001", "36.73"}} {
		u, id := f.Applicant(w.cohort, "guru"+string(rune('a'+i))+"@uji.id", "Guru "+string(rune('A'+i)), a.npsn, a.reg, t0.Add(time.Duration(i)*time.Hour))
		w.users, w.apps = append(w.users, u), append(w.apps, id)
	}
	f.School("10600009", "16.01")
	for i, npsn := range []string{"10600001", "10600009", "", ""} {
		w.assessors = append(w.assessors, f.User("asesor"+string(rune('a'+i))+"@uji.id", "Asesor "+string(rune('A'+i)), "asesor", "", "", npsn))
	}
	w.admin.UserID = f.User("admin@uji.id", "Admin Pusat", "admin", "", "", "")
	f.Rubric(w.cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	return w
}

func TestSaveRubricAudited(t *testing.T) {
	w := newWorld(t)
	sr, err := w.s.LoadRubric(ctx, w.cohort, selection.StageTahap1)
	if err != nil || len(sr.Rubric.Criteria) != 2 || sr.Rubric.PassingGrade != 60 || len(sr.Rubric.Criteria[0].Levels) != 4 {
		t.Fatalf("LoadRubric = %+v, %v", sr, err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action = 'selection.rubric.save'`); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
	w.f.Score(w.apps[0], selection.StageTahap1, w.assessors[2], 4, 4)
	err = w.s.SaveRubric(ctx, w.admin, w.cohort, selection.StageTahap1, selectiontest.DefaultRubric(), true)
	if !errors.Is(err, selection.ErrLocked) {
		t.Fatalf("changing a rubric after scoring: %v", err)
	}
}

func TestAutoAssign(t *testing.T) {
	w := newWorld(t)
	n, err := w.s.AutoAssign(ctx, w.admin, w.cohort, selection.StageTahap1, time.Now().Add(72*time.Hour))
	if err != nil || n != 8 {
		t.Fatalf("AutoAssign = %d, %v", n, err)
	}
	// Assessor A teaches at a1's school: never assigned to a1.
	if c := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND assessor_id = $2`, w.apps[0], w.assessors[0]); c != 0 {
		t.Fatal("assessor from the applicant's school was assigned")
	}
	if c := count(t, w.f, `SELECT max(c) - min(c) FROM (SELECT count(*) c FROM score_sheets GROUP BY assessor_id) x`); c > 1 {
		t.Fatalf("uneven load: spread %d", c)
	}
	// Again: nothing more to do.
	if n, err := w.s.AutoAssign(ctx, w.admin, w.cohort, selection.StageTahap1, time.Now()); err != nil || n != 0 {
		t.Fatalf("second AutoAssign = %d, %v", n, err)
	}
	wl, err := w.s.Workloads(ctx, w.cohort, time.Now())
	if err != nil || len(wl) != 4 || wl[0].Assigned != 2 {
		t.Fatalf("Workloads = %+v, %v", wl, err)
	}
}

func TestAutoAssignTooFew(t *testing.T) {
	w := newWorld(t)
	w.f.Rubric(w.cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	if _, err := w.f.DB.Exec(ctx, `UPDATE role_grants SET revoked_at = now() WHERE role = 'asesor' AND user_id <> $1`, w.assessors[0]); err != nil {
		t.Fatal(err)
	}
	_, err := w.s.AutoAssign(ctx, w.admin, w.cohort, selection.StageTahap1, time.Now())
	if !errors.Is(err, database.ErrConflict) || !errors.Is(err, selection.ErrTooFewAssessors) {
		t.Fatalf("AutoAssign with one assessor: %v", err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM score_sheets`); c != 0 {
		t.Fatal("partial assignment stored")
	}
}

func TestScoringHidesOtherUntilBothSubmitAndLocks(t *testing.T) {
	w := newWorld(t)
	s1 := w.f.Score(w.apps[1], selection.StageTahap1, w.assessors[2], 4, 3)
	var s2 int64
	if err := w.f.DB.QueryRow(ctx, `INSERT INTO score_sheets (application_id, stage, assessor_id) VALUES ($1, 'tahap1', $2) RETURNING id`, w.apps[1], w.assessors[3]).Scan(&s2); err != nil {
		t.Fatal(err)
	}
	v, err := w.s.Sheet(ctx, w.assessors[2], s1)
	if err != nil || len(v.Others) != 0 || v.ApplicantName != "" || v.StageScore == nil || *v.StageScore != 88.89 {
		t.Fatalf("before the other submits: others=%v name=%q score=%v err=%v", v.Others, v.ApplicantName, v.StageScore, err)
	}
	if _, err := w.s.Sheet(ctx, w.assessors[3], s1); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("another assessor's sheet: %v", err)
	}
	four := 4
	// A draft with one score, then submit.
	if _, err := w.s.SaveSheet(ctx, w.admin, w.assessors[3], s2, []selection.ScoreItem{{Score: &four, Note: "baik"}, {}}, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SaveSheet(ctx, w.admin, w.assessors[3], s2, []selection.ScoreItem{{Score: &four}, {}}, true, time.Now()); !errors.Is(err, database.ErrConflict) {
		t.Fatalf("submit with a criterion unscored: %v", err)
	}
	w.f.Score(w.apps[1], selection.StageTahap1, w.assessors[3], 4, 4)
	v, _ = w.s.Sheet(ctx, w.assessors[2], s1)
	if len(v.Others) != 1 || v.Others[0].StageScore != 100 {
		t.Fatalf("after both submit: %+v", v.Others)
	}
	if _, err := w.s.SaveSheet(ctx, w.admin, w.assessors[2], s1, []selection.ScoreItem{{Score: &four}, {Score: &four}}, true, time.Now()); !errors.Is(err, selection.ErrLocked) {
		t.Fatalf("changing a submitted sheet: %v", err)
	}
	if _, err := w.f.DB.Exec(ctx, `UPDATE score_items SET score = 1 WHERE sheet_id = $1`, s1); err == nil {
		t.Fatal("the database let a submitted sheet change")
	}
	if c := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action LIKE 'selection.score.%'`); c != 3 {
		t.Fatalf("%d score audit entries, want 3 (a draft and two submissions; refused saves leave none)", c)
	}
}

func TestDiscrepancyAssignsThird(t *testing.T) {
	w := newWorld(t)
	w.f.Score(w.apps[0], selection.StageTahap1, w.assessors[2], 4, 4) // 100
	w.f.Score(w.apps[0], selection.StageTahap1, w.assessors[3], 1, 1) // 0
	var third int64
	if err := w.f.DB.QueryRow(ctx, `SELECT assessor_id FROM score_sheets WHERE application_id = $1 AND adjudicator`, w.apps[0]).Scan(&third); err != nil {
		t.Fatalf("no third assessor: %v", err)
	}
	if third != w.assessors[1] { // A is from the applicant's school; B is the only one left
		t.Fatalf("third assessor %d, want %d", third, w.assessors[1])
	}
	for i, sc := range [][2]int{{4, 4}, {3, 3}, {2, 3}} {
		w.f.Score(w.apps[i+1], selection.StageTahap1, w.assessors[2], sc[0], sc[1])
		w.f.Score(w.apps[i+1], selection.StageTahap1, w.assessors[3], sc[0], sc[1])
	}
	// Everyone else is scored, but a1 waits for the third assessor: no run yet.
	_, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	p, ok := selection.AsPending(err)
	if !ok || p.OpenSheets != 1 || !reflect.DeepEqual(p.Gaps, []selection.Gap{{Stage: selection.StageTahap1, Reason: selection.GapThird, Applicants: 1}}) {
		t.Fatalf("run while a third assessor is pending: %v", err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM result_runs`); c != 0 {
		t.Fatalf("%d runs stored", c)
	}
	w.f.Score(w.apps[0], selection.StageTahap1, third, 4, 3) // 88.89 → mean with 100 = 94.45 (94.445 rounds half away)
	id, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var score float64
	if err := w.f.DB.QueryRow(ctx, `SELECT score::float8 FROM run_results WHERE run_id = $1 AND application_id = $2`, id, w.apps[0]).Scan(&score); err != nil {
		t.Fatal(err)
	}
	if score < 94.44 || score > 94.45 {
		t.Fatalf("final %v, want the mean of the two closest (100, 88.89)", score)
	}
}

// scoreAll: a1 88.89, a2 100, a3 66.67 (OKU, quota 1), a4 44.44 (Serang) → a2 lulus, a1 and a3
// cadangan, a4 tidak lulus.
func scoreAll(w world) {
	for i, sc := range [][2]int{{4, 3}, {4, 4}, {3, 3}, {2, 3}} {
		w.f.Score(w.apps[i], selection.StageTahap1, w.assessors[2], sc[0], sc[1])
		w.f.Score(w.apps[i], selection.StageTahap1, w.assessors[3], sc[0], sc[1])
	}
}

func TestRunPublishImmutable(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	id, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	v, err := w.s.LoadRun(ctx, id, selection.RegionFilter{National: true}, false, true, 0)
	if err != nil || !v.Verified || len(v.Rows) != 4 || len(v.Provinces) != 2 {
		t.Fatalf("LoadRun = %+v, %v", v, err)
	}
	got := map[int64]string{}
	for _, r := range v.Rows {
		got[r.ApplicationID] = r.Outcome
	}
	want := map[int64]string{w.apps[0]: "cadangan", w.apps[1]: "lulus", w.apps[2]: "cadangan", w.apps[3]: "tidak_lulus"}
	for k, o := range want {
		if got[k] != o {
			t.Fatalf("outcomes %v, want %v", got, want)
		}
	}
	if v.HasNext || v.Page != 0 {
		t.Fatal("one page only")
	}
	if p1, err := w.s.LoadRun(ctx, id, selection.RegionFilter{National: true}, false, false, 1); err != nil || len(p1.Rows) != 0 || p1.HasNext || len(p1.Counts) != 2 {
		t.Fatalf("page 2: %d rows, %v", len(p1.Rows), err)
	}
	// BGP scope: only OKU's province.
	bv, err := w.s.LoadRun(ctx, id, selection.RegionFilter{Provinces: []string{"16"}}, false, false, 0)
	if err != nil || len(bv.Rows) != 3 || len(bv.Counts) != 1 {
		t.Fatalf("bgp view: %d rows, %v", len(bv.Rows), err)
	}
	if _, err := w.s.LoadRun(ctx, id, selection.RegionFilter{Regencies: []string{"36.73"}}, true, false, 0); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("dinas before publication: %v", err)
	}
	// The database refuses a result row that would put OKU over its quota of 1.
	_, late := w.f.Applicant(w.cohort, "telat@uji.id", "Guru Telat", "10600008", "16.01", time.Now())
	if _, err := w.f.DB.Exec(ctx, `INSERT INTO run_results SELECT run_id, $2, regency_code, province_code, 99, true, 'lulus', 50, stage_scores, first_criterion, submitted_at
		FROM run_results WHERE run_id = $1 AND application_id = $3`, id, late, w.apps[1]); err == nil || !strings.Contains(err.Error(), "quota") {
		t.Fatalf("extra lulus over quota: %v", err)
	}
	if _, err := w.f.DB.Exec(ctx, `UPDATE applications SET status = 'withdrawn' WHERE id = $1`, late); err != nil {
		t.Fatal(err)
	}
	if err := w.s.Publish(ctx, w.admin, id, "", time.Now().Add(72*time.Hour), "http://x"); !errors.Is(err, selection.ErrNeedsSignOff) {
		t.Fatalf("publish without sign-offs: %v", err)
	}
	if err := w.s.SignOffRun(ctx, w.admin, id, "16", "Sesuai"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SignOffRun(ctx, w.admin, id, "11", ""); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("sign-off of a province not in the run: %v", err)
	}
	if err := w.s.Publish(ctx, w.admin, id, "Banten terlambat, keputusan pimpinan", time.Now().Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM mail_outbox`); c != 4 {
		t.Fatalf("%d mails, want 4", c)
	}
	if c := count(t, w.f, `SELECT count(*) FROM pembekalan_seats WHERE status = 'offered'`); c != 1 {
		t.Fatalf("%d seats", c)
	}
	// Immutable in the database itself.
	for _, sql := range []string{
		`UPDATE run_results SET outcome = 'lulus' WHERE run_id = $1`,
		`DELETE FROM run_results WHERE run_id = $1`,
		`UPDATE result_runs SET published_at = NULL WHERE id = $1`,
		`DELETE FROM result_runs WHERE id = $1`,
		`INSERT INTO run_signoffs (run_id, province_code, signed_by) SELECT $1, '36', id FROM users LIMIT 1`,
		`INSERT INTO run_results SELECT $1, application_id, regency_code, province_code, score, passed, outcome, rank + 100, stage_scores, first_criterion, submitted_at FROM run_results WHERE run_id = $1 LIMIT 1`,
	} {
		if _, err := w.f.DB.Exec(ctx, sql, id); err == nil {
			t.Fatalf("the database allowed: %s", sql)
		}
	}
	// Nor can published results be erased wholesale (row triggers do not fire on TRUNCATE).
	for _, sql := range []string{`TRUNCATE run_results`, `TRUNCATE run_signoffs`, `TRUNCATE result_runs CASCADE`, `TRUNCATE applications CASCADE`} {
		if _, err := w.f.DB.Exec(ctx, sql); err == nil || !strings.Contains(err.Error(), "cannot be truncated") {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// A new run now must be a correction with a reason.
	if _, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, ""); !errors.Is(err, database.ErrConflict) {
		t.Fatalf("new run without correction: %v", err)
	}
	id2, err := w.s.CreateRun(ctx, w.admin, w.cohort, id, "Koreksi kuota")
	if err != nil {
		t.Fatal(err)
	}
	var h1, h2 string
	_ = w.f.DB.QueryRow(ctx, `SELECT input_hash || output_hash FROM result_runs WHERE id = $1`, id).Scan(&h1)
	_ = w.f.DB.QueryRow(ctx, `SELECT input_hash || output_hash FROM result_runs WHERE id = $1`, id2).Scan(&h2)
	if h1 != h2 {
		t.Fatal("running again on the same inputs gave a different input or output hash")
	}
	if c := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action IN ('selection.run.create', 'selection.run.signoff', 'selection.run.publish')`); c != 4 {
		t.Fatalf("%d run audit entries", c)
	}
	// Dinas sees the published run of its kab/kota only.
	dv, err := w.s.LoadRun(ctx, id, selection.RegionFilter{Regencies: []string{"36.73"}}, true, false, 0)
	if err != nil || len(dv.Rows) != 1 || dv.Rows[0].ApplicationID != w.apps[3] {
		t.Fatalf("dinas view after publication: %+v %v", dv.Rows, err)
	}
}

func TestBreakdownDeclinePromote(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	id, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := w.s.Publish(ctx, w.admin, id, "uji tanpa tanda tangan", now.Add(48*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	w.f.Release(now)
	bs, err := w.s.MyResults(ctx, w.users[1])
	if err != nil || len(bs) != 1 {
		t.Fatalf("MyResults = %v, %v", bs, err)
	}
	b := bs[0]
	// The database refuses a seat beyond OKU's quota of 1.
	if _, err := w.f.DB.Exec(ctx, `INSERT INTO pembekalan_seats (run_id, application_id, regency_code, confirm_by) VALUES ($1, $2, '16.01', now())`, id, w.apps[0]); err == nil || !strings.Contains(err.Error(), "no seat left") {
		t.Fatalf("seat over quota: %v", err)
	}
	if b.Outcome != selection.OutcomeLulus || b.Rank != 1 || b.Quota != 1 || b.Competitors != 3 || b.Score != 100 ||
		len(b.Stages) != 1 || b.Stages[0].PassingGrade != 60 || b.Stages[0].Criteria[0].Mean != 4 || b.Seat == nil {
		t.Fatalf("breakdown %+v", b)
	}
	// Not a PDF, empty, or over the size limit: refused by the store itself (shared filecheck.PDF).
	if err := w.s.Confirm(ctx, w.admin, w.users[1], b.Seat.ID, []byte("hello"), storage.NewLocal(t.TempDir()), now); !errors.Is(err, selection.ErrNotPDF) {
		t.Fatalf("Confirm text: %v", err)
	}
	if err := w.s.Confirm(ctx, w.admin, w.users[1], b.Seat.ID, nil, storage.NewLocal(t.TempDir()), now); !errors.Is(err, selection.ErrNotPDF) {
		t.Fatalf("Confirm empty: %v", err)
	}
	bigDir := t.TempDir()
	big := append([]byte("%PDF-1.4\n"), make([]byte, selection.MaxPakta)...)
	if err := w.s.Confirm(ctx, w.admin, w.users[1], b.Seat.ID, big, storage.NewLocal(bigDir), now); !errors.Is(err, selection.ErrPaktaTooBig) {
		t.Fatalf("Confirm %d bytes: %v", len(big), err)
	}
	if files, _ := os.ReadDir(filepath.Join(bigDir, "pakta")); len(files) != 0 {
		t.Fatalf("refused Pakta files were stored: %v", files)
	}
	// Someone else's seat.
	if err := w.s.Decline(ctx, w.admin, w.users[0], b.Seat.ID, now, "http://x"); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("decline another's seat: %v", err)
	}
	if err := w.s.Decline(ctx, w.admin, w.users[1], b.Seat.ID, now, "http://x"); err != nil {
		t.Fatal(err)
	}
	// a1 (rank 2 in OKU) moves up and is mailed; the offer shows once its mail is released.
	w.f.Release(now)
	bs, _ = w.s.MyResults(ctx, w.users[0])
	if bs[0].Seat == nil || !bs[0].Seat.Promoted || bs[0].Seat.Status != "offered" {
		t.Fatalf("a1 seat %+v", bs[0].Seat)
	}
	if c := count(t, w.f, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'gurua@uji.id' AND kind = 'selection.mail.promoted' AND ref LIKE 'seat:%'`); c != 1 {
		t.Fatal("promoted cadangan not mailed")
	}
	// a1 confirms with a PDF; a missed deadline would have freed it.
	if err := w.s.Confirm(ctx, w.admin, w.users[0], bs[0].Seat.ID, []byte("%PDF-1.4 pakta"), storage.NewLocal(t.TempDir()), now); err != nil {
		t.Fatal(err)
	}
	// A seat id under another run is not found, and nothing is recorded.
	if err := w.s.RecordAttendance(ctx, w.admin, bs[0].RunID+999, bs[0].Seat.ID, now); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("attendance through another run: %v", err)
	}
	if err := w.s.RecordAttendance(ctx, w.admin, bs[0].RunID, bs[0].Seat.ID, now); err != nil {
		t.Fatal(err)
	}
	// Attendance is recorded once: absent afterwards is a conflict, and nothing changes.
	if err := w.s.RecordAbsence(ctx, w.admin, bs[0].RunID, bs[0].Seat.ID, now); !errors.Is(err, database.ErrConflict) {
		t.Fatalf("absent after attended: %v", err)
	}
	if ps, err := w.s.Participants(ctx, w.cohort); err != nil || len(ps) != 1 || ps[0] != w.apps[0] {
		t.Fatalf("Participants = %v, %v", ps, err)
	}
	// Expire: give a3 a seat by freeing nothing — no offered seats are overdue.
	if n, err := w.s.ExpireOverdue(ctx, w.admin, now.Add(100*time.Hour), "http://x"); err != nil || n != 0 {
		t.Fatalf("ExpireOverdue = %d, %v", n, err)
	}
}

func TestExpireOverduePromotes(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	id, _ := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	now := time.Now()
	if err := w.s.Publish(ctx, w.admin, id, "uji tanpa tanda tangan", now.Add(time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	w.f.Release(now.Add(time.Hour - 7*24*time.Hour)) // released a week ago: due an hour from now
	n, err := w.s.ExpireOverdue(ctx, w.admin, now.Add(2*time.Hour), "http://x")
	if err != nil || n != 1 {
		t.Fatalf("ExpireOverdue = %d, %v", n, err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM pembekalan_seats WHERE application_id = $1 AND status = 'offered' AND promoted_from IS NOT NULL`, w.apps[0]); c != 1 {
		t.Fatal("best cadangan not promoted after a missed deadline")
	}
}

func TestScheduleTahap2(t *testing.T) {
	w := newWorld(t)
	scoreAll(w) // a1 88.89, a2 100, a3 66.67 pass tahap 1 (60); a4 44.44 does not
	w.f.Rubric(w.cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
	w.f.Rubric(w.cohort, selection.StageWawancara, selectiontest.DefaultRubric())
	form := selection.ScheduleForm{FirstDay: "2026-05-04", DayStart: "08:00", DayEnd: "16:00", Minutes: "75", Break: "15", Mode: "daring", Location: "https://meet.example.id/gp"}
	win, errs := form.Parse()
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// An applicant reading English gets the session in English.
	if _, err := w.f.DB.Exec(ctx, `UPDATE users SET language = 'en' WHERE id = $1`, w.users[1]); err != nil {
		t.Fatal(err)
	}
	w.s = w.s.WithLetter(catalogueLetter)
	n, err := w.s.ScheduleTahap2(ctx, w.admin, w.cohort, win, "daring", form.Location)
	if err != nil || n != 3 {
		t.Fatalf("ScheduleTahap2 = %d, %v", n, err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE stage IN ('simulasi', 'wawancara')`); c != 12 {
		t.Fatalf("%d tahap 2 sheets, want 12", c)
	}
	if c := count(t, w.f, `SELECT count(*) FROM tahap2_slots sl JOIN applications a ON a.id = sl.application_id
		JOIN teacher_profiles tp ON tp.npsn = a.npsn WHERE tp.user_id IN (sl.assessor1_id, sl.assessor2_id)`); c != 0 {
		t.Fatal("an assessor scores an applicant from their own school")
	}
	if c := count(t, w.f, `SELECT count(*) FROM mail_outbox WHERE subject = 'Jadwal seleksi tahap 2' AND body_text LIKE '%04-05-2026 08:00 WIB%'`); c < 1 {
		t.Fatal("no schedule mail with the time in the applicant's zone")
	}
	if c := count(t, w.f, `SELECT count(*) FROM mail_outbox m JOIN users u ON u.email = m.to_addr WHERE u.id = $1 AND m.lang = 'en'
		AND m.subject = 'Your stage 2 selection session' AND m.body_text LIKE '%Online meeting link: https://meet.example.id/gp%'`, w.users[1]); c != 1 {
		t.Fatal("no English schedule mail for the applicant reading English")
	}
	if n, _ := w.s.ScheduleTahap2(ctx, w.admin, w.cohort, win, "daring", form.Location); n != 0 {
		t.Fatal("scheduled twice")
	}
	slots, err := w.s.MySlots(ctx, w.users[0])
	if err != nil || len(slots) != 1 {
		t.Fatalf("MySlots = %v, %v", slots, err)
	}
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	if err := w.s.RequestReschedule(ctx, w.admin, w.users[1], slots[0].ID, "bukan milik saya", now); !errors.Is(err, database.ErrNotFound) {
		t.Fatalf("someone else's slot: %v", err)
	}
	if err := w.s.RequestReschedule(ctx, w.admin, w.users[0], slots[0].ID, "Sakit, surat dokter terlampir", now); err != nil {
		t.Fatal(err)
	}
	if err := w.s.RequestReschedule(ctx, w.admin, w.users[0], slots[0].ID, "Sekali lagi", now); !errors.Is(err, database.ErrConflict) {
		t.Fatalf("second request: %v", err)
	}
	newStart := time.Date(2026, 5, 6, 2, 0, 0, 0, time.UTC)
	if err := w.s.ApproveReschedule(ctx, w.admin, slots[0].ID, newStart); err != nil {
		t.Fatal(err)
	}
	if err := w.s.ApproveReschedule(ctx, w.admin, slots[0].ID, newStart); !errors.Is(err, database.ErrConflict) {
		t.Fatalf("second approval: %v", err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM mail_outbox WHERE subject = 'Perubahan jadwal seleksi tahap 2' AND body_text LIKE '%06-05-2026 09:00 WIB%'`); c != 1 {
		t.Fatal("no reschedule mail")
	}
	// Reassigning one tahap 2 sheet moves the assessor on both tahap 2 sheets and on the session.
	var sheet, from int64
	_ = w.f.DB.QueryRow(ctx, `SELECT sh.id, sh.assessor_id FROM score_sheets sh WHERE sh.application_id = $1 AND sh.stage = 'simulasi' ORDER BY id LIMIT 1`, w.apps[1]).Scan(&sheet, &from)
	var to int64
	_ = w.f.DB.QueryRow(ctx, `SELECT u.id FROM users u WHERE u.email LIKE 'asesor%' AND u.id NOT IN (SELECT assessor_id FROM score_sheets WHERE application_id = $1 AND stage = 'simulasi')
		AND NOT EXISTS (SELECT 1 FROM teacher_profiles tp JOIN applications a ON a.npsn = tp.npsn WHERE tp.user_id = u.id AND a.id = $1) LIMIT 1`, w.apps[1]).Scan(&to)
	if err := w.s.Reassign(ctx, w.admin, sheet, to); err != nil {
		t.Fatal(err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE application_id = $1 AND assessor_id = $2 AND stage IN ('simulasi', 'wawancara')`, w.apps[1], to); c != 2 {
		t.Fatalf("%d tahap 2 sheets moved, want 2", c)
	}
	if c := count(t, w.f, `SELECT count(*) FROM tahap2_slots WHERE application_id = $1 AND $2 IN (assessor1_id, assessor2_id) AND $3 NOT IN (assessor1_id, assessor2_id)`, w.apps[1], to, from); c != 1 {
		t.Fatal("session assessors not updated")
	}
	// a3 does not show up: no tahap 2 score, so tidak lulus whatever tahap 1 was.
	var a3slot int64
	_ = w.f.DB.QueryRow(ctx, `SELECT id FROM tahap2_slots WHERE application_id = $1`, w.apps[2]).Scan(&a3slot)
	if err := w.s.MarkSlot(ctx, w.admin, a3slot, "tidak_hadir"); err != nil {
		t.Fatal(err)
	}
	if err := w.s.MarkSlot(ctx, w.admin, a3slot, "hadir"); !errors.Is(err, database.ErrConflict) {
		t.Fatalf("marking twice: %v", err)
	}
	// While the others' tahap 2 sheets are open no run can be computed (they would be ranked
	// without a tahap 2 score); the no-show's deleted sheets do not count as open.
	if _, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, ""); !errors.Is(err, selection.ErrScoringPending) {
		t.Fatalf("run with open sheets: %v", err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM result_runs`); c != 0 {
		t.Fatalf("%d runs stored while scoring is pending", c)
	}
	rows, _ := w.f.DB.Query(ctx, `SELECT id, assessor_id FROM score_sheets WHERE submitted_at IS NULL ORDER BY id`)
	open, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ ID, Assessor int64 }])
	if err != nil || len(open) != 8 {
		t.Fatalf("%d open sheets (%v), want 8", len(open), err)
	}
	four := 4
	for _, sh := range open {
		if _, err := w.s.SaveSheet(ctx, w.admin, sh.Assessor, sh.ID, []selection.ScoreItem{{Score: &four}, {Score: &four}}, true, now); err != nil {
			t.Fatal(err)
		}
	}
	run, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var outcome string
	_ = w.f.DB.QueryRow(ctx, `SELECT outcome FROM run_results WHERE run_id = $1 AND application_id = $2`, run, w.apps[2]).Scan(&outcome)
	if outcome != "tidak_lulus" {
		t.Fatalf("no-show outcome %q", outcome)
	}
}

// Two lulus of the same kab/kota decline at the same moment: each freed seat goes to a different
// cadangan, never the same one twice.
func TestConcurrentDeclinesPromoteDistinctCadangan(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	f := selectiontest.Fixture{T: t, DB: db}
	s := selection.NewStore(db)
	cohort := f.Cohort(map[string]int{"16.01": 2})
	f.Rubric(cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	x := f.User("x@uji.id", "Asesor X", "asesor", "", "", "")
	y := f.User("y@uji.id", "Asesor Y", "asesor", "", "", "")
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var users, apps []int64
	for i := 0; i < 5; i++ {
		u, a := f.Applicant(cohort, "c"+string(rune('a'+i))+"@uji.id", "Calon "+string(rune('A'+i)), "1060040"+string(rune('0'+i)), "16.01", t0.Add(time.Duration(i)*time.Minute))
		users, apps = append(users, u), append(apps, a)
		f.Score(a, selection.StageTahap1, x, 4, 4)
		f.Score(a, selection.StageTahap1, y, 4, 4) // all tie: earlier submission ranks first
	}
	run, err := s.CreateRun(ctx, audit.Actor{}, cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.Publish(ctx, audit.Actor{}, run, "uji serentak", now.Add(time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	f.Release(now)
	seat := func(app int64) int64 {
		var id int64
		if err := db.QueryRow(ctx, `SELECT id FROM pembekalan_seats WHERE application_id = $1`, app).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func(i int) {
			errs <- s.Decline(ctx, audit.Actor{}, users[i], seat(apps[i]), now, "http://x")
		}(i)
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	var promoted []int64
	rows, _ := db.Query(ctx, `SELECT application_id FROM pembekalan_seats WHERE promoted_from IS NOT NULL ORDER BY application_id`)
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		promoted = append(promoted, id)
	}
	if len(promoted) != 2 || promoted[0] != apps[2] || promoted[1] != apps[3] {
		t.Fatalf("promoted %v, want the two best cadangan %v", promoted, apps[2:4])
	}
	if n := count(t, f, `SELECT count(*) FROM pembekalan_seats WHERE status = 'offered'`); n != 2 {
		t.Fatalf("%d open seats, want the quota of 2", n)
	}
}

// SECURITY.md 24: "Hitung hasil" pressed twice makes two draft runs; once one is published
// the other cannot be published too (no second result mail, no second uncorrected result).
// A correction, with its reason, still can.
func TestPublishRefusesSecondUncorrectedRun(t *testing.T) {
	w := newWorld(t)
	scoreAll(w)
	first, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	confirmBy := time.Now().Add(72 * time.Hour)
	if err := w.s.Publish(ctx, w.admin, first, "uji tanpa tanda tangan", confirmBy, "http://x"); err != nil {
		t.Fatal(err)
	}
	mails := count(t, w.f, `SELECT count(*) FROM mail_outbox`)
	if err := w.s.Publish(ctx, w.admin, second, "uji tanpa tanda tangan", confirmBy, "http://x"); !errors.Is(err, selection.ErrLocked) {
		t.Fatalf("publishing the duplicate draft: %v", err)
	}
	if n := count(t, w.f, `SELECT count(*) FROM result_runs WHERE cohort_id = $1 AND published_at IS NOT NULL`, w.cohort); n != 1 {
		t.Fatalf("%d published runs, want 1", n)
	}
	if n := count(t, w.f, `SELECT count(*) FROM mail_outbox`); n != mails {
		t.Fatalf("result mails sent again: %d, was %d", n, mails)
	}
	corr, err := w.s.CreateRun(ctx, w.admin, w.cohort, first, "Koreksi data sekolah")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.Publish(ctx, w.admin, corr, "uji tanpa tanda tangan", confirmBy, "http://x"); err != nil {
		t.Fatalf("publishing a correction: %v", err)
	}
}

// pending returns the counts of a refused run, failing the test when the run was not refused.
func pending(t *testing.T, w world) (int, []selection.Gap) {
	t.Helper()
	_, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	p, ok := selection.AsPending(err)
	if !ok {
		t.Fatalf("run not refused: %v", err)
	}
	if c := count(t, w.f, `SELECT count(*) FROM result_runs`); c != 0 {
		t.Fatalf("%d runs stored while scores are not final", c)
	}
	if c := count(t, w.f, `SELECT count(*) FROM audit_log WHERE action = 'selection.run.create'`); c != 0 {
		t.Fatal("a refused run was audited")
	}
	return p.OpenSheets, p.Gaps
}

// A run waits for every score an applicant is owed: tahap 2 for those who passed tahap 1 (not
// scheduled, then not scored), and a third assessor who could not be assigned. A recorded
// no-show is not waited for.
func TestRunRefusedWhileStageScoresNotFinal(t *testing.T) {
	w := newWorld(t)
	scoreAll(w) // a1, a2, a3 pass tahap 1; a4 does not
	w.f.Rubric(w.cohort, selection.StageSimulasi, selectiontest.DefaultRubric())
	w.f.Rubric(w.cohort, selection.StageWawancara, selectiontest.DefaultRubric())
	type gap = selection.Gap
	if open, gaps := pending(t, w); open != 0 || !reflect.DeepEqual(gaps, []gap{{Reason: selection.GapUnscheduled, Applicants: 3}}) {
		t.Fatalf("before scheduling: %d open, %+v", open, gaps)
	}
	form := selection.ScheduleForm{FirstDay: "2026-05-04", DayStart: "08:00", DayEnd: "16:00", Minutes: "75", Break: "15", Mode: "daring", Location: "https://meet.example.id/gp"}
	win, _ := form.Parse()
	if n, err := w.s.ScheduleTahap2(ctx, w.admin, w.cohort, win, "daring", form.Location); err != nil || n != 3 {
		t.Fatalf("ScheduleTahap2 = %d, %v", n, err)
	}
	var a3slot int64
	_ = w.f.DB.QueryRow(ctx, `SELECT id FROM tahap2_slots WHERE application_id = $1`, w.apps[2]).Scan(&a3slot)
	if err := w.s.MarkSlot(ctx, w.admin, a3slot, "tidak_hadir"); err != nil {
		t.Fatal(err)
	}
	if open, gaps := pending(t, w); open != 8 || !reflect.DeepEqual(gaps, []gap{{selection.StageSimulasi, selection.GapNoScore, 2}, {selection.StageWawancara, selection.GapNoScore, 2}}) {
		t.Fatalf("scheduled, not scored: %d open, %+v", open, gaps)
	}
	// Only a1's two session assessors remain assessors: no third can be assigned for a1.
	var as1, as2 int64
	_ = w.f.DB.QueryRow(ctx, `SELECT assessor1_id, assessor2_id FROM tahap2_slots WHERE application_id = $1`, w.apps[0]).Scan(&as1, &as2)
	if _, err := w.f.DB.Exec(ctx, `UPDATE role_grants SET revoked_at = now() WHERE role = 'asesor' AND user_id NOT IN ($1, $2)`, as1, as2); err != nil {
		t.Fatal(err)
	}
	w.f.Score(w.apps[0], selection.StageWawancara, as1, 4, 4)
	w.f.Score(w.apps[0], selection.StageWawancara, as2, 1, 1)
	if c := count(t, w.f, `SELECT count(*) FROM score_sheets WHERE adjudicator`); c != 0 {
		t.Fatal("a third assessor was assigned")
	}
	rows, _ := w.f.DB.Query(ctx, `SELECT id, assessor_id FROM score_sheets WHERE submitted_at IS NULL ORDER BY id`)
	open, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ ID, Assessor int64 }])
	if err != nil || len(open) != 6 {
		t.Fatalf("%d open sheets (%v), want 6", len(open), err)
	}
	four := 4
	for _, sh := range open {
		if _, err := w.s.SaveSheet(ctx, w.admin, sh.Assessor, sh.ID, []selection.ScoreItem{{Score: &four}, {Score: &four}}, true, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if open, gaps := pending(t, w); open != 0 || !reflect.DeepEqual(gaps, []gap{{selection.StageWawancara, selection.GapThird, 1}}) {
		t.Fatalf("waiting for a third: %d open, %+v", open, gaps)
	}
	// The third scores (assigned by hand): the run goes through; the no-show is tidak lulus.
	third := w.assessors[1]
	for _, a := range w.assessors[1:] { // not A: from a1's school
		if a != as1 && a != as2 {
			third = a
		}
	}
	w.f.Score(w.apps[0], selection.StageWawancara, third, 4, 3)
	run, err := w.s.CreateRun(ctx, w.admin, w.cohort, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	var outcome string
	_ = w.f.DB.QueryRow(ctx, `SELECT outcome FROM run_results WHERE run_id = $1 AND application_id = $2`, run, w.apps[2]).Scan(&outcome)
	if outcome != "tidak_lulus" {
		t.Fatalf("no-show outcome %q", outcome)
	}
}
