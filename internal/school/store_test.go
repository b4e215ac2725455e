package school

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"penggerak/internal/audit"
	"penggerak/internal/testdb"
)

// bigFile is an import file of n schools spread over the kecamatan of Kabupaten OKU.
func bigFile(n int) []byte {
	var b strings.Builder
	b.WriteString("npsn;nama;jenjang;status;kode_kabkota;kode_kecamatan;alamat;email;kepala_sekolah\n")
	districts := []string{"16.01.07", "16.01.08", "16.01.09", "16.01.13", "16.01.14", "16.01.20"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "%08d;SD Negeri %d Uji;SD;negeri;16.01;%s;Jl. Uji No. %d;sd%d@uji.sch.id;Kepala %d\n",
			10000000+i, i, districts[i%len(districts)], i, i, i)
	}
	return []byte(b.String())
}

func TestStoreImportSearchList(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	s := NewStore(db)
	ref, err := s.Reference(ctx)
	if err != nil || len(ref.Regencies) != 514 || len(ref.Districts) < 7000 {
		t.Fatalf("reference: %d regencies, %d districts, %v", len(ref.Regencies), len(ref.Districts), err)
	}
	data := bigFile(MaxImportRows)
	start := time.Now()
	recs, p := ParseFile("besar.csv", data)
	if p != nil {
		t.Fatal(p)
	}
	schools, problems := Validate(recs, ref)
	if len(problems) > 0 {
		t.Fatal(problems[0])
	}
	res, err := s.Upsert(ctx, audit.Actor{IP: "test"}, "besar.csv", schools)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d rows (%d KiB) in %v", res.Rows, len(data)>>10, time.Since(start))
	if res.Inserted != MaxImportRows || res.Updated != 0 {
		t.Errorf("result %+v", res)
	}
	res, err = s.Upsert(ctx, audit.Actor{IP: "test"}, "besar.csv", schools[:10])
	if err != nil || res.Inserted != 0 || res.Updated != 10 {
		t.Errorf("second import %+v %v", res, err)
	}

	found, err := s.Search(ctx, "10000012", "", "", 20)
	if err != nil || len(found) == 0 || found[0].NPSN != "10000012" || found[0].RegencyName == "" {
		t.Errorf("search by NPSN: %+v %v", found, err)
	}
	found, err = s.Search(ctx, "negeri 1234 uji", "16.01", "SD", 20)
	if err != nil || len(found) != 1 || found[0].Name != "SD Negeri 1234 Uji" {
		t.Errorf("search by name: %+v %v", found, err)
	}
	if found, _ := s.Search(ctx, "%", "", "", 20); len(found) != 0 {
		t.Errorf("a LIKE wildcard matched %d schools", len(found))
	}
	if found, _ := s.Search(ctx, "uji", "36.73", "", 20); len(found) != 0 {
		t.Errorf("search outside the kab/kota found %d", len(found))
	}

	seen := 0
	f := Filter{RegencyCode: "16.01", Jenjang: "SD", Limit: 200}
	start = time.Now()
	pages := 0
	for {
		page, err := s.List(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		seen += len(page.Schools)
		pages++
		if page.Next == "" {
			break
		}
		f.After = page.Next
	}
	t.Logf("listed %d schools in %d pages in %v", seen, pages, time.Since(start))
	if seen != MaxImportRows {
		t.Errorf("keyset pagination saw %d schools, want %d", seen, MaxImportRows)
	}
}
