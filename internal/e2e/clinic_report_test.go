package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/browsertest"
)

// seedClinicReport adds a published event in Kabupaten OKU (two sessions, three invited
// schools; Ani present at both sessions and rating 4, Budi registered and absent, Citra on the
// waiting list, Dedi cancelled) and one in Kota Serang (one registrant). It returns the events'
// ids.
func seedClinicReport(t *testing.T, a *apptest.App) (oku, serang int64) {
	t.Helper()
	ctx := context.Background()
	one := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := a.DB.QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return id
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO schools (npsn, name, jenjang, status, regency_code) VALUES
		('10600001', 'SD Negeri 1 Baturaja', 'SD', 'negeri', '16.01'), ('10600002', 'SD Negeri 2 Baturaja', 'SD', 'negeri', '16.01'),
		('10600003', 'SD Negeri 3 Baturaja', 'SD', 'negeri', '16.01'), ('20600001', 'SD Negeri 1 Serang', 'SD', 'negeri', '36.73')`); err != nil {
		t.Fatal(err)
	}
	event := func(title, prov, reg string) (int64, [2]int64) {
		id := one(`INSERT INTO clinics (kind, title, organiser, province_code, regency_code, mode, venue, capacity, jenjang, registration_opens, registration_closes, status)
			VALUES ('coaching_clinic', $1, 'Dinas Pendidikan', $2, $3, 'offline', 'Aula Dinas', 100, '{SD}', now() - interval '9 days', now() - interval '3 days', 'published') RETURNING id`, title, prov, reg)
		var s [2]int64
		for i := range s {
			s[i] = one(`INSERT INTO clinic_sessions (clinic_id, starts_at, ends_at) VALUES ($1, now() - ($2 || ' days')::interval, now() - ($2 || ' days')::interval + interval '3 hours') RETURNING id`, id, fmt.Sprint(2-i))
		}
		return id, s
	}
	var okuSessions [2]int64
	oku, okuSessions = event("Coaching Clinic CGP OKU", "16", "16.01")
	serang, _ = event("Coaching Clinic CGP Serang", "36", "36.73")
	for _, npsn := range []string{"10600001", "10600002", "10600003"} {
		if _, err := a.DB.Exec(ctx, `INSERT INTO clinic_invitations (clinic_id, npsn, school_name) SELECT $1, npsn, name FROM schools WHERE npsn = $2`, oku, npsn); err != nil {
			t.Fatal(err)
		}
	}
	reg := func(c int64, name, npsn, status string) int64 {
		return one(`INSERT INTO clinic_registrations (clinic_id, name, email, npsn, school_name, jenjang, status, code, cert_code)
			SELECT $1::bigint, $2::text, lower($2) || '@guru.test', npsn, name, 'SD', $4::text, 'T' || $1::text || $2, 'Z' || $1::text || $2 FROM schools WHERE npsn = $3 RETURNING id`, c, name, npsn, status)
	}
	ani := reg(oku, "Ani", "10600001", "registered")
	reg(oku, "Budi", "10600002", "registered")
	reg(oku, "Citra", "10600002", "waiting")
	reg(oku, "Dedi", "10600003", "cancelled")
	reg(serang, "Eko", "20600001", "registered")
	for _, s := range okuSessions {
		if _, err := a.DB.Exec(ctx, `INSERT INTO clinic_attendance (registration_id, session_id, method) VALUES ($1, $2, 'list')`, ani, s); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO clinic_feedback (registration_id, rating) VALUES ($1, 4)`, ani); err != nil {
		t.Fatal(err)
	}
	return oku, serang
}

// download is what the browser got for one link of the page.
type download struct {
	Href, Status, Type, Disposition, Body string
}

// downloadLinks fetches, with the browser's session, every link of the page matching sel, and
// returns what each answered (the body decoded from base64).
func downloadLinks(t *testing.T, b *browsertest.Browser, sel string) []download {
	t.Helper()
	js := `Promise.all(Array.from(document.querySelectorAll(` + "`" + sel + "`" + `)).map(async a => {
		const r = await fetch(a.getAttribute('href'));
		const buf = new Uint8Array(await r.arrayBuffer());
		let bin = ''; for (const c of buf) bin += String.fromCharCode(c);
		return {Href: a.getAttribute('href'), Status: String(r.status), Type: r.headers.get('Content-Type') || '',
			Disposition: r.headers.get('Content-Disposition') || '', Body: btoa(bin)};
	})).then(x => JSON.stringify(x))`
	raw, err := chromedp.Run(b.Ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch the downloads: %v", err)
	}
	var out []download
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		body, err := base64.StdEncoding.DecodeString(out[i].Body)
		if err != nil {
			t.Fatal(err)
		}
		out[i].Body = string(body)
	}
	return out
}

