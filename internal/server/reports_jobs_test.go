package server_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application"
	"penggerak/internal/apptest"
	"penggerak/internal/config"
	"penggerak/internal/database"
	"penggerak/internal/export"
	"penggerak/internal/exportjob"
	"penggerak/internal/report"
	"penggerak/internal/report/reporttest"
	"penggerak/internal/server"
	"penggerak/internal/storage"
	"penggerak/web/i18n"
)

// (This file is named after reports_test.go's neighbours on purpose: its matrix rows run after
// the recruitment rows, whose cohorts take fixed numbers that reporttest.Seed would otherwise
// take first.)
//
// Matrix rows of the queued exports. Posting to an export's address queues it when it is large;
// the matrix data is small, so the post writes it at once (200), like the GET. A job's page and
// its download are its owner's only: another staff user gets 404 (IDOR rows), other roles 403.
func matrixExportJob(f *fixture, owner string, expired bool) exportjob.Job {
	key := fmt.Sprintf("exportjob.%s.%v", owner, expired)
	if j, ok := f.Data[key].(exportjob.Job); ok {
		return j
	}
	ctx := context.Background()
	u := f.Users[owner]
	st := exportjob.NewStore(f.App.DB)
	q := exportjob.Query{National: owner == "admin", Provinces: []string{actorScopes[owner].ProvinceCode}}
	id, _, err := st.Create(ctx, exportjob.Request{OwnerID: u.ID, Spec: exportjob.Spec{Kind: report.ExportUsers, Format: export.XLSX,
		Object: fmt.Sprint(expired), Query: q}, Expected: 1})
	if err != nil {
		f.App.T.Fatal(err)
	}
	r := &exportjob.Runner{DB: f.App.DB, Files: storage.NewLocal(f.App.Config.UploadDir), Now: f.App.Now}
	if err := r.Run(ctx, id, true); err != nil {
		f.App.T.Fatal(err)
	}
	if expired {
		if _, err := f.App.DB.Exec(ctx, `UPDATE export_jobs SET expires_at = $2 WHERE id = $1`, id, f.App.Now().Add(-time.Minute)); err != nil {
			f.App.T.Fatal(err)
		}
	}
	j, err := st.Get(ctx, u.ID, id)
	if err != nil {
		f.App.T.Fatal(err)
	}
	f.Data[key] = j
	return j
}

func init() {
	staffOK := only(200, "admin", "bgp", "dinas")
	page := func(owner string) func(*fixture) string {
		return func(f *fixture) string { return fmt.Sprintf("/ekspor/tugas/%d", matrixExportJob(f, owner, false).ID) }
	}
	download := func(owner string, expired bool) func(*fixture) string {
		return func(f *fixture) string {
			j := matrixExportJob(f, owner, expired)
			return fmt.Sprintf("/ekspor/tugas/%d/unduh?token=%s", j.ID, j.Token)
		}
	}
	addRoutes(
		routeCase{Method: "POST", Pattern: "/ekspor/lamaran", Path: func(*fixture) string { return "/ekspor/lamaran?format=csv&status=submitted" }, Want: staffOK},
		routeCase{Method: "POST", Pattern: "/ekspor/verval", Path: func(f *fixture) string {
			return fmt.Sprintf("/ekspor/verval?format=xlsx&angkatan=%d", reportCohort(f))
		}, Want: staffOK},
		routeCase{Method: "POST", Pattern: "/ekspor/hasil/{run}", Path: func(f *fixture) string {
			return fmt.Sprintf("/ekspor/hasil/%d?format=xlsx", reportSeed(f).Run)
		}, Want: with(staffOK, "dinas", 404)},
		routeCase{Method: "POST", Pattern: "/ekspor/pengguna", Path: func(*fixture) string { return "/ekspor/pengguna?format=xlsx" },
			Want: only(200, "admin", "bgp")},
		routeCase{Method: "GET", Pattern: "/ekspor/tugas", Want: staffOK},
		routeCase{Method: "GET", Pattern: "/ekspor/tugas/{id}", Path: page("admin"), Want: with(staffOK, "bgp", 404, "dinas", 404)},
		routeCase{Method: "GET", Pattern: "/ekspor/tugas/{id}", Variant: "job of the dinas", Path: page("dinas"),
			Want: with(staffOK, "admin", 404, "bgp", 404)},
		routeCase{Method: "GET", Pattern: "/ekspor/tugas/{id}/unduh", Path: download("admin", false), Want: with(staffOK, "bgp", 404, "dinas", 404)},
		routeCase{Method: "GET", Pattern: "/ekspor/tugas/{id}/unduh", Variant: "job of the bgp", Path: download("bgp", false),
			Want: with(staffOK, "admin", 404, "dinas", 404)},
		routeCase{Method: "GET", Pattern: "/ekspor/tugas/{id}/unduh", Variant: "expired link", Path: download("admin", true),
			Want: with(staffOK, "admin", 410, "bgp", 404, "dinas", 404)},
	)
}

