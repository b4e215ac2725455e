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

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/training/trainingtest"
)

// Authorization matrix rows for the training routes (issue 10). The fixture: cohort A in
// Sumatera Selatan (16) with two confirmed groups in Kabupaten OKU — one led by the matrix PP
// (with the matrix guru in it, in the matrix fasilitator's class), one by another PP — and cohort
// B with a confirmed group in Kota Serang (36.73, the dinas actor's region, outside the bgp's
// province). Writes by the bgp actor aim at cohort B, so they are IDOR rows (404).

type trMatrixData struct {
	cohortA, cohortB       int64
	ownGroup, serangGroup  int64
	otherMentee, serangCGP int64
	serangPP, serangUser   int64
	lokakaryaA, lokakaryaB int64
	otherVisit             int64
}

func trMatrix(f *fixture) trMatrixData {
	if d, ok := f.Data["training"].(trMatrixData); ok {
		return d
	}
	t, db := f.App.T, f.App.DB
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: db}
	q := func(sql string, args ...any) int64 {
		var id int64
		if err := db.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return id
	}
	var d trMatrixData
	a := fx.NewCohort("16.01")
	fx.CGP(a, f.Users["guru"].ID, "Guru Matriks", "10698001", "16.01", "SD")
	for i := range 9 {
		fx.CGP(a, 0, fmt.Sprintf("CGP OKU %d", i), fmt.Sprintf("1069801%d", i), "16.01", "SD")
	}
	b := fx.NewCohort("36.73")
	for i := range 5 {
		fx.CGP(b, 0, fmt.Sprintf("CGP Serang %d", i), fmt.Sprintf("3697301%d", i), "36.73", "SMP")
	}
	fx.Start(a)
	fx.Start(b)
	d.cohortA, d.cohortB = a.ID, b.ID
	other := fx.User("pp.lain@matrix.test", "PP Lain", "")
	fx.Grant(other, "pengajar_praktik", "16", "16.01")
	d.serangUser = fx.User("pp.serang@matrix.test", "PP Serang", "")
	fx.Grant(d.serangUser, "pengajar_praktik", "36", "36.73")
	mentor := func(cohort, user int64, role, regency string) int64 {
		return q(`INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
			VALUES ($1, $2, $3, $4, substr($4, 1, 2), 6, $5) RETURNING id`, cohort, user, role, regency, f.Users["admin"].ID)
	}
	ppOwn := mentor(a.ID, f.Users["pengajar_praktik"].ID, "pengajar_praktik", "16.01")
	ppOther := mentor(a.ID, other, "pengajar_praktik", "16.01")
	fas := mentor(a.ID, f.Users["fasilitator"].ID, "fasilitator", "16.01")
	d.serangPP = mentor(b.ID, d.serangUser, "pengajar_praktik", "36.73")
	group := func(cohort int64, regency string, number int, pp int64, fas *int64, names string) int64 {
		g := q(`INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, fasilitator_id, status, confirmed_at)
			VALUES ($1, substr($2, 1, 2), $2, $3, $4, $5, 'aktif', now()) RETURNING id`, cohort, regency, number, pp, fas)
		if _, err := db.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id)
			SELECT id, $2 FROM training_participants WHERE cohort_id = $1 AND name SIMILAR TO $3`, cohort, g, names); err != nil {
			t.Fatal(err)
		}
		return g
	}
	d.ownGroup = group(a.ID, "16.01", 1, ppOwn, &fas, "Guru Matriks")
	if _, err := db.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id)
		SELECT id, $2 FROM training_participants WHERE cohort_id = $1 AND name IN ('CGP OKU 0', 'CGP OKU 1', 'CGP OKU 2', 'CGP OKU 3')`, a.ID, d.ownGroup); err != nil {
		t.Fatal(err)
	}
	group(a.ID, "16.01", 2, ppOther, nil, "CGP OKU [4-8]")
	d.otherMentee = q(`SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'CGP OKU 4'`, a.ID)
	d.serangGroup = group(b.ID, "36.73", 1, d.serangPP, nil, "CGP Serang %")
	d.serangCGP = q(`SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'CGP Serang 0'`, b.ID)
	d.lokakaryaA = q(`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '16', '16.01', 1, now() + interval '7 days', 'SMPN 1 OKU') RETURNING id`, a.ID)
	d.lokakaryaB = q(`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '36', '36.73', 1, now() + interval '7 days', 'Aula Kota Serang') RETURNING id`, b.ID)
	d.otherVisit = q(`INSERT INTO training_visits (participant_id, number, planned_on, visited_on, mode, notes, submitted_at)
		VALUES ($1, 1, current_date, current_date, 'kunjungan', 'Catatan PP lain', now()) RETURNING id`, d.otherMentee)
	f.Data["training"] = d
	return d
}

func trPath(format string, fn func(d trMatrixData) []any) func(f *fixture) string {
	return func(f *fixture) string { return fmt.Sprintf(format, fn(trMatrix(f))...) }
}