// TestClinicReportPageAndDownloads (issue 13): the Dinas of OKU, the BGP of Sumatera Selatan
// and the national admin open the clinic report on a 390 px phone and a 1280 px screen: the
// figures of their region are shown (never another region's event to the Dinas and the BGP),
// each chart has its table with the same numbers, nothing is drawn outside its card, axe-core
// finds no serious violation, and each event's registrant and attendance links download a valid
// XLSX (read back) and a CSV with a BOM and `;`, with the event's participants in them.
func TestClinicReportPageAndDownloads(t *testing.T) {
	src := axeSource(t)
	a := apptest.Start(t)
	oku, serang := seedClinicReport(t, a)
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("bgp.sumsel@x.test", account.RoleBGP, account.Scope{ProvinceCode: "16"})
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	viewers := []struct {
		name, email string
		events      []int64
	}{
		{"dinas", "dinas.oku@x.test", []int64{oku}},
		{"bgp", "bgp.sumsel@x.test", []int64{oku}},
		{"admin", "admin@x.test", []int64{serang, oku}},
	}
	for _, v := range viewers {
		for size, opts := range map[string][]browsertest.Option{"phone": {browsertest.Phone()}, "desktop": {browsertest.Size(1280, 900)}} {
			t.Run(v.name+"/"+size, func(t *testing.T) {
				b := browsertest.New(t, opts...)
				signInAs(b, a, v.email)
				b.Visit(a.URL + "/laporan")
				b.Click(`main a[href="/laporan/klinik"]`)
				b.MustSee("Laporan coaching clinic", "Coaching Clinic CGP OKU")
				text := b.TextOf("main")
				if seesSerang := strings.Contains(text, "Coaching Clinic CGP Serang"); seesSerang != (v.name == "admin") {
					t.Errorf("%s sees the Serang event: %v", v.name, seesSerang)
				}
				// OKU: 2 registered, 1 present (50,0%), 2 of 3 invited schools reached (Citra's
				// waiting place counts, Dedi's cancelled one does not), 1 feedback, rating 4,0.
				row := b.TextOf(fmt.Sprintf(`main > .table-wrap tr:has(a[href="/staf/klinik/%d"])`, oku))
				for _, want := range []string{"2", "1", "50,0%", "2 / 3", "4,0"} {
					if !strings.Contains(row, want) {
						t.Errorf("the OKU row %q lacks %q", row, want)
					}
				}
				// Each chart is an SVG with its table, the table holding the chart's numbers.
				charts := b.Eval(`JSON.stringify(Array.from(document.querySelectorAll('.report-grid figure.chart')).map(f =>
					[f.querySelectorAll('svg[role=img]').length, f.querySelectorAll('table').length,
					 Array.from(f.querySelectorAll('tbody tr')).map(r => r.innerText.replace(/\s+/g, ' ').trim()).join('|')]))`)
				wantCharts := `[[1,1,"Coaching Clinic CGP OKU 50%"],[1,1,"Coaching Clinic CGP OKU 3 2"]]`
				if v.name == "admin" {
					wantCharts = `[[1,1,"Coaching Clinic CGP Serang 0%|Coaching Clinic CGP OKU 50%"],[1,1,"Coaching Clinic CGP Serang 0 0|Coaching Clinic CGP OKU 3 2"]]`
				}
				if charts != wantCharts {
					t.Errorf("charts %s, want %s", charts, wantCharts)
				}
				if got := b.Eval(overflowJS); !strings.Contains(got, `"bad":[]`) || !strings.Contains(got, `"svgs":2`) {
					t.Errorf("elements outside their card: %s", got)
				}
				for _, bad := range axeCheck(t, b, src) {
					t.Errorf("axe: %s [%s %s] at %v", bad.Help, bad.Impact, bad.ID, bad.Nodes)
				}
				b.Screenshot("clinic-report-" + v.name + "-" + size)

				// The downloads: four per event, each answering a file that reads back.
				got := downloadLinks(t, b, `main > .table-wrap a[download]`)
				if len(got) != 4*len(v.events) {
					t.Fatalf("%d download links, want %d", len(got), 4*len(v.events))
				}
				for i, d := range got {
					event := v.events[i/4]
					if !strings.HasPrefix(d.Href, fmt.Sprintf("/staf/klinik/%d/", event)) {
						t.Errorf("link %d: %s, want one of event %d", i, d.Href, event)
					}
					if d.Status != "200" || !strings.HasPrefix(d.Disposition, "attachment;") {
						t.Errorf("%s: %s %q", d.Href, d.Status, d.Disposition)
						continue
					}
					names := []string{"Ani", "Budi", "Citra"}
					if event == serang {
						names = []string{"Eko"}
					}
					var rows [][]string
					if strings.HasSuffix(d.Href, ".xlsx") {
						f, err := excelize.OpenReader(bytes.NewReader([]byte(d.Body)))
						if err != nil {
							t.Errorf("%s: not an XLSX: %v", d.Href, err)
							continue
						}
						rows, _ = f.GetRows(f.GetSheetName(0))
					} else {
						if !strings.HasPrefix(d.Body, "\xEF\xBB\xBFNo;Nama;Sekolah;NPSN") || !strings.HasPrefix(d.Type, "text/csv") {
							t.Errorf("%s: CSV without BOM or `;` header (%s): %.80q", d.Href, d.Type, d.Body)
						}
						for _, line := range strings.Split(strings.TrimSpace(strings.TrimPrefix(d.Body, "\xEF\xBB\xBF")), "\n") {
							rows = append(rows, strings.Split(strings.TrimRight(line, "\r"), ";"))
						}
					}
					if strings.Contains(d.Href, "/peserta.") && event == oku {
						names = append(names, "Dedi") // the registrant list keeps cancelled rows
					}
					if len(rows) != len(names)+1 {
						t.Errorf("%s: %d rows, want %d: %q", d.Href, len(rows), len(names)+1, rows)
						continue
					}
					for j, n := range names {
						if len(rows[j+1]) < 6 || rows[j+1][1] != n {
							t.Errorf("%s row %d: %q, want %s", d.Href, j+1, rows[j+1], n)
						}
					}
					if strings.Contains(d.Href, "/presensi.") && event == oku && (rows[1][6] != "Hadir" || rows[1][7] != "Hadir" || rows[2][6] != "-") {
						t.Errorf("%s: attendance %q", d.Href, rows)
					}
				}
			})
		}
	}
}
