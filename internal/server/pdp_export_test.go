package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/clinic"
	"penggerak/internal/pdfdoc/pdfdoctest"
)

// TestPersonalDataDownloadHoldsEverything: the personal-data download (JSON and PDF) holds every
// part the page promises: applications with CV, essays, documents list and consent, verval
// outcomes, scores and results (once announced), seats, the tahap 2 session, clinic
// registrations with attendance and feedback. Another teacher's records never appear.
func TestPersonalDataDownloadHoldsEverything(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	tc := recSeedCohort(t, a, 12, "pendaftaran", 3)
	c, _, appID := recSubmitted(t, a, tc, "cgp@guru.test", "10601001", "16.01")
	recSubmitted(t, a, tc, "lain@guru.test", "10601002", "16.01") // someone else's
	var userID int64
	_ = a.DB.QueryRow(ctx, `SELECT user_id FROM applications WHERE id = $1`, appID).Scan(&userID)
	asesor := a.User("asesor@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	exec1 := func(sql string, args ...any) {
		t.Helper()
		if _, err := a.DB.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// Verval outcome, a submitted score sheet, an announced result, a confirmed seat, a session.
	exec1(`INSERT INTO verval_decisions (document_id, assessor_id, verdict, reason, note)
		SELECT id, $2, 'valid', '', 'Terbaca jelas' FROM application_documents WHERE application_id = $1`, appID, asesor.ID)
	exec1(`UPDATE application_documents SET verval_status = 'valid', verval_note = 'Terbaca jelas', verval_at = now() WHERE application_id = $1`, appID)
	exec1(`INSERT INTO score_sheets (application_id, stage, assessor_id, submitted_at, stage_score, scores) VALUES ($1, 'tahap1', $2, now(), 87.5, '{4,3}')`, appID, asesor.ID)
	var runID int64
	if err := a.DB.QueryRow(ctx, `INSERT INTO result_runs (cohort_id, inputs, input_hash, output_hash) VALUES ($1, '{"quotas": {"16.01": 5}}', repeat('a', 64), repeat('b', 64)) RETURNING id`, tc.ID).Scan(&runID); err != nil {
		t.Fatal(err)
	}
	exec1(`INSERT INTO run_results (run_id, application_id, regency_code, province_code, score, passed, outcome, rank, stage_scores, first_criterion, submitted_at)
		VALUES ($1, $2, '16.01', '16', 87.5, true, 'lulus', 1, '{87.5}', 4, now())`, runID, appID)
	exec1(`UPDATE result_runs SET published_at = now() WHERE id = $1`, runID)
	exec1(`INSERT INTO pembekalan_seats (run_id, application_id, regency_code, status, confirm_by, confirmed_at) VALUES ($1, $2, '16.01', 'offered', now() + interval '3 days', NULL)`, runID, appID)
	a2 := a.User("asesor2@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	exec1(`INSERT INTO tahap2_slots (application_id, starts_at, minutes, mode, location, assessor1_id, assessor2_id) VALUES ($1, now() + interval '5 days', 75, 'daring', 'https://meet.example/tahap2', $2, $3)`, appID, asesor.ID, a2.ID)
	// A clinic registration with attendance and feedback.
	ev := okuEvent(t, a, 10, true)
	st := clinicStore(a)
	reg, err := st.Register(ctx, ev.ID, clinic.Registrant{UserID: userID, NPSN: "10600007"}, a.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CheckIn(ctx, ev.ID, ev.Sessions[0].ID, reg.Code, "code", 0, ev.Sessions[0].StartsAt); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveFeedback(ctx, reg.ID, 5, "Sangat membantu persiapan esai"); err != nil {
		t.Fatal(err)
	}

	res := c.Get("/profil/data-saya/unduh")
	if res.Status != http.StatusOK {
		t.Fatalf("download: %d", res.Status)
	}
	var d struct {
		Applications []struct {
			Status             string `json:"status"`
			RegistrationNumber string `json:"registration_number"`
			Consent            *struct {
				TextVersion string `json:"text_version"`
			} `json:"consent"`
			CV        []struct{ Title string } `json:"cv"`
			Essays    []struct{ Question, Answer string }
			Documents []struct {
				Document      string `json:"document"`
				FileName      string `json:"file_name"`
				VervalStatus  string `json:"verval_status"`
				VervalHistory []struct {
					Verdict string `json:"verdict"`
				} `json:"verval_history"`
			} `json:"documents"`
		} `json:"applications"`
		Selection struct {
			Scores []struct {
				StageScore float64 `json:"stage_score"`
			} `json:"scores"`
			Results []struct{ Outcome string }  `json:"results"`
			Seats   []struct{ Status string }   `json:"seats"`
			Tahap2  []struct{ Location string } `json:"tahap2"`
		} `json:"selection"`
		Clinics []struct {
			Event      string `json:"event"`
			School     string `json:"school"`
			Attendance []struct {
				Method string `json:"method"`
			} `json:"attendance"`
			Feedback *struct {
				Rating  int    `json:"rating"`
				Comment string `json:"comment"`
			} `json:"feedback"`
		} `json:"clinics"`
		Account struct{ Email string } `json:"account"`
	}
	if err := json.Unmarshal([]byte(res.Body), &d); err != nil {
		t.Fatalf("json: %v\n%s", err, res.Body)
	}
	if len(d.Applications) != 1 {
		t.Fatalf("applications %d, want 1 (another teacher's must not appear)", len(d.Applications))
	}
	ap := d.Applications[0]
	if ap.Status != "submitted" || ap.RegistrationNumber == "" || ap.Consent == nil || ap.Consent.TextVersion == "" {
		t.Errorf("application: %+v", ap)
	}
	if len(ap.CV) != 1 || ap.CV[0].Title != "Pelatihan Kurikulum Merdeka" {
		t.Errorf("CV: %+v", ap.CV)
	}
	if len(ap.Essays) != 2 || !strings.Contains(ap.Essays[0].Question, "praktik baik") || !strings.Contains(ap.Essays[0].Answer, "Murid belajar") {
		t.Errorf("essays: %+v", ap.Essays)
	}
	if len(ap.Documents) != 1 || ap.Documents[0].Document != "KTP" || ap.Documents[0].FileName != "ktp.pdf" || ap.Documents[0].VervalStatus != "valid" || len(ap.Documents[0].VervalHistory) != 1 {
		t.Errorf("documents and verval: %+v", ap.Documents)
	}
	sel := d.Selection
	if len(sel.Scores) != 1 || sel.Scores[0].StageScore != 87.5 || len(sel.Results) != 1 || sel.Results[0].Outcome != "lulus" ||
		len(sel.Seats) != 1 || sel.Seats[0].Status != "offered" || len(sel.Tahap2) != 1 {
		t.Errorf("selection: %+v", sel)
	}
	if len(d.Clinics) != 1 || d.Clinics[0].School != "SD Negeri 7 Baturaja" || len(d.Clinics[0].Attendance) != 1 ||
		d.Clinics[0].Feedback == nil || d.Clinics[0].Feedback.Rating != 5 {
		t.Errorf("clinics: %+v", d.Clinics)
	}
	if strings.Contains(res.Body, "asesor@x.test") || strings.Contains(res.Body, "lain@guru.test") {
		t.Error("the download names an assessor or another teacher")
	}

	// The same as a readable PDF.
	res = c.Get("/profil/data-saya/unduh.pdf")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF") || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("PDF download: %d", res.Status)
	}
	text := pdfdoctest.Text(t, []byte(res.Body))
	for _, want := range []string{"Data pribadi saya di Penggerak", "cgp@guru.test", "Pendaftaran", "Pelatihan Kurikulum Merdeka",
		"Jawaban: Murid belajar", "Nama berkas: ktp.pdf", "Hasil verval: valid", "Persetujuan data pribadi", "Nilai tahap: 87.5",
		"Keputusan: lulus", "Kursi pembekalan", "Jadwal tahap 2", "Coaching clinic dan sosialisasi", "Kehadiran",
		"Sangat membantu persiapan esai", "WIB"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'pdp.export'`); n != 2 {
		t.Errorf("downloads audited %d, want 2", n)
	}
	_ = url.Values{}
	_ = time.Now
}