func init() {
	cohortB := func(d trMatrixData) []any { return []any{d.cohortB} }
	bgpOnly404 := with(only(404, "bgp"))
	addRoutes(
		routeCase{Method: "GET", Pattern: "/pelatihan", Want: only(200, "admin", "bgp", "dinas")},
		// Cohort A in Sumatera Selatan: the dinas actor (Kota Serang) gets 404.
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/{prov}", Path: trPath("/pelatihan/%d/16", func(d trMatrixData) []any { return []any{d.cohortA} }),
			Want: with(only(200, "admin", "bgp"), "dinas", 404)},
		// BGP of Sumatera Selatan writing to Banten (cohort B): 404.
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/{prov}/penunjukan", Path: trPath("/pelatihan/%d/36/penunjukan", cohortB),
			Form: func(f *fixture) url.Values {
				d := trMatrix(f)
				return url.Values{"user": {fmt.Sprint(d.serangUser)}, "role": {"fasilitator"}, "regency": {"36.73"}}
			}, Want: bgpOnly404},
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/{prov}/usulan", Path: trPath("/pelatihan/%d/36/usulan", cohortB), Want: bgpOnly404},
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/{prov}/pindah", Path: trPath("/pelatihan/%d/36/pindah", cohortB),
			Form: func(f *fixture) url.Values {
				d := trMatrix(f)
				return url.Values{"participant": {fmt.Sprint(d.serangCGP)}, "group": {fmt.Sprint(d.serangGroup)}, "reason": {"uji"}}
			}, Want: bgpOnly404},
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/{prov}/ganti-pp", Path: trPath("/pelatihan/%d/36/ganti-pp", cohortB),
			Form: func(f *fixture) url.Values {
				d := trMatrix(f)
				return url.Values{"swap_group": {fmt.Sprint(d.serangGroup)}, "mentor": {fmt.Sprint(d.serangPP)}, "reason": {"uji"}}
			}, Want: bgpOnly404},
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/{prov}/konfirmasi", Path: trPath("/pelatihan/%d/36/konfirmasi", cohortB), Want: bgpOnly404},
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/{prov}/konfirmasi", Path: trPath("/pelatihan/%d/36/konfirmasi", cohortB),
			Form: func(*fixture) url.Values { return url.Values{"sure": {"1"}} }, Want: bgpOnly404},
		// Another province's group: the bgp actor 404; the dinas of Kota Serang and admin see it;
		// nobody outside the group sees it.
		routeCase{Method: "GET", Pattern: "/pelatihan/kelompok/{group}", Path: trPath("/pelatihan/kelompok/%d", func(d trMatrixData) []any { return []any{d.serangGroup} }),
			Want: with(signedIn(404), "dinas", 200, "admin", 200)},
		// Every signed-in user holds guru: the page shows their own group or says there is none.
		routeCase{Method: "GET", Pattern: "/pelatihan/saya", Want: signedIn(200)},
		routeCase{Method: "GET", Pattern: "/pendampingan", Want: only(200, "pengajar_praktik")},
		// Another PP's mentee by id: 404.
		routeCase{Method: "GET", Pattern: "/pendampingan/peserta/{participant}", Path: trPath("/pendampingan/peserta/%d", func(d trMatrixData) []any { return []any{d.otherMentee} }),
			Want: only(404, "pengajar_praktik")},
		routeCase{Method: "GET", Pattern: "/kelas", Want: only(200, "fasilitator")},
		// A CGP outside the fasilitator's classes: 404, also when smuggled into an import.
		routeCase{Method: "GET", Pattern: "/kelas/peserta/{participant}", Path: trPath("/kelas/peserta/%d", func(d trMatrixData) []any { return []any{d.otherMentee} }),
			Want: only(404, "fasilitator")},
		routeCase{Method: "POST", Pattern: "/kelas/peserta/{participant}", Path: trPath("/kelas/peserta/%d", func(d trMatrixData) []any { return []any{d.otherMentee} }),
			Form: func(*fixture) url.Values { return url.Values{"modul": {"1"}} }, Want: only(404, "fasilitator")},
		routeCase{Method: "GET", Pattern: "/kelas/impor", Want: only(200, "fasilitator")},
		routeCase{Method: "POST", Pattern: "/kelas/peserta/{participant}/penilaian", Path: trPath("/kelas/peserta/%d/penilaian", func(d trMatrixData) []any { return []any{d.otherMentee} }),
			Form: func(*fixture) url.Values { return url.Values{"score": {"80"}} }, Want: only(404, "fasilitator")},
		routeCase{Method: "POST", Pattern: "/pendampingan/peserta/{participant}/penilaian", Path: trPath("/pendampingan/peserta/%d/penilaian", func(d trMatrixData) []any { return []any{d.otherMentee} }),
			Form: func(*fixture) url.Values { return url.Values{"score": {"80"}} }, Want: only(404, "pengajar_praktik")},
		// Graduation of cohort A (Sumatera Selatan): Dinas Kota Serang 404; the BGP deciding for
		// Banten's CGP (cohort B): 404.
		routeCase{Method: "GET", Pattern: "/pelatihan/{cohort}/{prov}/kelulusan", Path: trPath("/pelatihan/%d/16/kelulusan", func(d trMatrixData) []any { return []any{d.cohortA} }),
			Want: with(only(200, "admin", "bgp"), "dinas", 404)},
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/{prov}/kelulusan", Path: trPath("/pelatihan/%d/36/kelulusan", cohortB),
			Form: func(f *fixture) url.Values {
				return url.Values{"participant": {fmt.Sprint(trMatrix(f).serangCGP)}, "outcome": {"tidak_lulus"}, "reason": {"uji"}, "confirm": {"yes"}}
			}, Want: bgpOnly404},
		// Not a multipart upload: the form says the file cannot be read.
		routeCase{Method: "POST", Pattern: "/kelas/impor", Want: only(422, "fasilitator")},
		routeCase{Method: "POST", Pattern: "/kelas/impor/simpan", Form: func(f *fixture) url.Values {
			return url.Values{"items": {fmt.Sprintf("%d:1:true", trMatrix(f).otherMentee)}}
		}, Want: only(404, "fasilitator")},
		// Visits of another PP's mentee: 404 for the PP; another CGP's visit log: 404 for everyone.
		routeCase{Method: "POST", Pattern: "/pendampingan/peserta/{participant}/rencana", Path: trPath("/pendampingan/peserta/%d/rencana", func(d trMatrixData) []any { return []any{d.otherMentee} }),
			Form: func(*fixture) url.Values { return url.Values{"plan_number": {"2"}, "plan_date": {"2027-01-05"}} }, Want: only(404, "pengajar_praktik")},
		routeCase{Method: "GET", Pattern: "/pendampingan/kunjungan/{visit}", Path: trPath("/pendampingan/kunjungan/%d", func(d trMatrixData) []any { return []any{d.otherVisit} }),
			Want: only(404, "pengajar_praktik")},
		routeCase{Method: "POST", Pattern: "/pendampingan/kunjungan/{visit}", Path: trPath("/pendampingan/kunjungan/%d", func(d trMatrixData) []any { return []any{d.otherVisit} }),
			Form: func(*fixture) url.Values { return url.Values{"notes": {"ubah"}, "action": {"draf"}} }, Want: only(404, "pengajar_praktik")},
		routeCase{Method: "POST", Pattern: "/pendampingan/kunjungan/{visit}/draf", Path: trPath("/pendampingan/kunjungan/%d/draf", func(d trMatrixData) []any { return []any{d.otherVisit} }),
			Form: func(*fixture) url.Values { return url.Values{"notes": {"ubah"}} }, Want: only(404, "pengajar_praktik")},
		routeCase{Method: "POST", Pattern: "/pelatihan/kunjungan/{visit}/tanggapan", Path: trPath("/pelatihan/kunjungan/%d/tanggapan", func(d trMatrixData) []any { return []any{d.otherVisit} }),
			Form: func(*fixture) url.Values { return url.Values{"ack": {"1"}} }, Want: signedIn(404)},
		routeCase{Method: "POST", Pattern: "/pelatihan/{cohort}/{prov}/lokakarya", Path: trPath("/pelatihan/%d/36/lokakarya", cohortB),
			Form: func(f *fixture) url.Values {
				return url.Values{"lk-regency": {"36.73"}, "lk-number": {"2"}, "lk-date": {"2027-01-10"}, "lk-time": {"08:00"}, "lk-place": {"Aula Serang"},
					"lk-group": {fmt.Sprint(trMatrix(f).serangGroup)}}
			}, Want: bgpOnly404},
		// Another province's lokakarya: neither the PP nor the BGP of Sumatera Selatan sees it.
		routeCase{Method: "GET", Pattern: "/lokakarya/{id}/presensi", Path: trPath("/lokakarya/%d/presensi", func(d trMatrixData) []any { return []any{d.lokakaryaB} }),
			Want: only(404, "pengajar_praktik", "bgp")},
		routeCase{Method: "POST", Pattern: "/lokakarya/{id}/presensi", Path: trPath("/lokakarya/%d/presensi", func(d trMatrixData) []any { return []any{d.lokakaryaB} }),
			Form: func(f *fixture) url.Values {
				return url.Values{fmt.Sprintf("status-%d", trMatrix(f).serangCGP): {"hadir"}}
			}, Want: only(404, "pengajar_praktik", "bgp")},
	)
}