// runExportJob works a queued job as the River worker does, with the app's file storage; while
// the file is being stored (every row written) the job's page is fetched by pageAt.
func runExportJob(t *testing.T, a *apptest.App, id int64, pageAt func()) {
	t.Helper()
	if err := exportRunner(a, &pausingFiles{Store: storage.NewLocal(a.Config.UploadDir), at: pageAt}).Run(context.Background(), id, true); err != nil {
		t.Fatal(err)
	}
}

func exportRunner(a *apptest.App, files storage.Store) *exportjob.Runner {
	return &exportjob.Runner{DB: a.DB, Files: files, Now: a.Now, BaseURL: a.Config.BaseURL,
		Letter: exportjob.Letter(server.NewLetter(i18n.MustLoad(), a.Config.BaseURL)), ProgressEvery: 5}
}

type pausingFiles struct {
	storage.Store
	at   func()
	fail bool
}

func (p *pausingFiles) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if p.at != nil {
		p.at()
	}
	if p.fail {
		return fmt.Errorf("object store unreachable")
	}
	return p.Store.Put(ctx, key, r, size)
}

var jobPath = regexp.MustCompile(`^/ekspor/tugas/(\d+)$`)

// TestQueuedExport: with the threshold lowered to 10 rows, a large export's GET offers to
// prepare it (nothing queued), the post queues it and lands on its page, which refreshes
// itself and shows the progress while it runs; the worker completes it; the download reads
// back with exactly the rows of the direct export, the owner is mailed a link in their
// language, another user gets 404, and after expiry the link is refused with 410. A Dinas's
// job holds its kab/kota only.
func TestQueuedExport(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.ExportJobRows = 10; c.ExportLinkTTL = 3 * time.Hour }})
	ctx := context.Background()
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 80, Regencies: []string{"16.01", "36.73"}, Quota: 4, Published: true})
	a.User("admin-q@x.test", account.RoleAdmin, account.Scope{})
	a.User("bgp-q@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	dinasUser := a.User("dinas-q@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	if _, err := a.DB.Exec(ctx, `UPDATE users SET language = 'en' WHERE email = 'dinas-q@x.test'`); err != nil {
		t.Fatal(err)
	}
	admin, bgp, dinas := a.SignIn("admin-q@x.test"), a.SignIn("bgp-q@x.test"), a.SignIn("dinas-q@x.test")
	count := func(sql string, args ...any) int {
		var n int
		if err := a.DB.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	exportPath := fmt.Sprintf("/ekspor/lamaran?format=xlsx&angkatan=%d", seed.Cohort)
	total := count(`SELECT count(*) FROM applications WHERE cohort_id = $1`, seed.Cohort)

	// GET: the page that offers to prepare the export; nothing is queued by a GET.
	res := admin.Get(exportPath)
	if res.Status != 200 || !strings.Contains(res.Body, fmt.Sprintf(`<form method="post" action="/ekspor/lamaran?format=xlsx&amp;angkatan=%d">`, seed.Cohort)) ||
		!strings.Contains(res.Body, fmt.Sprintf("sekitar %d baris", total)) || !strings.Contains(res.Body, "admin-q@x.test") {
		t.Fatalf("large export GET: %d\n%s", res.Status, res.Body)
	}
	if n := count(`SELECT count(*) FROM export_jobs`); n != 0 {
		t.Fatalf("a GET queued %d jobs", n)
	}
	// Below the threshold the export is still written at once.
	if res := admin.Get(exportPath + "&npsn=00000000"); res.Status != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("small export: %d %v", res.Status, res.Header)
	}

	// POST: queued, and the user lands on the job's page.
	res = admin.PostForm(exportPath, nil)
	m := jobPath.FindStringSubmatch(res.Location)
	if res.Status != http.StatusSeeOther || m == nil {
		t.Fatalf("post: %d %q", res.Status, res.Location)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	var status string
	var expected int
	if err := a.DB.QueryRow(ctx, `SELECT status, rows_expected FROM export_jobs WHERE id = $1`, id).Scan(&status, &expected); err != nil {
		t.Fatal(err)
	}
	if status != "queued" || expected != total || count(`SELECT count(*) FROM river_job WHERE kind = 'export_run'`) != 1 {
		t.Fatalf("job %s expecting %d rows, want queued with %d", status, expected, total)
	}
	// A second press of the button finds the same job.
	if res := admin.PostForm(exportPath, nil); res.Location != m[0] {
		t.Errorf("second post went to %q, want %q", res.Location, m[0])
	}
	page := admin.Get(m[0])
	for _, want := range []string{`<meta http-equiv="refresh" content="5">`, `<progress id="kemajuan-ekspor" max="` + fmt.Sprint(total) + `" value="0"`,
		fmt.Sprintf("0 dari %d baris (0%%)", total), `>Muat ulang sekarang</a>`, "Menunggu giliran diproses"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("queued page lacks %q", want)
		}
	}
	if res := bgp.Get(m[0]); res.Status != 404 {
		t.Errorf("another user's job page: %d", res.Status)
	}

	// The worker: while it stores the file the page shows it running with the rows so far.
	var during string
	runExportJob(t, a, id, func() { during = admin.Get(m[0]).Body })
	saved := total / 5 * 5
	if !strings.Contains(during, "Sedang disiapkan") || !strings.Contains(during, fmt.Sprintf(`value="%d"`, saved)) ||
		!strings.Contains(during, fmt.Sprintf("%d dari %d baris", saved, total)) || !strings.Contains(during, `http-equiv="refresh"`) {
		t.Errorf("page while running:\n%s", during)
	}
	page = admin.Get(m[0])
	link := regexp.MustCompile(`href="(/ekspor/tugas/\d+/unduh\?token=[A-Za-z0-9_-]{43})"`).FindStringSubmatch(page.Body)
	if link == nil || strings.Contains(page.Body, `http-equiv="refresh"`) || !strings.Contains(page.Body, "Siap diunduh") {
		t.Fatalf("done page:\n%s", page.Body)
	}
	res = admin.Get(link[1])
	if res.Status != 200 || res.Header.Get("Cache-Control") != "no-store" ||
		!regexp.MustCompile(`^attachment; filename="lamaran-\d{8}-\d{4}\.xlsx"$`).MatchString(res.Header.Get("Content-Disposition")) {
		t.Fatalf("download: %d %v", res.Status, res.Header)
	}
	got := readXLSX(t, res.Body)
	// The direct export of the same list (what the request streamed before the threshold).
	buf := &strings.Builder{}
	xw, _ := export.NewXLSX(buf, "lamaran")
	if _, err := report.NewStore(a.DB).Applications(ctx, application.Scope{National: true}, application.Filter{CohortID: seed.Cohort}, xw); err != nil {
		t.Fatal(err)
	}
	if err := xw.Close(); err != nil {
		t.Fatal(err)
	}
	want := readXLSX(t, buf.String())
	if len(got) != total+1 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("queued export: %d rows, direct export %d, total %d", len(got)-1, len(want)-1, total)
	}
	var subject, body string
	if err := a.DB.QueryRow(ctx, `SELECT subject, body_text FROM mail_outbox WHERE to_addr = 'admin-q@x.test'`).Scan(&subject, &body); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "Ekspor lamaran-") || !strings.Contains(body, a.Config.BaseURL+m[0]) {
		t.Errorf("mail %q\n%s", subject, body)
	}
	if n := count(`SELECT count(*) FROM audit_log WHERE action = 'report.export' AND object_type = 'export.lamaran' AND (detail->>'rows')::int = $1
		AND actor_id = (SELECT id FROM users WHERE email = 'admin-q@x.test')`, total); n != 1 {
		t.Errorf("%d audit entries of the queued export", n)
	}
	// Another user: 404 with the right token too; the owner with a wrong token: 404.
	if res := bgp.Get(link[1]); res.Status != 404 {
		t.Errorf("another user's download: %d", res.Status)
	}
	if res := admin.Get(link[1][:len(link[1])-3] + "xyz"); res.Status != 404 {
		t.Errorf("wrong token: %d", res.Status)
	}
	// My exports lists it; the BGP's list does not.
	if res := admin.Get("/ekspor/tugas"); !strings.Contains(res.Body, `href="`+m[0]+`"`) {
		t.Error("the job is not in its owner's list")
	}
	if res := bgp.Get("/ekspor/tugas"); strings.Contains(res.Body, `href="`+m[0]+`"`) || !strings.Contains(res.Body, "Belum ada ekspor") {
		t.Error("the BGP's list shows the admin's job")
	}

	// The Dinas's job (its user writes English): Kota Serang only, below SMA.
	res = dinas.PostForm(exportPath, nil)
	dm := jobPath.FindStringSubmatch(res.Location)
	if dm == nil {
		t.Fatalf("dinas post: %d %q", res.Status, res.Location)
	}
	var did int64
	fmt.Sscan(dm[1], &did)
	runExportJob(t, a, did, nil)
	dpage := dinas.Get(dm[0])
	dlink := regexp.MustCompile(`href="(/ekspor/tugas/\d+/unduh\?token=[A-Za-z0-9_-]{43})"`).FindStringSubmatch(dpage.Body)
	if dlink == nil {
		t.Fatalf("dinas done page:\n%s", dpage.Body)
	}
	rows := readXLSX(t, dinas.Get(dlink[1]).Body)
	if want := count(`SELECT count(*) FROM applications WHERE cohort_id = $1 AND regency_code = '36.73' AND jenjang NOT IN ('SMA', 'SMK', 'SLB')`, seed.Cohort); len(rows) != want+1 || want <= 10 {
		t.Errorf("dinas job: %d rows, want %d", len(rows)-1, want)
	}
	for _, r := range rows[1:] {
		if r[6] != "Kota Serang" {
			t.Fatalf("the Dinas's job holds another region: %q", r)
		}
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE to_addr = $1 AND subject LIKE 'Your export lamaran-%' AND body_text LIKE 'Dear %'`, dinasUser.Email); n != 1 {
		t.Errorf("%d English mails to the Dinas", n)
	}
	if res := admin.Get(dm[0]); res.Status != 404 {
		t.Errorf("the admin opens the Dinas's job: %d", res.Status)
	}
	// The Dinas's queued export of the published run: its kab/kota's results only.
	res = dinas.PostForm(fmt.Sprintf("/ekspor/hasil/%d?format=csv", seed.Run), nil)
	rm := jobPath.FindStringSubmatch(res.Location)
	if rm == nil {
		t.Fatalf("dinas run post: %d %q", res.Status, res.Location)
	}
	var rid int64
	fmt.Sscan(rm[1], &rid)
	runExportJob(t, a, rid, nil)
	rlink := regexp.MustCompile(`href="(/ekspor/tugas/\d+/unduh\?token=[A-Za-z0-9_-]{43})"`).FindStringSubmatch(dinas.Get(rm[0]).Body)
	if rlink == nil {
		t.Fatal("no download link on the Dinas's run job")
	}
	csv := dinas.Get(rlink[1])
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(csv.Body, "\xEF\xBB\xBF")), "\n")
	if want := count(`SELECT count(*) FROM run_results WHERE run_id = $1 AND regency_code = '36.73'`, seed.Run); len(lines) != want+1 || want <= 10 {
		t.Errorf("dinas run job: %d rows, want %d", len(lines)-1, want)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ";Kota Serang;") {
			t.Fatalf("the Dinas's run job holds another region: %q", l)
		}
	}

	// A job whose last attempt fails: its page says so kindly, without the technical cause,
	// and stops refreshing; nothing is mailed.
	res = bgp.PostForm(exportPath, nil)
	fm := jobPath.FindStringSubmatch(res.Location)
	if fm == nil {
		t.Fatalf("bgp post: %d %q", res.Status, res.Location)
	}
	var fid int64
	fmt.Sscan(fm[1], &fid)
	if err := exportRunner(a, &pausingFiles{Store: storage.NewLocal(a.Config.UploadDir), fail: true}).Run(ctx, fid, true); err == nil {
		t.Fatal("the failing job returned no error")
	}
	fpage := bgp.Get(fm[0])
	if !strings.Contains(fpage.Body, "Gagal dibuat") || !strings.Contains(fpage.Body, "ekspor ini gagal dibuat") ||
		strings.Contains(fpage.Body, "unreachable") || strings.Contains(fpage.Body, `http-equiv="refresh"`) {
		t.Errorf("failed job page:\n%s", fpage.Body)
	}
	if n := count(`SELECT count(*) FROM mail_outbox WHERE to_addr = 'bgp-q@x.test'`); n != 0 {
		t.Errorf("%d mails for a failed export", n)
	}

	// Expiry: three hours later the link is refused with 410 and the page says so.
	a.SetNow(a.Now().Add(3*time.Hour + time.Minute))
	res = admin.Get(link[1])
	if res.Status != http.StatusGone || !strings.Contains(res.Body, "sudah kedaluwarsa") || strings.Contains(res.Body, `href="/ekspor/tugas/`+fmt.Sprint(id)+`/unduh`) {
		t.Errorf("expired download: %d\n%s", res.Status, res.Body)
	}
	if res := admin.Get("/ekspor/tugas"); !strings.Contains(res.Body, "Tautan unduhan kedaluwarsa") {
		t.Error("the list does not show the expired link")
	}
}

