package exportjob_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"penggerak/internal/application"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/exportjob"
	"penggerak/internal/mail"
	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/selection"
	"penggerak/internal/storage"
	"penggerak/internal/storage/storagetest"
	"penggerak/internal/testdb"
)

// The scope kept with a job reads back exactly as it was written, for every kind of viewer,
// and gives the same SQL predicate: the worker can never see more than the request did. A
// zero query (nothing stored) sees nothing at all.
func TestQueryRoundTripNeverWidens(t *testing.T) {
	t.Parallel()
	for name, q := range map[string]exportjob.Query{
		"national": {Scope: application.Scope{National: true}, Region: selection.RegionFilter{National: true}, National: true},
		"dinas kab/kota": {Scope: application.Scope{Regencies: []string{"36.73"}, Provinces: []string{}, BGPProvinces: []string{}},
			Filter: application.Filter{CohortID: 7, Status: "verval_passed", Query: "siti"},
			Region: selection.RegionFilter{Provinces: []string{}, Regencies: []string{"36.73"}}, PublishedOnly: true},
		"dinas provinsi": {Scope: application.Scope{Provinces: []string{"36"}, Regencies: []string{}, BGPProvinces: []string{}},
			Region: selection.RegionFilter{Provinces: []string{"36"}, Regencies: []string{}}, PublishedOnly: true, Cohort: 3},
		"bgp": {Scope: application.Scope{BGPProvinces: []string{"16", "36"}}, Run: 9,
			Region: selection.RegionFilter{Provinces: []string{"16"}}, Provinces: []string{"16"}},
	} {
		raw, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var back exportjob.Query
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(q, back) {
			t.Errorf("%s: read back %+v, want %+v", name, back, q)
		}
		c1, a1 := application.Condition(q.Scope, q.Filter)
		c2, a2 := application.Condition(back.Scope, back.Filter)
		if c1 != c2 || !reflect.DeepEqual(a1, a2) {
			t.Errorf("%s: predicate changed: %s %v → %s %v", name, c1, a1, c2, a2)
		}
	}
	db, _ := testdb.New(t)
	reporttest.Seed(t, db, reporttest.Options{N: 20, Regencies: []string{"16.01"}, Quota: 2})
	for _, kind := range []string{report.ExportApplications, report.ExportUsers} {
		if n, err := exportjob.Count(t.Context(), db, exportjob.Spec{Kind: kind}); err != nil || n != 0 {
			t.Errorf("%s with a zero query counts %d rows (%v), want 0", kind, n, err)
		}
	}
}

// blockingFiles holds Put until the test has looked at the job while it runs.
type blockingFiles struct {
	storage.Store
	atPut   func()
	failPut bool
}

func (b *blockingFiles) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if b.atPut != nil {
		b.atPut()
	}
	if b.failPut {
		return errors.New("disk full")
	}
	return b.Store.Put(ctx, key, r, size)
}

func user(t *testing.T, db *pgxpool.Pool, email, lang string) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(t.Context(), `INSERT INTO users (email, name, password_hash, language) VALUES ($1, 'Staf Ekspor', 'x', $2) RETURNING id`,
		email, lang).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func xlsxRows(t *testing.T, r io.Reader) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(r)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// A Dinas's queued export, written into the local store and into an S3 bucket: progress is
