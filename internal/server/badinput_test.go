package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
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

func TestBadInputNeverA500(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	poisons := map[string]string{
		"nul":     "Guru\x00Baik",
		"invalid": "Guru \xff\xfe\xc3( Baik",
		"long":    strings.Repeat("ábc", 3000), // 21 KB in each field, under the body limit
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
	probes := 0
	for _, rc := range matrix {
		actor := probeActor(rc)
		if actor == "" || rc.Pattern == "/keluar" {
			continue
		}
		for name, bad := range poisons {
			path := rc.Pattern
			if rc.Path != nil {
				path = rc.Path(f)
			}
			c := f.Clients[actor]
			label := fmt.Sprintf("%s %s as %s with %s", rc.Method, rc.Pattern, actor, name)
			vals := url.Values{}
			keys := append(append([]string{}, probeKeys...), essayKeys()...)
			if name == "long" {
				keys = keys[:40] // 40 × 9 KB stays under the 1 MB form limit
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
			var res struct {
				Status int
				Body   string
			}
			switch rc.Method {
			case "GET":
				sep := "?"
				if strings.Contains(path, "?") {
					sep = "&"
				}
				r := c.Get(path + sep + vals.Encode())
				res.Status, res.Body = r.Status, r.Body
			case "POST":
				r := c.PostForm(path, vals)
				res.Status, res.Body = r.Status, r.Body
			}
			probes++
			if res.Status >= 500 {
				t.Errorf("%s: status %d", label, res.Status)
			}
		}
	}
	// Megabytes: a form body over the limit is a 413 page, not a 500.
	big := url.Values{"name": {strings.Repeat("a", 3<<20)}}
	if res := f.Clients["guru"].PostForm("/profil", big); res.Status != http.StatusRequestEntityTooLarge {
		t.Errorf("3 MB form: status %d, want 413", res.Status)
	}
	// A NUL or invalid UTF-8 in a path segment is a 404, never a 500.
	for _, p := range []string{"/wilayah/16%00", "/wilayah/%ff%fe", "/tiket/%00abc", "/verifikasi/%ff", "/klinik/%00"} {
		if res := f.Clients["admin"].Get(p); res.Status >= 500 {
			t.Errorf("GET %s: status %d", p, res.Status)
		}
	}
	t.Logf("%d probes", probes)
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
