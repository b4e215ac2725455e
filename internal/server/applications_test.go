package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

// The teacher's whole path: dashboard, eligibility, every step, submit, receipt, email.
func TestApplicationJourneyToReceipt(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	u, c := recTeacher(t, a, "siti@guru.test", "10600001", "16.01", recProfileOpts{})

	recWant(t, c.Get("/dasbor"), 200, "Angkatan 12", "Periksa syarat dan daftar")
	recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, "Anda memenuhi syarat")
	base := recStart(t, c, tc.ID)
	recWant(t, c.Get(base+"/profil"), 200, "Langkah 1 dari 6", "Sekolah 10600001", "1601••••••••")
	recFill(t, c, base, tc)
	recWant(t, c.Get(base+"/tinjau"), 200, "Kirim pendaftaran")
	res := c.PostForm(base+"/kirim", confirmYes)
	if res.Status != http.StatusSeeOther || res.Location != base+"/tanda-terima" {
		t.Fatalf("submit: %d %s\n%s", res.Status, res.Location, res.Body)
	}
	rec := c.Get(base + "/tanda-terima")
	var number, sum string
	if err := a.DB.QueryRow(context.Background(), `SELECT registration_number, receipt_checksum FROM applications WHERE user_id = $1 AND status = 'submitted'`, u.ID).Scan(&number, &sum); err != nil {
		t.Fatal(err)
	}
	recWant(t, rec, 200, number, sum, "WIB")
	if !strings.HasPrefix(number, "CGP12-1601-") || len(sum) != 64 {
		t.Errorf("receipt %s %s", number, sum)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'siti@guru.test' AND body_text LIKE '%' || $1 || '%'`, number); n != 1 {
		t.Errorf("%d confirmation emails", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_consents WHERE text_version <> '' AND consented_at IS NOT NULL`); n != 1 {
		t.Errorf("consent not recorded")
	}
	// Locked after submit.
	res = c.PostForm(base+"/esai", url.Values{fmt.Sprintf("essay_%d", tc.Questions[0]): {"diubah setelah kirim sekali"}})
	recWant(t, res, http.StatusConflict, "terkunci")
	if n := recCount(t, a, `SELECT count(*) FROM application_essays WHERE body LIKE 'diubah%'`); n != 0 {
		t.Error("essay changed after submit")
	}
	// Stored file: random name with the checksum of what was sent.
	var storage, sha string
	_ = a.DB.QueryRow(context.Background(), `SELECT storage_name, sha256 FROM application_documents`).Scan(&storage, &sha)
	if b, err := os.ReadFile(filepath.Join(a.Config.UploadDir, "applications", storage)); err != nil || !bytes.Equal(b, recPDF) {
		t.Errorf("stored file %s: %v", storage, err)
	}
}

// The deadline is shown in the teacher's own time zone, from their school's province: a teacher
// in Kota Denpasar (Bali) sees WITA.
func TestDeadlineShownInTeachersZone(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	if _, err := a.DB.Exec(context.Background(), `INSERT INTO cohort_regencies (cohort_id, regency_code, quota) VALUES ($1, '51.71', 10)`, tc.ID); err != nil {
		t.Fatal(err)
	}
	_, c := recTeacher(t, a, "bali@guru.test", "50100001", "51.71", recProfileOpts{})
	want := tc.Closes.In(time.FixedZone("WITA", 8*3600)).Format("02-01-2006 15:04") + " WITA"
	recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, want)
}

func TestEligibilityShownPerRule(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	tests := []struct {
		name    string
		regency string
		o       recProfileOpts
		want    string
	}{
		{"outside targets", "16.02", recProfileOpts{}, "tidak berada di kabupaten/kota sasaran"},
		{"years", "16.01", recProfileOpts{Years: 2}, "minimal 5 tahun; profil Anda 2 tahun"},
		{"education", "16.01", recProfileOpts{Education: "D3"}, "Pendidikan terakhir D3"},
		{"jenjang", "16.01", recProfileOpts{Jenjang: "MI"}, "Jenjang MI"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := recTeacher(t, a, fmt.Sprintf("rule%d@guru.test", i), fmt.Sprintf("1060010%d", i), tt.regency, tt.o)
			recWant(t, c.Get("/dasbor"), 200, tt.want)
			recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, tt.want)
			res := c.PostForm(fmt.Sprintf("/pendaftaran/%d", tc.ID), nil)
			if res.Status != http.StatusSeeOther || strings.HasPrefix(res.Location, "/lamaran/") {
				t.Errorf("ineligible start: %d %s", res.Status, res.Location)
			}
		})
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications`); n != 0 {
		t.Errorf("%d applications by ineligible teachers", n)
	}
	// A teacher without a profile is told to complete it.
	a.User("noprofile@guru.test", account.RoleGuru, account.Scope{})
	recWant(t, a.SignIn("noprofile@guru.test").Get("/dasbor"), 200, "Profil guru Anda belum lengkap", `href="/profil"`)
	// A current pengajar praktik is excluded by name.
	u, c := recTeacher(t, a, "pp@guru.test", "10600200", "16.01", recProfileOpts{})
	if err := a.Accounts.GrantRole(context.Background(), recActorTest, apptest.Admin, u.ID, account.RolePengajarPraktik, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"}); err != nil {
		t.Fatal(err)
	}
	recWant(t, c.Get(fmt.Sprintf("/pendaftaran/%d", tc.ID)), 200, "Pengajar praktik")
}

func TestEssayLimitsAndAutosave(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "esai@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	q0, q1 := fmt.Sprintf("essay_%d", tc.Questions[0]), fmt.Sprintf("essay_%d", tc.Questions[1])
	long := strings.Repeat("x", 201)
	res := c.PostForm(base+"/esai", url.Values{q0: {"pendek"}, q1: {long}})
	recWant(t, res, http.StatusUnprocessableEntity, "Terlalu pendek: minimal 20 karakter (sekarang 6)", "Terlalu panjang: maksimal 200 karakter (sekarang 201)", long)
	// Nothing typed is lost: both are stored as drafts.
	if n := recCount(t, a, `SELECT count(*) FROM application_essays WHERE body IN ('pendek', $1)`, long); n != 2 {
		t.Errorf("%d drafts kept", n)
	}
	// Exactly at the limits is accepted.
	res = c.PostForm(base+"/esai", url.Values{q0: {strings.Repeat("a", 20)}, q1: {strings.Repeat("é", 200)}})
	if res.Status != http.StatusSeeOther {
		t.Errorf("limits exactly: %d\n%s", res.Status, res.Body)
	}
	// Autosave (htmx) stores while typing and answers with a fragment.
	req, _ := http.NewRequest(http.MethodPost, c.Base+base+"/esai/draf", strings.NewReader(url.Values{q0: {"draf ketikan terbaru"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("HX-Request", "true")
	res = c.Do(req)
	recWant(t, res, 200, "tersimpan otomatis")
	if n := recCount(t, a, `SELECT count(*) FROM application_essays WHERE body = 'draf ketikan terbaru'`); n != 1 {
		t.Error("autosave not stored")
	}
	// The page carries the counter and autosave attributes.
	recWant(t, c.Get(base+"/esai"), 200, `data-counter`, `data-max="200"`, `data-autosave="/lamaran/`, `/esai/draf"`, `data-server-updated="`, "draf ketikan terbaru")
}

