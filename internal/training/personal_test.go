package training_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestPersonalData: a CGP's training download holds their cohort, group (with the PP's and
// fasilitator's names only), lokakarya attendance, sent visits (a draft's notes stay out), module
// progress, assessments, the graduation decision and the certificate; another CGP's records are
// not in it. A PP's download holds their appointment.
func TestPersonalData(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	db := w.f.DB
	ppM := w.appoint(t, w.pp1, "pengajar_praktik")
	fasM := w.appoint(t, w.fas, "fasilitator")
	var me, other, meUser int64
	if err := db.QueryRow(ctx, `SELECT id, user_id FROM training_participants WHERE cohort_id = $1 AND name = 'CGP 00'`, w.c.ID).Scan(&me, &meUser); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM training_participants WHERE cohort_id = $1 AND name = 'CGP 01'`, w.c.ID).Scan(&other); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	exec(`INSERT INTO training_groups (cohort_id, province_code, regency_code, number, pp_id, fasilitator_id, status, confirmed_at)
		VALUES ($1, '16', '16.01', 3, $2, $3, 'aktif', now())`, w.c.ID, ppM, fasM)
	exec(`INSERT INTO training_group_members (participant_id, group_id) SELECT p, g.id FROM training_groups g, unnest($2::bigint[]) p
		WHERE g.cohort_id = $1`, w.c.ID, []int64{me, other})
	exec(`INSERT INTO training_lokakarya (cohort_id, province_code, regency_code, number, starts_at, place)
		VALUES ($1, '16', '16.01', 2, '2026-10-05 01:00:00+00', 'Aula Dinas Pendidikan OKU')`, w.c.ID)
	exec(`INSERT INTO training_attendance (lokakarya_id, participant_id, status, reason)
		SELECT l.id, p, s, r FROM training_lokakarya l, (VALUES ($2::bigint, 'izin', 'Sakit demam'), ($3::bigint, 'tidak_hadir', 'Alasan rekan lain')) v(p, s, r)
		WHERE l.cohort_id = $1`, w.c.ID, me, other)
	exec(`INSERT INTO training_visits (participant_id, number, planned_on, visited_on, mode, notes, follow_up, logged_by, submitted_at, acknowledged_at, cgp_comment, commented_at)
		VALUES ($1, 1, '2026-10-10', '2026-10-11', 'kunjungan', 'Refleksi pembelajaran berdiferensiasi', 'Menyusun asesmen diagnostik', $3, now(), now(), 'Terima kasih atas masukannya', now()),
		       ($1, 2, '2026-11-10', '2026-11-10', 'daring', 'DRAF BELUM DIKIRIM', '', $3, NULL, NULL, '', NULL),
		       ($2, 1, '2026-10-12', '2026-10-12', 'daring', 'Catatan milik rekan lain', 'Tindak lanjut rekan lain', $3, now(), NULL, '', NULL)`, me, other, w.pp1)
	exec(`INSERT INTO training_module_progress (participant_id, module, source) VALUES ($1, 1, 'manual'), ($1, 2, 'impor'), ($2, 7, 'manual')`, me, other)
	exec(`INSERT INTO training_assessments (participant_id, by_role, score, recorded_by) VALUES ($1, 'pengajar_praktik', 88, $3), ($1, 'fasilitator', 64, $3), ($2, 'fasilitator', 91, $3)`, me, other, w.pp1)
	exec(`UPDATE training_participants SET outcome = 'lulus', decided_at = now(), decided_by = $2 WHERE id = $1`, me, w.bgp.UserID)
	exec(`UPDATE training_participants SET outcome = 'tidak_lulus', outcome_reason = 'Alasan keputusan rekan lain', decided_at = now(), decided_by = $2 WHERE id = $1`, other, w.bgp.UserID)
	exec(`INSERT INTO training_certificates (participant_id, number, token) VALUES ($1, 'SGP/301/16.01/0007', repeat('a', 40)), ($2, 'SGP/301/16.01/0099', repeat('b', 40))`, me, other)
	exec(`UPDATE training_certificates SET revoked_at = now(), revoke_reason = 'Data tidak benar' WHERE participant_id = $1`, me)

	raw, err := w.store.PersonalData(ctx, meUser)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Participations []struct {
			Cohort       string `json:"cohort"`
			CohortNumber int    `json:"cohort_number"`
			Regency      string `json:"regency"`
			Status       string `json:"status"`
			Group        *struct {
				Number      int    `json:"group_number"`
				PP          string `json:"pengajar_praktik"`
				Fasilitator string `json:"fasilitator"`
			} `json:"group"`
			Lokakarya []struct {
				Number   int    `json:"lokakarya_number"`
				StartsAt string `json:"starts_at"`
				Status   string `json:"status"`
				Reason   string `json:"reason"`
			} `json:"lokakarya"`
			Visits []struct {
				Number         int     `json:"visit_number"`
				PlannedOn      string  `json:"planned_on"`
				VisitedOn      *string `json:"visited_on"`
				Mode           *string `json:"mode"`
				Notes          string  `json:"notes"`
				FollowUp       string  `json:"follow_up"`
				AcknowledgedAt *string `json:"acknowledged_at"`
				Comment        string  `json:"cgp_comment"`
			} `json:"visits"`
			Modules []struct {
				Module int    `json:"module"`
				Source string `json:"source"`
			} `json:"modules"`
			Assessments []struct {
				ByRole string `json:"by_role"`
				Score  int    `json:"score"`
				Passed bool   `json:"passed"`
			} `json:"assessments"`
			Graduation *struct {
				Outcome   string  `json:"outcome"`
				DecidedAt *string `json:"decided_at"`
			} `json:"graduation"`
			Certificate *struct {
				Number       string  `json:"certificate_number"`
				IssuedAt     string  `json:"issued_at"`
				RevokedAt    *string `json:"revoked_at"`
				RevokeReason string  `json:"revoke_reason"`
			} `json:"certificate"`
		} `json:"participations"`
		Appointments []json.RawMessage `json:"appointments"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	if len(d.Participations) != 1 || len(d.Appointments) != 0 {
		t.Fatalf("participations %d appointments %d, want 1 and 0:\n%s", len(d.Participations), len(d.Appointments), raw)
	}
	p := d.Participations[0]
	if !strings.HasPrefix(p.Cohort, "Angkatan Pelatihan") || p.CohortNumber == 0 || p.Regency == "" || p.Status != "aktif" {
		t.Errorf("participation: %+v", p)
	}
	if p.Group == nil || p.Group.Number != 3 || p.Group.PP != "PP Satu" || p.Group.Fasilitator != "Fasilitator" {
		t.Errorf("group: %+v", p.Group)
	}
	if len(p.Lokakarya) != 1 || p.Lokakarya[0].Number != 2 || p.Lokakarya[0].Status != "izin" || p.Lokakarya[0].Reason != "Sakit demam" ||
		!strings.HasPrefix(p.Lokakarya[0].StartsAt, "2026-10-05") {
		t.Errorf("lokakarya: %+v", p.Lokakarya)
	}
	if len(p.Visits) != 2 {
		t.Fatalf("visits: %+v", p.Visits)
	}
	v := p.Visits[0]
	if v.Number != 1 || v.PlannedOn != "2026-10-10" || v.VisitedOn == nil || *v.VisitedOn != "2026-10-11" || v.Mode == nil || *v.Mode != "kunjungan" ||
		v.Notes != "Refleksi pembelajaran berdiferensiasi" || v.FollowUp != "Menyusun asesmen diagnostik" || v.AcknowledgedAt == nil ||
		v.Comment != "Terima kasih atas masukannya" {
		t.Errorf("sent visit: %+v", v)
	}
	if v := p.Visits[1]; v.Number != 2 || v.PlannedOn != "2026-11-10" || v.Notes != "" || v.VisitedOn != nil || v.Mode != nil {
		t.Errorf("draft visit shows the PP's draft: %+v", v)
	}
	if len(p.Modules) != 2 || p.Modules[0].Module != 1 || p.Modules[1].Module != 2 || p.Modules[1].Source != "impor" {
		t.Errorf("modules: %+v", p.Modules)
	}
	if len(p.Assessments) != 2 || p.Assessments[0].ByRole != "pengajar_praktik" || p.Assessments[0].Score != 88 || !p.Assessments[0].Passed ||
		p.Assessments[1].Score != 64 || p.Assessments[1].Passed {
		t.Errorf("assessments: %+v", p.Assessments)
	}
	if p.Graduation == nil || p.Graduation.Outcome != "lulus" || p.Graduation.DecidedAt == nil {
		t.Errorf("graduation: %+v", p.Graduation)
	}
	if c := p.Certificate; c == nil || c.Number != "SGP/301/16.01/0007" || c.IssuedAt == "" || c.RevokedAt == nil || c.RevokeReason != "Data tidak benar" {
		t.Errorf("certificate: %+v", p.Certificate)
	}
	for _, leak := range []string{"rekan lain", "0099", "DRAF BELUM DIKIRIM", "pp1@pelatihan.test", "fas@pelatihan.test", "CGP 01", `"token"`, "aaaaaaaa"} {
		if strings.Contains(string(raw), leak) {
			t.Errorf("the download holds %q:\n%s", leak, raw)
		}
	}

	// The PP's own download: the appointment, no participation.
	raw, err = w.store.PersonalData(ctx, w.pp1)
	if err != nil {
		t.Fatal(err)
	}
	var pp struct {
		Participations []json.RawMessage `json:"participations"`
		Appointments   []struct {
			Role    string  `json:"role"`
			Cohort  string  `json:"cohort"`
			Regency string  `json:"regency_code"`
			Cap     int     `json:"cap"`
			Since   string  `json:"appointed_at"`
			Until   *string `json:"ended_at"`
		} `json:"appointments"`
	}
	if err := json.Unmarshal(raw, &pp); err != nil {
		t.Fatal(err)
	}
	if len(pp.Participations) != 0 || len(pp.Appointments) != 1 {
		t.Fatalf("PP download:\n%s", raw)
	}
	if a := pp.Appointments[0]; a.Role != "pengajar_praktik" || a.Regency != "16.01" || a.Cap < 1 || a.Since == "" || a.Until != nil || a.Cohort == "" {
		t.Errorf("appointment: %+v", a)
	}
	if strings.Contains(string(raw), "Refleksi") || strings.Contains(string(raw), "CGP 00") {
		t.Errorf("the PP's download holds their mentees' records:\n%s", raw)
	}
}
