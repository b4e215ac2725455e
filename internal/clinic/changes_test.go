package clinic

import (
	"strings"
	"testing"
	"time"
)

func TestChanges(t *testing.T) {
	start := time.Date(2026, 12, 10, 1, 0, 0, 0, time.UTC) // 08.00 WIB
	old := Clinic{Title: "Klinik", Timezone: "WIB", Mode: ModeOffline, Venue: "Aula", ContactName: "Bu Ani",
		Sessions: []Session{{ID: 1, Title: "Pembukaan", StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}}
	same := Input{Title: "Klinik", Mode: ModeOffline, Venue: "Aula", ContactName: "Bu Ani", Capacity: 99, SignatoryName: "Baru",
		Sessions: []Session{{Title: "Pembukaan", StartsAt: start, EndsAt: start.Add(2 * time.Hour)}}}
	for _, tc := range []struct {
		name string
		edit func(in *Input)
		want []string // one substring per expected line
	}{
		{"nothing for teachers", func(*Input) {}, nil},
		{"venue", func(in *Input) { in.Venue = "Aula Baru" }, []string{"Tempat: Aula Baru"}},
		{"time", func(in *Input) { in.Sessions[0].StartsAt = start.Add(time.Hour) }, []string{"Jadwal baru:\n  Kamis, 10 Desember 2026\n    09.00–10.00 WIB Pembukaan"}},
		{"title and mode", func(in *Input) { in.Title = "Klinik 2"; in.Mode = ModeOnline }, []string{"Judul: Klinik 2", "Bentuk kegiatan: Daring"}},
		{"contact", func(in *Input) { in.ContactPhone = "0812" }, []string{"Narahubung: Bu Ani 0812"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := same
			in.Sessions = append([]Session(nil), same.Sessions...)
			tc.edit(&in)
			w := words{lang: "id", cat: CatalogueForTest()}
			var got []string
			for _, ch := range Changes(old, in) {
				got = append(got, w.change(ch, old.Timezone))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %d lines", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("line %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}
