package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/mail"
	"penggerak/internal/selection"
	"penggerak/internal/selection/selectiontest"
)

// appealWorld is a published cohort with one kab/kota (quota 1): Top (100, lulus) and Second
// (88.89, cadangan; an existing user when user is set; submitted a minute before Top, so a tie
// at 100 after a re-score goes to Second), scored by two fresh assessors.
type appealWorld struct {
	Cohort, Run int64
	Top, Second int64 // applications
	SecondUser  int64
	X, Y        int64
}

var appealSeq int

func newAppealWorld(t testing.TB, fx selectiontest.Fixture, regency string, user int64) appealWorld {
	t.Helper()
	appealSeq++
	n := appealSeq
	var w appealWorld
	w.Cohort = fx.Cohort(map[string]int{regency: 1})
	fx.Rubric(w.Cohort, selection.StageTahap1, selectiontest.DefaultRubric())
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	_, w.Top = fx.Applicant(w.Cohort, fmt.Sprintf("top%d@uji.id", n), fmt.Sprintf("Teratas %d", n), fmt.Sprintf("%s%02d01", strings.ReplaceAll(regency, ".", ""), n), regency, t0.Add(time.Minute))
	if user == 0 {
		w.SecondUser, w.Second = fx.Applicant(w.Cohort, fmt.Sprintf("second%d@uji.id", n), fmt.Sprintf("Kedua %d", n), fmt.Sprintf("%s%02d02", strings.ReplaceAll(regency, ".", ""), n), regency, t0)
	} else {
		w.SecondUser = user
		w.Second = fx.ApplicationFor(w.Cohort, user, fmt.Sprintf("Kedua %d", n), fmt.Sprintf("%s%02d02", strings.ReplaceAll(regency, ".", ""), n), regency, t0)
	}
	w.X = fx.User(fmt.Sprintf("ax%d@uji.id", n), "Asesor X", "asesor", "", "", "")
	w.Y = fx.User(fmt.Sprintf("ay%d@uji.id", n), "Asesor Y", "asesor", "", "", "")
	for _, a := range []struct {
		app  int64
		a, b int
	}{{w.Top, 4, 4}, {w.Second, 4, 3}} {
		fx.Score(a.app, selection.StageTahap1, w.X, a.a, a.b)
		fx.Score(a.app, selection.StageTahap1, w.Y, a.a, a.b)
	}
	s := selection.NewStore(fx.DB)
	var err error
	if w.Run, err = s.CreateRun(context.Background(), testActor(), w.Cohort, 0, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Publish(context.Background(), testActor(), w.Run, "uji sanggah", time.Now().Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	fx.Release(time.Now())
	return w
}

// fileTestAppeal files Second's appeal through the store (with a PDF when pdf is set).
func fileTestAppeal(t testing.TB, fx selectiontest.Fixture, w appealWorld, dir string, pdf bool) int64 {
	t.Helper()
	var body []byte
	if pdf {
		body = []byte("%PDF-1.4 bukti sanggah")
	}
	id, err := selection.NewStore(fx.DB).FileAppeal(context.Background(), testActor(), w.SecondUser, w.Run, selection.StageTahap1,
		"Esai saya tidak dinilai sesuai rubrik yang diumumkan.", body, dir, time.Now(), testLetter)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// matrixAppeal is an appeal created once per key in the matrix (Serang 36.73 unless noted).
func matrixAppeal(f *fixture, key, regency string, pdf bool) (appealWorld, int64) {
	k := "appeal." + key
	if v, ok := f.Data[k].([2]any); ok {
		return v[0].(appealWorld), v[1].(int64)
	}
	fx := selFixture(f)
	w := newAppealWorld(f.App.T, fx, regency, 0)
	id := fileTestAppeal(f.App.T, fx, w, f.App.Config.UploadDir, pdf)
	f.Data[k] = [2]any{w, id}
	return w, id
}

func decisionForm(*fixture) url.Values {
	return url.Values{"decision": {"Keputusan uji matriks otorisasi."}, "yakin": {"true"}}
}

func init() {
	addRoutes(
		// The matrix teacher is the cadangan of a published run: filing is theirs alone.
		routeCase{Method: "POST", Pattern: "/seleksi/saya/hasil/{run}/sanggah", Path: func(f *fixture) string {
			w, ok := f.Data["appeal.guru"].(appealWorld)
			if !ok {
				w = newAppealWorld(f.App.T, selFixture(f), "16.01", f.Users["guru"].ID)
				f.Data["appeal.guru"] = w
			}
			return "/seleksi/saya/hasil/" + ids(w.Run) + "/sanggah"
		}, Form: func(*fixture) url.Values {
			return url.Values{"stage": {"tahap1"}, "reason": {"Nilai esai saya tidak sesuai dengan rubrik."}}
		}, Want: with(signedIn(404), "guru", 303)}, // every signed-in user is a teacher; only the cadangan owns the result
		routeCase{Method: "GET", Pattern: "/seleksi/sanggah", Want: only(200, "admin", "bgp")},
		// IDOR: the BGP of Sumatera Selatan asks for a Banten (Kota Serang) appeal: 404.
		routeCase{Method: "GET", Pattern: "/seleksi/sanggah/{appeal}", Path: func(f *fixture) string {
			_, id := matrixAppeal(f, "view", "36.73", false)
			return "/seleksi/sanggah/" + ids(id)
		}, Want: with(only(200, "admin"), "bgp", 404)},
		routeCase{Method: "GET", Pattern: "/seleksi/sanggah/{appeal}/berkas", Path: func(f *fixture) string {
			_, id := matrixAppeal(f, "pdf", "36.73", true)
			return "/seleksi/sanggah/" + ids(id) + "/berkas"
		}, Want: with(only(200, "admin"), "bgp", 404)},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/sanggah/{appeal}/tolak", Path: func(f *fixture) string {
			_, id := matrixAppeal(f, "reject", "16.01", false)
			return "/admin/seleksi/sanggah/" + ids(id) + "/tolak"
		}, Form: decisionForm, Want: only(303, "admin")},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/sanggah/{appeal}/terima", Path: func(f *fixture) string {
			_, id := matrixAppeal(f, "uphold", "16.01", false)
			return "/admin/seleksi/sanggah/" + ids(id) + "/terima"
		}, Form: decisionForm, Want: only(303, "admin")},
		routeCase{Method: "POST", Pattern: "/admin/seleksi/sanggah/{appeal}/koreksi", Path: func(f *fixture) string {
			k := "appeal.correct"
			if id, ok := f.Data[k].(int64); ok {
				return "/admin/seleksi/sanggah/" + ids(id) + "/koreksi"
			}
			fx := selFixture(f)
			w := newAppealWorld(f.App.T, fx, "16.01", 0)
			id := fileTestAppeal(f.App.T, fx, w, f.App.Config.UploadDir, false)
			sheet, err := selection.NewStore(fx.DB).UpholdAppeal(context.Background(), audit.Actor{UserID: f.Users["admin"].ID}, id, "Diterima untuk uji matriks.", time.Now(), testLetter)
			if err != nil {
				f.App.T.Fatal(err)
			}
			var who int64
			_ = fx.DB.QueryRow(context.Background(), `SELECT assessor_id FROM score_sheets WHERE id = $1`, sheet).Scan(&who)
			fx.Score(w.Second, selection.StageTahap1, who, 4, 4)
			f.Data[k] = id
			return "/admin/seleksi/sanggah/" + ids(id) + "/koreksi"
		}, Want: only(303, "admin")},
	)
}

