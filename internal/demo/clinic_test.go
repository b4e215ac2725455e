package demo_test

import (
	"context"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/demo"
	"penggerak/internal/testdb"
)

// TestSeedClinics: the demo clinics of OKU (100 seats) and Kalimantan Tengah (150 seats, three
// days) are created once, published, whatever seeding is repeated.
func TestSeedClinics(t *testing.T) {
	t.Parallel()
	db, _ := testdb.New(t)
	ctx := context.Background()
	for range 2 {
		if err := demo.Seed(ctx, db, account.TestParams); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(ctx, `SELECT c.capacity, c.status, coalesce(c.regency_code, c.province_code),
		(SELECT count(DISTINCT (s.starts_at AT TIME ZONE 'Asia/Jakarta')::date) FROM clinic_sessions s WHERE s.clinic_id = c.id)
		FROM clinics c ORDER BY c.capacity`)
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		Capacity int
		Status   string
		Region   string
		Days     int
	}
	var got []ev
	for rows.Next() {
		var e ev
		if err := rows.Scan(&e.Capacity, &e.Status, &e.Region, &e.Days); err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	want := []ev{{100, "published", "16.01", 1}, {150, "published", "62", 3}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("demo clinics %+v, want %+v", got, want)
	}
}
