package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

func init() {
	// apptest.User gives every user the guru role (every account starts as a teacher), so every
	// signed-in actor of the matrix may open the profile: only(200, "guru") would be every actor.
	addRoutes(
		routeCase{Method: "GET", Pattern: "/profil", Want: signedIn(200)},
		// An empty form: the form comes back with messages.
		routeCase{Method: "POST", Pattern: "/profil", Want: signedIn(422)},
		routeCase{Method: "GET", Pattern: "/profil/sekolah", Path: func(*fixture) string { return "/profil/sekolah?q=negeri" }, Want: signedIn(200)},
		routeCase{Method: "GET", Pattern: "/profil/data-saya", Want: signedIn(200)},
		routeCase{Method: "GET", Pattern: "/profil/data-saya/unduh", Want: signedIn(200)},
		routeCase{Method: "GET", Pattern: "/profil/data-saya/unduh.pdf", Want: signedIn(200)},
		routeCase{Method: "POST", Pattern: "/profil/data-saya/hapus", Form: func(*fixture) url.Values { return confirmYes }, Want: signedIn(303)},
		// Without the ticked confirmation: the confirmation page (422), no request stored.
		routeCase{Method: "POST", Pattern: "/profil/data-saya/hapus", Variant: "unconfirmed", Want: signedIn(422)},
	)
}

// profileForm is a valid profile of a woman born 14 May 1988 teaching at 10601012.
func profileForm() url.Values {
	return url.Values{
		"nik": {"1601145405880001"}, "nuptk": {"7846766667130082"}, "nip": {"198805142010012003"},
		"birth_date": {"1988-05-14"}, "gender": {"P"}, "npsn": {"10601012"}, "jenjang": {"SD"},
		"subject": {"Guru Kelas Rendah"}, "employment_status": {"PNS"}, "years_teaching": {"15"}, "education": {"S1"},
	}
}

// profileApp starts the app with the schools of profileSchools.
func profileApp(t *testing.T) *apptest.App {
	t.Helper()
	a := apptest.Start(t)
	profileSchools(t, a)
	return a
}

// profileTeacher creates a guru without a profile and signs them in.
func profileTeacher(t *testing.T, a *apptest.App, email string) (account.User, *apptest.Client) {
	t.Helper()
	return a.User(email, account.RoleGuru, account.Scope{}), a.SignIn(email)
}

func profileSchools(t *testing.T, a *apptest.App) {
	addSchool(t, a, "10601012", "SD Negeri 12 Baturaja Timur", "SD", "16.01", "16.01.14")
	addSchool(t, a, "10601013", "SD Negeri 13 Baturaja Timur", "SD", "16.01", "16.01.14")
	addSchool(t, a, "36730001", "SMA Negeri 1 Kota Serang", "SMA", "36.73", "36.73.01")
}

func storedNIK(t *testing.T, a *apptest.App, userID int64) string {
	t.Helper()
	var nik string
	err := a.DB.QueryRow(context.Background(), `SELECT nik FROM teacher_profiles WHERE user_id = $1`, userID).Scan(&nik)
	if err != nil && err.Error() != "no rows in result set" {
		t.Fatal(err)
	}
	return nik
}