func TestDeadlineEdges(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "tenggat@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	// At the deadline exactly: closed.
	a.SetNow(tc.Closes)
	recWant(t, c.PostForm(base+"/kirim", confirmYes), http.StatusConflict, "Masa pendaftaran sudah ditutup")
	// One second before: accepted.
	a.SetNow(tc.Closes.Add(-time.Second))
	if res := c.PostForm(base+"/kirim", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("submit a second before the deadline: %d\n%s", res.Status, res.Body)
	}
	// Withdraw after the deadline: refused.
	a.SetNow(tc.Closes.Add(time.Minute))
	recWant(t, c.PostForm(base+"/tarik", confirmYes), http.StatusConflict, "Masa pendaftaran sudah ditutup")
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'submitted'`); n != 1 {
		t.Errorf("submitted count %d", n)
	}
}

func TestDoubleAndConcurrentSubmit(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "ganda@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	// Starting twice (two tabs) gives the same application.
	if again := recStart(t, c, tc.ID); again != base {
		t.Errorf("second start %s, want %s", again, base)
	}
	recFill(t, c, base, tc)
	c2 := a.SignIn("ganda@guru.test") // a second session
	var wg sync.WaitGroup
	statuses := make([]int, 6)
	for i := range statuses {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cl := c
			if i%2 == 1 {
				cl = c2
			}
			statuses[i] = cl.PostForm(base+"/kirim", confirmYes).Status
		}(i)
	}
	wg.Wait()
	for _, s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("concurrent submit statuses %v", statuses)
			break
		}
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications`); n != 1 {
		t.Errorf("%d applications", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'ganda@guru.test'`); n != 1 {
		t.Errorf("%d confirmation emails, want 1", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'application.submit'`); n != 1 {
		t.Errorf("%d submit audit entries", n)
	}
	// The schema itself refuses a second application for the same teacher and cohort.
	_, err := a.DB.Exec(context.Background(), `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang)
		SELECT cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang FROM applications`)
	if err == nil || !strings.Contains(err.Error(), "applications_cohort_id_user_id_key") {
		t.Errorf("duplicate application insert: %v", err)
	}
}

func TestWithdrawAndReapply(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "tarik@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	c.PostForm(base+"/kirim", confirmYes)
	if res := c.PostForm(base+"/tarik", confirmYes); res.Status != http.StatusSeeOther {
		t.Fatalf("withdraw %d", res.Status)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'withdrawn' AND withdrawn_at IS NOT NULL`); n != 1 {
		t.Error("not withdrawn")
	}
	recWant(t, c.Get(base+"/tinjau"), 200, "Ditarik")
	// Re-applying reopens the same application as a draft.
	if again := recStart(t, c, tc.ID); again != base {
		t.Errorf("reapply %s, want %s", again, base)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE status = 'draft'`); n != 1 {
		t.Error("not reopened")
	}
}

// The CV is required: the review step says so, and submitting without one is refused with the
// reason (it used to be accepted while the review read "Daftar riwayat hidup: belum lengkap").
func TestSubmitNeedsCV(t *testing.T) {
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "tanpa.cv@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	recFill(t, c, base, tc)
	if res := c.PostForm(base+"/cv/"+strconv.FormatInt(int64(recCount(t, a, `SELECT max(id)::int FROM application_cv_entries`)), 10)+"/hapus", nil); res.Status != http.StatusSeeOther {
		t.Fatalf("delete CV entry: %d", res.Status)
	}
	const reason = "Daftar riwayat hidup belum diisi"
	recWant(t, c.Get(base+"/tinjau"), 200, reason)
	recWant(t, c.PostForm(base+"/kirim", confirmYes), http.StatusUnprocessableEntity, reason)
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE submitted_at IS NOT NULL`); n != 0 {
		t.Errorf("%d applications submitted without a CV", n)
	}
}