// Many presses of the button at once by several users, on a server pool of 4 connections,
// queue one job per user and send everyone to their own job.
func TestQueuedExportConcurrentPosts(t *testing.T) {
	a := apptest.Start(t, apptest.Options{Config: func(c *config.Config) { c.ExportJobRows = 5 }, Pool: &database.Options{MaxConns: 4}})
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 30, Regencies: []string{"16.01"}, Quota: 2})
	path := fmt.Sprintf("/ekspor/verval?format=csv&angkatan=%d", seed.Cohort)
	var clients []*apptest.Client
	for i := range 4 {
		email := fmt.Sprintf("bgp-c%d@x.test", i)
		a.User(email, account.RoleBGP, account.Scope{ProvinceCode: "16"})
		clients = append(clients, a.SignIn(email))
	}
	var wg sync.WaitGroup
	locs := make([]string, 24)
	for i := range locs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := clients[i%4].PostForm(path, nil)
			if res.Status != http.StatusSeeOther {
				t.Errorf("post %d: %d", i, res.Status)
			}
			locs[i] = res.Location
		}()
	}
	wg.Wait()
	for i := range locs {
		if locs[i] != locs[i%4] || jobPath.FindString(locs[i]) == "" {
			t.Fatalf("user %d sent to %q and %q", i%4, locs[i], locs[i%4])
		}
	}
	var jobs, owners int
	_ = a.DB.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT owner_id) FROM export_jobs`).Scan(&jobs, &owners)
	if jobs != 4 || owners != 4 {
		t.Errorf("%d jobs of %d owners, want 4 of 4", jobs, owners)
	}
	// Two more of the first user's exports wait; a fourth is refused until one is done.
	for _, p := range []string{fmt.Sprintf("/ekspor/verval?format=xlsx&angkatan=%d", seed.Cohort), fmt.Sprintf("/ekspor/lamaran?format=csv&angkatan=%d", seed.Cohort)} {
		if res := clients[0].PostForm(p, nil); res.Status != http.StatusSeeOther {
			t.Fatalf("post %s: %d", p, res.Status)
		}
	}
	res := clients[0].PostForm(fmt.Sprintf("/ekspor/lamaran?format=xlsx&angkatan=%d", seed.Cohort), nil)
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "masih punya 3 ekspor") || !strings.Contains(res.Body, `role="alert"`) {
		t.Errorf("fourth waiting export: %d\n%s", res.Status, res.Body)
	}
	_ = a.DB.QueryRow(context.Background(), `SELECT count(*) FROM export_jobs`).Scan(&jobs)
	if jobs != 6 {
		t.Errorf("%d jobs after the refused one, want 6", jobs)
	}
}