func TestProfileErrorsKeepValues(t *testing.T) {
	t.Parallel()
	a := profileApp(t)
	u, c := profileTeacher(t, a, "guru@profil.test")

	tests := []struct {
		name   string
		change url.Values
		want   string
	}{
		{"NIK 15 digits", url.Values{"nik": {"160114540588001"}}, "NIK harus tepat 16 angka."},
		{"NIK with letters", url.Values{"nik": {"16011454058800AB"}}, "NIK hanya boleh berisi angka."},
		{"unknown province", url.Values{"nik": {"9901145405880001"}}, "Dua angka pertama NIK bukan kode provinsi yang dikenal."},
		{"month 13", url.Values{"nik": {"1601145413880001"}}, "Angka ke-9 dan ke-10 NIK bukan bulan yang mungkin"},
		{"day 72", url.Values{"nik": {"1601147205880001"}}, "Angka ke-7 dan ke-8 NIK bukan tanggal yang mungkin"},
		{"NIK of a man, chose woman", url.Values{"nik": {"1601141405880001"}}, "Anda memilih perempuan, tetapi tanggal pada NIK"},
		{"NIK of a woman, chose man", url.Values{"gender": {"L"}, "nip": {"198805142010011003"}}, "Anda memilih laki-laki, tetapi tanggal pada NIK"},
		{"NIK birth date differs", url.Values{"birth_date": {"1988-05-15"}, "nip": {"198805152010012003"}}, "Tanggal lahir pada NIK (angka ke-7 sampai ke-12, DDMMYY) tidak sama"},
		{"honorer with NIP", url.Values{"employment_status": {"honorer"}}, "NIP hanya diisi oleh PNS dan PPPK."},
		{"PNS without NUPTK", url.Values{"nuptk": {""}}, "NUPTK wajib diisi untuk guru PNS dan PPPK."},
		{"unknown school", url.Values{"npsn": {"10609999"}}, "Sekolah dengan NPSN ini tidak ditemukan."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := profileForm()
			for k, v := range tt.change {
				form[k] = v
			}
			res := c.PostForm("/profil", form)
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d", res.Status)
			}
			if !strings.Contains(res.Body, tt.want) || !strings.Contains(res.Body, "Ada isian yang perlu diperbaiki") {
				t.Errorf("message %q missing", tt.want)
			}
			for _, field := range []string{"nik", "nuptk", "nip", "birth_date", "npsn", "subject", "years_teaching"} {
				if v := form.Get(field); v != "" && !strings.Contains(res.Body, `value="`+v+`"`) {
					t.Errorf("%s %q not kept", field, v)
				}
			}
			for _, sel := range []string{`value="` + form.Get("gender") + `" selected`, `value="` + form.Get("employment_status") + `" selected`, `value="S1" selected`, `value="SD" selected`} {
				if !strings.Contains(res.Body, sel) {
					t.Errorf("selection %s not kept", sel)
				}
			}
			if nik := storedNIK(t, a, u.ID); nik != "" {
				t.Errorf("a profile was stored: %s", nik)
			}
		})
	}

	res := c.PostForm("/profil", profileForm())
	if res.Status != http.StatusSeeOther || res.Location != "/profil" {
		t.Fatalf("valid profile: %d\n%s", res.Status, res.Body)
	}
	var npsn, nip, status string
	var years int
	if err := a.DB.QueryRow(context.Background(), `SELECT npsn, nip, employment_status, years_teaching FROM teacher_profiles WHERE user_id = $1`, u.ID).
		Scan(&npsn, &nip, &status, &years); err != nil {
		t.Fatal(err)
	}
	if npsn != "10601012" || nip != "198805142010012003" || status != "PNS" || years != 15 || storedNIK(t, a, u.ID) != "1601145405880001" {
		t.Errorf("stored %s %s %s %d", npsn, nip, status, years)
	}
	var detail string
	if err := a.DB.QueryRow(context.Background(), `SELECT detail::text FROM audit_log WHERE action = 'profile.save' AND object_id = $1::bigint::text`, u.ID).Scan(&detail); err != nil {
		t.Fatalf("audit of the profile: %v", err)
	}
	if !strings.Contains(detail, `"created": true`) || !strings.Contains(detail, `"nik"`) || strings.Contains(detail, "1601145405880001") {
		t.Errorf("audit detail %s (field names only, never values)", detail)
	}
	page := c.Get("/profil")
	if !strings.Contains(page.Body, "Profil Anda sudah tersimpan.") || !strings.Contains(page.Body, `value="1601145405880001"`) ||
		!strings.Contains(page.Body, "SD Negeri 12 Baturaja Timur") {
		t.Errorf("profile page after save:\n%s", page.Body)
	}

	// Honorer without NUPTK and NIP is fine; spaces in the NIK are ignored.
	form := profileForm()
	form.Set("employment_status", "honorer")
	form.Set("nuptk", "")
	form.Set("nip", "")
	form.Set("nik", "1601 1454 0588 0001")
	if res := c.PostForm("/profil", form); res.Status != http.StatusSeeOther {
		t.Fatalf("honorer: %d", res.Status)
	}
	if err := a.DB.QueryRow(context.Background(), `SELECT nip, employment_status FROM teacher_profiles WHERE user_id = $1`, u.ID).Scan(&nip, &status); err != nil || nip != "" || status != "honorer" {
		t.Errorf("honorer stored as %q %q (%v)", nip, status, err)
	}
}

func TestProfileNIKOnePerAccount(t *testing.T) {
	t.Parallel()
	a := profileApp(t)
	first := a.User("pertama@profil.test", account.RoleGuru, account.Scope{})
	second := a.User("kedua@profil.test", account.RoleGuru, account.Scope{})
	if res := a.SignIn("pertama@profil.test").PostForm("/profil", profileForm()); res.Status != http.StatusSeeOther {
		t.Fatalf("first: %d", res.Status)
	}
	form := profileForm()
	form.Set("subject", "Matematika")
	res := a.SignIn("kedua@profil.test").PostForm("/profil", form)
	if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "NIK ini sudah terdaftar pada akun lain") ||
		!strings.Contains(res.Body, `value="Matematika"`) || !strings.Contains(res.Body, `value="7846766667130082"`) {
		t.Errorf("second account: %d\n%s", res.Status, res.Body)
	}
	if storedNIK(t, a, first.ID) != "1601145405880001" || storedNIK(t, a, second.ID) != "" {
		t.Error("the NIK must stay with the first account only")
	}
}

