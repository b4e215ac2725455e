package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// The authorization matrix: every route × every actor → expected status. Each feature's test
// file adds its rows with addRoutes in an init function. TestAuthorizationMatrix fails when a
// route exists without a row, so a new route cannot ship without deciding who may use it.

// actors are the signed-out visitor and one user per role. Regional actors are scoped so that
// IDOR rows can place objects outside their region: dinas holds Kota Serang (36.73), bgp holds
// Sumatera Selatan (16), asesor/pengajar_praktik/fasilitator hold Sumatera Selatan too.
var actors = []string{"anon", "guru", "asesor", "pengajar_praktik", "fasilitator", "dinas", "bgp", "admin"}

var actorScopes = map[string]account.Scope{
	"asesor":           {ProvinceCode: "16"},
	"pengajar_praktik": {ProvinceCode: "16", RegencyCode: "16.01"},
	"fasilitator":      {ProvinceCode: "16"},
	"dinas":            {ProvinceCode: "36", RegencyCode: "36.73"},
	"bgp":              {ProvinceCode: "16"},
}

// fixture is the shared app of the matrix, with one signed-in client per actor.
type fixture struct {
	App     *apptest.App
	Users   map[string]account.User
	Clients map[string]*apptest.Client
	// Data lets feature rows share objects they create (keyed by the feature's own names).
	Data map[string]any
}

// routeCase is one row of the matrix.
type routeCase struct {
	Method  string
	Pattern string
	// Path gives the concrete path to request (default: Pattern). It may create objects.
	Path func(f *fixture) string
	// Form is the body of a POST (default: empty).
	Form func(f *fixture) url.Values
	// Want is the expected status per actor.
	Want map[string]int
	// Variant names a second row of the same route (another object or form: an IDOR row, an
	// unconfirmed form); rows of one route must differ by Variant.
	Variant string
}

var matrix []routeCase

func addRoutes(rs ...routeCase) { matrix = append(matrix, rs...) }

// everyone: every actor, signed in or not, gets status.
func everyone(status int) map[string]int {
	m := map[string]int{}
	for _, a := range actors {
		m[a] = status
	}
	return m
}

// signedIn: signed-out visitors are sent to sign in (303); every signed-in actor gets status.
func signedIn(status int) map[string]int {
	m := everyone(status)
	m["anon"] = http.StatusSeeOther
	return m
}

// only: the listed roles get status, other signed-in actors 403, signed-out 303.
func only(status int, roles ...string) map[string]int {
	m := signedIn(http.StatusForbidden)
	for _, r := range roles {
		m[r] = status
	}
	return m
}

// with returns m changed for some actors: with(m, "dinas", 404, "bgp", 200).
func with(m map[string]int, pairs ...any) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		out[pairs[i].(string)] = pairs[i+1].(int)
	}
	return out
}

func newFixture(t *testing.T) *fixture {
	a := apptest.Start(t)
	f := &fixture{App: a, Users: map[string]account.User{}, Clients: map[string]*apptest.Client{}, Data: map[string]any{}}
	f.Clients["anon"] = a.Anonymous()
	for _, actor := range actors[1:] {
		email := actor + "@matrix.test"
		f.Users[actor] = a.User(email, account.Role(actor), actorScopes[actor])
		f.Clients[actor] = a.SignIn(email)
	}
	return f
}

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/healthz", Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/readyz", Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/static/*", Path: func(*fixture) string { return "/static/app.css" }, Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/", Want: everyone(200)},
		routeCase{Method: "GET", Pattern: "/tentang-data", Want: everyone(200)},
		routeCase{Method: "POST", Pattern: "/bahasa", Form: func(*fixture) url.Values { return url.Values{"lang": {"id"}} }, Want: everyone(303)},
		routeCase{Method: "GET", Pattern: "/masuk", Want: with(signedIn(303), "anon", 200)},
		// A wrong password for an unknown email: 401 for everyone (the form is public).
		routeCase{Method: "POST", Pattern: "/masuk", Form: func(f *fixture) url.Values {
			n, _ := f.Data["signin.n"].(int)
			f.Data["signin.n"] = n + 1
			return url.Values{"email": {fmt.Sprintf("nobody%d@matrix.test", n)}, "password": {"salah-sekali"}}
		}, Want: everyone(401)},
		routeCase{Method: "GET", Pattern: "/dasbor", Want: signedIn(200)},
		// Signing out is tested last for each client (see below), so it is not run here.
	)
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	have := map[string]bool{"POST /keluar": true} // run last, below, as it ends each session
	for _, rc := range matrix {
		key := rc.Method + " " + rc.Pattern
		if have[key+" "+rc.Variant] && key != "POST /keluar" {
			t.Errorf("route %s has two matrix rows (variant %q)", key, rc.Variant)
		}
		have[key+" "+rc.Variant], have[key] = true, true
	}
	var missing []string
	for _, r := range f.App.Server.Routes() {
		if !have[r] {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("route %s has no row in the authorization matrix", m)
	}
	for _, rc := range matrix {
		for _, actor := range actors {
			want, ok := rc.Want[actor]
			if !ok {
				t.Errorf("%s %s: no expectation for %s", rc.Method, rc.Pattern, actor)
				continue
			}
			name := fmt.Sprintf("%s %s %s as %s", rc.Method, rc.Pattern, rc.Variant, actor)
			path := rc.Pattern
			if rc.Path != nil {
				path = rc.Path(f)
			}
			c := f.Clients[actor]
			var res apptest.Response
			switch rc.Method {
			case "GET":
				res = c.Get(path)
			case "POST":
				form := url.Values{}
				if rc.Form != nil {
					form = rc.Form(f)
				}
				res = c.PostForm(path, form)
			default:
				t.Fatalf("%s: method not supported by the matrix", name)
			}
			if res.Status != want {
				t.Errorf("%s (%s): status %d, want %d", name, path, res.Status, want)
			}
			if want == http.StatusSeeOther && actor == "anon" && rc.Want["admin"] != http.StatusSeeOther {
				if loc := res.Location; len(loc) < 6 || loc[:6] != "/masuk" {
					t.Errorf("%s: redirected to %q, want the sign-in page", name, loc)
				}
			}
		}
	}
	// POST /keluar, last for each client: everyone is sent on (303) and afterwards nobody is
	// signed in.
	for _, actor := range actors {
		c := f.Clients[actor]
		if res := c.PostForm("/keluar", nil); res.Status != http.StatusSeeOther {
			t.Errorf("POST /keluar as %s: status %d, want 303", actor, res.Status)
		}
		if res := c.Get("/dasbor"); res.Status != http.StatusSeeOther || len(res.Location) < 6 || res.Location[:6] != "/masuk" {
			t.Errorf("after POST /keluar as %s: /dasbor gives %d %q, want the sign-in page", actor, res.Status, res.Location)
		}
	}
}
