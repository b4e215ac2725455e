package cohort

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// SECURITY.md 14: a targets workbook is read with an unzip limit, so a small upload that
// inflates to tens of MiB (a "zip bomb") is refused instead of being expanded in memory.
func TestReadXLSXRefusesZipBomb(t *testing.T) {
	x := excelize.NewFile()
	_ = x.SetSheetRow("Sheet1", "A1", &[]any{"kode", "kuota"})
	_ = x.SetSheetRow("Sheet1", "A2", &[]any{"16.01", 10})
	var plain bytes.Buffer
	if err := x.Write(&plain); err != nil {
		t.Fatal(err)
	}
	rows, err := ReadXLSX(plain.Bytes())
	if err != nil || len(rows) != 2 || rows[1][0] != "16.01" {
		t.Fatalf("ordinary workbook: %v %v", rows, err)
	}
	// Read by content: a workbook named .csv is still a workbook, a CSV named .xlsx is not.
	if rows, err := ReadFile("sasaran.csv", plain.Bytes()); err != nil || len(rows) != 2 || rows[1][1] != "10" {
		t.Fatalf("workbook named .csv: %v %v", rows, err)
	}
	if rows, err := ReadFile("sasaran.CSV", []byte("kode,kuota\n16.01,10\n")); err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %v", rows, err)
	}

	// The same workbook with 24 MiB of zeros added (about 25 KiB compressed).
	zr, err := zip.NewReader(bytes.NewReader(plain.Bytes()), int64(plain.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(w, rc)
		rc.Close()
	}
	w, err := zw.Create("xl/media/pad.bin")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(make([]byte, 24<<20))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if bomb.Len() > 2<<20 {
		t.Fatalf("the test file is %d bytes, over the 2 MiB upload limit", bomb.Len())
	}
	if rows, err := ReadXLSX(bomb.Bytes()); err == nil {
		t.Errorf("a workbook inflating to 24 MiB was read (%d rows)", len(rows))
	}
}