func TestProfileNIKConcurrentSaves(t *testing.T) {
	t.Parallel()
	a := profileApp(t)
	const n = 2
	clients := make([]*apptest.Client, n)
	users := make([]account.User, n)
	for i := range clients {
		email := []string{"satu@profil.test", "dua@profil.test"}[i]
		users[i] = a.User(email, account.RoleGuru, account.Scope{})
		clients[i] = a.SignIn(email)
	}
	results := make([]apptest.Response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			results[i] = clients[i].PostForm("/profil", profileForm())
		}(i)
	}
	close(start)
	wg.Wait()
	won, lost := 0, 0
	for _, r := range results {
		switch {
		case r.Status == http.StatusSeeOther:
			won++
		case r.Status == http.StatusUnprocessableEntity && strings.Contains(r.Body, "NIK ini sudah terdaftar pada akun lain"):
			lost++
		}
	}
	var holders int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM teacher_profiles WHERE nik = '1601145405880001'`).Scan(&holders); err != nil {
		t.Fatal(err)
	}
	if won != 1 || lost != 1 || holders != 1 {
		t.Errorf("won %d, lost %d, %d accounts hold the NIK; want 1, 1, 1", won, lost, holders)
	}
}

func TestProfileSchoolPicker(t *testing.T) {
	t.Parallel()
	a := profileApp(t)
	u, c := profileTeacher(t, a, "pilih@profil.test")

	// Without JavaScript: the search button posts the form; nothing is saved, everything typed stays.
	form := profileForm()
	form.Set("npsn", "")
	form.Set("q", "baturaja timur")
	form.Set("op", "cari")
	res := c.PostForm("/profil", form)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `name="pilih_npsn" id="pilih-10601013" value="10601013"`) ||
		strings.Contains(res.Body, "SMA Negeri 1 Kota Serang") || !strings.Contains(res.Body, `value="1601145405880001"`) ||
		!strings.Contains(res.Body, `value="baturaja timur"`) || strings.Contains(res.Body, "Ada isian yang perlu diperbaiki") {
		t.Fatalf("search in the form: %d\n%s", res.Status, res.Body)
	}
	if storedNIK(t, a, u.ID) != "" {
		t.Fatal("searching saved the profile")
	}
	// Picking a result and saving stores that school.
	form.Del("op")
	form.Set("pilih_npsn", "10601013")
	if res := c.PostForm("/profil", form); res.Status != http.StatusSeeOther {
		t.Fatalf("save with picked school: %d\n%s", res.Status, res.Body)
	}
	var npsn string
	_ = a.DB.QueryRow(context.Background(), `SELECT npsn FROM teacher_profiles WHERE user_id = $1`, u.ID).Scan(&npsn)
	if npsn != "10601013" {
		t.Errorf("stored school %q", npsn)
	}

	// htmx: a fragment of radio buttons.
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/profil/sekolah?q=10601012", nil)
	req.Header.Set("HX-Request", "true")
	res = c.Do(req)
	if res.Status != 200 || strings.Contains(res.Body, "<html") || !strings.Contains(res.Body, `value="10601012"`) || strings.Contains(res.Body, "10601013") {
		t.Errorf("fragment: %d\n%s", res.Status, res.Body)
	}
	// Without htmx: a whole page with links back to the form.
	res = c.Get("/profil/sekolah?q=negeri&kabkota=36.73")
	if !strings.Contains(res.Body, "SMA Negeri 1 Kota Serang") || strings.Contains(res.Body, "Baturaja") {
		t.Errorf("search within a kab/kota:\n%s", res.Body)
	}
	res = c.Get("/profil/sekolah?q=negeri&jenjang=SD")
	if strings.Contains(res.Body, "SMA Negeri 1 Kota Serang") || !strings.Contains(res.Body, "SD Negeri 12 Baturaja Timur") {
		t.Errorf("search within a jenjang")
	}
	res = c.Get("/profil/sekolah?q=kota+serang")
	if res.Status != 200 || !strings.Contains(res.Body, "<html") || !strings.Contains(res.Body, `href="/profil?npsn=36730001"`) {
		t.Errorf("page: %d\n%s", res.Status, res.Body)
	}
	a.User("baru@profil.test", account.RoleGuru, account.Scope{})
	res = a.SignIn("baru@profil.test").Get("/profil?npsn=36730001")
	if !strings.Contains(res.Body, `value="36730001"`) || !strings.Contains(res.Body, "SMA Negeri 1 Kota Serang") || !strings.Contains(res.Body, `value="SMA" selected`) {
		t.Errorf("profile with ?npsn")
	}
	if res := c.Get("/profil/sekolah?q=tidak-ada-sekolah"); !strings.Contains(res.Body, "Tidak ada sekolah yang cocok") {
		t.Errorf("no results message missing")
	}
}

func TestPersonalData(t *testing.T) {
	t.Parallel()
	a := profileApp(t)
	u, c := profileTeacher(t, a, "data@profil.test")
	// A failed sign-in elsewhere (a success deletes earlier failures, so it comes after).
	if res := a.Anonymous().PostForm("/masuk", url.Values{"email": {"data@profil.test"}, "password": {"salah-sekali"}}); res.Status != http.StatusUnauthorized {
		t.Fatalf("failed sign-in: %d", res.Status)
	}
	if res := c.PostForm("/profil", profileForm()); res.Status != http.StatusSeeOther {
		t.Fatalf("profile: %d", res.Status)
	}
	page := c.Get("/profil/data-saya")
	for _, want := range []string{"data@profil.test", "1601145405880001", "7846766667130082", "SD Negeri 12 Baturaja Timur", `href="/profil"`,
		`href="/profil/data-saya/unduh"`, "Masa simpan data", `action="/profil/data-saya/hapus"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("data page lacks %q", want)
		}
	}
	res := c.Get("/profil/data-saya/unduh")
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("download: %d %v", res.Status, res.Header)
	}
	var d struct {
		Account struct{ Email string }
		Roles   []struct{ Role string }
		Profile struct {
			NIK   string `json:"nik"`
			NPSN  string `json:"npsn"`
			NUPTK string `json:"nuptk"`
		} `json:"teacher_profile"`
		Traces struct {
			SignInFailures []struct{ IP string } `json:"sign_in_failures"`
		} `json:"traces"`
	}
	if err := json.Unmarshal([]byte(res.Body), &d); err != nil {
		t.Fatal(err)
	}
	if d.Account.Email != "data@profil.test" || d.Profile.NIK != "1601145405880001" || d.Profile.NPSN != "10601012" || len(d.Roles) != 1 || d.Roles[0].Role != "guru" {
		t.Errorf("download %+v", d)
	}
	if len(d.Traces.SignInFailures) != 1 || !strings.Contains(page.Body, "Percobaan masuk yang gagal dengan alamat surel Anda (1)") {
		t.Errorf("failed sign-in not in the personal data: %+v", d.Traces)
	}

	// The form carries the confirmation box; without it ticked (JavaScript off, no dialog)
	// nothing is stored and a confirmation page keeps the typed reason.
	if !strings.Contains(page.Body, `id="confirm-deletion"`) {
		t.Error("deletion form without its confirmation box")
	}
	unticked := c.PostForm("/profil/data-saya/hapus", url.Values{"reason": {"Saya tidak lagi mengajar."}})
	if unticked.Status != http.StatusUnprocessableEntity || !strings.Contains(unticked.Body, `value="Saya tidak lagi mengajar."`) || !strings.Contains(unticked.Body, "tidak dapat dipulihkan") {
		t.Fatalf("unconfirmed deletion request: %d\n%s", unticked.Status, unticked.Body)
	}
	var early int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM data_deletion_requests WHERE user_id = $1`, u.ID).Scan(&early); err != nil || early != 0 {
		t.Fatalf("%d deletion requests stored without the confirmation (%v)", early, err)
	}
	for i := 0; i < 2; i++ { // a double submit is harmless
		res := c.PostForm("/profil/data-saya/hapus", url.Values{"confirm": {"yes"}, "reason": {"Saya tidak lagi mengajar."}})
		if res.Status != http.StatusSeeOther || res.Location != "/profil/data-saya" {
			t.Fatalf("deletion request: %d", res.Status)
		}
	}
	var audits int
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'pdp.deletion_request' AND object_id = $1::bigint::text`, u.ID).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("%d audit entries for the deletion request (%v), want 1", audits, err)
	}
	var n int
	var reason string
	if err := a.DB.QueryRow(context.Background(), `SELECT count(*), max(reason) FROM data_deletion_requests WHERE user_id = $1 AND processed_at IS NULL`, u.ID).Scan(&n, &reason); err != nil {
		t.Fatal(err)
	}
	if n != 1 || reason != "Saya tidak lagi mengajar." {
		t.Errorf("%d open requests, reason %q", n, reason)
	}
	page = c.Get("/profil/data-saya")
	if !strings.Contains(page.Body, "Permintaan penghapusan diterima pada") || strings.Contains(page.Body, `action="/profil/data-saya/hapus"`) {
		t.Errorf("data page after the request:\n%s", page.Body)
	}
}