// An appeal through the pages: the cadangan files with a PDF (a bad form keeps what was typed),
// sees it on /seleksi/saya; the province's BGP sees the queue and scores read-only, another
// province's gets 404; the admin must tick the confirmation, upholds; a new assessor re-scores;
// the admin makes the correction run (listed with its reason, the original kept) and publishes
// it; the teacher sees the corrected result. Another teacher cannot appeal someone else's result.
func TestAppealThroughPages(t *testing.T) {
	a := apptest.Start(t)
	fx := selectiontest.Fixture{T: t, DB: a.DB}
	guru := a.User("guru@uji.id", account.RoleGuru, account.Scope{})
	w := newAppealWorld(t, fx, "16.01", guru.ID)
	a.User("lain@uji.id", account.RoleGuru, account.Scope{})
	a.User("bgp16@uji.id", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("bgp36@uji.id", account.RoleBGP, account.Scope{ProvinceCode: "36"})
	a.User("admin@uji.id", account.RoleAdmin, account.Scope{})
	fresh := a.User("baru@uji.id", account.RoleAsesor, account.Scope{})
	g := a.SignIn("guru@uji.id")
	res := g.Get("/seleksi/saya")
	if !strings.Contains(res.Body, "Masa sanggah berakhir") || !strings.Contains(res.Body, `id="appeal-reason-`+ids(w.Run)+`"`) {
		t.Fatalf("no appeal form for the cadangan:\n%s", res.Body)
	}
	path := "/seleksi/saya/hasil/" + ids(w.Run) + "/sanggah"
	// Too short a reason and a text file: 422, the typed reason kept, a message per field.
	res = multipartAppeal(g, path, "Terlalu singkat", []byte("bukan pdf"))
	mustStatus(t, "bad appeal", res, 422)
	for _, want := range []string{"Terlalu singkat", "20 sampai 4.000 karakter", "Berkas bukti harus PDF", `aria-invalid="true"`} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("refused appeal page lacks %q:\n%s", want, res.Body)
		}
	}
	// Another teacher cannot appeal this run: 404.
	mustStatus(t, "another's run", multipartAppeal(a.SignIn("lain@uji.id"), path, "Nilai esai saya tidak sesuai rubrik.", nil), 404)
	mustStatus(t, "file", multipartAppeal(g, path, "Nilai esai saya tidak sesuai dengan rubrik yang diumumkan.", []byte("%PDF-1.4 bukti")), 303)
	mustStatus(t, "file twice", multipartAppeal(g, path, "Nilai esai saya tidak sesuai dengan rubrik yang diumumkan.", nil), 409)
	var id int64
	_ = a.DB.QueryRow(context.Background(), `SELECT id FROM selection_appeals WHERE application_id = $1`, w.Second).Scan(&id)
	if res := g.Get("/seleksi/saya"); !strings.Contains(res.Body, "Sanggah #"+ids(id)) || !strings.Contains(res.Body, "Diajukan") {
		t.Fatalf("applicant does not see the appeal:\n%s", res.Body)
	}
	// BGP of the province: queue and scores, no decision forms; other province: 404.
	b16 := a.SignIn("bgp16@uji.id")
	if res := b16.Get("/seleksi/sanggah"); !strings.Contains(res.Body, "#"+ids(id)) || !strings.Contains(res.Body, "Ogan Komering Ulu") {
		t.Fatalf("BGP queue:\n%s", res.Body)
	}
	res = b16.Get("/seleksi/sanggah/" + ids(id))
	if res.Status != 200 || !strings.Contains(res.Body, "88.89") || strings.Contains(res.Body, "/terima") {
		t.Fatalf("BGP appeal page (read-only, with scores): %d\n%s", res.Status, res.Body)
	}
	if res := b16.Get("/seleksi/sanggah/" + ids(id) + "/berkas"); res.Status != 200 || res.Body != "%PDF-1.4 bukti" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("PDF for the BGP: %d %q", res.Status, res.Body)
	}
	mustStatus(t, "other province", a.SignIn("bgp36@uji.id").Get("/seleksi/sanggah/"+ids(id)), 404)
	mustStatus(t, "BGP cannot decide", b16.PostForm("/admin/seleksi/sanggah/"+ids(id)+"/terima", decisionForm(nil)), 403)
	// The admin: without the confirmation nothing happens and the typed reason stays.
	ad := a.SignIn("admin@uji.id")
	res = ad.PostForm("/admin/seleksi/sanggah/"+ids(id)+"/terima", url.Values{"decision": {"Penilaian esai perlu diulang."}})
	mustStatus(t, "uphold unsure", res, 422)
	if !strings.Contains(res.Body, "Penilaian esai perlu diulang.") || !strings.Contains(res.Body, "Centang kotak ini") {
		t.Fatalf("refused decision:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM selection_appeals WHERE id = $1 AND status = 'diajukan'`, id); n != 1 {
		t.Fatal("an unconfirmed decision changed the appeal")
	}
	mustStatus(t, "uphold", ad.PostForm("/admin/seleksi/sanggah/"+ids(id)+"/terima", url.Values{"decision": {"Penilaian esai perlu diulang."}, "yakin": {"true"}}), 303)
	var sheet int64
	_ = a.DB.QueryRow(context.Background(), `SELECT id FROM score_sheets WHERE appeal_id = $1 AND assessor_id = $2`, id, fresh.ID).Scan(&sheet)
	if sheet == 0 {
		t.Fatal("the re-score did not go to the only new assessor")
	}
	mustStatus(t, "correct before the re-score", ad.PostForm("/admin/seleksi/sanggah/"+ids(id)+"/koreksi", nil), 409)
	mustStatus(t, "re-score", a.SignIn("baru@uji.id").PostForm("/asesor/penilaian/"+ids(sheet), url.Values{"score[0]": {"4"}, "score[1]": {"4"}, "submit": {"true"}, "confirm": {"yes"}}), 303)
	res = ad.PostForm("/admin/seleksi/sanggah/"+ids(id)+"/koreksi", nil)
	mustStatus(t, "correct", res, 303)
	var corr int64
	_ = a.DB.QueryRow(context.Background(), `SELECT correction_run_id FROM selection_appeals WHERE id = $1`, id).Scan(&corr)
	if res.Location != "/seleksi/hasil/"+ids(corr) {
		t.Fatalf("redirect to %s, want the correction run %d", res.Location, corr)
	}
	if res := ad.Get("/admin/seleksi/" + ids(w.Cohort)); !strings.Contains(res.Body, "Koreksi setelah sanggah diterima — #"+ids(id)+" (tahap1)") {
		t.Fatalf("the correction run is not listed with its reason:\n%s", res.Body)
	}
	if err := selection.NewStore(a.DB).Publish(context.Background(), testActor(), corr, "uji sanggah", time.Now().Add(72*time.Hour), "http://x"); err != nil {
		t.Fatal(err)
	}
	fx.Release(time.Now())
	res = g.Get("/seleksi/saya")
	if !strings.Contains(res.Body, "Lulus") || !strings.Contains(res.Body, "hasil koreksi setelah penilaian ulang") || !strings.Contains(res.Body, "100.00") {
		t.Fatalf("teacher after the correction:\n%s", res.Body)
	}
	if !strings.Contains(res.Body, "Koreksi setelah sanggah diterima — #"+ids(id)) {
		t.Fatalf("the correction reason is not shown to the teacher in Indonesian:\n%s", res.Body)
	}
	// In the reader's language: the same stored reason reads in English for an English reader.
	mustStatus(t, "English", g.PostForm("/bahasa", url.Values{"lang": {"en"}, "next": {"/seleksi/saya"}}), http.StatusSeeOther)
	if res := g.Get("/seleksi/saya"); !strings.Contains(res.Body, "Correction after upheld appeals — #"+ids(id)) || strings.Contains(res.Body, "Koreksi setelah sanggah") {
		t.Fatalf("the correction reason is not in the reader's language:\n%s", res.Body)
	}
	// Every number explained: weights, each criterion on 0–100 with the applicant's numbers, the
	// stage formula, the quota of the kab/kota, and the tie rule that decided (earlier submission).
	for _, want := range []string{"(4.00 − 1) ÷ (4 − 1) × 100 = 100.00", "(2 × 100.00 + 1 × 100.00) ÷ (2 + 1) = 100.00",
		"1 kursi di Kabupaten Ogan Komering Ulu", "Penentunya waktu pengiriman lamaran", "Anda berada di depan."} {
		if !strings.Contains(res.Body, want) {
			t.Fatalf("breakdown lacks %q:\n%s", want, res.Body)
		}
	}
	// The ranking for staff names the kab/kota.
	if res := b16.Get("/seleksi/hasil/" + ids(corr)); !strings.Contains(res.Body, "<td>Kabupaten Ogan Komering Ulu <span") {
		t.Fatalf("run ranking without kab/kota names:\n%s", res.Body)
	}
	if n := selCount(t, a, `SELECT count(*) FROM run_results WHERE run_id = $1 AND application_id = $2 AND outcome = 'cadangan'`, w.Run, w.Second); n != 1 {
		t.Fatal("the original run changed")
	}
	if n := selCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'guru@uji.id' AND subject IN ('Sanggah #`+ids(id)+` diterima untuk diproses', 'Sanggah #`+ids(id)+` diterima: penilaian ulang')`); n != 2 {
		t.Fatalf("%d appeal mails in Indonesian, want 2", n)
	}
}

func multipartAppeal(c *apptest.Client, path, reason string, pdf []byte) apptest.Response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("stage", "tahap1")
	_ = mw.WriteField("reason", reason)
	if pdf != nil {
		fw, _ := mw.CreateFormFile("pdf", "bukti.pdf")
		_, _ = fw.Write(pdf)
	}
	_ = mw.Close()
	return c.PostBody(path, mw.FormDataContentType(), &buf)
}

var _ = http.StatusOK

func testLetter(lang, key string, data map[string]any) mail.Message {
	return mail.Message{Subject: key + " " + lang, Body: fmt.Sprint(data)}
}
