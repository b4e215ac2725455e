package server_test

import (
	"net/http"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// TestSelectionResultLabelsSayWhereTheyGo: the teacher's own result and the staff list of result
// runs are two pages with two names (issue 11: "Hasil seleksi" named both).
func TestSelectionResultLabelsSayWhereTheyGo(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("guru@label.test", account.RoleGuru, account.Scope{})
	teacher := a.SignIn("guru@label.test").Get("/")
	if teacher.Status != http.StatusOK || !strings.Contains(teacher.Body, `<a href="/seleksi/saya">Hasil seleksi saya</a>`) {
		t.Fatalf("teacher navigation: %d\n%s", teacher.Status, teacher.Body)
	}
	admin := recAdminClient(t, a)
	runs := admin.Get("/seleksi/hasil")
	if runs.Status != http.StatusOK || !strings.Contains(runs.Body, "<h1>Hasil seleksi per putaran</h1>") {
		t.Fatalf("staff result runs: %d\n%s", runs.Status, runs.Body)
	}
}