// saved every few rows while it runs, the file holds exactly the rows the direct export of
// the same scope writes (Kota Serang only), the export is audited with its row count and the
// owner is mailed a link in their language.
func TestRunnerWritesTheDirectExportsRows(t *testing.T) {
	t.Parallel()
	for name, files := range map[string]func(t *testing.T) storage.Store{
		"local": func(t *testing.T) storage.Store { return storage.NewLocal(t.TempDir()) },
		"s3": func(t *testing.T) storage.Store {
			s, err := storage.NewS3(storagetest.S3(t))
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			db, _ := testdb.New(t)
			ctx := t.Context()
			seed := reporttest.Seed(t, db, reporttest.Options{N: 90, Regencies: []string{"16.01", "36.73"}, Quota: 3, Published: true})
			owner := user(t, db, "dinas-"+name+"@uji.test", "en")
			sc := application.Scope{Regencies: []string{"36.73"}, Provinces: []string{}, BGPProvinces: []string{}}
			spec := exportjob.Spec{Kind: report.ExportApplications, Format: export.XLSX, Filters: map[string]any{"angkatan": seed.Cohort},
				Query: exportjob.Query{Scope: sc, Filter: application.Filter{CohortID: seed.Cohort}}}
			want, err := exportjob.Count(ctx, db, spec)
			if err != nil || want < 10 {
				t.Fatalf("count %d, %v", want, err)
			}
			st := exportjob.NewStore(db)
			id, created, err := st.Create(ctx, exportjob.Request{OwnerID: owner, IP: "192.0.2.7", Spec: spec, Expected: want, LinkTTL: 2 * time.Hour})
			if err != nil || !created {
				t.Fatalf("create: %v %v", created, err)
			}
			var midStatus string
			var midRows int64
			fs := &blockingFiles{Store: files(t), atPut: func() {
				_ = db.QueryRow(ctx, `SELECT status, rows_done FROM export_jobs WHERE id = $1`, id).Scan(&midStatus, &midRows)
			}}
			r := &exportjob.Runner{DB: db, Files: fs, BaseURL: "https://penggerak.test", ProgressEvery: 7,
				Letter: func(lang, key string, data map[string]any) mail.Message {
					return mail.Message{Subject: lang + ":" + key + ":" + data["File"].(string), Body: data["Link"].(string) + " " + data["Rows"].(string)}
				}}
			if err := r.Run(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			if midStatus != "running" || midRows != int64(want/7*7) {
				t.Errorf("while running: %s with %d rows saved, want running with %d", midStatus, midRows, want/7*7)
			}
			j, err := st.Get(ctx, owner, id)
			if err != nil {
				t.Fatal(err)
			}
			if j.Status != exportjob.StatusDone || j.RowsDone != int64(want) || j.StorageKey == nil || j.ExpiresAt == nil ||
				j.ExpiresAt.Sub(*j.FinishedAt) != 2*time.Hour {
				t.Fatalf("job after the run: %+v", j)
			}
			f, _, err := fs.Open(ctx, *j.StorageKey)
			if err != nil {
				t.Fatal(err)
			}
			got := xlsxRows(t, f)
			f.Close()
			var direct bytes.Buffer
			xw, _ := export.NewXLSX(&direct, "direct")
			if _, err := report.NewStore(db).Applications(ctx, sc, application.Filter{CohortID: seed.Cohort}, xw); err != nil {
				t.Fatal(err)
			}
			if err := xw.Close(); err != nil {
				t.Fatal(err)
			}
			if wantRows := xlsxRows(t, &direct); !reflect.DeepEqual(got, wantRows) {
				t.Errorf("the job's file differs from the direct export: %d rows against %d", len(got), len(wantRows))
			}
			var sql int
			_ = db.QueryRow(ctx, `SELECT count(*) FROM applications WHERE cohort_id = $1 AND regency_code = '36.73' AND jenjang NOT IN ('SMA', 'SMK', 'SLB')`, seed.Cohort).Scan(&sql)
			if len(got) != sql+1 || sql != want {
				t.Errorf("%d rows in the file, %d counted, %d in the database", len(got)-1, want, sql)
			}
			for _, row := range got[1:] {
				if row[6] != "Kota Serang" {
					t.Fatalf("the Dinas's file holds another region: %q", row)
				}
			}
			var subject, body string
			if err := db.QueryRow(ctx, `SELECT subject, body_text FROM mail_outbox WHERE to_addr = $1`, "dinas-"+name+"@uji.test").Scan(&subject, &body); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(subject, "en:exportjob.mail.ready:lamaran-") || body != fmt.Sprintf("https://penggerak.test/ekspor/tugas/%d %d", id, want) {
				t.Errorf("mail %q %q", subject, body)
			}
			var actor int64
			var ip string
			var rows int
			if err := db.QueryRow(ctx, `SELECT actor_id, actor_ip, (detail->>'rows')::int FROM audit_log WHERE action = 'report.export' AND object_type = 'export.lamaran'`).
				Scan(&actor, &ip, &rows); err != nil {
				t.Fatal(err)
			}
			if actor != owner || ip != "192.0.2.7" || rows != want {
				t.Errorf("audit: actor %d from %q, %d rows", actor, ip, rows)
			}
			// Run again (River delivering twice): nothing changes, no second mail.
			if err := r.Run(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			var mails int
			_ = db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox`).Scan(&mails)
			if mails != 1 {
				t.Errorf("%d mails after a second delivery of the job", mails)
			}
		})
	}
}

// A failing attempt puts the job back in the queue; the last one marks it failed, and nothing
// is mailed or audited.
func TestRunnerFailure(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := t.Context()
	owner := user(t, db, "gagal@uji.test", "id")
	st := exportjob.NewStore(db)
	id, _, err := st.Create(ctx, exportjob.Request{OwnerID: owner, Spec: exportjob.Spec{Kind: report.ExportUsers, Format: export.CSV,
		Query: exportjob.Query{National: true}}, Expected: 1})
	if err != nil {
		t.Fatal(err)
	}
	r := &exportjob.Runner{DB: db, Files: &blockingFiles{Store: storage.NewLocal(t.TempDir()), failPut: true}}
	for _, tc := range []struct {
		final bool
		want  exportjob.Status
	}{{false, exportjob.StatusQueued}, {true, exportjob.StatusFailed}} {
		if err := r.Run(ctx, id, tc.final); err == nil {
			t.Fatal("a failed write returned no error")
		}
		j, err := st.Get(ctx, owner, id)
		if err != nil {
			t.Fatal(err)
		}
		var msg string
		_ = db.QueryRow(ctx, `SELECT error FROM export_jobs WHERE id = $1`, id).Scan(&msg)
		if j.Status != tc.want || !strings.Contains(msg, "disk full") {
			t.Errorf("final %v: status %s, error %q", tc.final, j.Status, msg)
		}
	}
	// An account disabled after it asked gets nothing written: the job fails at once.
	id2, _, err := st.Create(ctx, exportjob.Request{OwnerID: owner, Spec: exportjob.Spec{Kind: report.ExportUsers, Format: export.XLSX,
		Query: exportjob.Query{National: true}}, Expected: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE users SET disabled_at = now() WHERE id = $1`, owner); err != nil {
		t.Fatal(err)
	}
	r.Files = storage.NewLocal(t.TempDir())
	if err := r.Run(ctx, id2, false); err != nil {
		t.Fatal(err)
	}
	if j, _ := st.Get(ctx, owner, id2); j.Status != exportjob.StatusFailed || j.StorageKey != nil {
		t.Errorf("disabled owner's job: %+v", j)
	}
	var n int
	_ = db.QueryRow(ctx, `SELECT (SELECT count(*) FROM mail_outbox) + (SELECT count(*) FROM audit_log WHERE action = 'report.export')`).Scan(&n)
	if n != 0 {
		t.Errorf("%d mails and audit entries for a failed export", n)
	}
}

// Many identical submissions at once on a pool of 4 queue one job (and one River job); another
// user's identical export is a job of its own. Each user sees only their own jobs.
func TestCreateConcurrentSubmissionsQueueOne(t *testing.T) {
	t.Parallel()
	_, url := testdb.New(t)
	db, err := database.OpenWith(t.Context(), url, database.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, b := user(t, db, "a@uji.test", "id"), user(t, db, "b@uji.test", "id")
	st := exportjob.NewStore(db)
	spec := exportjob.Spec{Kind: report.ExportUsers, Format: export.XLSX, Filters: map[string]any{"provinces": []string{"16"}},
		Query: exportjob.Query{Provinces: []string{"16"}}}
	var wg sync.WaitGroup
	ids := make([]int64, 24)
	errs := make([]error, 24)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := a
			if i%3 == 0 {
				owner = b
			}
			ids[i], _, errs[i] = st.Create(context.Background(), exportjob.Request{OwnerID: owner, Spec: spec, Expected: 30_000})
		}()
	}
	wg.Wait()
	byOwner := map[int64]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
		byOwner[ids[i]] = true
	}
	var jobs, riverJobs int
	_ = db.QueryRow(t.Context(), `SELECT count(*) FROM export_jobs`).Scan(&jobs)
	_ = db.QueryRow(t.Context(), `SELECT count(*) FROM river_job WHERE kind = 'export_run' AND queue = 'exports'`).Scan(&riverJobs)
	if len(byOwner) != 2 || jobs != 2 || riverJobs != 2 {
		t.Errorf("%d distinct ids, %d jobs, %d River jobs; want 2 of each", len(byOwner), jobs, riverJobs)
	}
	mineA, _ := st.Mine(t.Context(), a)
	if len(mineA) != 1 || mineA[0].ID != ids[1] {
		t.Errorf("a's jobs: %+v", mineA)
	}
	if _, err := st.Get(t.Context(), a, ids[0]); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("a reads b's job: %v", err)
	}
	// At most MaxActive waiting exports per user: a's third and fourth other exports.
	for i, want := range []error{nil, nil, exportjob.ErrTooManyActive} {
		other := spec
		other.Object = fmt.Sprint(i)
		if _, _, err := st.Create(t.Context(), exportjob.Request{OwnerID: a, Spec: other}); !errors.Is(err, want) {
			t.Errorf("a's export %d: %v, want %v", i+2, err, want)
		}
	}
}

