package cohort

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Unzip limits for a targets workbook: 1 000 rows of `kode,kuota` are far below 1 MiB
// unzipped, so anything that inflates past 16 MiB is refused rather than expanded.
const (
	maxUnzip    = 16 << 20
	maxUnzipXML = 8 << 20
)

// ReadFile reads a targets file by its content: a ZIP (XLSX) by its magic bytes or its
// .xlsx name, CSV otherwise; the uploader's file name alone does not decide.
func ReadFile(name string, b []byte) ([][]string, error) {
	if bytes.HasPrefix(b, []byte("PK\x03\x04")) || strings.EqualFold(filepath.Ext(name), ".xlsx") {
		return ReadXLSX(b)
	}
	return ReadCSV(b)
}

// ReadXLSX reads the first sheet of an XLSX file of targets.
func ReadXLSX(b []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: maxUnzipXML})
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("xlsx: no sheet")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("xlsx: %w", err)
	}
	if len(rows) > MaxImportRows+1 {
		rows = rows[:MaxImportRows+1]
	}
	return rows, nil
}
