package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"penggerak/internal/apptest"
)

// The bad-input probe walks the same route list as the authorization matrix and sends each
// route, as an actor allowed to use it, text fields holding a NUL byte, invalid UTF-8 and
// megabytes. Whatever the route does with them, it must never answer 500: bad input is cleaned
// or refused before it reaches PostgreSQL.

// probeKeys are the names of every form field and query parameter the handlers read.
var probeKeys = strings.Fields(`administrasi_end administrasi_start agree angkatan assessor assessor_id
	avoid_same_regency back birth_date break capacity closes closes_at code comment confirm contact_name
	contact_phone correction_days corrects criteria current_password date day_end day_start description
	district education email employment_status end excluded_roles first_day gender group_name guidance id
	jenjang kab kind lang letter_number location max_age max_chars max_mb meeting_link method min_chars
	min_years minutes mode name next nik nip note npsn npsn_list number nuptk op opens opens_at
	organisation organiser outcome override partner passing_grade password password_confirm
	pembekalan_end pembekalan_start phone pilih_npsn program_kind prompt province q quota rating reason
	reg regency regency_code region required role school_name school_slots scope score section sessions
	setelah signatory_name signatory_title simulasi_end simulasi_start start status subject submit
	threshold title to training_months venue verdict yakin year_from year_to years_teaching
	hal kode periksa provinsi sebelum sesi wilayah after kabkota peran institution position
	group_min group_max pp_cap fasilitator_cap visits_planned ack_days lokakarya_count reminder_days attendance_min_pct
	module_packages modules assessment_pass_score lk-group lk-regency lk-number lk-date lk-time lk-place`)

// probeActor is the actor the probe uses for a route: one who gets past authorization.
func probeActor(rc routeCase) string {
	for _, a := range []string{"guru", "admin", "dinas", "bgp", "asesor", "pengajar_praktik", "fasilitator", "anon"} {
		switch st := rc.Want[a]; {
		case st == http.StatusForbidden || st == http.StatusNotFound:
		case st == http.StatusSeeOther && a == "anon" && rc.Want["admin"] != http.StatusSeeOther:
		default:
			return a
		}
	}
	return ""
}

// probeActors are the actors the probe uses for a route: every one who gets past its
// authorization (the signed-out visitor too where the route is public).
func probeActors(rc routeCase) []string {
	var out []string
	for _, a := range actors {
		switch st := rc.Want[a]; {
		case st == 0 || st == http.StatusForbidden || st == http.StatusNotFound:
		case st == http.StatusSeeOther && a == "anon" && rc.Want["admin"] != http.StatusSeeOther:
		default:
			out = append(out, a)
		}
	}
	return out
}

