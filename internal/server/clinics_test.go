package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/audit"
	"penggerak/internal/clinic"
	"penggerak/internal/region"
	"penggerak/internal/server"
	"penggerak/web/i18n"
)

// clinicStore is a store on the app's database with the app's signing key.
func clinicStore(a *apptest.App) *clinic.Store {
	return clinic.NewStore(a.DB, clinic.NewSigner(a.Config.SecretKey), a.Config.BaseURL).WithCatalogue(server.NewCatalogue(i18n.MustLoad()))
}

// okuSchools adds the schools registrations name: SD schools 10600000-10600299 in Kabupaten OKU
// (16.01), an SMA in OKU (10699001) and an SD in Kotawaringin Barat, Kalimantan Tengah (62010001).
func okuSchools(t testing.TB, a *apptest.App) {
	if _, err := a.DB.Exec(context.Background(), `INSERT INTO schools (npsn, name, jenjang, status, regency_code)
		SELECT '106' || lpad(i::text, 5, '0'), 'SD Negeri ' || i || ' Baturaja', 'SD', 'negeri', '16.01' FROM generate_series(0, 299) i
		UNION ALL VALUES ('10699001', 'SMA Negeri 1 OKU', 'SMA', 'negeri', '16.01'), ('62010001', 'SD Negeri 1 Pangkalan Bun', 'SD', 'negeri', '62.01')
		ON CONFLICT (npsn) DO NOTHING`); err != nil {
		t.Fatal(err)
	}
}

