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

// TestReportDashboardFitsPhoneAndDesktop opens a cohort's dashboard as the national admin on a
// 390 px phone and a 1280 px screen: every chart is drawn inside its card, the page does not
// scroll sideways, and an export downloads through the signed-in browser.
func TestReportDashboardFitsPhoneAndDesktop(t *testing.T) {
	a := apptest.Start(t)
	seed := reporttest.Seed(t, a.DB, reporttest.Options{N: 300, Regencies: []string{"16.01", "16.71", "36.73", "36.01", "62.71"}, Quota: 5, Published: true})
	a.User("admin-b@x.test", account.RoleAdmin, account.Scope{})
	for name, opts := range map[string][]browsertest.Option{"phone": {browsertest.Phone()}, "desktop": nil} {
		t.Run(name, func(t *testing.T) {
			b := browsertest.New(t, opts...)
			b.Visit(a.URL + "/masuk")
			b.Fill("#email", "admin-b@x.test")
			b.Fill("#password", apptest.Password)
			b.Click(`form[action="/masuk"] button[type=submit]`)
			b.Visit(a.URL + "/laporan")
			b.Click(fmt.Sprintf(`a[href="/laporan/angkatan/%d"]`, seed.Cohort))
			b.MustSee("Corong rekrutmen", "Kuota dan lulus per kabupaten/kota", "Kota Serang")
			width := b.Eval(`String(window.innerWidth)`)
			got := b.Eval(overflowJS)
			t.Logf("%s (%s px): %s", name, width, got)
			if !strings.Contains(got, `"bad":[]`) || strings.Contains(got, `"svgs":0`) {
				t.Errorf("%s: elements outside their card: %s", name, got)
			}
			b.Screenshot("report-dashboard-" + name)
			// Download the cohort's applications as CSV with the browser's session.
			res := b.Eval(fmt.Sprintf(`(function () { var x = new XMLHttpRequest(); x.open('GET', '/ekspor/lamaran?format=csv&angkatan=%d', false); x.send();
				return x.status + ' ' + x.getResponseHeader('Content-Disposition') + ' ' + x.responseText.split('\n').length; })()`, seed.Cohort))
			if !strings.HasPrefix(res, "200 attachment; filename=\"lamaran-") || !strings.HasSuffix(res, " 302") {
				t.Errorf("export download: %s", res)
			}
		})
	}
}
