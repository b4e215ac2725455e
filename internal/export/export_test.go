package export_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/xuri/excelize/v2"

	"penggerak/internal/apptest"
	"penggerak/internal/export"
	"penggerak/internal/testdb"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+62": "'+62", "-1": "'-1", "@x": "'@x",
		"\tx": "'\tx", "\rx": "'\rx", "Siti": "Siti", "": ""} {
		if got := export.Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]export.Format{"": export.XLSX, "xlsx": export.XLSX, ".CSV": export.CSV} {
		if got, ok := export.ParseFormat(in); !ok || got != want {
			t.Errorf("ParseFormat(%q) = %q %v", in, got, ok)
		}
	}
	if _, ok := export.ParseFormat("pdf"); ok {
		t.Error("pdf accepted")
	}
}

var when = time.Date(2026, 4, 26, 9, 30, 0, 0, time.UTC)

func write(t *testing.T, f export.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := export.New(f, &buf, "Daftar")
	if err != nil {
		t.Fatal(err)
	}
	s := "ditunjuk"
	if err := w.Header([]string{"No", "Nama", "Nilai", "Waktu", "Catatan", "Lulus"}); err != nil {
		t.Fatal(err)
	}
	for _, row := range [][]any{
		{1, "=HYPERLINK(\"http://x\")", 87.5, when, &s, true},
		{2, "Siti; Aminah", 60.25, (*time.Time)(nil), export.Plain("-"), false},
	} {
		if err := w.Row(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSXReadBack(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(write(t, export.XLSX)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Daftar")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"No", "Nama", "Nilai", "Waktu", "Catatan", "Lulus"},
		{"1", "'=HYPERLINK(\"http://x\")", "87.5", "2026-04-26 09:30", "ditunjuk", "ya"},
		{"2", "Siti; Aminah", "60.25", "", "-", "tidak"},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Errorf("rows\n%q\nwant\n%q", rows, want)
	}
	// Numbers are numbers, not text.
	if typ, _ := f.GetCellType("Daftar", "C2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("C2 is stored as text (%v)", typ)
	}
}

func TestCSV(t *testing.T) {
	got := string(write(t, export.CSV))
	want := "\xEF\xBB\xBFNo;Nama;Nilai;Waktu;Catatan;Lulus\n" +
		"1;\"'=HYPERLINK(\"\"http://x\"\")\";87,5;2026-04-26 09:30;ditunjuk;ya\n" +
		"2;\"Siti; Aminah\";60,25;;-;tidak\n"
	if got != want {
		t.Errorf("csv\n%q\nwant\n%q", got, want)
	}
}

// TestStreamFromQuery streams a query's rows into both formats and reads them back.
func TestStreamFromQuery(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	for _, f := range []export.Format{export.XLSX, export.CSV} {
		var buf bytes.Buffer
		w, _ := export.New(f, &buf, "Data")
		_ = w.Header([]string{"No", "Nama"})
		rows, _ := db.Query(context.Background(), `SELECT g, CASE WHEN g = 3 THEN '=1+1' ELSE 'Guru ' || g END FROM generate_series(1, 1000) g`)
		n, err := export.Stream(rows, w, export.Values)
		if err == nil {
			err = w.Close()
		}
		if err != nil || n != 1000 {
			t.Fatalf("%s: %d rows, %v", f, n, err)
		}
		if f == export.XLSX {
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			all, _ := x.GetRows("Data")
			if len(all) != 1001 || all[3][1] != "'=1+1" || all[1000][0] != "1000" {
				t.Errorf("xlsx: %d rows, row 3 %q", len(all), all[3])
			}
		} else if !strings.Contains(buf.String(), "\n3;'=1+1\n") || strings.Count(buf.String(), "\n") != 1001 {
			t.Errorf("csv: %q…", buf.String()[:80])
		}
	}
}

// BenchmarkStream250k exports 250,000 rows of 10 columns (an application list's shape) from a
// PostgreSQL query, as XLSX and as CSV, to io.Discard, and reports the peak heap growth while
// it runs (peak-MiB) and the output size.
func BenchmarkStream250k(b *testing.B) {
	db, _ := testdb.New(b)
	const q = `SELECT g AS no, 'B-2026-' || lpad(g::text, 7, '0'), 'Calon Guru Penggerak ' || g, '3201••••••••' || lpad((g % 10000)::text, 4, '0'),
		'SD Negeri ' || (g % 900) || ' Kabupaten Contoh', lpad((10000000 + g % 90000)::text, 8, '0'), 'SD', 'verval_passed',
		now() - g * interval '1 second', (g % 10000) / 100.0
		FROM generate_series(1, 250000) g`
	for _, f := range []export.Format{export.XLSX, export.CSV} {
		b.Run(string(f), func(b *testing.B) {
			var peak uint64
			var size int64
			for b.Loop() {
				p := apptest.PeakHeap(func() {
					cw := &countWriter{}
					w, err := export.New(f, cw, "Lamaran")
					if err != nil {
						b.Fatal(err)
					}
					_ = w.Header([]string{"No", "Nomor", "Nama", "NIK", "Sekolah", "NPSN", "Jenjang", "Status", "Dikirim", "Nilai"})
					n, err := export.StreamQuery(context.Background(), db, w, export.Values, q)
					if err == nil {
						err = w.Close()
					}
					if err != nil || n != 250000 {
						b.Fatalf("%d rows: %v", n, err)
					}
					size = cw.n
				})
				peak = max(peak, p)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(size)/(1<<20), "file-MiB")
		})
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)
var _ = pgx.ErrNoRows
