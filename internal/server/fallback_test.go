package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

var routeParam = regexp.MustCompile(`\{[^}]+\}`)

// TestNoPostAddressGives405: every address a form posts to answers GET, so that a refused form
// (shown at the URL it was posted to) can be reloaded or reopened from the history: it goes to
// the page the form lives on (303), never to a 405 page. Walks every POST route of the router.
func TestNoPostAddressGives405(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@x.test", account.RoleAdmin, account.Scope{})
	admin := a.SignIn("admin@x.test")
	gets := map[string]bool{}
	var posts []string
	for _, r := range a.Server.Routes() {
		method, pattern, _ := strings.Cut(r, " ")
		switch method {
		case http.MethodGet:
			gets[pattern] = true
		case http.MethodPost:
			posts = append(posts, pattern)
		}
	}
	checked := 0
	for _, pattern := range posts {
		if gets[pattern] {
			continue
		}
		path := routeParam.ReplaceAllString(pattern, "1")
		res := admin.Get(path)
		if res.Status == http.StatusMethodNotAllowed {
			t.Errorf("GET %s (POST %s): 405", path, pattern)
			continue
		}
		// 303 to the form's page; a GET route of the same shape (GET /lamaran/{id}/{step}) may
		// answer 404 for the made-up id 1.
		if (res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Location, "/")) && res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d to %q, want 303 to a parent page", path, res.Status, res.Location)
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d POST-only routes checked", checked)
	}
	t.Logf("%d POST-only addresses answer GET with a redirect to their page", checked)
	for _, step := range []string{"kirim", "tarik"} {
		if res := admin.Get("/lamaran/1/" + step); res.Status != http.StatusSeeOther || res.Location != "/lamaran/1/tinjau" {
			t.Errorf("GET /lamaran/1/%s: %d %q, want the review step", step, res.Status, res.Location)
		}
	}
	// The example of the issue: a refused document upload, then the address bar reloaded.
	if res := admin.Get("/lamaran/1/dokumen/1?x=1"); res.Status != http.StatusSeeOther || res.Location != "/lamaran/1/dokumen?x=1" {
		t.Errorf("document upload address: %d %q", res.Status, res.Location)
	}
}
