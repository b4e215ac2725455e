package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// BenchmarkHomePage measures the anonymous home page through the whole middleware stack.
func BenchmarkHomePage(b *testing.B) {
	a := apptest.Start(b)
	c := a.Anonymous()
	b.ReportAllocs()
	for b.Loop() {
		if res := c.Get("/"); res.Status != http.StatusOK {
			b.Fatal(res.Status)
		}
	}
}

// BenchmarkDashboard measures a signed-in page: session load, principal and roles from the
// database, render.
func BenchmarkDashboard(b *testing.B) {
	a := apptest.Start(b)
	a.User("bench@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	c := a.SignIn("bench@x.test")
	b.ReportAllocs()
	for b.Loop() {
		if res := c.Get("/dasbor"); res.Status != http.StatusOK {
			b.Fatal(res.Status)
		}
	}
}

// BenchmarkSignIn measures a successful sign-in with the production argon2id parameters.
func BenchmarkSignIn(b *testing.B) {
	a := apptest.Start(b)
	a.User("bench@x.test", account.RoleGuru, account.Scope{})
	prod := account.NewStore(a.DB, account.DefaultParams)
	hash, err := prod.HashPassword(b.Context(), apptest.Password)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.DB.Exec(b.Context(), `UPDATE users SET password_hash = $1`, hash); err != nil {
		b.Fatal(err)
	}
	form := url.Values{"email": {"bench@x.test"}, "password": {apptest.Password}}
	b.ReportAllocs()
	for b.Loop() {
		if res := a.Anonymous().PostForm("/masuk", form); res.Status != http.StatusSeeOther {
			b.Fatal(res.Status)
		}
	}
}