// okuEvent creates a published event in Kabupaten OKU (16.01), registration open now, first
// session in two days.
func okuEvent(t testing.TB, a *apptest.App, capacity int, publish bool) clinic.Clinic {
	okuSchools(t, a)
	st := clinicStore(a)
	now := a.Now()
	start := now.Add(48 * time.Hour)
	id, err := st.Create(context.Background(), audit.Actor{IP: "test"}, clinic.Input{Kind: clinic.KindCoachingClinic,
		Title: "Coaching Clinic CGP Angkatan 10 OKU", Organiser: "Dinas Pendidikan Kabupaten OKU", Partner: "BGP Sumatera Selatan",
		ProvinceCode: "16", RegencyCode: "16.01", Mode: clinic.ModeOffline, Venue: "SMPN 1 OKU", Capacity: capacity,
		Jenjang: []string{"PAUD", "SD", "SMP"}, Opens: now.Add(-time.Hour), Closes: now.Add(24 * time.Hour),
		Sessions: []clinic.Session{{Title: "Pembukaan", StartsAt: start, EndsAt: start.Add(3 * time.Hour)}}})
	if err != nil {
		t.Fatal(err)
	}
	if publish {
		if err := st.Publish(context.Background(), audit.Actor{IP: "test"}, clinic.Scope{National: true}, id); err != nil {
			t.Fatal(err)
		}
	}
	c, err := st.ForStaff(context.Background(), clinic.Scope{National: true}, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// matrixClinic is the shared published OKU event of the matrix, with one registrant checked in.
func matrixClinic(f *fixture) (clinic.Clinic, clinic.Registration) {
	if c, ok := f.Data["clinic.oku"].(clinic.Clinic); ok {
		return c, f.Data["clinic.reg"].(clinic.Registration)
	}
	c := okuEvent(f.App.T, f.App, 50, true)
	st := clinicStore(f.App)
	r, err := st.Register(context.Background(), c.ID, clinic.Registrant{Name: "Peserta Matriks", Email: "peserta@matrix.test",
		NPSN: "10600001"}, f.App.Now())
	if err != nil {
		f.App.T.Fatal(err)
	}
	if _, err := st.CheckIn(context.Background(), c.ID, c.Sessions[0].ID, r.Code, "code", 0, c.Sessions[0].StartsAt); err != nil {
		f.App.T.Fatal(err)
	}
	f.Data["clinic.oku"], f.Data["clinic.reg"] = c, r
	return c, r
}

func clinicPath(rest string) func(f *fixture) string {
	return func(f *fixture) string {
		c, _ := matrixClinic(f)
		return "/staf/klinik/" + strconv.FormatInt(c.ID, 10) + rest
	}
}

func ticketPath(rest string) func(f *fixture) string {
	return func(f *fixture) string {
		c, r := matrixClinic(f)
		return "/tiket/" + clinicStore(f.App).Signer().Ticket(c.ID, r.ID) + rest
	}
}

// linkPath is like ticketPath with a freshly emailed link (valid 48 hours) instead of the QR's
// token: it lets its holder cancel and give feedback.
func linkPath(rest string) func(f *fixture) string {
	return func(f *fixture) string {
		c, r := matrixClinic(f)
		return "/tiket/" + clinicStore(f.App).Signer().Link(c.ID, r.ID, f.App.Now().Add(clinic.LinkLifetime)) + rest
	}
}

// freshClinic creates a new OKU event per request (for publish and cancel, which change state).
func freshClinic(rest string, publish bool) func(f *fixture) string {
	return func(f *fixture) string {
		c := okuEvent(f.App.T, f.App, 10, publish)
		return "/staf/klinik/" + strconv.FormatInt(c.ID, 10) + rest
	}
}

// staffRegPath registers a new participant of the matrix event (per request) and gives its
// staff path /staf/klinik/{id}/peserta/{rid}<rest>.
func staffRegPath(rest string) func(f *fixture) string {
	return func(f *fixture) string {
		c, _ := matrixClinic(f)
		r, err := clinicStore(f.App).Register(context.Background(), c.ID, clinic.Registrant{Name: "Batal Staf", Email: fmt.Sprintf("staf%d@matrix.test", time.Now().UnixNano()),
			NPSN: "10600003"}, f.App.Now())
		if err != nil {
			f.App.T.Fatal(err)
		}
		return fmt.Sprintf("/staf/klinik/%d/peserta/%d%s", c.ID, r.ID, rest)
	}
}

// matrixRegPath is /staf/klinik/{id}/sertifikat/{rid}<rest> of the matrix's checked-in registrant.
func matrixRegPath(rest string) func(f *fixture) string {
	return func(f *fixture) string {
		c, r := matrixClinic(f)
		return fmt.Sprintf("/staf/klinik/%d/sertifikat/%d%s", c.ID, r.ID, rest)
	}
}

func init() {
	staffOKU := func(status int) map[string]int { return with(only(status, "dinas", "bgp", "admin"), "dinas", 404) }
	addRoutes(
		routeCase{Method: "GET", Pattern: "/klinik", Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/klinik/{id}", Path: func(f *fixture) string {
			c, _ := matrixClinic(f)
			return "/klinik/" + strconv.FormatInt(c.ID, 10)
		}, Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/tiket/{token}", Path: ticketPath(""), Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/tiket/{token}/pdf", Path: ticketPath("/pdf"), Want: everyone(200)},
		// The certificate exists only after the event (the matrix runs before it): 404 for all.
		routeCase{Method: "GET", Pattern: "/tiket/{token}/sertifikat", Path: ticketPath("/sertifikat"), Want: everyone(404)},
		// Feedback opens after the event: before it, 409 for whoever holds a fresh emailed link.
		routeCase{Method: "POST", Pattern: "/tiket/{token}/umpan-balik", Path: linkPath("/umpan-balik"),
			Form: func(*fixture) url.Values { return url.Values{"rating": {"5"}} }, Want: everyone(409)},
		// Holding only the QR's ticket link is not enough to give feedback (the registrant of the
		// matrix has no account, so nobody is its signed-in owner): 403 for everyone.
		routeCase{Method: "POST", Pattern: "/tiket/{token}/umpan-balik", Path: ticketPath("/umpan-balik"), Variant: "qr-token",
			Form: func(*fixture) url.Values { return url.Values{"rating": {"5"}} }, Want: everyone(403)},
		// Anyone holding the ticket may ask for a fresh link; it goes to the registration's own
		// address (once every 5 minutes: the later actors get the "sent a moment ago" flash).
		routeCase{Method: "POST", Pattern: "/tiket/{token}/tautan", Path: ticketPath("/tautan"), Want: everyone(303)},
		// Cancelling a ticket: each actor cancels a registration of its own.
		routeCase{Method: "POST", Pattern: "/tiket/{token}/batal", Path: func(f *fixture) string {
			c, _ := matrixClinic(f)
			n, _ := f.Data["clinic.n"].(int)
			f.Data["clinic.n"] = n + 1
			r, err := clinicStore(f.App).Register(context.Background(), c.ID, clinic.Registrant{Name: "Batal", Email: fmt.Sprintf("batal%d@matrix.test", n),
				NPSN: "10600002"}, f.App.Now())
			if err != nil {
				f.App.T.Fatal(err)
			}
			return "/tiket/" + clinicStore(f.App).Signer().Link(c.ID, r.ID, f.App.Now().Add(clinic.LinkLifetime)) + "/batal"
		}, Form: func(*fixture) url.Values { return url.Values{"confirm": {"yes"}} }, Want: everyone(303)},
		routeCase{Method: "GET", Pattern: "/sertifikat", Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/klinik/saya", Want: signedIn(200)},
		routeCase{Method: "GET", Pattern: "/klinik/{id}/daftar", Path: func(f *fixture) string {
			c, _ := matrixClinic(f)
			return "/klinik/" + strconv.FormatInt(c.ID, 10) + "/daftar"
		}, Want: signedIn(200)},
		// An empty registration form: 422 with messages for every signed-in user.
		routeCase{Method: "POST", Pattern: "/klinik/{id}/daftar", Path: func(f *fixture) string {
			c, _ := matrixClinic(f)
			return "/klinik/" + strconv.FormatInt(c.ID, 10) + "/daftar"
		}, Want: signedIn(422)},
		routeCase{Method: "GET", Pattern: "/staf/klinik", Want: only(200, "dinas", "bgp", "admin")},
		routeCase{Method: "GET", Pattern: "/staf/klinik/baru", Want: only(200, "dinas", "bgp", "admin")},
		routeCase{Method: "POST", Pattern: "/staf/klinik/baru", Want: only(422, "dinas", "bgp", "admin")},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}", Path: clinicPath(""), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/ubah", Path: clinicPath("/ubah"), Want: staffOKU(200)},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/ubah", Path: clinicPath("/ubah"), Want: staffOKU(422)},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/terbitkan", Path: freshClinic("/terbitkan", false), Want: staffOKU(303)},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/batalkan", Path: freshClinic("/batalkan", true),
			Form: func(*fixture) url.Values { return url.Values{"confirm": {"yes"}} }, Want: staffOKU(303)},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/nominasi", Path: clinicPath("/nominasi"), Want: staffOKU(422)},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/peserta/{rid}/batal", Path: staffRegPath("/batal"),
			Form: func(*fixture) url.Values { return url.Values{"confirm": {"yes"}} }, Want: staffOKU(303)},
		// Without the ticked confirmation nothing is cancelled: the confirmation is shown again.
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/peserta/{rid}/batal", Path: staffRegPath("/batal"), Variant: "unconfirmed", Want: staffOKU(422)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/peserta/{rid}/batal", Path: staffRegPath("/batal"), Want: staffOKU(200)},
		// IDOR: a registration of another event under this event's path is a 404 for everyone.
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/peserta/{rid}/batal", Variant: "other-event", Path: func(f *fixture) string {
			c, _ := matrixClinic(f)
			other := okuEvent(f.App.T, f.App, 5, true)
			r, err := clinicStore(f.App).Register(context.Background(), other.ID, clinic.Registrant{Name: "Lain", Email: fmt.Sprintf("lain%d@matrix.test", time.Now().UnixNano()), NPSN: "10600004"}, f.App.Now())
			if err != nil {
				f.App.T.Fatal(err)
			}
			return fmt.Sprintf("/staf/klinik/%d/peserta/%d/batal", c.ID, r.ID)
		}, Want: only(404, "dinas", "bgp", "admin")},
		// Certificate tools: the matrix runs before the event, so the list says "not yet", the
		// downloads are empty documents and one certificate does not exist yet (404).
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/sertifikat", Path: clinicPath("/sertifikat"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/sertifikat.pdf", Path: clinicPath("/sertifikat.pdf"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/sertifikat.zip", Path: clinicPath("/sertifikat.zip"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/sertifikat/{rid}/unduh", Path: matrixRegPath("/unduh"), Want: only(404, "dinas", "bgp", "admin")},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/sertifikat/{rid}/cabut", Path: matrixRegPath("/cabut"), Want: only(404, "dinas", "bgp", "admin")},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/sertifikat/{rid}/cabut", Path: matrixRegPath("/cabut"),
			Form: func(*fixture) url.Values { return url.Values{"reason": {"Salah nama"}, "confirm": {"yes"}} }, Want: only(404, "dinas", "bgp", "admin")},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/undangan", Path: clinicPath("/undangan"), Want: staffOKU(200)},
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/undangan", Path: clinicPath("/undangan"),
			Form: func(*fixture) url.Values { return url.Values{"npsn_list": {"10600001"}, "confirm": {"yes"}} }, Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/undangan.pdf", Path: clinicPath("/undangan.pdf"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/undangan.zip", Path: clinicPath("/undangan.zip"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/presensi", Path: clinicPath("/presensi"), Want: staffOKU(200)},
		// A typed code that does not exist: 422 with a clear message.
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/presensi", Path: clinicPath("/presensi"),
			Form: func(*fixture) url.Values { return url.Values{"code": {"ZZZZ-ZZZZ"}} }, Want: staffOKU(422)},
		// Ticking the list two days before the session: outside the check-in window, 422.
		routeCase{Method: "POST", Pattern: "/staf/klinik/{id}/presensi/daftar", Path: clinicPath("/presensi/daftar"), Want: staffOKU(422)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/hitungan", Path: clinicPath("/hitungan"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/presensi.xlsx", Path: clinicPath("/presensi.xlsx"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/presensi.csv", Path: clinicPath("/presensi.csv"), Want: staffOKU(200)},
	)
}

