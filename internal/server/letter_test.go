package server_test

import (
	"strings"
	"testing"

	"penggerak/internal/server"
	"penggerak/web/i18n"
)

// Selection mails come from the catalogues, with the stage and outcome in the recipient's language.
func TestLetterUsesCatalogues(t *testing.T) {
	l := server.NewLetter(i18n.MustLoad(), "https://penggerak.test")
	en := l("en", "selection.mail.published", map[string]any{"Name": "Dewi", "Outcome": "cadangan"})
	id := l("id", "selection.mail.appeal_upheld", map[string]any{"Name": "Dewi", "Number": 7, "Stage": "tahap1", "Reason": "Diulang."})
	if en.Subject != "Guru Penggerak selection result" || !strings.Contains(en.Body, "Dear Dewi") || !strings.Contains(en.Body, "https://penggerak.test/seleksi/saya") ||
		strings.Contains(en.Body, "cadangan") {
		t.Fatalf("English mail: %+v", en)
	}
	if id.Subject != "Sanggah #7 diterima: penilaian ulang" || !strings.Contains(id.Body, "Tahap 1 — CV dan esai") {
		t.Fatalf("Indonesian mail: %+v", id)
	}
}
