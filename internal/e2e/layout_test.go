package e2e

import (
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// outsideCards lists the elements drawn outside their dashboard card (a figure pushed out by
// a long label, say).
const outsideCards = `(function(){var out=[];document.querySelectorAll(".card").forEach(function(c){
  var r=c.getBoundingClientRect();c.querySelectorAll("*").forEach(function(e){var b=e.getBoundingClientRect();
  if(b.width>0&&(b.right>r.right+1||b.left<r.left-1))out.push(e.tagName+":"+(e.textContent||"").trim().slice(0,30));});});
  return out.join(" | ");})()`

// Staff pages fit a 320 px phone (tables scroll inside their region, the page never sideways),
// and the dashboard cards keep their figures inside at desktop widths.
func TestStaffPagesFit(t *testing.T) {
	a := apptest.Start(t)
	a.User("admin@layout.test", account.RoleAdmin, account.Scope{})
	a.User("dinas@layout.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("bgp@layout.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	for _, width := range []int64{1024, 1440} {
		b := browsertest.New(t, browsertest.Size(width, 900))
		for _, who := range []string{"admin", "dinas", "bgp"} {
			signIn(b, a, who+"@layout.test")
			b.Visit(a.URL + "/dasbor")
			if out := b.Eval(outsideCards); out != "" {
				t.Errorf("%s at %d px: drawn outside their card: %s", who, width, out)
			}
			b.Click(`form[action="/keluar"] button`)
		}
	}
	b := browsertest.New(t, browsertest.Size(320, 640))
	signIn(b, a, "admin@layout.test")
	for _, p := range []string{"/dasbor", "/wilayah", "/wilayah/16.01", "/admin/pengguna", "/admin/sekolah", "/admin/angkatan", "/admin/audit", "/staf/klinik", "/pantau/lamaran", "/admin/seleksi", "/seleksi/hasil"} {
		b.Visit(a.URL + p)
		if w := b.Eval(`String(document.documentElement.scrollWidth)`); w != "320" {
			t.Errorf("%s is %s px wide on a 320 px screen", p, w)
		}
		if n := b.Eval(`String(document.querySelectorAll(".table-wrap:not([tabindex='0'])").length)`); n != "0" {
			t.Errorf("%s: %s scroll regions out of keyboard reach", p, n)
		}
	}
}