// wib formats a moment as the form expects, in WIB.
func wib(t time.Time, layout string) string { return region.InZone(t, "WIB").Format(layout) }

func clinicForm(now time.Time) url.Values {
	d1, d2 := now.Add(72*time.Hour), now.Add(96*time.Hour)
	return url.Values{
		"kind": {"coaching_clinic"}, "title": {"Coaching Clinic Rekrutmen CGP Angkatan 10"}, "description": {"Persiapan rekrutmen."},
		"organiser": {"Dinas Pendidikan Kabupaten Ogan Komering Ulu"}, "partner": {"BGP Provinsi Sumatera Selatan"},
		"region": {"16.01"}, "mode": {"hybrid"}, "venue": {"SMPN 1 OKU"}, "meeting_link": {"https://zoom.example/j/123"},
		"capacity": {"2"}, "school_slots": {"0"}, "jenjang": {"SD", "SMP"},
		"opens": {wib(now.Add(-time.Hour), "2006-01-02T15:04")}, "closes": {wib(now.Add(48*time.Hour), "2006-01-02T15:04")},
		"contact_name": {"Bu Rina"}, "contact_phone": {"081234567890"}, "letter_number": {"421/77/Disdik/2024"},
		"signatory_name": {"Drs. H. Topan Indra Fauzi, M.M., M.Pd."}, "signatory_title": {"Kepala Dinas Pendidikan"},
		"sessions[0].date": {wib(d1, "2006-01-02")}, "sessions[0].start": {"08:00"}, "sessions[0].end": {"12:00"}, "sessions[0].title": {"Pembukaan"},
		"sessions[1].date": {wib(d2, "2006-01-02")}, "sessions[1].start": {"08:00"}, "sessions[1].end": {"11:00"}, "sessions[1].title": {"Praktik"},
	}
}

