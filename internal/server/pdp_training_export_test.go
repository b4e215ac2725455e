package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/pdfdoc/pdfdoctest"
	"penggerak/internal/training/trainingtest"
)

// TestPersonalDataDownloadHoldsTraining: a CGP's personal-data download (JSON and PDF) holds
// their training: cohort, group with the PP's and fasilitator's names, lokakarya attendance, the
// sent visit, module progress, the final assessments, the graduation decision and the
// certificate number. Another CGP's training records and the mentors' emails never appear.
func TestPersonalDataDownloadHoldsTraining(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	fx := trainingtest.Fixture{T: t, DB: a.DB}
	tc := fx.NewCohort("16.01")
	me := a.User("cgp-latih@guru.test", account.RoleGuru, account.Scope{})
	fx.CGP(tc, me.ID, "Siti Pelatihan", "10601301", "16.01", "SD")
	fx.CGP(tc, 0, "Rekan Lain", "10601302", "16.01", "SD")
	fx.Start(tc)
	pp := fx.User("pp-latih@guru.test", "Budi Pengajar", "")
	fas := fx.User("fas-latih@guru.test", "Ani Fasilitator", "")
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := a.DB.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	var mine, other int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 AND user_id = $2`, tc.ID, me.ID).Scan(&mine); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.QueryRow(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 AND user_id <> $2`, tc.ID, me.ID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO training_mentors (cohort_id, user_id, role, regency_code, province_code, cap, appointed_by)
		VALUES ($1, $2, 'pengajar_praktik', '16.01', '16', 6, $2), ($1, $3, 'fasilitator', '16.01', '16', 4, $2)`, tc.ID, pp, fas)
	exec(`INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, fasilitator_id, status, confirmed_at)
		SELECT $1, '16', '16.01', 4, p.id, f.id, 'aktif', now() FROM training_mentors p, training_mentors f
		WHERE p.cohort_id = $1 AND p.role = 'pengajar_praktik' AND f.cohort_id = $1 AND f.role = 'fasilitator'`, tc.ID)
	exec(`INSERT INTO training_group_members (participant_id, group_id) SELECT x, g.id FROM training_groups g, unnest($2::bigint[]) x
		WHERE g.cohort_id = $1`, tc.ID, []int64{mine, other})
	exec(`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '16', '16.01', 1, now() - interval '20 days', 'Aula Dinas Pendidikan OKU')`, tc.ID)
	exec(`INSERT INTO training_attendance (lokakarya_id, participant_id, status, reason)
		SELECT l.id, x, s, r FROM training_lokakarya l, (VALUES ($2::bigint, 'izin', 'Menghadiri pemakaman keluarga'), ($3::bigint, 'hadir', '')) v(x, s, r)
		WHERE l.cohort_id = $1`, tc.ID, mine, other)
	exec(`INSERT INTO training_visits (participant_id, number, planned_on, visited_on, mode, notes, follow_up, logged_by, submitted_at, acknowledged_at, cgp_comment, commented_at)
		VALUES ($1, 1, '2026-10-10', '2026-10-11', 'kunjungan', 'Mengamati pembelajaran berdiferensiasi di kelas 4', 'Menyusun asesmen diagnostik', $3, now(), now(), 'Terima kasih, sangat membantu', now()),
		       ($2, 1, '2026-10-12', '2026-10-12', 'daring', 'Catatan kunjungan rekan', '', $3, now(), NULL, '', NULL)`, mine, other, pp)
	exec(`INSERT INTO training_module_progress (participant_id, module) VALUES ($1, 1), ($1, 2), ($1, 3)`, mine)
	exec(`INSERT INTO training_assessments (participant_id, by_role, score, recorded_by) VALUES ($1, 'pengajar_praktik', 86, $2), ($1, 'fasilitator', 79, $2)`, mine, pp)
	exec(`UPDATE training_participants SET outcome = 'lulus', decided_at = now(), decided_by = $2 WHERE id = $1`, mine, pp)
	exec(`INSERT INTO training_certificates (participant_id, number, token) VALUES ($1, 'SGP/377/16.01/0042', repeat('c', 40)), ($2, 'SGP/377/16.01/0043', repeat('d', 40))`, mine, other)

	c := a.SignIn("cgp-latih@guru.test")
	// The page says the download holds the training.
	if res := c.Get("/profil/data-saya"); res.Status != http.StatusOK || !strings.Contains(res.Body, "pendidikan Guru Penggerak (kelompok, kehadiran lokakarya") {
		t.Errorf("data page %d does not say the download holds the training", res.Status)
	}
	res := c.Get("/profil/data-saya/unduh")
	if res.Status != http.StatusOK {
		t.Fatalf("download: %d", res.Status)
	}
	var d struct {
		Training struct {
			Participations []struct {
				Cohort string `json:"cohort"`
				Group  *struct {
					PP          string `json:"pengajar_praktik"`
					Fasilitator string `json:"fasilitator"`
				} `json:"group"`
				Lokakarya []struct {
					Status, Reason string
				} `json:"lokakarya"`
				Visits []struct {
					Notes    string `json:"notes"`
					FollowUp string `json:"follow_up"`
					Comment  string `json:"cgp_comment"`
				} `json:"visits"`
				Modules     []struct{ Module int } `json:"modules"`
				Assessments []struct {
					Score int `json:"score"`
				} `json:"assessments"`
				Graduation *struct{ Outcome string } `json:"graduation"`
				Cert       *struct {
					Number string `json:"certificate_number"`
				} `json:"certificate"`
			} `json:"participations"`
		} `json:"training"`
	}
	if err := json.Unmarshal([]byte(res.Body), &d); err != nil {
		t.Fatalf("json: %v\n%s", err, res.Body)
	}
	if len(d.Training.Participations) != 1 {
		t.Fatalf("participations %d, want 1:\n%s", len(d.Training.Participations), res.Body)
	}
	p := d.Training.Participations[0]
	if !strings.HasPrefix(p.Cohort, "Angkatan Pelatihan") || p.Group == nil || p.Group.PP != "Budi Pengajar" || p.Group.Fasilitator != "Ani Fasilitator" ||
		len(p.Lokakarya) != 1 || p.Lokakarya[0].Status != "izin" || p.Lokakarya[0].Reason != "Menghadiri pemakaman keluarga" ||
		len(p.Visits) != 1 || p.Visits[0].Notes != "Mengamati pembelajaran berdiferensiasi di kelas 4" || p.Visits[0].Comment != "Terima kasih, sangat membantu" ||
		len(p.Modules) != 3 || len(p.Assessments) != 2 || p.Graduation == nil || p.Graduation.Outcome != "lulus" ||
		p.Cert == nil || p.Cert.Number != "SGP/377/16.01/0042" {
		t.Errorf("training: %+v\n%s", p, res.Body)
	}
	for _, leak := range []string{"Rekan Lain", "Catatan kunjungan rekan", "0043", "pp-latih@guru.test", "fas-latih@guru.test", "cccccccc"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("the download holds %q", leak)
		}
	}

	// The same facts in the readable PDF, with Indonesian labels.
	res = c.Get("/profil/data-saya/unduh.pdf")
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF") {
		t.Fatalf("PDF download: %d", res.Status)
	}
	text := pdfdoctest.Text(t, []byte(res.Body))
	for _, want := range []string{"Pendidikan Guru Penggerak", "Keikutsertaan sebagai CGP", "Pengajar praktik: Budi Pengajar",
		"Fasilitator: Ani Fasilitator", "Kehadiran lokakarya", "Alasan: Menghadiri pemakaman keluarga", "Pendampingan individu",
		"Catatan pendampingan: Mengamati pembelajaran berdiferensiasi di kelas 4", "Tindak lanjut yang disepakati: Menyusun asesmen diagnostik",
		"Komentar CGP: Terima kasih, sangat membantu", "Modul daring selesai", "Penilaian akhir", "Nilai akhir: 86",
		"Keputusan kelulusan", "Keputusan: lulus", "Nomor sertifikat: SGP/377/16.01/0042"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	if strings.Contains(text, "Rekan Lain") || strings.Contains(text, "0043") {
		t.Error("the PDF holds another CGP's records")
	}
}
