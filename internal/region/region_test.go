package region_test

import (
	"context"
	"testing"

	"penggerak/internal/region"
	"penggerak/internal/testdb"
)

func TestLoadedRegions(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	s := region.NewStore(db)
	provs, err := s.Provinces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(provs) != 38 {
		t.Fatalf("provinces = %d, want 38", len(provs))
	}
	regs, err := s.Regencies(ctx, "")
	if err != nil || len(regs) != 514 {
		t.Fatalf("regencies = %d (%v), want 514", len(regs), err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM districts`).Scan(&n); err != nil || n != 7285 {
		t.Fatalf("districts = %d (%v), want 7285", n, err)
	}
	oku, err := s.Regency(ctx, "16.01")
	if err != nil || oku.Name != "Kabupaten Ogan Komering Ulu" || oku.IsKota() {
		t.Fatalf("16.01 = %+v, %v", oku, err)
	}
	serang, _ := s.Regency(ctx, "36.73")
	if !serang.IsKota() {
		t.Errorf("Kota Serang should be a kota")
	}
	// Load is idempotent.
	if err := region.Load(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM provinces`).Scan(&n); err != nil || n != 38 {
		t.Fatalf("after second load provinces = %d", n)
	}
}

func TestTimezone(t *testing.T) {
	for code, want := range map[string]string{"16": "WIB", "62": "WIB", "64": "WITA", "51": "WITA", "81": "WIT", "94": "WIT", "36": "WIB"} {
		if got := region.Timezone(code); got != want {
			t.Errorf("Timezone(%s) = %s, want %s", code, got, want)
		}
	}
}