var ticketRe = regexp.MustCompile(`/tiket/(t1\.[A-Za-z0-9._-]+)`)

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func (tc *clinicCase) count(q string, args ...any) int {
	tc.t.Helper()
	var n int
	if err := tc.a.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		tc.t.Fatalf("%s: %v", q, err)
	}
	return n
}

type clinicCase struct {
	t *testing.T
	a *apptest.App
}

// TestClinicFlow walks the whole journey over HTTP: create (with a bad form first), publish,
// invite schools, register past capacity, waiting list, cancel and promotion, edit with
// notification, check-in (ok, again, forged, other event), exports, certificate and its
// verification, feedback, cancellation of the event, and the dashboard section.
func TestClinicFlow(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := &clinicCase{t, a}
	ctx := context.Background()
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	staff := a.SignIn("dinas.oku@x.test")

	// A form with errors is shown again with the values and messages in Bahasa Indonesia.
	bad := clinicForm(a.Now())
	bad.Set("capacity", "0")
	bad.Set("sessions[0].end", "07:00")
	res := staff.PostForm("/staf/klinik/baru", bad)
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", res.Status)
	}
	mustContain(t, "bad form", res.Body, "Kapasitas harus bilangan bulat lebih dari 0.", "Waktu selesai harus setelah waktu mulai.",
		`value="Coaching Clinic Rekrutmen CGP Angkatan 10"`, `value="SMPN 1 OKU"`, `value="07:00"`)
	if n := tc.count(`SELECT count(*) FROM clinics`); n != 0 {
		t.Fatalf("a bad form stored %d events", n)
	}
	// Outside the scope: Kota Serang region refused.
	other := clinicForm(a.Now())
	other.Set("region", "36.73")
	if res := staff.PostForm("/staf/klinik/baru", other); res.Status != 422 || !strings.Contains(res.Body, "di luar wilayah kewenangan") {
		t.Errorf("region outside the scope: %d", res.Status)
	}

	res = staff.PostForm("/staf/klinik/baru", clinicForm(a.Now()))
	if res.Status != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", res.Status, res.Body)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(res.Location, "/staf/klinik/"), 10, 64)
	base := fmt.Sprintf("/staf/klinik/%d", id)
	if n := tc.count(`SELECT count(*) FROM clinic_sessions WHERE clinic_id = $1 AND to_char(starts_at AT TIME ZONE 'Asia/Jakarta', 'HH24:MI') = '08:00'`, id); n != 2 {
		t.Fatalf("sessions stored at 08:00 WIB: %d", n)
	}
	public := fmt.Sprintf("/klinik/%d", id)
	if res := a.Anonymous().Get(public); res.Status != 404 {
		t.Errorf("draft is public: %d", res.Status)
	}
	if res := staff.PostForm(base+"/terbitkan", nil); res.Status != 303 {
		t.Fatalf("publish: %d", res.Status)
	}
	res = a.Anonymous().Get("/klinik?wilayah=16.01")
	mustContain(t, "public list", res.Body, "Coaching Clinic Rekrutmen CGP Angkatan 10")
	t.Logf("public list page: %d bytes before compression", len(res.Body))
	if res := a.Anonymous().Get("/klinik?wilayah=36.73"); strings.Contains(res.Body, "Rekrutmen CGP Angkatan 10") {
		t.Error("OKU event listed for Kota Serang")
	}
	res = a.Anonymous().Get(public)
	mustContain(t, "public page", res.Body, "08.00–12.00 WIB", "SMPN 1 OKU", "BGP Provinsi Sumatera Selatan")

	// Invitations: two schools of OKU by NPSN list, one unknown NPSN.
	if _, err := a.DB.Exec(ctx, `INSERT INTO schools (npsn, name, jenjang, status, regency_code, email, principal_name) VALUES
		('10600001', 'SD Negeri 1 Baturaja', 'SD', 'negeri', '16.01', 'sdn1@sekolah.test', 'Ibu Kepala Satu'),
		('10600002', 'SMP Negeri 1 OKU', 'SMP', 'negeri', '16.01', '', 'Bapak Kepala Dua'),
		('20600001', 'SD Negeri 1 Serang', 'SD', 'negeri', '36.73', 'serang@sekolah.test', '')`); err != nil {
		t.Fatal(err)
	}
	// One click invites and emails nobody: a confirmation page asks first.
	res = staff.PostForm(base+"/undangan", url.Values{"npsn_list": {"10600001\n10600002, 20600001 99999999"}})
	mustContain(t, "invite unconfirmed", res.Body, "Undang sekolah dan kirim surel undangan?", `name="npsn_list"`, `name="confirm"`)
	if n := tc.count(`SELECT count(*) FROM clinic_invitations WHERE clinic_id = $1`, id); res.Status != http.StatusUnprocessableEntity || n != 0 {
		t.Errorf("unconfirmed invite: status %d, %d invited", res.Status, n)
	}
	res = staff.PostForm(base+"/undangan", url.Values{"npsn_list": {"10600001\n10600002, 20600001 99999999"}, "confirm": {"yes"}})
	mustContain(t, "invite", res.Body, "2 sekolah cocok, 2 baru diundang, 1 surel undangan dikirim", "20600001", "99999999")
	if n := tc.count(`SELECT count(*) FROM mail_outbox WHERE to_addr = 'sdn1@sekolah.test' AND subject LIKE 'Undangan Coaching Clinic%'`); n != 1 {
		t.Errorf("invitation emails: %d", n)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_invitations WHERE clinic_id = $1`, id); n != 2 {
		t.Errorf("invited %d", n)
	}
	// By jenjang: nothing new, and the Serang school is never invited.
	staff.PostForm(base+"/undangan", url.Values{"jenjang": {"SD"}, "confirm": {"yes"}})
	if n := tc.count(`SELECT count(*) FROM clinic_invitations WHERE npsn = '20600001'`); n != 0 {
		t.Error("a school outside the region was invited")
	}
	if res := staff.Get(base + "/undangan.pdf"); res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF") || res.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("letters PDF: %d", res.Status)
	}
	res = staff.Get(base + "/undangan.zip")
	zr, err := zip.NewReader(strings.NewReader(res.Body), int64(len(res.Body)))
	if err != nil || len(zr.File) != 2 {
		t.Fatalf("letters ZIP: %v", err)
	}

	// Registration: a profile prefills the form.
	t1 := a.User("t1@x.test", account.RoleGuru, account.Scope{})
	if _, err := a.DB.Exec(ctx, `INSERT INTO teacher_profiles (user_id, nik, birth_date, gender, npsn, jenjang, subject, employment_status, years_teaching, education)
		VALUES ($1, '1601014501850003', '1985-01-05', 'P', '10600001', 'SD', 'Guru kelas', 'PNS', 12, 'S1')`, t1.ID); err != nil {
		t.Fatal(err)
	}
	c1 := a.SignIn("t1@x.test")
	res = c1.Get(public + "/daftar")
	mustContain(t, "prefill", res.Body, `value="10600001"`, "Sekolah: SD Negeri 1 Baturaja (jenjang SD)", "akun Anda: t1@x.test", "dari akun Anda): Pengguna t1")
	// Name, school name and jenjang typed in the form are ignored: the account and the schools
	// table decide them.
	register := func(c *apptest.Client, npsn string) (apptest.Response, string) {
		t.Helper()
		res := c.PostForm(public+"/daftar", url.Values{"name": {"Nama Karangan"}, "email": {"ignored@x.test"}, "phone": {"081234567890"},
			"npsn": {npsn}, "school_name": {"Sekolah Karangan"}, "jenjang": {"SMA"}})
		m := ticketRe.FindStringSubmatch(res.Location)
		if m == nil {
			return res, ""
		}
		return res, m[1]
	}
	_, tok1 := register(c1, "10600001")
	var regName, regSchool, regJenjang string
	_ = a.DB.QueryRow(ctx, `SELECT name, school_name, jenjang FROM clinic_registrations WHERE email = 't1@x.test'`).Scan(&regName, &regSchool, &regJenjang)
	if regName != "Pengguna t1" || regSchool != "SD Negeri 1 Baturaja" || regJenjang != "SD" {
		t.Errorf("stored registration %q %q %q, want the account's name and the school's data", regName, regSchool, regJenjang)
	}
	a.User("t2@x.test", account.RoleGuru, account.Scope{})
	a.User("t3@x.test", account.RoleGuru, account.Scope{})
	c2, c3 := a.SignIn("t2@x.test"), a.SignIn("t3@x.test")
	_, tok2 := register(c2, "10600002")
	_, tok3 := register(c3, "10600002")
	if tok1 == "" || tok2 == "" || tok3 == "" {
		t.Fatal("registration did not lead to a ticket")
	}
	res = c3.Get("/tiket/" + tok3)
	mustContain(t, "waiting ticket", res.Body, "Anda di daftar tunggu, nomor 1")
	if strings.Contains(res.Body, `src="data:image/png;base64,`) {
		t.Error("a waiting-list ticket shows a check-in QR")
	}
	if strings.Contains(res.Body, "1601014501850003") {
		t.Error("NIK on a page")
	}
	if res, _ := register(c1, "10600001"); res.Status != 422 || !strings.Contains(res.Body, "sudah terdaftar") {
		t.Errorf("duplicate registration: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1`, id); n != 3 {
		t.Errorf("registrations %d, want 3", n)
	}
	if res := c2.Get("/tiket/" + tok2 + "/pdf"); res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF") {
		t.Errorf("ticket PDF: %d", res.Status)
	}

	// t1 cancels: t3 moves up and is emailed.
	if res := c1.PostForm("/tiket/"+tok1+"/batal", url.Values{"confirm": {"yes"}}); res.Status != 303 {
		t.Fatalf("cancel: %d", res.Status)
	}
	mustContain(t, "promoted ticket", c3.Get("/tiket/"+tok3).Body, "Anda terdaftar sebagai peserta")
	if n := tc.count(`SELECT count(*) FROM mail_outbox WHERE to_addr = 't3@x.test' AND subject LIKE 'Anda mendapat kursi%'`); n != 1 {
		t.Errorf("promotion email rows: %d", n)
	}

	// Edit: the active registrants are emailed; capacity below the registered count refused.
	edit := clinicForm(a.Now())
	edit.Set("venue", "Aula SMPN 1 OKU")
	edit.Set("capacity", "1")
	if res := staff.PostForm(base+"/ubah", edit); res.Status != 422 || !strings.Contains(res.Body, "tidak boleh lebih kecil") {
		t.Errorf("capacity below registered: %d", res.Status)
	}
	edit.Set("capacity", "3")
	if res := staff.PostForm(base+"/ubah", edit); res.Status != 303 {
		t.Fatalf("edit: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Perubahan informasi%' AND to_addr IN ('t2@x.test', 't3@x.test')`); n != 2 {
		t.Errorf("change emails: %d", n)
	}

	// Check-in by code, again (idempotent), forged, another event's ticket.
	var sess int64
	var sessStart time.Time
	_ = a.DB.QueryRow(ctx, `SELECT id, starts_at FROM clinic_sessions WHERE clinic_id = $1 ORDER BY starts_at LIMIT 1`, id).Scan(&sess, &sessStart)
	var code2 string
	_ = a.DB.QueryRow(ctx, `SELECT code FROM clinic_registrations WHERE email = 't2@x.test'`).Scan(&code2)
	checkin := fmt.Sprintf("%s/presensi?sesi=%d", base, sess)
	otherEvent := okuEvent(t, a, 5, true) // registration open now
	or, err := clinicStore(a).Register(ctx, otherEvent.ID, clinic.Registrant{Name: "Lain", Email: "lain@x.test", NPSN: "10600001"}, a.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Three days before the session (8 days was accepted before): refused, nothing stored.
	res = staff.PostForm(checkin, url.Values{"code": {clinic.FormatCode(code2)}})
	if res.Status != 422 || !strings.Contains(res.Body, "Presensi sesi ini belum dibuka atau sudah ditutup") {
		t.Errorf("check-in days before the session: %d", res.Status)
	}
	if res := staff.PostForm(fmt.Sprintf("%s/presensi/daftar?sesi=%d", base, sess), url.Values{"reg": {"1"}}); res.Status != 422 {
		t.Errorf("ticking the list days before the session: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_attendance`); n != 0 {
		t.Fatalf("attendance stored outside the window: %d", n)
	}
	a.SetNow(sessStart.Add(-30 * time.Minute)) // inside the window (60 minutes before by default)
	res = staff.PostForm(checkin, url.Values{"code": {strings.ToLower(clinic.FormatCode(code2))}})
	if res.Status != 200 || !strings.Contains(res.Body, "tercatat hadir") {
		t.Fatalf("check-in: %d", res.Status)
	}
	res = staff.PostForm(checkin, url.Values{"code": {tok2}, "method": {"scan"}})
	mustContain(t, "second check-in", res.Body, "sudah tercatat hadir")
	forged := tok2[:len(tok2)-3] + "AAA"
	if res := staff.PostForm(checkin, url.Values{"code": {forged}}); res.Status != 422 || !strings.Contains(res.Body, "tanda tangan QR tidak sah") {
		t.Errorf("forged: %d", res.Status)
	}
	if res := staff.PostForm(checkin, url.Values{"code": {clinicStore(a).Signer().Ticket(otherEvent.ID, or.ID)}}); res.Status != 422 || !strings.Contains(res.Body, "untuk kegiatan lain") {
		t.Errorf("other event: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_attendance`); n != 1 {
		t.Errorf("attendance rows %d, want 1", n)
	}
	// Tick the list for t3 in session 1, search by name works without JS.
	var reg3 int64
	_ = a.DB.QueryRow(ctx, `SELECT id FROM clinic_registrations WHERE email = 't3@x.test'`).Scan(&reg3)
	if res := staff.PostForm(fmt.Sprintf("%s/presensi/daftar?sesi=%d", base, sess), url.Values{"reg": {strconv.FormatInt(reg3, 10)}}); res.Status != 303 {
		t.Errorf("tick: %d", res.Status)
	}
	res = staff.Get(checkin + "&q=t3")
	mustContain(t, "counts", res.Body, "2 terdaftar dari 3 kursi", "2 hadir", "/static/clinic-scan.", `name="code"`)
	if strings.Contains(res.Body, "<script>") {
		t.Error("inline script on the check-in page")
	}
	mustContain(t, "counts fragment", staff.Get(base+"/hitungan").Body, "2 hadir")

	// Exports.
	res = staff.Get(base + "/presensi.xlsx")
	f, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, _ := f.GetRows("Presensi")
	if len(rows) != 3 || rows[0][2] != "Sekolah" || rows[0][3] != "NPSN" || rows[1][3] != "10600002" || rows[1][6] != "Hadir" {
		t.Errorf("xlsx rows %q", rows)
	}
	res = staff.Get(base + "/presensi.csv")
	if !strings.HasPrefix(res.Body, "\xEF\xBB\xBF") || !strings.Contains(res.Body, "NPSN") || strings.Contains(res.Body, "1601014501850003") {
		t.Errorf("csv: %q", res.Body)
	}
	if n := tc.count(`SELECT count(*) FROM audit_log WHERE action = 'clinic.export' AND object_id = $1`, strconv.FormatInt(id, 10)); n != 2 {
		t.Errorf("export audit entries %d, want 2", n)
	}
	if n := tc.count(`SELECT count(*) FROM audit_log WHERE action IN ('clinic.create', 'clinic.publish', 'clinic.invite', 'clinic.update')`); n < 4 {
		t.Errorf("audit entries %d", n)
	}

	// No certificate while the event runs (it was issued at once before), and none verifies.
	var cert string
	_ = a.DB.QueryRow(ctx, `SELECT cert_code FROM clinic_registrations WHERE email = 't2@x.test'`).Scan(&cert)
	if res := c2.Get("/tiket/" + tok2 + "/sertifikat"); res.Status != 404 {
		t.Errorf("certificate during the event: %d", res.Status)
	}
	if res := a.Anonymous().Get("/sertifikat?kode=" + clinic.FormatCode(cert)); res.Status != 404 || strings.Contains(res.Body, "Sertifikat sah") {
		t.Errorf("certificate verified during the event: %d", res.Status)
	}
	if res := c2.PostForm("/tiket/"+tok2+"/umpan-balik", url.Values{"rating": {"5"}}); res.Status != 409 {
		t.Errorf("feedback before the event: %d", res.Status)
	}
	a.SetNow(a.Now().Add(10 * 24 * time.Hour))

	// After the event: the certificate for the present (one session, the default minimum), and
	// its public verification.
	res = c2.Get("/tiket/" + tok2 + "/sertifikat")
	if res.Status != 200 || !strings.HasPrefix(res.Body, "%PDF") {
		t.Fatalf("certificate: %d", res.Status)
	}
	mustContain(t, "verify", a.Anonymous().Get("/sertifikat?kode="+clinic.FormatCode(cert)).Body, "Sertifikat sah.", "Coaching Clinic Rekrutmen CGP", "Pengguna t2")
	if res := a.Anonymous().Get("/sertifikat?kode=AAAA-BBBB-CCCC"); res.Status != 404 || !strings.Contains(res.Body, "tidak sah") {
		t.Errorf("bogus certificate: %d", res.Status)
	}
	res = c2.PostForm("/tiket/"+tok2+"/umpan-balik", url.Values{"rating": {"9"}, "comment": {"Bagus sekali"}})
	if res.Status != 422 || !strings.Contains(res.Body, "Pilih nilai 1 sampai 5") || !strings.Contains(res.Body, "Bagus sekali") {
		t.Errorf("bad rating: %d", res.Status)
	}
	if res := c2.PostForm("/tiket/"+tok2+"/umpan-balik", url.Values{"rating": {"5"}, "comment": {"Bagus sekali"}}); res.Status != 303 {
		t.Errorf("feedback: %d", res.Status)
	}
	mustContain(t, "feedback summary", staff.Get(base).Body, "Rata-rata 5.0 dari 5 (1 tanggapan)", "Bagus sekali")

	// Dashboard section.
	mustContain(t, "dashboard", staff.Get("/dasbor").Body, "Coaching clinic", "/staf/klinik")
	mustContain(t, "teacher dashboard", c2.Get("/dasbor").Body, "Anda terdaftar di 1 kegiatan")

	// A finished event cannot be cancelled, even confirmed: its certificates stand.
	res = staff.PostForm(base+"/batalkan", url.Values{"confirm": {"yes"}})
	if res.Status != http.StatusConflict || !strings.Contains(res.Body, "sudah selesai tidak dapat dibatalkan") {
		t.Errorf("cancelling a finished event: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM clinics WHERE id = $1 AND status = 'cancelled'`, id); n != 0 {
		t.Fatal("a finished event was cancelled")
	}

	// Cancelling an event before it takes place emails every registrant and the invited school
	// with an email.
	a.SetNow(a.Now().Add(-10 * 24 * time.Hour))
	before := tc.count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Kegiatan dibatalkan%'`)
	if res := staff.PostForm(base+"/batalkan", url.Values{"confirm": {"yes"}}); res.Status != 303 {
		t.Fatalf("cancel event: %d", res.Status)
	}
	if n := tc.count(`SELECT count(*) FROM mail_outbox WHERE subject LIKE 'Kegiatan dibatalkan%'`) - before; n != 3 {
		t.Errorf("cancellation emails %d, want 3 (t2, t3, sdn1)", n)
	}
	mustContain(t, "cancelled page", a.Anonymous().Get(public).Body, "dibatalkan oleh penyelenggara")
	if res := staff.PostForm(base+"/undangan", url.Values{"npsn_list": {"10600001"}, "confirm": {"yes"}}); res.Status != http.StatusConflict {
		t.Errorf("inviting to a cancelled event: %d", res.Status)
	}
	if res := c2.PostForm(public+"/daftar", url.Values{"npsn": {"10600001"}}); res.Status == http.StatusSeeOther {
		t.Error("registered for a cancelled event")
	}
}

// TestClinicNomination: staff nominate teachers for school slots; the slot limit is shown on
// the form, and a nomination for another region's event is a 404.
func TestClinicNomination(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := okuEvent(t, a, 10, true)
	if _, err := a.DB.Exec(context.Background(), `UPDATE clinics SET school_slots = 1 WHERE id = $1`, c.ID); err != nil {
		t.Fatal(err)
	}
	a.User("bgp@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("serang@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	bgp, serang := a.SignIn("bgp@x.test"), a.SignIn("serang@x.test")
	path := fmt.Sprintf("/staf/klinik/%d/nominasi", c.ID)
	form := url.Values{"name": {"Taufik Hidayat"}, "email": {"taufik@sekolah.test"}, "npsn": {"10600001"}}
	if res := serang.PostForm(path, form); res.Status != 404 {
		t.Errorf("Kota Serang nominates in OKU: %d", res.Status)
	}
	if res := bgp.PostForm(path, form); res.Status != 303 {
		t.Fatalf("nominate: %d", res.Status)
	}
	form.Set("email", "kedua@sekolah.test")
	res := bgp.PostForm(path, form)
	if res.Status != 422 || !strings.Contains(res.Body, "Kuota peserta dari sekolah ini sudah terpenuhi") || !strings.Contains(res.Body, `value="kedua@sekolah.test"`) {
		t.Errorf("second nomination of the school: %d", res.Status)
	}
	form.Set("npsn", "123")
	if res := bgp.PostForm(path, form); res.Status != 422 || !strings.Contains(res.Body, "NPSN terdiri dari 8 angka") {
		t.Errorf("bad NPSN: %d", res.Status)
	}
	var n int
	_ = a.DB.QueryRow(context.Background(), `SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND nominated_by IS NOT NULL`, c.ID).Scan(&n)
	if n != 1 {
		t.Errorf("nominations stored %d", n)
	}
	var body bytes.Buffer
	body.WriteString(bgp.Get(fmt.Sprintf("/staf/klinik/%d", c.ID)).Body)
	mustContain(t, "manage", body.String(), "Taufik Hidayat", "nominasi")
	if res := serang.Get("/staf/klinik"); strings.Contains(res.Body, c.Title) {
		t.Error("Kota Serang lists the OKU event")
	}
}

// TestClinicConcurrentRegistrationHTTP: 200 signed-in teachers press "Daftar" at the same moment
// for 100 seats; exactly 100 hold a seat and 100 wait, each with a ticket.
func TestClinicConcurrentRegistrationHTTP(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	c := okuEvent(t, a, 100, true)
	clients := make([]*apptest.Client, 200)
	for i := range clients {
		email := fmt.Sprintf("guru%03d@x.test", i)
		a.User(email, account.RoleGuru, account.Scope{})
		clients[i] = a.SignIn(email)
	}
	path := fmt.Sprintf("/klinik/%d/daftar", c.ID)
	statuses := make([]int, len(clients))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			res := cl.PostForm(path, url.Values{"npsn": {fmt.Sprintf("106%05d", i)}})
			statuses[i] = res.Status
		}()
	}
	began := time.Now()
	close(start)
	wg.Wait()
	t.Logf("200 concurrent HTTP registrations in %v", time.Since(began))
	for i, st := range statuses {
		if st != http.StatusSeeOther {
			t.Errorf("client %d: status %d", i, st)
		}
	}
	tc := &clinicCase{t, a}
	if n := tc.count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND status = 'registered'`, c.ID); n != 100 {
		t.Errorf("registered %d, want 100", n)
	}
	if n := tc.count(`SELECT count(*) FROM clinic_registrations WHERE clinic_id = $1 AND status = 'waiting'`, c.ID); n != 100 {
		t.Errorf("waiting %d, want 100", n)
	}
	if n := tc.count(`SELECT count(DISTINCT user_id) FROM clinic_registrations WHERE clinic_id = $1`, c.ID); n != 200 {
		t.Errorf("distinct registrants %d, want 200", n)
	}
}
