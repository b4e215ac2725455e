package school

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestValidNPSN(t *testing.T) {
	tests := []struct {
		npsn      string
		nonSchool bool
		want      bool
	}{
		{"10601001", false, true}, {"P1234567", false, false}, {"P1234567", true, true}, {"K1234567", true, true},
		{"X1234567", true, false}, {"1060100", true, false}, {"106010011", true, false}, {"1060100a", false, false}, {"", true, false},
	}
	for _, tt := range tests {
		if got := ValidNPSN(tt.npsn, tt.nonSchool); got != tt.want {
			t.Errorf("ValidNPSN(%q, %v) = %v", tt.npsn, tt.nonSchool, got)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"16.01": "16.01", "1601": "16.01", "62.1": "62.10", " 36.73 ": "36.73", "abc": "abc"} {
		if got := NormalizeRegencyCode(in); got != want {
			t.Errorf("NormalizeRegencyCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"160114": "16.01.14", "16.01.14": "16.01.14"} {
		if got := NormalizeDistrictCode(in); got != want {
			t.Errorf("NormalizeDistrictCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"TK": "PAUD", "sd": "SD", "MTs": "MTS", "SMALB": "SLB", "kuliah": ""} {
		if got := NormalizeJenjang(in); got != want {
			t.Errorf("NormalizeJenjang(%q) = %q, want %q", in, got, want)
		}
	}
}

const header = "npsn,nama,jenjang,status,kode_kabkota,kode_kecamatan,alamat,email,kepala_sekolah\n"

func TestParseFileCSV(t *testing.T) {
	comma := header + "10601001,SD Negeri 1 Baturaja Timur,SD,Negeri,16.01,16.01.14,\"Jl. Merdeka No. 1, Baturaja\",sdn1@x.id,Budi\n\n" +
		"10601002,SMP Negeri 1 OKU,SMP,negeri,1601,,,,\n"
	semicolon := "\ufeff" + strings.ReplaceAll(header, ",", ";") + "10601001;SD Negeri 1 Baturaja Timur;SD;Negeri;16.01;16.01.14;Jl. Merdeka, Baturaja;sdn1@x.id;Budi\n"
	for name, data := range map[string]string{"comma": comma, "semicolon with BOM": semicolon} {
		t.Run(name, func(t *testing.T) {
			recs, p := ParseFile("sekolah.csv", []byte(data))
			if p != nil {
				t.Fatalf("problem %+v", p)
			}
			if recs[0].Line != 2 || recs[0].Fields["npsn"] != "10601001" || recs[0].Fields["alamat"] == "" || !strings.Contains(recs[0].Fields["alamat"], "Baturaja") {
				t.Errorf("first record %+v", recs[0])
			}
			if name == "comma" && (len(recs) != 2 || recs[1].Line != 4) {
				t.Errorf("blank line skipped, line numbers kept: %+v", recs)
			}
		})
	}
}

func TestParseFileProblems(t *testing.T) {
	many := &strings.Builder{}
	many.WriteString(header)
	for i := 0; i <= MaxImportRows; i++ {
		fmt.Fprintf(many, "%08d,SD Negeri %d,SD,negeri,16.01,,,,\n", 10000000+i, i)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "school.import.err.empty"},
		{"only header", []byte(header), "school.import.err.empty"},
		{"missing columns", []byte("npsn,nama\n10601001,SD\n"), "school.import.err.columns"},
		{"latin-1", []byte(header + "10601001,SD Negeri 1 Tanjung Agung \xe9,SD,negeri,16.01,,,,\n"), "school.import.err.encoding"},
		{"too big", bytes.Repeat([]byte("x"), MaxImportBytes+1), "school.import.err.too_big"},
		{"too many rows", []byte(many.String()), "school.import.err.too_many_rows"},
		{"broken xlsx", []byte("PK\x03\x04garbage"), "school.import.err.unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, p := ParseFile("f.csv", tt.data)
			if p == nil || p.Key != tt.want {
				t.Errorf("problem %+v, want %s", p, tt.want)
			}
		})
	}
}

func TestParseFileXLSX(t *testing.T) {
	f := excelize.NewFile()
	rows := [][]any{
		{"NPSN", "Nama", "Jenjang", "Status", "Kode_KabKota", "Kode_Kecamatan"},
		{"10601001", "SD Negeri 1 Baturaja Timur", "SD", "Negeri", "16.01", "16.01.14"},
		{},
		{30271001, "SMA Negeri 2 Palangka Raya", "SMA", "negeri", 62.71, ""},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	recs, p := ParseFile("sekolah.xlsx", buf.Bytes())
	if p != nil {
		t.Fatalf("problem %+v", p)
	}
	if len(recs) != 2 || recs[1].Line != 4 || recs[1].Fields["npsn"] != "30271001" || NormalizeRegencyCode(recs[1].Fields["kode_kabkota"]) != "62.71" {
		t.Errorf("records %+v", recs)
	}
}

func TestValidate(t *testing.T) {
	ref := Reference{
		Regencies: map[string]bool{"16.01": true, "36.73": true},
		Districts: map[string]string{"16.01.14": "16.01", "36.73.01": "36.73"},
	}
	rec := func(line int, cells string) Record {
		v := strings.Split(cells, "|")
		r := Record{Line: line, Fields: map[string]string{}}
		for i, c := range ImportColumns {
			if i < len(v) {
				r.Fields[c] = v[i]
			}
		}
		return r
	}
	good := []Record{
		rec(2, "10601001|SD Negeri 1 Baturaja Timur|SD|Negeri|16.01|16.01.14|Jl. Merdeka|sdn1@demo.sch.id|Budi"),
		rec(3, "P1234567|PKBM Harapan Bangsa|PKBM|swasta|1601"),
	}
	schools, problems := Validate(good, ref)
	if len(problems) > 0 || len(schools) != 2 || schools[0].Status != "negeri" || schools[1].RegencyCode != "16.01" {
		t.Fatalf("good rows: %+v %+v", schools, problems)
	}
	tests := []struct {
		name  string
		cells string
		want  string
	}{
		{"npsn missing", "|SD Negeri 1|SD|negeri|16.01", "school.import.row.npsn_missing"},
		{"npsn bad", "1060100|SD Negeri 1|SD|negeri|16.01", "school.import.row.npsn_bad"},
		{"npsn of PKBM for SD", "P1234567|SD Negeri 1|SD|negeri|16.01", "school.import.row.npsn_jenjang"},
		{"duplicate", "10601001|SD Negeri 1 lagi|SD|negeri|16.01", "school.import.row.npsn_duplicate"},
		{"name short", "10601009|SD|SD|negeri|16.01", "school.import.row.name"},
		{"jenjang", "10601009|SD Negeri 9|Kuliah|negeri|16.01", "school.import.row.jenjang"},
		{"status", "10601009|SD Negeri 9|SD|umum|16.01", "school.import.row.status"},
		{"regency missing", "10601009|SD Negeri 9|SD|negeri|", "school.import.row.regency_missing"},
		{"regency unknown", "10601009|SD Negeri 9|SD|negeri|99.99", "school.import.row.regency_unknown"},
		{"district unknown", "10601009|SD Negeri 9|SD|negeri|16.01|16.01.99", "school.import.row.district_unknown"},
		{"district elsewhere", "10601009|SD Negeri 9|SD|negeri|16.01|36.73.01", "school.import.row.district_elsewhere"},
		{"email", "10601009|SD Negeri 9|SD|negeri|16.01||jalan|bukan-surel", "school.import.row.email"},
		{"NUL in the name", "10601009|SD Negeri\x00 9|SD|negeri|16.01", "school.import.row.bad_text"},
		{"invalid UTF-8 in the address", "10601009|SD Negeri 9|SD|negeri|16.01||Jl. \xff\xfe", "school.import.row.bad_text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			schools, problems := Validate([]Record{good[0], rec(7, tt.cells)}, ref)
			if schools != nil {
				t.Errorf("all or nothing: got %d schools", len(schools))
			}
			if len(problems) != 1 || problems[0].Key != tt.want || problems[0].Line != 7 {
				t.Errorf("problems %+v, want one %s on line 7", problems, tt.want)
			}
		})
	}
}
