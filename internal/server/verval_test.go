package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// submitted makes a teacher with a submitted application in the cohort and returns their client,
// the application path and id.
func recSubmitted(t *testing.T, a *apptest.App, tc recTestCohort, email, npsn, regency string) (*apptest.Client, string, int64) {
	t.Helper()
	_, c := recTeacher(t, a, email, npsn, regency, recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit %d\n%s", res.Status, res.Body)
	}
	var id int64
	fmt.Sscanf(strings.TrimPrefix(base, "/lamaran/"), "%d", &id)
	return c, base, id
}

func TestVervalAssignDecideAndApplicantSeesReasons(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 3)
	adm := recAdminClient(t, a)
	a1 := a.User("asesor1@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	a2 := a.User("asesor2@x.test", account.RoleAsesor, account.Scope{ProvinceCode: "16"})
	var ids []int64
	var clients []*apptest.Client
	var bases []string
	for i := 0; i < 4; i++ {
		c, base, id := recSubmitted(t, a, tc, fmt.Sprintf("cgp%d@guru.test", i), fmt.Sprintf("1060100%d", i), "16.01")
		ids, clients, bases = append(ids, id), append(clients, c), append(bases, base)
	}
	// The cohort page leads to the preview first: a link, not a form that assigns at once; the
	// preview stores nothing.
	bagi := fmt.Sprintf("/admin/angkatan/%d/verval/bagi", tc.ID)
	page := adm.Get(fmt.Sprintf("/admin/angkatan/%d", tc.ID))
	recWant(t, page, http.StatusOK, `<a class="button" href="`+bagi+`">`)
	if strings.Contains(page.Body, `action="`+bagi+`"`) {
		t.Error("the cohort page assigns in one tap, without the preview")
	}
	recWant(t, adm.Get(bagi), http.StatusOK)
	if n := recCount(t, a, `SELECT count(*) FROM verval_assignments`); n != 0 {
		t.Errorf("%d assignments after the preview, want 0", n)
	}
	// Automatic, even distribution (the preview's commit).
	if res := adm.PostForm(bagi, nil); res.Status != http.StatusSeeOther {
		t.Fatalf("auto assign %d", res.Status)
	}
	for _, asr := range []int64{a1.ID, a2.ID} {
		if n := recCount(t, a, `SELECT count(*) FROM verval_assignments WHERE assessor_id = $1`, asr); n != 2 {
			t.Errorf("assessor %d has %d applications, want 2", asr, n)
		}
	}
	// By hand: move the first application to assessor 1.
	var number string
	_ = a.DB.QueryRow(context.Background(), `SELECT registration_number FROM applications WHERE id = $1`, ids[0]).Scan(&number)
	res := adm.PostForm(fmt.Sprintf("/admin/angkatan/%d/verval/tugaskan", tc.ID), url.Values{"number": {number}, "assessor_id": {fmt.Sprint(a1.ID)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("manual assign %d\n%s", res.Status, res.Body)
	}
	recWant(t, adm.PostForm(fmt.Sprintf("/admin/angkatan/%d/verval/tugaskan", tc.ID), url.Values{"number": {"TIDAK-ADA"}, "assessor_id": {fmt.Sprint(a1.ID)}}),
		http.StatusUnprocessableEntity, "tidak ditemukan")

	as1 := a.SignIn("asesor1@x.test")
	as2 := a.SignIn("asesor2@x.test")
	recWant(t, as1.Get("/verval"), 200, number)
	if res := as2.Get(fmt.Sprintf("/verval/%d", ids[0])); res.Status != 404 {
		t.Errorf("unassigned assessor opening the application: %d", res.Status)
	}
	review := as1.Get(fmt.Sprintf("/verval/%d", ids[0]))
	recWant(t, review, 200, "KTP", "Dokumen tidak terbaca atau buram")
	var docID int64
	_ = a.DB.QueryRow(context.Background(), `SELECT id FROM application_documents WHERE application_id = $1`, ids[0]).Scan(&docID)
	// The assigned assessor may download it; another assessor may not.
	if res := as1.Get(fmt.Sprintf("/berkas/%d", docID)); res.Status != 200 {
		t.Errorf("assigned assessor download %d", res.Status)
	}
	if res := as2.Get(fmt.Sprintf("/berkas/%d", docID)); res.Status != 404 {
		t.Errorf("other assessor download %d", res.Status)
	}
	decide := fmt.Sprintf("/verval/%d/dokumen/%d", ids[0], docID)
	// Finishing before every document has a verdict is refused.
	recWant(t, as1.PostForm(fmt.Sprintf("/verval/%d/selesai", ids[0]), confirmYes), http.StatusConflict, "belum diputuskan")
	// Invalid without a reason: refused.
	recWant(t, as1.PostForm(decide, url.Values{"verdict": {"invalid"}}), http.StatusUnprocessableEntity, "Pilih alasan")
	if res := as1.PostForm(decide, url.Values{"verdict": {"invalid"}, "reason": {"tidak_terbaca"}, "note": {"Foto KTP buram di bagian NIK."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("decide %d\n%s", res.Status, res.Body)
	}
	if res := as1.PostForm(fmt.Sprintf("/verval/%d/selesai", ids[0]), confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("finish %d", res.Status)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE id = $1 AND status = 'verval_failed' AND correction_until IS NULL`, ids[0]); n != 1 {
		t.Error("outcome not stored, or a correction window before the release")
	}
	// Once its mail is released, the applicant sees the outcome and every reason, and may
	// correct once (the window starts at the release).
	releaseReviewed(t, adm)
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE id = $1 AND correction_until IS NOT NULL`, ids[0]); n != 1 {
		t.Error("no correction window after the release")
	}
	c, base := clients[0], bases[0]
	recWant(t, c.Get(base+"/tinjau"), 200, "Tidak lolos verval", "Dokumen tidak terbaca atau buram", "Foto KTP buram di bagian NIK.", "satu kali")
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'cgp0@guru.test' AND subject LIKE 'Hasil verval%'`); n != 1 {
		t.Error("no verval email")
	}
	// Replacing a rejected document sends it back to verification.
	doc := fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0])
	if res := recUpload(c, doc, "ktp-jelas.pdf", append(append([]byte{}, recPDF...), []byte("%jelas\n")...)); res.Status != http.StatusSeeOther {
		t.Fatalf("correction upload %d\n%s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE id = $1 AND status = 'submitted' AND correction_used_at IS NOT NULL`, ids[0]); n != 1 {
		t.Error("not back in verval after correction")
	}
	// Only once.
	if res := recUpload(c, doc, "lagi.pdf", recPDF); res.Status != http.StatusConflict {
		t.Errorf("second correction: %d", res.Status)
	}
	recWant(t, as1.Get(fmt.Sprintf("/verval/%d", ids[0])), 200, "Dokumen perbaikan")
	as1.PostForm(decide, url.Values{"verdict": {"valid"}})
	if res := as1.PostForm(fmt.Sprintf("/verval/%d/selesai", ids[0]), confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("finish again %d", res.Status)
	}
	releaseReviewed(t, adm)
	recWant(t, c.Get(base+"/tinjau"), 200, "Lolos verval")
	// Once registration has closed, the dashboard lists the application by cohort name and status.
	if _, err := a.DB.Exec(context.Background(), `UPDATE cohorts SET registration_closes_at = now() - interval '1 day' WHERE id = $1`, tc.ID); err != nil {
		t.Fatal(err)
	}
	var cohortName string
	_ = a.DB.QueryRow(context.Background(), `SELECT name FROM cohorts WHERE id = $1`, tc.ID).Scan(&cohortName)
	recWant(t, c.Get("/dasbor"), 200, cohortName+"</a> — Lolos verval")
	if n := recCount(t, a, `SELECT count(*) FROM verval_decisions WHERE document_id = $1`, docID); n != 2 {
		t.Errorf("%d decisions in the history, want 2", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action LIKE 'verval.%'`); n < 5 {
		t.Errorf("%d verval audit entries", n)
	}
}
