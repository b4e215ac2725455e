package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/selection/selectiontest"
	"penggerak/internal/training/trainingtest"
)

// phoneModes are the two ways a journey runs on a 390 px phone: with JavaScript and without.
var phoneModes = []struct {
	name string
	opts []browsertest.Option
}{
	{"javascript", []browsertest.Option{browsertest.Phone()}},
	{"no javascript", []browsertest.Option{browsertest.Phone(), browsertest.NoJavaScript()}},
}

// signIn signs the browser in through the sign-in form as email, a user made by a.User (whose
// password is apptest.Password).
func signIn(b *browsertest.Browser, a *apptest.App, email string) {
	b.T.Helper()
	b.Visit(a.URL + "/masuk")
	b.Fill("#email", email)
	b.Fill("#password", apptest.Password)
	b.Click(`form[action="/masuk"] button[type=submit]`)
}

// signInAs is signIn that also waits for the dashboard's greeting.
func signInAs(b *browsertest.Browser, a *apptest.App, email string) {
	b.T.Helper()
	signIn(b, a, email)
	b.MustSee("Selamat datang")
}

// signOut presses the sign-out button of the page header.
func signOut(b *browsertest.Browser) {
	b.T.Helper()
	b.Click(`form[action="/keluar"] button`)
}

// noScriptAndFits fails the test when the page ran script (htmx was loaded) or scrolls sideways
// on the 390 px phone.
func noScriptAndFits(b *browsertest.Browser, page string) {
	b.T.Helper()
	if v := b.Eval(`typeof window.htmx`); v != "undefined" {
		b.T.Fatalf("%s: JavaScript ran (htmx is %s)", page, v)
	}
	if v := b.Eval(`String(document.documentElement.scrollWidth)`); v != "390" {
		b.T.Errorf("%s: the page is %s px wide on a 390 px phone", page, v)
	}
}

// seedTeacher creates a teacher (role guru) with a profile at SD Negeri 1 Baturaja (10600001,
// from seedOpenCohort): a woman born on 5 March 1985, PNS class teacher for 12 years, S1.
func seedTeacher(t *testing.T, a *apptest.App, email, nik string) account.User {
	t.Helper()
	u := a.User(email, account.RoleGuru, account.Scope{})
	applicationtest.SeedProfile(t, a.DB, u.ID, "10600001", applicationtest.Profile{NIK: nik,
		Birth: time.Date(1985, 3, 5, 0, 0, 0, 0, time.UTC), Subject: "Guru kelas", Years: 12})
	return u
}

// startApplication opens a phone browser signed in as a new teacher (seedTeacher) and starts
// her application to the cohort of seedOpenCohort, leaving the browser on step 1.
func startApplication(t *testing.T, a *apptest.App, email string) (cohortID int64, u account.User, b *browsertest.Browser) {
	t.Helper()
	cohortID = seedOpenCohort(t, a)
	u = seedTeacher(t, a, email, "1601014503850002")
	b = browsertest.New(t, browsertest.Phone())
	signIn(b, a, email)
	b.Visit(fmt.Sprintf("%s/pendaftaran/%d", a.URL, cohortID))
	b.Click(`main form button[type=submit]`)
	return cohortID, u, b
}

// onEachPhone runs journey as a subtest in each of phoneModes (mode is its name), on its own app
// and browser.
func onEachPhone(t *testing.T, journey func(t *testing.T, a *apptest.App, b *browsertest.Browser, mode string)) {
	for _, m := range phoneModes {
		t.Run(m.name, func(t *testing.T) {
			a := apptest.Start(t)
			journey(t, a, browsertest.New(t, m.opts...), m.name)
		})
	}
}

// startSelection starts the app with an admin (adminEmail) and a selection fixture on its
// database.
func startSelection(t *testing.T, adminEmail string) (*apptest.App, selectiontest.Fixture) {
	t.Helper()
	a := apptest.Start(t)
	a.User(adminEmail, account.RoleAdmin, account.Scope{})
	return a, selectiontest.Fixture{T: t, DB: a.DB}
}

// startTraining starts the app with a training cohort of Kabupaten OKU (trainingtest.NewCohort,
// not yet started) whose first CGP, name at the SD school npsn, signs in as email.
func startTraining(t *testing.T, email, name, npsn string) (*apptest.App, trainingtest.Fixture, trainingtest.Cohort, account.User) {
	t.Helper()
	a := apptest.Start(t)
	fx := trainingtest.Fixture{T: t, DB: a.DB}
	c := fx.NewCohort("16.01")
	cgp := a.User(email, account.RoleGuru, account.Scope{})
	fx.CGP(c, cgp.ID, name, npsn, "16.01", "SD")
	return a, fx, c, cgp
}

// uploadFile writes body to a file called name in a fresh temporary folder, for b.Upload, and
// returns its path.
func uploadFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
