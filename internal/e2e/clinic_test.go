package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/region"
)

func signInAs(b *browsertest.Browser, a *apptest.App, email string) {
	b.T.Helper()
	b.Visit(a.URL + "/masuk")
	b.Fill("#email", email)
	b.Fill("#password", apptest.Password)
	b.Click(`form[action="/masuk"] button[type=submit]`)
	b.MustSee("Selamat datang")
}

func signOut(b *browsertest.Browser) {
	b.T.Helper()
	b.Click(`form[action="/keluar"] button`)
}

// The coaching clinic journey: a Dinas of OKU creates an event (fixing a bad capacity), publishes
// it and invites schools; three teachers register for two seats on a phone, the third joins the
// waiting list; one cancels and the waiting list moves; the Dinas checks a teacher in by the
// typed ticket code and exports the attendance list, whose XLSX rows are checked.
func TestClinicJourney(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []browsertest.Option
	}{
		{"javascript", []browsertest.Option{browsertest.Phone()}},
		{"no javascript", []browsertest.Option{browsertest.Phone(), browsertest.NoJavaScript()}},
	} {
		t.Run(tc.name, func(t *testing.T) { clinicJourney(t, tc.opts) })
	}
}

func clinicJourney(t *testing.T, opts []browsertest.Option) {
	a := apptest.Start(t)
	ctx := context.Background()
	a.User("dinas.oku@sekolah.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	for i := 1; i <= 3; i++ {
		a.User(fmt.Sprintf("guru%d@sekolah.test", i), account.RoleGuru, account.Scope{})
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO schools (npsn, name, jenjang, status, regency_code, email) VALUES
		('10600001', 'SD Negeri 1 Baturaja', 'SD', 'negeri', '16.01', 'sdn1@sekolah.test'),
		('10600002', 'SMP Negeri 1 OKU', 'SMP', 'negeri', '16.01', 'smpn1@sekolah.test')`); err != nil {
		t.Fatal(err)
	}
	wib := func(d time.Duration, layout string) string {
		return region.InZone(a.Now().Add(d), "WIB").Format(layout)
	}

	staff := browsertest.New(t, opts...) // check-in happens on a phone at the door
	signInAs(staff, a, "dinas.oku@sekolah.test")
	staff.Click(`main a[href="/staf/klinik/baru"]`)
	staff.Fill("#title", "Coaching Clinic CGP Angkatan 10 OKU")
	staff.Fill("#organiser", "Dinas Pendidikan Kabupaten OKU")
	staff.Fill("#partner", "BGP Provinsi Sumatera Selatan")
	staff.Fill("#venue", "SMPN 1 OKU")
	staff.Select(`[name="sessions[0].date"]`, wib(72*time.Hour, "2006-01-02"))
	staff.Select(`[name="sessions[0].start"]`, "08:00")
	staff.Select(`[name="sessions[0].end"]`, "12:00")
	staff.Fill("#capacity", "0")
	staff.Fill("#school_slots", "0")
	staff.Click(`input[name=jenjang][value=SD]`)
	staff.Click(`input[name=jenjang][value=SMP]`)
	staff.Select("#opens", wib(-time.Hour, "2006-01-02T15:04"))
	staff.Select("#closes", wib(48*time.Hour, "2006-01-02T15:04"))
	staff.Click(`main form button[type=submit]`)
	staff.MustSee("Kapasitas harus bilangan bulat lebih dari 0.")
	staff.Screenshot("clinic-form-error-" + t.Name()[len("TestClinicJourney/"):])
	if staff.ValueOf("#title") != "Coaching Clinic CGP Angkatan 10 OKU" || staff.ValueOf(`[name="sessions[0].start"]`) != "08:00" {
		t.Fatal("typed values lost after an error")
	}
	staff.Fill("#capacity", "2")
	staff.Click(`main form button[type=submit]`)
	staff.MustSee("Kegiatan disimpan sebagai draf", "08.00–12.00 WIB")
	staff.Click(`form[action$="/terbitkan"] button`)
	staff.MustSee("Kegiatan diterbitkan")
	manage := staff.Location()

	staff.Click(`a[href$="/undangan"]`)
	staff.Select("#npsn_list", "10600001\n10600002")
	staff.Click(`main form[method=post] button[type=submit]`)
	staff.MustSee("Undang sekolah dan kirim surel undangan?") // asked first, with JavaScript off too
	staff.Click("#confirm-action")
	staff.Click(`main form[method=post] button[type=submit]`)
	staff.MustSee("2 baru diundang", "SMP Negeri 1 OKU")
	staff.Screenshot("clinic-invite")

	// Three teachers on a phone, one after the other.
	teacher := browsertest.New(t, opts...)
	var id int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM clinics`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		signInAs(teacher, a, fmt.Sprintf("guru%d@sekolah.test", i))
		teacher.Visit(fmt.Sprintf("%s/klinik?wilayah=16.01", a.URL))
		teacher.Click(fmt.Sprintf(`a[href="/klinik/%d"]`, id))
		teacher.Click(fmt.Sprintf(`a[href="/klinik/%d/daftar"]`, id))
		teacher.Fill("#npsn", fmt.Sprintf("1060000%d", 1+i%2)) // the school comes from the schools table
		teacher.Click(`main form button[type=submit]`)
		if i < 3 {
			teacher.MustSee("Pendaftaran berhasil", "Kode tiket")
		} else {
			teacher.MustSee("Anda di daftar tunggu, nomor 1")
			teacher.Screenshot("clinic-ticket-waiting")
		}
		if w := teacher.Eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("ticket page is %spx wide on a 390px phone", w)
		}
		if i < 3 {
			signOut(teacher)
		}
	}
	ticket3 := teacher.Location()
	signOut(teacher)

	// guru1 cancels; guru3 moves up.
	signInAs(teacher, a, "guru1@sekolah.test")
	teacher.Visit(a.URL + "/klinik/saya")
	teacher.Click(`main ul a[href^="/tiket/"]`)
	teacher.Click(`form[action$="/batal#cancel-ticket"] button`)
	teacher.MustSee("Centang pernyataan di atas untuk membatalkan pendaftaran.")
	teacher.Click(`form[action$="/batal#cancel-ticket"] input[name=confirm]`)
	teacher.Click(`form[action$="/batal#cancel-ticket"] button`)
	teacher.MustSee("Pendaftaran Anda dibatalkan")
	teacher.Visit(ticket3)
	teacher.MustSee("Anda terdaftar sebagai peserta")

	// Check-in by the typed code of guru2.
	var code string
	if err := a.DB.QueryRow(ctx, `SELECT code FROM clinic_registrations WHERE email = 'guru2@sekolah.test'`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	// Check-in opens an hour before the session (a window set per event).
	var start time.Time
	if err := a.DB.QueryRow(ctx, `SELECT min(starts_at) FROM clinic_sessions WHERE clinic_id = $1`, id).Scan(&start); err != nil {
		t.Fatal(err)
	}
	a.SetNow(start.Add(-30 * time.Minute))
	staff.Visit(manage)
	staff.Click(`a[href*="/presensi?sesi="]`)
	staff.Fill("#code", strings.ToLower(code[:4]+"-"+code[4:]))
	staff.Click(`#checkin-form button[type=submit]`)
	staff.MustSee("tercatat hadir", "1 hadir")
	staff.Screenshot("clinic-checkin")
	for _, page := range []string{staff.Location(), manage} {
		staff.Visit(page)
		if w := staff.Eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("%s is %spx wide on a 390px phone", page, w)
		}
	}

	// Export: the XLSX lists both seated teachers with school, NPSN and presence.
	c := a.SignIn("dinas.oku@sekolah.test")
	res := c.Get(fmt.Sprintf("/staf/klinik/%d/presensi.xlsx", id))
	f, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatalf("xlsx: %v", err)
	}
	rows, _ := f.GetRows("Presensi")
	if len(rows) != 3 || rows[0][3] != "NPSN" || rows[1][3] != "10600001" || rows[1][6] != "Hadir" || rows[2][6] != "-" {
		t.Errorf("attendance rows %q", rows)
	}

	// The organiser cancels guru3: a confirmation page first (no one-tap button in the list, and
	// no JavaScript needed); unticked, nothing happens; afterwards the row stays with "Batal".
	staff.Visit(manage)
	staff.Click(`main table a[href$="/batal"]`)
	staff.MustSee("Batalkan pendaftaran peserta", "Saya yakin membatalkan pendaftaran")
	staff.Click(`main form button[type=submit]`)
	staff.MustSee("Centang pernyataan di atas untuk membatalkan pendaftaran peserta ini.")
	var cancelled int
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM clinic_registrations WHERE status = 'cancelled' AND email <> 'guru1@sekolah.test'`).Scan(&cancelled)
	if cancelled != 0 {
		t.Fatal("a participant was cancelled without the confirmation")
	}
	staff.Click(`#confirm-reg`)
	staff.Click(`main form button[type=submit]`)
	staff.MustSee("Pendaftaran peserta dibatalkan")
	_ = a.DB.QueryRow(ctx, `SELECT count(*) FROM clinic_registrations WHERE status = 'cancelled'`).Scan(&cancelled)
	if cancelled != 2 {
		t.Errorf("cancelled registrations %d, want 2", cancelled)
	}
	if n := strings.Count(staff.TextOf("main table"), "Batal"); n < 2 {
		t.Errorf("cancelled rows shown %d times, want both kept in the list", n)
	}
}