// TestTrainingEveryoneSeesTheirOwn: the CGP sees their group with the PP's and fasilitator's
// contacts; the PP only their own mentees; the fasilitator only their classes.
func TestTrainingEveryoneSeesTheirOwn(t *testing.T) {
	f := newFixture(t)
	d := trMatrix(f)
	res := f.Clients["guru"].Get("/pelatihan/saya")
	if res.Status != 200 || !strings.Contains(res.Body, "pengajar_praktik@matrix.test") || !strings.Contains(res.Body, "fasilitator@matrix.test") ||
		!strings.Contains(res.Body, "CGP OKU 3") || strings.Contains(res.Body, "CGP OKU 4") {
		t.Fatalf("CGP's page: %d\n%s", res.Status, res.Body)
	}
	res = f.Clients["pengajar_praktik"].Get("/pendampingan")
	if res.Status != 200 || !strings.Contains(res.Body, "Guru Matriks") || strings.Contains(res.Body, "CGP OKU 4") || strings.Contains(res.Body, "CGP Serang") {
		t.Fatalf("PP's page: %d\n%s", res.Status, res.Body)
	}
	var own int64
	_ = f.App.DB.QueryRow(context.Background(), `SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'Guru Matriks'`, d.cohortA).Scan(&own)
	if res := f.Clients["pengajar_praktik"].Get(fmt.Sprintf("/pendampingan/peserta/%d", own)); res.Status != 200 || !strings.Contains(res.Body, "guru@matrix.test") {
		t.Fatalf("own mentee: %d", res.Status)
	}
	res = f.Clients["fasilitator"].Get("/kelas")
	if res.Status != 200 || !strings.Contains(res.Body, "Guru Matriks") || strings.Contains(res.Body, "CGP OKU 4") {
		t.Fatalf("fasilitator's page: %d\n%s", res.Status, res.Body)
	}
	if res := f.Clients["pengajar_praktik"].Get(fmt.Sprintf("/pelatihan/kelompok/%d", d.ownGroup)); res.Status != 200 {
		t.Fatalf("PP's own group page: %d", res.Status)
	}
	// Attendance: the PP's list holds only their own mentees; another PP's mentee cannot be
	// recorded by them (404, nothing stored); izin needs a reason (the typed values kept).
	pp := f.Clients["pengajar_praktik"]
	res = pp.Get(fmt.Sprintf("/lokakarya/%d/presensi", d.lokakaryaA))
	if res.Status != 200 || !strings.Contains(res.Body, "Guru Matriks") || strings.Contains(res.Body, "CGP OKU 4") {
		t.Fatalf("PP's attendance list: %d\n%s", res.Status, res.Body)
	}
	if res := f.Clients["bgp"].Get(fmt.Sprintf("/lokakarya/%d/presensi", d.lokakaryaA)); res.Status != 200 || !strings.Contains(res.Body, "CGP OKU 4") {
		t.Fatalf("BGP's attendance list: %d", res.Status)
	}
	att := fmt.Sprintf("/lokakarya/%d/presensi", d.lokakaryaA)
	if res := pp.PostForm(att, url.Values{fmt.Sprintf("status-%d", d.otherMentee): {"hadir"}}); res.Status != 404 {
		t.Fatalf("another PP's mentee recorded: %d", res.Status)
	}
	res = pp.PostForm(att, url.Values{fmt.Sprintf("status-%d", own): {"izin"}, fmt.Sprintf("reason-%d", own): {"  "}})
	if res.Status != 422 || !strings.Contains(res.Body, "Tuliskan alasan izin.") || !strings.Contains(res.Body, fmt.Sprintf(`id="izin-%d" name="status-%d" value="izin" checked`, own, own)) {
		t.Fatalf("izin without reason: %d\n%s", res.Status, res.Body)
	}
	if res := pp.PostForm(att, url.Values{fmt.Sprintf("status-%d", own): {"izin"}, fmt.Sprintf("reason-%d", own): {"Sakit"}}); res.Status != 303 {
		t.Fatalf("attendance: %d", res.Status)
	}
	var status, reason string
	_ = f.App.DB.QueryRow(context.Background(), `SELECT status, reason FROM training_attendance WHERE participant_id = $1`, own).Scan(&status, &reason)
	if status != "izin" || reason != "Sakit" {
		t.Fatalf("stored %q %q", status, reason)
	}
	// The CGP sees the lokakarya in their own zone with their attendance.
	res = f.Clients["guru"].Get("/pelatihan/saya")
	if !strings.Contains(res.Body, "SMPN 1 OKU") || !strings.Contains(res.Body, " WIB") || !strings.Contains(res.Body, "Kehadiran Anda: Izin") {
		t.Fatalf("CGP's schedule:\n%s", res.Body)
	}
	// The dashboard links each role to its page.
	if res := f.Clients["guru"].Get("/dasbor"); !strings.Contains(res.Body, `href="/pelatihan/saya"`) {
		t.Fatalf("no training link on the CGP's dashboard")
	}
	if res := f.Clients["pengajar_praktik"].Get("/dasbor"); !strings.Contains(res.Body, `href="/pendampingan"`) {
		t.Fatalf("no mentoring link on the PP's dashboard")
	}
}

