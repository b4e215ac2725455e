package server_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/clinic"
)

func init() {
	// The registrant lists of the matrix's OKU event: the OKU organisers (and the BGP of the
	// province, the national admin) only; the matrix's Dinas of another region gets 404.
	staffOKU := func(status int) map[string]int { return with(only(status, "dinas", "bgp", "admin"), "dinas", 404) }
	addRoutes(
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/peserta.xlsx", Path: clinicPath("/peserta.xlsx"), Want: staffOKU(200)},
		routeCase{Method: "GET", Pattern: "/staf/klinik/{id}/peserta.csv", Path: clinicPath("/peserta.csv"), Want: staffOKU(200)},
	)
}

// TestClinicRegistrantExport (issue 13): the registrant list downloads as XLSX (read back) and
// as CSV with a BOM and `;`, every registration with its status (cancelled ones too), a name
// that looks like a formula neutralised, each download audited with its list, format and row
// count; a Dinas of another kab/kota gets 404 and no audit entry.
func TestClinicRegistrantExport(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	c := okuEvent(t, a, 1, true)
	st := clinicStore(a)
	var regs []clinic.Registration
	for i, name := range []string{"=HYPERLINK(\"http://x\")", "Budi Santoso", "Citra; Dewi"} {
		r, err := st.Register(ctx, c.ID, clinic.Registrant{Name: name, Email: fmt.Sprintf("r%d@x.test", i), NPSN: fmt.Sprintf("1060000%d", i+1)}, a.Now())
		if err != nil {
			t.Fatal(err)
		}
		regs = append(regs, r)
	}
	// Budi (waiting) cancels.
	if _, err := st.CancelRegistration(ctx, regs[1].ID); err != nil {
		t.Fatal(err)
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	a.User("dinas.oki@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.02"})
	staff := a.SignIn("dinas.oku@x.test")
	base := "/staf/klinik/" + strconv.FormatInt(c.ID, 10)

	res := staff.Get(base + "/peserta.xlsx")
	if res.Status != 200 || res.Header.Get("Cache-Control") != "no-store" || !strings.Contains(res.Header.Get("Content-Disposition"), "peserta-") {
		t.Fatalf("xlsx: %d %v", res.Status, res.Header)
	}
	f, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Peserta")
	if len(rows) != 4 || rows[0][1] != "Nama" || rows[0][5] != "Status" {
		t.Fatalf("xlsx rows %q", rows)
	}
	want := [][]string{ // registered, waiting, cancelled
		{"1", "'=HYPERLINK(\"http://x\")", "SD Negeri 1 Baturaja", "10600001", "SD", "Terdaftar"},
		{"2", "Citra; Dewi", "SD Negeri 3 Baturaja", "10600003", "SD", "Daftar tunggu", "1", "Mandiri"},
		{"3", "Budi Santoso", "SD Negeri 2 Baturaja", "10600002", "SD", "Dibatalkan"},
	}
	for i, w := range want {
		for j, cell := range w {
			if rows[i+1][j] != cell {
				t.Errorf("row %d col %d = %q, want %q (row %q)", i+1, j, rows[i+1][j], cell, rows[i+1])
			}
		}
	}
	res = staff.Get(base + "/peserta.csv")
	if !strings.HasPrefix(res.Body, "\xEF\xBB\xBFNo;Nama;Sekolah;NPSN") || !strings.Contains(res.Body, `"Citra; Dewi"`) ||
		!strings.Contains(res.Body, `'=HYPERLINK(""http://x"")`) || strings.Count(res.Body, "\n") != 4 {
		t.Errorf("csv:\n%s", res.Body)
	}
	var n int
	if err := a.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'clinic.export' AND object_id = $1
		AND detail->>'list' = 'peserta' AND (detail->>'rows')::int = 3`, strconv.FormatInt(c.ID, 10)).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit entries %d (%v), want 2", n, err)
	}
	// Another kab/kota's Dinas: the event does not exist for them, and nothing is audited.
	if res := a.SignIn("dinas.oki@x.test").Get(base + "/peserta.xlsx"); res.Status != 404 {
		t.Errorf("another region's Dinas: %d, want 404", res.Status)
	}
	if err := a.DB.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'clinic.export'`).Scan(&n); err != nil || n != 2 {
		t.Errorf("audit entries after the refused download: %d", n)
	}
}
