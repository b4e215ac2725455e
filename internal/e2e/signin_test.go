package e2e

import (
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// A teacher signs in on a phone, with and without JavaScript, and sees the dashboard.
func TestSignInOnPhone(t *testing.T) {
	onEachPhone(t, func(t *testing.T, a *apptest.App, b *browsertest.Browser, mode string) {
		a.User("siti@sekolah.test", account.RoleGuru, account.Scope{})
		b.Visit(a.URL + "/")
		b.MustSee("Program Pendidikan Guru Penggerak")
		b.Click(`a[href="/masuk"]`)
		b.Fill("#email", "siti@sekolah.test")
		b.Fill("#password", "salah-sandi-nya")
		b.Click(`form[action="/masuk"] button[type=submit]`)
		b.MustSee("Alamat surel atau kata sandi salah")
		if got := b.ValueOf("#email"); got != "siti@sekolah.test" {
			t.Fatalf("email field after a failed sign-in = %q", got)
		}
		b.Fill("#password", apptest.Password)
		b.Click(`form[action="/masuk"] button[type=submit]`)
		b.MustSee("Selamat datang, Pengguna siti", "Anda sudah masuk")
		// The page fits a phone: nothing wider than the viewport.
		if w := b.Eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("page is %spx wide on a 390px phone", w)
		}
		b.Screenshot("signin-" + mode)
	})
}
