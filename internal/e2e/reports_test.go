package e2e

import (
	"fmt"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
	"penggerak/internal/report/reporttest"
)

// overflowJS lists every element drawn outside its dashboard card (more than 1 px), and a
// page wider than the window. Tables sit in scrolling wrappers: the wrapper must fit, what it
// scrolls is clipped by it.
const overflowJS = `(function () {
	var bad = [];
	if (document.documentElement.scrollWidth > window.innerWidth + 1) bad.push('page ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
	document.querySelectorAll('.report-grid > .card').forEach(function (card, i) {
		var c = card.getBoundingClientRect();
		card.querySelectorAll('*').forEach(function (el) {
			if (el.closest('.table-wrap') && !el.classList.contains('table-wrap')) return;
			var r = el.getBoundingClientRect();
			if (r.width === 0 && r.height === 0) return;
			if (r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1)
				bad.push('card ' + i + ' ' + el.tagName + '.' + el.getAttribute('class') + ' ' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' + Math.round(c.left) + '..' + Math.round(c.right));
		});
	});
	return JSON.stringify({cards: document.querySelectorAll('.report-grid > .card').length, svgs: document.querySelectorAll('.report-grid svg').length, bad: bad.slice(0, 10)});
})()`

// TestReportDashboardFitsPhoneAndDesktop opens the cohort's dashboard as each role that has one
// — the national admin, the BGP of Sumatera Selatan and the Dinas of Kota Serang — and the
// assessor analytics, on a 390 px phone and a 1280 px screen: every chart is drawn inside its
// card, the page does not scroll sideways, each role reads only its own regions, and an
// export downloads through the signed-in browser.
func TestReportDashboardFitsPhoneAndDesktop(t *testing.T) {
	a := apptest.Start(t)
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 300, Regencies: []string{"16.01", "16.71", "36.73", "36.01", "62.71"}, Quota: 5, Published: true})
	a.User("admin-b@x.test", account.RoleAdmin, account.Scope{})
	a.User("bgp-b@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("dinas-b@x.test", account.RoleDinas, account.Scope{ProvinceCode: "36", RegencyCode: "36.73"})
	dashboard := fmt.Sprintf("/laporan/angkatan/%d", seed.Cohort)
	viewers := []struct {
		name, email string
		pages       []string
		sees        []string
		notSees     []string
	}{
		{"admin", "admin-b@x.test", []string{dashboard, fmt.Sprintf("/laporan/asesor?angkatan=%d", seed.Cohort)},
			[]string{"Corong rekrutmen", "Kuota dan lulus per kabupaten/kota", "Kota Serang"}, nil},
		{"bgp", "bgp-b@x.test", []string{dashboard}, []string{"Corong rekrutmen", "Kota Palembang"}, []string{"Kota Serang", "Kota Palangkaraya"}},
		{"dinas", "dinas-b@x.test", []string{dashboard}, []string{"Corong rekrutmen", "Kota Serang"}, []string{"Kota Palembang", "Kota Palangkaraya"}},
	}
	for _, v := range viewers {
		for name, opts := range map[string][]browsertest.Option{"phone": {browsertest.Phone()}, "desktop": nil} {
			t.Run(v.name+"/"+name, func(t *testing.T) {
				b := browsertest.New(t, opts...)
				signIn(b, a, v.email)
				b.Visit(a.URL + "/laporan")
				b.Click(`a[href="` + dashboard + `"]`)
				b.MustSee(v.sees...)
				if len(v.notSees) > 0 {
					text := b.Eval(`document.querySelector('main').innerText`)
					for _, no := range v.notSees {
						if strings.Contains(text, no) {
							t.Errorf("%s sees %q on the dashboard", v.name, no)
						}
					}
				}
				for _, page := range v.pages {
					b.Visit(a.URL + page)
					width := b.Eval(`String(window.innerWidth)`)
					got := b.Eval(overflowJS)
					t.Logf("%s %s (%s px): %s", page, name, width, got)
					if !strings.Contains(got, `"bad":[]`) || strings.Contains(got, `"svgs":0`) {
						t.Errorf("%s %s: elements outside their card: %s", page, name, got)
					}
				}
				b.Screenshot("report-dashboard-" + v.name + "-" + name)
				if v.name != "admin" {
					return
				}
				// Download the cohort's applications as CSV with the browser's session.
				res := b.Eval(fmt.Sprintf(`(function () { var x = new XMLHttpRequest(); x.open('GET', '/ekspor/lamaran?format=csv&angkatan=%d', false); x.send();
					return x.status + ' ' + x.getResponseHeader('Content-Disposition') + ' ' + x.responseText.split('\n').length; })()`, seed.Cohort))
				if !strings.HasPrefix(res, "200 attachment; filename=\"lamaran-") || !strings.HasSuffix(res, " 302") {
					t.Errorf("export download: %s", res)
				}
			})
		}
	}
}
