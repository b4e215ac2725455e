package server_test

import (
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// navOf is the main navigation of a page (the header's <nav>).
func navOf(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, "<nav")
	j := strings.Index(body, "</nav>")
	if i < 0 || j < i {
		t.Fatal("page has no <nav>")
	}
	return body[i:j]
}

// Each role finds its clinic work in the header on every page, not only on the dashboard: staff
// reach their events, a teacher the public list (which links to their registrations), and the
// national admin the audit log.
func TestClinicNavigation(t *testing.T) {
	a := apptest.Start(t)
	a.User("dinas@nav.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	a.User("guru@nav.test", account.RoleGuru, account.Scope{})
	a.User("admin@nav.test", account.RoleAdmin, account.Scope{})
	for _, tc := range []struct {
		email       string
		want, avoid []string
	}{
		{"dinas@nav.test", []string{`href="/staf/klinik"`}, []string{`href="/admin/audit"`}},
		{"guru@nav.test", []string{`href="/klinik"`}, []string{`href="/staf/klinik"`, `href="/admin/audit"`}},
		{"admin@nav.test", []string{`href="/staf/klinik"`, `href="/admin/audit"`}, nil},
	} {
		nav := navOf(t, a.SignIn(tc.email).Get("/akun/sandi").Body)
		for _, w := range tc.want {
			if !strings.Contains(nav, w) {
				t.Errorf("%s: nav lacks %s", tc.email, w)
			}
		}
		for _, w := range tc.avoid {
			if strings.Contains(nav, w) {
				t.Errorf("%s: nav has %s", tc.email, w)
			}
		}
	}
	if body := a.SignIn("guru@nav.test").Get("/klinik").Body; !strings.Contains(body, `href="/klinik/saya"`) {
		t.Error("clinic list: no link to the teacher's registrations")
	}
	if body := a.Anonymous().Get("/klinik").Body; strings.Contains(body, `href="/klinik/saya"`) {
		t.Error("clinic list: anonymous visitor offered 'my registrations'")
	}
}