// Expired files are deleted from the store; the job stays listed, its download refused.
func TestPruneExpired(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := t.Context()
	owner := user(t, db, "lama@uji.test", "id")
	st := exportjob.NewStore(db)
	files := storage.NewLocal(t.TempDir())
	r := &exportjob.Runner{DB: db, Files: files}
	var jobs []exportjob.Job
	for _, f := range []export.Format{export.XLSX, export.CSV} {
		id, _, err := st.Create(ctx, exportjob.Request{OwnerID: owner, Spec: exportjob.Spec{Kind: report.ExportUsers, Format: f,
			Query: exportjob.Query{National: true}}, LinkTTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Run(ctx, id, true); err != nil {
			t.Fatal(err)
		}
		j, _ := st.Get(ctx, owner, id)
		jobs = append(jobs, j)
	}
	// The first expired half an hour ago, the second is still valid.
	if _, err := db.Exec(ctx, `UPDATE export_jobs SET expires_at = now() - interval '30 minutes' WHERE id = $1`, jobs[0].ID); err != nil {
		t.Fatal(err)
	}
	n, gone, err := exportjob.PruneExpired(ctx, db, files, time.Now())
	if err != nil || n != 1 || gone != 0 {
		t.Fatalf("pruned %d files and %d jobs (%v), want 1 file", n, gone, err)
	}
	if _, _, err := files.Open(ctx, *jobs[0].StorageKey); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the expired file is still there: %v", err)
	}
	if rc, _, err := files.Open(ctx, *jobs[1].StorageKey); err != nil {
		t.Errorf("the valid file went: %v", err)
	} else {
		rc.Close()
	}
	if _, err := st.Download(ctx, owner, jobs[0].ID, jobs[0].Token, time.Now()); !errors.Is(err, exportjob.ErrExpired) {
		t.Errorf("download of the pruned job: %v", err)
	}
	if _, err := st.Download(ctx, owner, jobs[1].ID, jobs[1].Token, time.Now()); err != nil {
		t.Errorf("download of the valid job: %v", err)
	}
	if _, err := st.Download(ctx, owner, jobs[1].ID, jobs[0].Token, time.Now()); !errors.Is(err, database.ErrNotFound) {
		t.Errorf("download with another job's token: %v", err)
	}
	// A month later both jobs leave the list (the second one's file goes first).
	n, gone, err = exportjob.PruneExpired(ctx, db, files, time.Now().Add(exportjob.JobsKept+time.Hour))
	if err != nil || n != 1 || gone != 2 {
		t.Errorf("a month later: %d files and %d jobs pruned (%v), want 1 and 2", n, gone, err)
	}
	if list, _ := st.Mine(ctx, owner); len(list) != 0 {
		t.Errorf("%d jobs left", len(list))
	}
}