// TestTrainingBGPFormsGroups: the BGP appoints PPs and a fasilitator, proposes, sees a rule
// broken by a move refused with the message and the typed reason kept, confirms (the checkbox
// required), and a later change needs a reason that shows in the group's history.
func TestTrainingBGPFormsGroups(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: a.DB}
	c := fx.NewCohort("16.01")
	for i := range 10 {
		fx.CGP(c, 0, fmt.Sprintf("Calon %02d", i), fmt.Sprintf("106970%02d", i%2), "16.01", "SD")
	}
	fx.Start(c)
	a.User("bgp@tr.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	pp1 := a.User("pp1@tr.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	pp2 := a.User("pp2@tr.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16"})
	fas := a.User("fas@tr.test", account.RoleFasilitator, account.Scope{ProvinceCode: "16"})
	bgp := a.SignIn("bgp@tr.test")
	base := fmt.Sprintf("/pelatihan/%d/16", c.ID)
	res := bgp.Get(base)
	if res.Status != 200 || !strings.Contains(res.Body, "kelompok 5–6 CGP") || !strings.Contains(res.Body, "pp1@tr.test") {
		t.Fatalf("province page: %d\n%s", res.Status, res.Body)
	}
	// A bad cap: the form comes back with the message and what was typed.
	res = bgp.PostForm(base+"/penunjukan", url.Values{"user": {fmt.Sprint(pp1.ID)}, "role": {"pengajar_praktik"}, "regency": {"16.01"}, "cap": {"999"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Batas beban berupa angka 1 sampai 200.") || !strings.Contains(res.Body, `value="999"`) ||
		!strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("bad cap: %d\n%s", res.Status, res.Body)
	}
	for _, u := range []account.User{pp1, pp2} {
		if res := bgp.PostForm(base+"/penunjukan", url.Values{"user": {fmt.Sprint(u.ID)}, "role": {"pengajar_praktik"}, "regency": {"16.01"}}); res.Status != 303 {
			t.Fatalf("appoint: %d\n%s", res.Status, res.Body)
		}
	}
	if res := bgp.PostForm(base+"/penunjukan", url.Values{"user": {fmt.Sprint(fas.ID)}, "role": {"fasilitator"}, "regency": {"16.01"}}); res.Status != 303 {
		t.Fatalf("appoint fasilitator: %d", res.Status)
	}
	if res := bgp.PostForm(base+"/usulan", nil); res.Status != 303 {
		t.Fatalf("propose: %d\n%s", res.Status, res.Body)
	}
	var g1, g2, mover int64
	_ = a.DB.QueryRow(ctx, `SELECT min(id), max(id) FROM training_groups WHERE cohort_id = $1`, c.ID).Scan(&g1, &g2)
	_ = a.DB.QueryRow(ctx, `SELECT min(participant_id) FROM training_group_members WHERE group_id = $1`, g1).Scan(&mover)
	// Moving one CGP leaves its group of five below the minimum: refused, with the message.
	res = bgp.PostForm(base+"/pindah", url.Values{"participant": {fmt.Sprint(mover)}, "group": {fmt.Sprint(g2)}, "reason": {"catatan saya"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Kelompok akan kurang dari ukuran minimum.") || !strings.Contains(res.Body, "catatan saya") {
		t.Fatalf("move below minimum: %d\n%s", res.Status, res.Body)
	}
	// Confirmation needs the checkbox.
	if res := bgp.PostForm(base+"/konfirmasi", nil); res.Status != 422 || !strings.Contains(res.Body, "Centang pernyataan ini") {
		t.Fatalf("confirm without checkbox: %d", res.Status)
	}
	if res := bgp.PostForm(base+"/konfirmasi", url.Values{"sure": {"1"}}); res.Status != 303 {
		t.Fatalf("confirm: %d\n%s", res.Status, res.Body)
	}
	var mails int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE subject = 'Kelompok pendidikan Anda sudah ditetapkan'`).Scan(&mails)
	if mails != 12 {
		t.Fatalf("mails %d, want 10 CGPs + 2 PPs", mails)
	}
	// Swap the PPs of group 1 without a reason: refused; with a reason: kept in the history.
	var other int64
	_ = a.DB.QueryRow(ctx, `SELECT pp_id FROM training_groups WHERE id = $1`, g2).Scan(&other)
	res = bgp.PostForm(base+"/ganti-pp", url.Values{"swap_group": {fmt.Sprint(g1)}, "mentor": {fmt.Sprint(other)}})
	if res.Status != 422 || !strings.Contains(res.Body, "Tuliskan alasan perubahan") {
		t.Fatalf("swap without reason: %d", res.Status)
	}
	// The other PP already carries a group of five (cap 6): the swap breaks the cap.
	res = bgp.PostForm(base+"/ganti-pp", url.Values{"swap_group": {fmt.Sprint(g1)}, "mentor": {fmt.Sprint(other)}, "reason": {"PP pindah tugas"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Pengajar praktik akan melebihi batas bebannya.") {
		t.Fatalf("swap over cap: %d\n%s", res.Status, res.Body)
	}
	// A third PP appointed later takes over group 1, with a reason kept in the history.
	pp3 := a.User("pp3@tr.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	if res := bgp.PostForm(base+"/penunjukan", url.Values{"user": {fmt.Sprint(pp3.ID)}, "role": {"pengajar_praktik"}, "regency": {"16.01"}}); res.Status != 303 {
		t.Fatalf("appoint pp3: %d", res.Status)
	}
	var pp3Mentor, firstPP int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM training_mentors WHERE user_id = $1`, pp3.ID).Scan(&pp3Mentor)
	_ = a.DB.QueryRow(ctx, `SELECT u.id FROM training_groups g JOIN training_mentors t ON t.id = g.pp_id JOIN users u ON u.id = t.user_id WHERE g.id = $1`, g1).Scan(&firstPP)
	res = bgp.PostForm(base+"/ganti-pp", url.Values{"swap_group": {fmt.Sprint(g1)}, "mentor": {fmt.Sprint(pp3Mentor)}, "reason": {"PP pindah tugas"}})
	if res.Status != 303 {
		t.Fatalf("swap with reason: %d\n%s", res.Status, res.Body)
	}
	res = bgp.Get(fmt.Sprintf("/pelatihan/kelompok/%d", g1))
	if res.Status != 200 || !strings.Contains(res.Body, "Riwayat kelompok") || !strings.Contains(res.Body, "Dikonfirmasi") || !strings.Contains(res.Body, "PP pindah tugas") {
		t.Fatalf("group page: %d\n%s", res.Status, res.Body)
	}
	// The replaced PP no longer sees the group; the new one does.
	var firstEmail string
	_ = a.DB.QueryRow(ctx, `SELECT email FROM users WHERE id = $1`, firstPP).Scan(&firstEmail)
	if res := a.SignIn(firstEmail).Get(fmt.Sprintf("/pelatihan/kelompok/%d", g1)); res.Status != 404 {
		t.Fatalf("replaced PP sees the group: %d", res.Status)
	}
	if res := a.SignIn("pp3@tr.test").Get(fmt.Sprintf("/pelatihan/kelompok/%d", g1)); res.Status != 200 {
		t.Fatalf("new PP: %d", res.Status)
	}
	if res := a.SignIn("pp2@tr.test").Get("/pendampingan"); res.Status != 200 || !strings.Contains(res.Body, "Calon") {
		t.Fatalf("PP after confirmation: %d", res.Status)
	}
	var audited int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action IN ('training.appoint', 'training.propose', 'training.confirm')`).Scan(&audited)
	if audited != 6 {
		t.Fatalf("audited %d", audited)
	}
	if res := bgp.PostForm(base+"/usulan", nil); res.Status != http.StatusConflict {
		t.Fatalf("propose after confirmation: %d", res.Status)
	}
}

// TestTrainingScheduleLokakarya: the BGP schedules in the kab/kota's own zone (Kota Serang is
// WIB, so 08:00 is 01:00 UTC), with a message per field on errors; the CGPs and PP are mailed;
// saving the same number again moves it and mails "berubah".
func TestTrainingScheduleLokakarya(t *testing.T) {
	a := apptest.Start(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: a.DB}
	c := fx.NewCohort("16.01")
	for i := range 5 {
		fx.CGP(c, 0, fmt.Sprintf("Calon %d", i), "10697100", "16.01", "SD")
	}
	fx.Start(c)
	a.User("bgp@lk.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	pp := a.User("pp@lk.test", account.RolePengajarPraktik, account.Scope{ProvinceCode: "16"})
	var mentor int64
	if err := a.DB.QueryRow(ctx, `INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
		VALUES ($1, $2, 'pengajar_praktik', '16.01', '16', 6, $2) RETURNING id`, c.ID, pp.ID).Scan(&mentor); err != nil {
		t.Fatal(err)
	}
	var g int64
	_ = a.DB.QueryRow(ctx, `INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, status, confirmed_at)
		VALUES ($1, '16', '16.01', 1, $2, 'aktif', now()) RETURNING id`, c.ID, mentor).Scan(&g)
	_, _ = a.DB.Exec(ctx, `INSERT INTO training_group_members (participant_id, group_id) SELECT id, $2 FROM training_participants WHERE cohort_id = $1`, c.ID, g)
	bgp := a.SignIn("bgp@lk.test")
	base := fmt.Sprintf("/pelatihan/%d/16", c.ID)
	if res := bgp.Get(base); !strings.Contains(res.Body, fmt.Sprintf(`name="lk-group" value="%d" checked`, g)) {
		t.Fatalf("the schedule form does not tick the confirmed group:\n%s", res.Body)
	}
	res := bgp.PostForm(base+"/lokakarya", url.Values{"lk-regency": {"16.01"}, "lk-number": {"8"}, "lk-date": {"2027-02-30"}, "lk-time": {"08:00"}, "lk-place": {"Aula"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Pilih nomor lokakarya sesuai pengaturan angkatan.") || !strings.Contains(res.Body, "Isi tanggal dan jam dengan benar.") ||
		!strings.Contains(res.Body, `value="Aula"`) || !strings.Contains(res.Body, "Centang paling sedikit satu kelompok.") ||
		strings.Contains(res.Body, fmt.Sprintf(`value="%d" checked`, g)) {
		t.Fatalf("bad schedule: %d\n%s", res.Status, res.Body)
	}
	form := url.Values{"lk-regency": {"16.01"}, "lk-number": {"7"}, "lk-date": {"2027-03-01"}, "lk-time": {"08:00"}, "lk-place": {"SMPN 1 OKU"}, "lk-group": {fmt.Sprint(g)}}
	if res := bgp.PostForm(base+"/lokakarya", form); res.Status != 303 {
		t.Fatalf("schedule: %d\n%s", res.Status, res.Body)
	}
	var startsUTC string
	_ = a.DB.QueryRow(ctx, `SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM training_lokakarya WHERE cohort_id = $1`, c.ID).Scan(&startsUTC)
	if startsUTC != "2027-03-01 01:00" {
		t.Fatalf("stored %s", startsUTC)
	}
	var mails int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE subject = 'Jadwal Lokakarya 7' AND body_text LIKE '%01-03-2027 08:00 WIB%'`).Scan(&mails)
	if mails != 6 {
		t.Fatalf("scheduled mails %d, want 5 CGPs + PP", mails)
	}
	form.Set("lk-time", "09:30")
	if res := bgp.PostForm(base+"/lokakarya", form); res.Status != 303 {
		t.Fatalf("move: %d", res.Status)
	}
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE subject = 'Jadwal Lokakarya 7 berubah'`).Scan(&mails)
	if mails != 6 {
		t.Fatalf("moved mails %d", mails)
	}
	res = bgp.Get(base)
	if !strings.Contains(res.Body, "Lokakarya 7 — Panen Hasil Belajar") || !strings.Contains(res.Body, "01-03-2027 09:30 WIB") {
		t.Fatalf("province page:\n%s", res.Body)
	}
	if res := a.SignIn("pp@lk.test").Get("/pendampingan"); !strings.Contains(res.Body, "Catat presensi") {
		t.Fatalf("PP's page has no attendance link")
	}
}

// TestTrainingVisitLog: the PP plans a visit, logs it without JavaScript (draft, then send with
// the checkbox), the autosave answers with the state line, a sent log is locked, the CGP is
// mailed and acknowledges it; a log left unacknowledged past the cohort's days is flagged to the
// PP and counted on the BGP's page.
func TestTrainingVisitLog(t *testing.T) {
	f := newFixture(t)
	d := trMatrix(f)
	ctx := context.Background()
	var own int64
	_ = f.App.DB.QueryRow(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'Guru Matriks'`, d.cohortA).Scan(&own)
	pp := f.Clients["pengajar_praktik"]
	mentee := fmt.Sprintf("/pendampingan/peserta/%d", own)
	res := pp.PostForm(mentee+"/rencana", url.Values{"plan_number": {"7"}, "plan_date": {"2027-01-05"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Pilih nomor kunjungan sesuai pengaturan angkatan.") || !strings.Contains(res.Body, `value="2027-01-05"`) {
		t.Fatalf("plan beyond the cohort's visits: %d\n%s", res.Status, res.Body)
	}
	if res := pp.PostForm(mentee+"/rencana", url.Values{"plan_number": {"1"}, "plan_date": {"2027-01-05"}}); res.Status != 303 {
		t.Fatalf("plan: %d", res.Status)
	}
	var visit int64
	_ = f.App.DB.QueryRow(ctx, `SELECT id FROM training_visits WHERE participant_id = $1`, own).Scan(&visit)
	page := fmt.Sprintf("/pendampingan/kunjungan/%d", visit)
	res = pp.Get(page)
	if res.Status != 200 || !strings.Contains(res.Body, "visit-draft.") || !strings.Contains(res.Body, "Draf belum pernah tersimpan.") || strings.Contains(res.Body, "<script>") {
		t.Fatalf("visit page: %d\n%s", res.Status, res.Body)
	}
	// Without JavaScript: "Simpan draf" stores what was typed, even incomplete.
	if res := pp.PostForm(page, url.Values{"notes": {"Mengamati kelas 4B"}, "action": {"draf"}}); res.Status != 303 {
		t.Fatalf("draft: %d\n%s", res.Status, res.Body)
	}
	res = pp.Get(page)
	if !strings.Contains(res.Body, "Mengamati kelas 4B") || !strings.Contains(res.Body, "Draf tersimpan di server pukul") {
		t.Fatalf("draft not shown:\n%s", res.Body)
	}
	// The autosave (htmx) answers with the state line only.
	res = pp.PostForm(page+"/draf", url.Values{"notes": {"Mengamati kelas 4B, diskusi refleksi"}, "mode": {"kunjungan"}})
	if res.Status != 200 || !strings.Contains(res.Body, "Draf tersimpan di server pukul") || strings.Contains(res.Body, "<html") {
		t.Fatalf("autosave: %d\n%s", res.Status, res.Body)
	}
	if res := pp.PostForm(page+"/draf", url.Values{"visited_on": {"kemarin"}}); res.Status != 422 {
		t.Fatalf("autosave with a bad date: %d", res.Status)
	}
	// Sending needs the checkbox and a complete log; what was typed comes back.
	form := url.Values{"visited_on": {"2027-01-06"}, "mode": {"kunjungan"}, "notes": {"Mengamati kelas 4B, diskusi refleksi"}, "follow_up": {"Coba diferensiasi"}, "action": {"kirim"}}
	res = pp.PostForm(page, form)
	if res.Status != 422 || !strings.Contains(res.Body, "Centang pernyataan ini untuk mengirim log.") || !strings.Contains(res.Body, "Coba diferensiasi") {
		t.Fatalf("send without checkbox: %d\n%s", res.Status, res.Body)
	}
	form.Set("sure", "1")
	form.Del("mode")
	if res := pp.PostForm(page, form); res.Status != 422 || !strings.Contains(res.Body, "Pilih kunjungan ke sekolah atau daring.") {
		t.Fatalf("send without mode: %d", res.Status)
	}
	form.Set("mode", "kunjungan")
	if res := pp.PostForm(page, form); res.Status != 303 {
		t.Fatalf("send: %d\n%s", res.Status, res.Body)
	}
	if res := pp.PostForm(page, form); res.Status != http.StatusConflict {
		t.Fatalf("send again: %d", res.Status)
	}
	var mails int
	_ = f.App.DB.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'guru@matrix.test' AND subject = 'Log pendampingan menunggu persetujuan Anda'`).Scan(&mails)
	if mails != 1 {
		t.Fatalf("mails %d", mails)
	}
	guru := f.Clients["guru"]
	res = guru.Get("/pelatihan/saya")
	if !strings.Contains(res.Body, "Coba diferensiasi") || !strings.Contains(res.Body, "Saya setujui log ini") || strings.Contains(res.Body, "Catatan PP lain") {
		t.Fatalf("CGP's visits:\n%s", res.Body)
	}
	// A comment over 2000 characters is refused with its message; nothing is stored.
	if res := guru.PostForm(fmt.Sprintf("/pelatihan/kunjungan/%d/tanggapan", visit), url.Values{"ack": {"1"}, "comment": {strings.Repeat("é", 2001)}}); res.Status != 422 ||
		!strings.Contains(res.Body, "Tanggapan paling panjang 2000 karakter.") {
		t.Fatalf("long comment: %d\n%s", res.Status, res.Body)
	}
	var ackedLong bool
	_ = f.App.DB.QueryRow(ctx, `SELECT acknowledged_at IS NOT NULL FROM training_visits WHERE id = $1`, visit).Scan(&ackedLong)
	if ackedLong {
		t.Fatal("a refused comment acknowledged the log")
	}
	if res := guru.PostForm(fmt.Sprintf("/pelatihan/kunjungan/%d/tanggapan", visit), url.Values{"ack": {"1"}, "comment": {"Terima kasih"}}); res.Status != 303 {
		t.Fatalf("acknowledge: %d", res.Status)
	}
	var acked bool
	var comment string
	_ = f.App.DB.QueryRow(ctx, `SELECT acknowledged_at IS NOT NULL, cgp_comment FROM training_visits WHERE id = $1`, visit).Scan(&acked, &comment)
	if !acked || comment != "Terima kasih" {
		t.Fatalf("stored ack %v %q", acked, comment)
	}
	// A log sent 8 days ago (the cohort allows 7) and not acknowledged is flagged.
	_, _ = f.App.DB.Exec(ctx, `INSERT INTO training_visits (participant_id, number, planned_on, visited_on, mode, notes, submitted_at)
		VALUES ($1, 2, current_date - 9, current_date - 9, 'daring', 'Lama', now() - interval '8 days')`, own)
	if res := pp.Get(mentee); !strings.Contains(res.Body, "belum disetujui CGP melewati batas hari") || !strings.Contains(res.Body, "disetujui CGP") {
		t.Fatalf("PP's mentee page:\n%s", res.Body)
	}
	res = f.Clients["bgp"].Get(fmt.Sprintf("/pelatihan/%d/16", d.cohortA))
	if !strings.Contains(res.Body, "<td>3 / 60</td><td>1</td><td>1</td>") {
		t.Fatalf("BGP's visit figures:\n%s", res.Body)
	}
}

func trUpload(t *testing.T, c *apptest.Client, name, content string) apptest.Response {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	_ = mw.Close()
	return c.PostBody("/kelas/impor", mw.FormDataContentType(), &body)
}

// TestTrainingModuleImport: an LMS export with one bad row is refused whole with that row's
// problem; fixed, it shows a preview and saves all rows at once; progress bars show on the
// fasilitator's and the CGP's pages; the fasilitator ticks modules by hand too.
func TestTrainingModuleImport(t *testing.T) {
	f := newFixture(t)
	d := trMatrix(f)
	ctx := context.Background()
	fas := f.Clients["fasilitator"]
	bad := "email;modul;status\nguru@matrix.test;1;selesai\nguru@matrix.test;2;selesai\npengguna-lain@x.test;3;selesai\n"
	bad = strings.ReplaceAll(bad, ";", ",")
	res := trUpload(t, fas, "lms.csv", bad)
	if res.Status != 422 || !strings.Contains(res.Body, "Baris 4") || !strings.Contains(res.Body, "Tidak ada CGP dengan email atau NUPTK ini di kelas Anda.") ||
		strings.Contains(res.Body, "Simpan semua baris") {
		t.Fatalf("bad import: %d\n%s", res.Status, res.Body)
	}
	var n int
	_ = f.App.DB.QueryRow(ctx, `SELECT count(*) FROM training_module_progress`).Scan(&n)
	if n != 0 {
		t.Fatalf("refused import stored %d rows", n)
	}
	res = trUpload(t, fas, "lms.csv", "email,modul,status\nguru@matrix.test,1,selesai\nguru@matrix.test,2,selesai\nguru@matrix.test,3,belum\n")
	if res.Status != 200 || !strings.Contains(res.Body, "Pratinjau") || !strings.Contains(res.Body, "Guru Matriks") {
		t.Fatalf("preview: %d\n%s", res.Status, res.Body)
	}
	i := strings.Index(res.Body, `name="items" value="`)
	items := res.Body[i+len(`name="items" value="`):]
	items = items[:strings.Index(items, `"`)]
	if res := fas.PostForm("/kelas/impor/simpan", url.Values{"items": {items}}); res.Status != 303 {
		t.Fatalf("commit: %d", res.Status)
	}
	_ = f.App.DB.QueryRow(ctx, `SELECT count(*) FROM training_module_progress`).Scan(&n)
	if n != 2 {
		t.Fatalf("stored %d", n)
	}
	if res := fas.Get("/kelas"); !strings.Contains(res.Body, `<progress value="2" max="10"`) {
		t.Fatalf("fasilitator's bars:\n%s", res.Body)
	}
	if res := f.Clients["guru"].Get("/pelatihan/saya"); !strings.Contains(res.Body, "2 dari 10 modul selesai") {
		t.Fatalf("CGP's bar missing")
	}
	var own int64
	_ = f.App.DB.QueryRow(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'Guru Matriks'`, d.cohortA).Scan(&own)
	if res := fas.PostForm(fmt.Sprintf("/kelas/peserta/%d", own), url.Values{"modul": {"1", "5", "6"}}); res.Status != 303 {
		t.Fatalf("manual: %d", res.Status)
	}
	var mods string
	_ = f.App.DB.QueryRow(ctx, `SELECT string_agg(module::text, ',' ORDER BY module) FROM training_module_progress WHERE participant_id = $1`, own).Scan(&mods)
	if mods != "1,5,6" {
		t.Fatalf("modules %s", mods)
	}
}

// TestTrainingGraduation: the page tells which rule each CGP does not meet; lulus is refused
// while a rule is unmet; a CGP meeting every rule (assessed by PP and fasilitator through their
// pages) is graduated with all eligible at once; tidak lulus needs a reason; a withdrawal leaves
// the group with its reason in the history; the cohort moves to selesai only when everyone is
// decided.
func TestTrainingGraduation(t *testing.T) {
	f := newFixture(t)
	d := trMatrix(f)
	ctx := context.Background()
	db := f.App.DB
	var own, other int64
	_ = db.QueryRow(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'Guru Matriks'`, d.cohortA).Scan(&own)
	_ = db.QueryRow(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'CGP OKU 0'`, d.cohortA).Scan(&other)
	bgp := f.Clients["bgp"]
	page := fmt.Sprintf("/pelatihan/%d/16/kelulusan", d.cohortA)
	res := bgp.Get(page)
	if res.Status != 200 || !strings.Contains(res.Body, "Kehadiran lokakarya belum mencapai batas angkatan.") || !strings.Contains(res.Body, "Penilaian akhir fasilitator belum ada") {
		t.Fatalf("graduation page: %d\n%s", res.Status, res.Body)
	}
	// One tap on a row's button only asks: nothing is decided without the confirmation.
	res = bgp.PostForm(page, url.Values{"participant": {fmt.Sprint(own)}, "outcome": {"lulus"}})
	if res.Status != 422 || !strings.Contains(res.Body, `name="confirm"`) {
		t.Fatalf("lulus without confirmation: %d", res.Status)
	}
	if n := recCount(t, f.App, `SELECT count(*) FROM training_participants WHERE id = $1 AND outcome IS NOT NULL`, own); n != 0 {
		t.Fatalf("decided without confirmation")
	}
	res = bgp.PostForm(page, url.Values{"participant": {fmt.Sprint(own)}, "outcome": {"lulus"}, "confirm": {"yes"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Belum semua modul daring selesai.") {
		t.Fatalf("lulus with unmet rules: %d", res.Status)
	}
	// Meet every rule for the matrix guru: a held lokakarya attended, 6 acknowledged visits, 10
	// modules, and both final assessments through the PP's and fasilitator's forms.
	_, _ = db.Exec(ctx, `UPDATE training_lokakarya SET starts_at = now() - interval '1 day' WHERE id = $1`, d.lokakaryaA)
	_, _ = db.Exec(ctx, `INSERT INTO training_attendance (lokakarya_id, participant_id, status) VALUES ($1, $2, 'hadir')`, d.lokakaryaA, own)
	_, _ = db.Exec(ctx, `INSERT INTO training_visits (participant_id, number, visited_on, mode, notes, submitted_at, acknowledged_at)
		SELECT $1, n, current_date, 'daring', 'catatan', now(), now() FROM generate_series(1, 6) n`, own)
	_, _ = db.Exec(ctx, `INSERT INTO training_module_progress (participant_id, module) SELECT $1, n FROM generate_series(1, 10) n`, own)
	if res := f.Clients["pengajar_praktik"].PostForm(fmt.Sprintf("/pendampingan/peserta/%d/penilaian", own), url.Values{"score": {"101"}}); res.Status != 422 {
		t.Fatalf("score 101: %d", res.Status)
	}
	if res := f.Clients["pengajar_praktik"].PostForm(fmt.Sprintf("/pendampingan/peserta/%d/penilaian", own), url.Values{"score": {"82"}}); res.Status != 303 {
		t.Fatalf("PP assessment: %d", res.Status)
	}
	if res := f.Clients["fasilitator"].PostForm(fmt.Sprintf("/kelas/peserta/%d/penilaian", own), url.Values{"score": {"75"}}); res.Status != 303 {
		t.Fatalf("fasilitator assessment: %d", res.Status)
	}
	if res := bgp.PostForm(page, url.Values{"all": {"1"}, "outcome": {"lulus"}}); res.Status != 422 || !strings.Contains(res.Body, "Centang pernyataan ini") {
		t.Fatalf("all eligible without checkbox: %d", res.Status)
	}
	if res := bgp.PostForm(page, url.Values{"all": {"1"}, "outcome": {"lulus"}, "sure": {"1"}}); res.Status != 303 {
		t.Fatalf("all eligible: %d\n%s", res.Status, res.Body)
	}
	var outcome *string
	_ = db.QueryRow(ctx, `SELECT outcome FROM training_participants WHERE id = $1`, own).Scan(&outcome)
	if outcome == nil || *outcome != "lulus" {
		t.Fatalf("outcome %v", outcome)
	}
	var mails int
	_ = db.QueryRow(ctx, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'guru@matrix.test' AND subject LIKE 'Selamat%'`).Scan(&mails)
	if mails != 1 {
		t.Fatalf("graduation mails %d", mails)
	}
	if res := bgp.PostForm(page, url.Values{"participant": {fmt.Sprint(own)}, "outcome": {"tidak_lulus"}, "reason": {"x"}, "confirm": {"yes"}}); res.Status != http.StatusConflict {
		t.Fatalf("decide again: %d", res.Status)
	}
	// Tidak lulus needs a reason; the typed reason comes back with the message.
	res = bgp.PostForm(page, url.Values{"participant": {fmt.Sprint(other)}, "outcome": {"tidak_lulus"}, "reason": {"  "}, "confirm": {"yes"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Tuliskan alasan tidak lulus.") {
		t.Fatalf("tidak lulus without reason: %d", res.Status)
	}
	// A withdrawal leaves the group, with the reason in its history.
	if res := bgp.PostForm(page, url.Values{"participant": {fmt.Sprint(other)}, "outcome": {"mundur"}, "reason": {"Pindah tugas ke luar daerah"}, "confirm": {"yes"}}); res.Status != 303 {
		t.Fatalf("withdraw: %d", res.Status)
	}
	res = bgp.Get(fmt.Sprintf("/pelatihan/kelompok/%d", d.ownGroup))
	if strings.Contains(res.Body, "<li>CGP OKU 0 —") || !strings.Contains(res.Body, "Pindah tugas ke luar daerah") {
		t.Fatalf("group after withdrawal:\n%s", res.Body)
	}
	// The cohort cannot end while CGPs are undecided; once all are decided, it can.
	admin := f.Clients["admin"]
	res = admin.PostForm(fmt.Sprintf("/admin/angkatan/%d/status", d.cohortA), url.Values{"confirm": {"yes"}, "to": {"selesai"}, "status": {"selesai"}, "next": {"selesai"}})
	var status string
	_ = db.QueryRow(ctx, `SELECT status FROM cohorts WHERE id = $1`, d.cohortA).Scan(&status)
	if status != "pendidikan" {
		t.Fatalf("cohort ended with undecided CGPs: %s (%d)", status, res.Status)
	}
	_, _ = db.Exec(ctx, `UPDATE training_participants SET outcome = 'tidak_lulus', outcome_reason = 'uji', decided_at = now()
		WHERE cohort_id = $1 AND status = 'aktif' AND outcome IS NULL`, d.cohortA)
	res = admin.PostForm(fmt.Sprintf("/admin/angkatan/%d/status", d.cohortA), url.Values{"confirm": {"yes"}, "to": {"selesai"}, "status": {"selesai"}, "next": {"selesai"}})
	_ = db.QueryRow(ctx, `SELECT status FROM cohorts WHERE id = $1`, d.cohortA).Scan(&status)
	if status != "selesai" {
		t.Fatalf("cohort not ended once everyone is decided: %s (%d)\n%s", status, res.Status, res.Body)
	}
}
