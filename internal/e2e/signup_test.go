package e2e

import (
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/application/applicationtest"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// A teacher signs up on a phone, fixes a wrong phone number, verifies the email from the
// development outbox, and signs in; with and without JavaScript.
func TestSignUpAndVerifyOnPhone(t *testing.T) {
	onEachPhone(t, func(t *testing.T, a *apptest.App, b *browsertest.Browser, mode string) {
		b.Visit(a.URL + "/")
		b.Click(`main a[href="/daftar"]`)
		b.Fill("#name", "Siti Aminah")
		b.Fill("#email", "siti@sekolah.test")
		b.Fill("#phone", "021 555 1234")
		b.Fill("#password", "kebun-mangga-77")
		b.Fill("#password_confirm", "kebun-mangga-77")
		b.Click(`form[action="/daftar"] button[type=submit]`)
		b.MustSee("Nomor HP tidak valid")
		if b.ValueOf("#name") != "Siti Aminah" || b.ValueOf("#email") != "siti@sekolah.test" || b.ValueOf("#phone") != "021 555 1234" {
			t.Fatalf("typed values lost: %q %q %q", b.ValueOf("#name"), b.ValueOf("#email"), b.ValueOf("#phone"))
		}
		b.Fill("#phone", "0812 3456 7890")
		b.Fill("#password", "kebun-mangga-77")
		b.Fill("#password_confirm", "kebun-mangga-77")
		b.Click(`form[action="/daftar"] button[type=submit]`)
		b.MustSee("Periksa surel Anda")

		// Signing in before verifying is refused, with a way to get the link again.
		b.Visit(a.URL + "/masuk")
		b.Fill("#email", "siti@sekolah.test")
		b.Fill("#password", "kebun-mangga-77")
		b.Click(`form[action="/masuk"] button[type=submit]`)
		b.MustSee("belum diverifikasi", "Kirim ulang tautan verifikasi")

		b.Visit(a.URL + "/dev/outbox")
		b.MustSee("siti@sekolah.test", "Verifikasi alamat surel akun Penggerak Anda")
		b.Click(`.mail-body a[href^="/verifikasi/"]`)
		b.MustSee("Verifikasi alamat surel")
		b.Click(`main form button[type=submit]`)
		b.MustSee("Alamat surel Anda sudah diverifikasi")

		b.Fill("#email", "siti@sekolah.test")
		b.Fill("#password", "kebun-mangga-77")
		b.Click(`form[action="/masuk"] button[type=submit]`)
		b.MustSee("Selamat datang, Siti Aminah")
		if w := b.Eval(`String(document.documentElement.scrollWidth)`); w != "390" {
			t.Errorf("page is %spx wide on a 390px phone", w)
		}
		b.Screenshot("signup-" + mode)

		// The profile: a NIK whose date does not match the birth date is refused with a
		// message in Bahasa Indonesia, and everything else typed is kept.
		applicationtest.School(t, a.DB, "10645123", "SD Negeri 12 Baturaja Timur", "SD", "16.01")
		b.Visit(a.URL + "/profil")
		b.Fill("#nik", "1601015605880003") // day 56 = 16th for a woman; she was born on the 15th
		b.Select("#birth_date", "1988-05-15")
		b.Select("#gender", "P")
		b.Select("#employment_status", "honorer")
		b.Fill("#npsn", "10645123")
		b.Select("#jenjang", "SD")
		b.Fill("#subject", "Guru Kelas")
		b.Fill("#years_teaching", "9")
		b.Select("#education", "S1")
		b.Click(`form[action="/profil"] button[type=submit]:not(.default-submit):not([value=cari])`)
		b.MustSee("Tanggal lahir pada NIK", "Ada isian yang perlu diperbaiki")
		for sel, want := range map[string]string{"#nik": "1601015605880003", "#birth_date": "1988-05-15", "#gender": "P",
			"#npsn": "10645123", "#subject": "Guru Kelas", "#years_teaching": "9", "#education": "S1"} {
			if got := b.ValueOf(sel); got != want {
				t.Errorf("after the error %s = %q, want %q (typed value lost)", sel, got, want)
			}
		}
		b.Screenshot("profile-error-" + mode)
		b.Fill("#nik", "1601015505880003")
		b.Click(`form[action="/profil"] button[type=submit]:not(.default-submit):not([value=cari])`)
		b.MustSee("Profil Anda sudah tersimpan")
		var nik, npsn string
		if err := a.DB.QueryRow(t.Context(), `SELECT p.nik, p.npsn FROM teacher_profiles p JOIN users u ON u.id = p.user_id
			WHERE u.email = 'siti@sekolah.test'`).Scan(&nik, &npsn); err != nil || nik != "1601015505880003" || npsn != "10645123" {
			t.Fatalf("stored profile: %q %q %v", nik, npsn, err)
		}
	})
}

// A teacher who forgot the password asks for a link, follows it from the outbox, chooses a
// new password and signs in with it (without JavaScript).
func TestForgottenPassword(t *testing.T) {
	a := apptest.Start(t)
	a.User("siti@sekolah.test", account.RoleGuru, account.Scope{})
	b := browsertest.New(t, browsertest.Phone(), browsertest.NoJavaScript())
	b.Visit(a.URL + "/masuk")
	b.Click(`a[href="/lupa-sandi"]`)
	b.Fill("#email", "siti@sekolah.test")
	b.Click(`form[action="/lupa-sandi"] button[type=submit]`)
	b.MustSee("Bila alamat itu terdaftar")
	b.Visit(a.URL + "/dev/outbox")
	b.Click(`.mail-body a[href^="/atur-ulang-sandi/"]`)
	b.Fill("#password", "sandi-baru-yang-kuat")
	b.Fill("#password_confirm", "sandi-baru-yang-kuat")
	b.Click(`main form button[type=submit]`)
	b.MustSee("Kata sandi Anda sudah diganti")
	b.Fill("#email", "siti@sekolah.test")
	b.Fill("#password", "sandi-baru-yang-kuat")
	b.Click(`form[action="/masuk"] button[type=submit]`)
	b.MustSee("Selamat datang, Pengguna siti")
}