// sourceFieldNames are the field and parameter names the code reads or the pages send: every
// `form:"…"` tag, FormValue/PostFormValue/Query().Get literal in the Go code and every
// name="…" in the templates, so a field added later is probed without being listed here.
func sourceFieldNames(t *testing.T) []string {
	t.Helper()
	patterns := []*regexp.Regexp{
		regexp.MustCompile(`form:"([^",]+)`),
		regexp.MustCompile(`(?:FormValue|PostFormValue|Query\(\)\.Get|q\.Get)\("([^"]+)"\)`),
		regexp.MustCompile(`\bname="([A-Za-z_][A-Za-z0-9_.\-\[\]]*)"`),
	}
	seen := map[string]bool{}
	for _, dir := range []string{"..", "../../web"} {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "_templ.go") ||
				!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ")) {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, re := range patterns {
				for _, m := range re.FindAllSubmatch(b, -1) {
					seen[string(m[1])] = true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range probeKeys {
		seen[k] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// multipartBody is vals as a multipart form, with a poisoned file in each file field the
// upload handlers read (CSV imports, PDFs).
func multipartBody(t *testing.T, vals url.Values, bad string) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range vals {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	content := "npsn;nama;email;wilayah;peran;nama_sekolah;jenjang;kab_kota;kuota\n10600001;" + bad + ";a" + bad + "@x.test;16.01;asesor;" + bad + ";SD;16.01;5\n"
	for _, field := range []string{"file", "pdf", "pakta"} {
		w, err := mw.CreateFormFile(field, "berkas"+bad+".csv")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(content))
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), &buf
}

// storedLong lists the text columns holding the probe's long value: a field stored without a
// bound on its length.
func storedLong(t *testing.T, f *fixture, marker string) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := f.App.DB.Query(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'ARRAY', 'json')
		AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')`)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		_ = rows.Scan(&c[0], &c[1])
		cols = append(cols, c)
	}
	rows.Close()
	var out []string
	for _, c := range cols {
		var n int64
		q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE strpos(%q::text, $1) > 0`, c[0], c[1])
		if err := f.App.DB.QueryRow(ctx, q, marker).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n > 0 {
			if os.Getenv("PROBE_DEBUG") != "" {
				r, _ := f.App.DB.Query(ctx, fmt.Sprintf(`SELECT left(regexp_replace(t::text, '(ábc)+', '<LONG>', 'g'), 400) FROM %q t WHERE strpos(%q::text, $1) > 0`, c[0], c[1]), marker)
				for r.Next() {
					var v string
					_ = r.Scan(&v)
					t.Logf("%s.%s: %s", c[0], c[1], v)
				}
				r.Close()
			}
			out = append(out, c[0]+"."+c[1])
		}
	}
	return out
}

// TestBadInputNeverA500 sends every route of the matrix (TestAuthorizationMatrix proves it has
// every route of the router), as every actor allowed to use it, every field name the code
// reads holding a NUL byte, invalid UTF-8 or kilobytes, as a query string, as a urlencoded form
// and as a multipart form with poisoned files; and once a value of most of a megabyte. No
// answer is a 500, and no long value is stored (each is refused or bounded before PostgreSQL).
func TestBadInputNeverA500(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	long := strings.Repeat("ábc", 3000) // 9,000 characters in each field, under the body limit
	poisons := map[string]string{
		"nul and invalid UTF-8": "Guru\x00Baik \xff\xfe\xc3( Baik", // both at once: one request per encoding
		"long":                  long,
	}
	essayKeys := func() []string {
		rows, err := f.App.DB.Query(ctx, `SELECT id FROM essay_questions`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var keys []string
		for rows.Next() {
			var id int64
			_ = rows.Scan(&id)
			keys = append(keys, fmt.Sprintf("essay_%d", id))
		}
		return keys
	}
	fieldNames := sourceFieldNames(t)
	if len(fieldNames) < len(probeKeys)+20 {
		t.Fatalf("only %d field names found in the source", len(fieldNames))
	}
	probes, routes := 0, 0
	send := func(c *apptest.Client, method, path, enc string, vals url.Values, bad string) apptest.Response {
		switch {
		case method == "GET":
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			return c.Get(path + sep + vals.Encode())
		case enc == "multipart":
			ct, body := multipartBody(t, vals, bad)
			return c.PostBody(path, ct, body)
		default:
			return c.PostForm(path, vals)
		}
	}
	for _, rc := range matrix {
		if rc.Pattern == "/keluar" {
			continue
		}
		probed := false
		actors, poisonsOf := probeActors(rc), poisons
		if rc.Method == "GET" && (strings.HasSuffix(rc.Pattern, ".zip") || strings.HasSuffix(rc.Pattern, ".pdf")) {
			// Letters and certificates read no query: one actor, one probe (building 300
			// letters takes tens of seconds on a loaded machine).
			actors, poisonsOf = actors[:min(1, len(actors))], map[string]string{"nul and invalid UTF-8": poisons["nul and invalid UTF-8"]}
		}
		for _, actor := range actors {
			c := f.Clients[actor]
			encodings := []string{"query"}
			if rc.Method == "POST" {
				encodings = []string{"urlencoded", "multipart"}
			}
			for name, bad := range poisonsOf {
				for _, enc := range encodings {
					path := rc.Pattern
					if rc.Path != nil {
						path = rc.Path(f)
					}
					vals := url.Values{}
					keys := append(append([]string{}, fieldNames...), essayKeys()...)
					if name == "long" {
						keys = probeKeys[:40] // 40 × 15 KB stays under the 1 MB form limit
					}
					for _, k := range keys {
						vals.Set(k, bad)
					}
					if rc.Form != nil {
						for k, vs := range rc.Form(f) {
							probe := make([]string, len(vs)) // a copy: rows may share their form (confirmYes)
							for i := range vs {
								probe[i] = vs[i] + bad
							}
							vals[k] = probe
						}
					}
					res := send(c, rc.Method, path, enc, vals, bad)
					probes++
					probed = true
					if res.Status >= 500 {
						t.Errorf("%s %s as %s with %s (%s): status %d", rc.Method, rc.Pattern, actor, name, enc, res.Status)
					}
				}
			}
			if len(poisonsOf) == 1 {
				continue
			}
			// Most of a megabyte in the route's own fields (or in a search box): refused or
			// bounded, never a 500.
			path := rc.Pattern
			if rc.Path != nil {
				path = rc.Path(f)
			}
			vals := url.Values{}
			if rc.Form != nil {
				vals = rc.Form(f)
			}
			keys := []string{"q"}
			for k := range vals {
				keys = append(keys, k)
			}
			size := (900 << 10) / len(keys) / 4
			mega := url.Values{}
			for k, vs := range vals {
				mega[k] = append([]string{}, vs...)
			}
			for _, k := range keys {
				mega.Set(k, strings.Repeat("ábc", size))
			}
			enc := "urlencoded"
			if rc.Method == "GET" {
				enc = "query"
			}
			if res := send(c, rc.Method, path, enc, mega, ""); res.Status >= 500 {
				t.Errorf("%s %s as %s with %d KB: status %d", rc.Method, rc.Pattern, actor, len(mega.Encode())>>10, res.Status)
			}
			probes++
		}
		if probed {
			routes++
		}
	}
	if stored := storedLong(t, f, long[:300]); len(stored) > 0 {
		t.Errorf("a 9,000-character value was stored in %v", stored)
	}
	// Megabytes: a form body over the limit is a 413 page, not a 500.
	big := url.Values{"name": {strings.Repeat("a", 3<<20)}}
	if res := f.Clients["guru"].PostForm("/profil", big); res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("3 MB form: status %d, want 413", res.Status)
	}
	// The essay forms (saved and autosaved) read their answers before anything else: 413 too.
	for _, p := range []string{"/lamaran/1/esai", "/lamaran/1/esai/draf"} {
		if res := f.Clients["guru"].PostForm(p, big); res.Status != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "<html") {
			t.Errorf("3 MB essay form to %s: status %d, want the 413 page", p, res.Status)
		}
	}
	// A selection path naming no stage is the 404 page, to look at and to post to.
	if res := f.Clients["admin"].Get("/admin/seleksi/1/rubrik/tahap9"); res.Status != http.StatusNotFound || !strings.Contains(res.Body, "<html") {
		t.Errorf("unknown stage's rubric: status %d, want the 404 page", res.Status)
	}
	if res := f.Clients["admin"].PostForm("/admin/seleksi/1/tugaskan/tahap9", url.Values{}); res.Status != http.StatusNotFound || !strings.Contains(res.Body, "<html") {
		t.Errorf("assigning an unknown stage: status %d, want the 404 page", res.Status)
	}
	// A NUL or invalid UTF-8 in a path segment is a 404, never a 500.
	for _, p := range []string{"/wilayah/16%00", "/wilayah/%ff%fe", "/tiket/%00abc", "/verifikasi/%ff", "/klinik/%00"} {
		if res := f.Clients["admin"].Get(p); res.Status >= 500 {
			t.Errorf("GET %s: status %d", p, res.Status)
		}
	}
	t.Logf("%d probes of %d routes, %d field names", probes, routes, len(fieldNames))
}

// A pasted hidden character no longer stops the essay autosave: the NUL is dropped, invalid
// UTF-8 becomes U+FFFD, and the rest of the text is stored.
func TestEssayAutosaveCleansHiddenCharacters(t *testing.T) {
	f := newFixture(t)
	id, _, tc := recMatrixApp(f, false)
	text := "Saya guru\x00 yang \xffpeduli pada murid-murid saya."
	res := f.Clients["guru"].PostForm(fmt.Sprintf("/lamaran/%d/esai/draf", id), url.Values{fmt.Sprintf("essay_%d", tc.Questions[0]): {text}})
	if res.Status != http.StatusOK {
		t.Fatalf("autosave: %d\n%s", res.Status, res.Body)
	}
	var body string
	if err := f.App.DB.QueryRow(context.Background(), `SELECT body FROM application_essays WHERE application_id = $1 AND question_id = $2`, id, tc.Questions[0]).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if want := "Saya guru yang \uFFFDpeduli pada murid-murid saya."; body != want {
		t.Errorf("stored %q, want %q", body, want)
	}
}
