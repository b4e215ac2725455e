package training

import (
	"slices"
	"testing"
)

func TestParseProgress(t *testing.T) {
	rows := [][]string{
		{"\ufeffNUPTK", "Modul", "Status"},
		{"1234567890123456", "1", "selesai"},
		{"12345", "1", "selesai"},
		{"1234567890123456", "11", "selesai"},
		{"1234567890123456", "2", "mungkin"},
		{"", "2", "belum"},
		{"", "", ""},
	}
	got, errs := ParseProgress(rows, 10)
	if len(got) != 1 || got[0].Key != "1234567890123456" || !got[0].Done || got[0].Line != 2 {
		t.Fatalf("rows %+v", got)
	}
	want := []RowError{{3, "training.import.error.nuptk"}, {4, "training.import.error.module"}, {5, "training.import.error.status"}, {6, "training.import.error.who"}}
	if !slices.Equal(errs, want) {
		t.Fatalf("errors %v", errs)
	}
	if _, errs := ParseProgress([][]string{{"nama", "modul"}}, 10); len(errs) != 1 || errs[0].Key != "training.import.error.header" {
		t.Fatalf("header: %v", errs)
	}
	items, ok := DecodeItems(EncodeItems([]ProgressRow{{ParticipantID: 7, Module: 3, Done: true}, {ParticipantID: 8, Module: 1}}))
	if !ok || len(items) != 2 || items[0] != (ProgressItem{7, 3, true}) {
		t.Fatalf("items %v", items)
	}
	if _, ok := DecodeItems("7:x:true"); ok {
		t.Fatal("malformed items accepted")
	}
}
