package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
	"penggerak/internal/pdp"
)

var delMatrixSeq atomic.Int64

func init() {
	addRoutes(
		routeCase{Method: "GET", Pattern: "/admin/permintaan-hapus", Want: only(200, "admin")},
		// Every actor posts on a request of its own fresh teacher, so the admin's 303 anonymises
		// nobody the matrix needs.
		routeCase{Method: "POST", Pattern: "/admin/permintaan-hapus/{id}", Path: func(f *fixture) string {
			email := fmt.Sprintf("hapus-matriks-%d@guru.test", delMatrixSeq.Add(1))
			u := f.App.User(email, account.RoleGuru, account.Scope{})
			return fmt.Sprintf("/admin/permintaan-hapus/%d", delRequest(f.App.T, f.App, u.ID, "matriks"))
		}, Form: func(*fixture) url.Values {
			return url.Values{"outcome": {"ditolak"}, "note": {"Seleksi sedang berjalan."}}
		}, Want: only(http.StatusSeeOther, "admin")},
	)
}

// delRequest stores an open deletion request of user userID and returns its id.
func delRequest(t testing.TB, a *apptest.App, userID int64, reason string) int64 {
	t.Helper()
	var id int64
	if err := a.DB.QueryRow(context.Background(), `INSERT INTO data_deletion_requests (user_id, reason) VALUES ($1, $2) RETURNING id`,
		userID, reason).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// delTeacher creates a teacher with a profile, a submitted application and an unsent and a sent
// mail, who asks for deletion through /profil/data-saya. It returns the user, their NIK, the
// application id and the request id.
func delTeacher(t *testing.T, a *apptest.App, email string, cohortNumber int) (account.User, string, int64, int64) {
	t.Helper()
	ctx := context.Background()
	u := a.User(email, account.RoleGuru, account.Scope{})
	recSeedSchool(t, a, "10699002", "SD Negeri Hapus", "SD", "16.01")
	nik := recSeedProfile(t, a, u.ID, "10699002", recProfileOpts{})
	tc := recSeedCohort(t, a, cohortNumber, "pendaftaran", 0)
	var appID int64
	if err := a.DB.QueryRow(ctx, `INSERT INTO applications (cohort_id, user_id, applicant_name, npsn, regency_code, province_code, jenjang,
			status, submitted_at, registration_number, receipt_checksum)
		VALUES ($1, $2, 'Guru Hapus', '10699002', '16.01', '16', 'SD', 'submitted', now(), 'H-' || $2::bigint::text, repeat('b', 64)) RETURNING id`,
		tc.ID, u.ID).Scan(&appID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DB.Exec(ctx, `INSERT INTO mail_outbox (to_addr, subject, body_text, sent_at) VALUES ($1, 'lama terkirim', 'x', now()), ($1, 'belum terkirim', 'x', NULL)`, email); err != nil {
		t.Fatal(err)
	}
	c := a.SignIn(email)
	if res := c.PostForm("/profil/data-saya/hapus", url.Values{"confirm": {"yes"}, "reason": {"Saya pindah profesi."}}); res.Status != http.StatusSeeOther {
		t.Fatalf("deletion request: %d", res.Status)
	}
	var reqID int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM data_deletion_requests WHERE user_id = $1 AND processed_at IS NULL`, u.ID).Scan(&reqID); err != nil {
		t.Fatal(err)
	}
	return u, nik, appID, reqID
}

func TestDeletionRequestListAndCarryOut(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	ctx := context.Background()
	a.User("admin@hapus.test", account.RoleAdmin, account.Scope{})
	older := a.User("lama@guru.test", account.RoleGuru, account.Scope{})
	olderID := delRequest(t, a, older.ID, "Permintaan lebih lama")
	if _, err := a.DB.Exec(ctx, `UPDATE data_deletion_requests SET requested_at = $2 WHERE id = $1`, olderID, a.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	u, nik, appID, reqID := delTeacher(t, a, "hapus@guru.test", 301)
	teacher := a.SignIn("hapus@guru.test")
	admin := a.SignIn("admin@hapus.test")

	page := admin.Get("/admin/permintaan-hapus")
	recWant(t, page, 200, "Pengguna hapus", "hapus@guru.test", "Saya pindah profesi.", pdp.Mask(nik),
		"lamaran yang sudah dikirim, nilai, hasil seleksi, dan log audit", fmt.Sprintf(`action="/admin/permintaan-hapus/%d"`, reqID))
	if strings.Contains(page.Body, nik) {
		t.Error("the list shows the whole NIK")
	}
	if i, j := strings.Index(page.Body, "Saya pindah profesi."), strings.Index(page.Body, "Permintaan lebih lama"); i < 0 || j < 0 || i > j {
		t.Errorf("open requests not newest first (%d, %d)", i, j)
	}
	if !strings.Contains(admin.Get("/dasbor").Body, `href="/admin/permintaan-hapus"`) {
		t.Error("the admin dashboard has no link to the deletion requests")
	}

	// One click deletes nothing: a confirmation page (working without JavaScript) asks first,
	// and posting it without the box ticked asks again.
	res := admin.PostForm(fmt.Sprintf("/admin/permintaan-hapus/%d", reqID), url.Values{"outcome": {"dihapus"}})
	recWant(t, res, http.StatusUnprocessableEntity, "Hapus data pribadi pengguna ini?", "tidak dapat dibatalkan",
		`name="outcome" value="dihapus"`, `name="confirm"`)
	res = admin.PostForm(fmt.Sprintf("/admin/permintaan-hapus/%d", reqID), url.Values{"outcome": {"dihapus"}, "_asked": {"1"}})
	recWant(t, res, http.StatusUnprocessableEntity, "Hapus data pribadi pengguna ini?")
	if n := recCount(t, a, `SELECT count(*) FROM teacher_profiles WHERE user_id = $1`, u.ID); n != 1 {
		t.Fatalf("unconfirmed deletion removed the profile (%d left)", n)
	}
	res = admin.PostForm(fmt.Sprintf("/admin/permintaan-hapus/%d", reqID), url.Values{"outcome": {"dihapus"}, "confirm": {"yes"}})
	if res.Status != http.StatusSeeOther || res.Location != "/admin/permintaan-hapus" {
		t.Fatalf("carry out: %d %s", res.Status, res.Location)
	}
	// Stored state: profile gone, account anonymised and disabled, application kept.
	if n := recCount(t, a, `SELECT count(*) FROM teacher_profiles WHERE user_id = $1`, u.ID); n != 0 {
		t.Errorf("%d teacher profiles left", n)
	}
	var name, email, phone string
	var disabled bool
	if err := a.DB.QueryRow(ctx, `SELECT name, email, phone, disabled_at IS NOT NULL FROM users WHERE id = $1`, u.ID).Scan(&name, &email, &phone, &disabled); err != nil {
		t.Fatal(err)
	}
	if name != fmt.Sprintf("Pengguna dihapus #%d", u.ID) || email != fmt.Sprintf("deleted-%d@invalid", u.ID) || phone != "" || !disabled {
		t.Errorf("account after deletion: %q %q %q disabled=%v", name, email, phone, disabled)
	}
	if n := recCount(t, a, `SELECT count(*) FROM applications WHERE id = $1 AND user_id = $2 AND status = 'submitted'`, appID, u.ID); n != 1 {
		t.Error("the submitted application was not kept")
	}
	if n := recCount(t, a, `SELECT count(*) FROM data_deletion_requests WHERE id = $1 AND outcome = 'deleted' AND processed_by IS NOT NULL`, reqID); n != 1 {
		t.Error("the request is not marked deleted")
	}
	// Mail: the outcome goes to the original address; the unsent older mail is gone, the sent one stays.
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'hapus@guru.test' AND subject = 'Data pribadi Anda sudah dihapus' AND sent_at IS NULL`); n != 1 {
		t.Errorf("%d outcome mails to the original address, want 1", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'hapus@guru.test' AND subject = 'belum terkirim'`); n != 0 {
		t.Error("unsent mail to the old address was not removed")
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'hapus@guru.test' AND subject = 'lama terkirim'`); n != 1 {
		t.Error("sent mail history was removed")
	}
	// Audit: recorded, without the NIK or the email.
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'pdp.deletion_deleted' AND object_id = $1::bigint::text`, u.ID); n != 1 {
		t.Errorf("%d audit entries for the deletion, want 1", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE detail::text LIKE '%' || $1 || '%' OR detail::text LIKE '%hapus@guru.test%'`, nik); n != 0 {
		t.Errorf("%d audit entries hold the NIK or the email", n)
	}
	// Cannot sign in with the old address, and the open session no longer works.
	res = a.Anonymous().PostForm("/masuk", url.Values{"email": {"hapus@guru.test"}, "password": {apptest.Password}})
	if res.Status == http.StatusSeeOther {
		t.Errorf("signed in with the old address: %d %s", res.Status, res.Location)
	}
	res = a.Anonymous().PostForm("/masuk", url.Values{"email": {email}, "password": {apptest.Password}})
	if res.Status == http.StatusSeeOther {
		t.Errorf("signed in with the anonymous address: %d %s", res.Status, res.Location)
	}
	if res := teacher.Get("/profil/data-saya"); res.Status == http.StatusOK {
		t.Error("the deleted teacher's session still opens /profil/data-saya")
	}
	// The page lists it as processed; a second submit is refused and changes nothing.
	page = admin.Get("/admin/permintaan-hapus")
	recWant(t, page, 200, "Sudah diproses", fmt.Sprintf("Pengguna dihapus #%d", u.ID), "Dihapus")
	if strings.Contains(page.Body, fmt.Sprintf(`action="/admin/permintaan-hapus/%d"`, reqID)) {
		t.Error("a processed request still has a decision form")
	}
	res = admin.PostForm(fmt.Sprintf("/admin/permintaan-hapus/%d", reqID), url.Values{"outcome": {"dihapus"}, "confirm": {"yes"}})
	if res.Status != http.StatusConflict {
		t.Errorf("second processing: %d, want 409", res.Status)
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action LIKE 'pdp.deletion_%ed'`); n != 1 {
		t.Errorf("%d decision audit entries after a double submit, want 1", n)
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'hapus@guru.test' AND subject = 'Data pribadi Anda sudah dihapus'`); n != 1 {
		t.Errorf("%d outcome mails after a double submit, want 1", n)
	}
	if res := admin.PostForm("/admin/permintaan-hapus/999999", url.Values{"outcome": {"dihapus"}, "confirm": {"yes"}}); res.Status != http.StatusNotFound {
		t.Errorf("unknown request: %d, want 404", res.Status)
	}
}

func TestDeletionRequestRefusal(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	a.User("admin@hapus.test", account.RoleAdmin, account.Scope{})
	u, nik, _, reqID := delTeacher(t, a, "tolak@guru.test", 302)
	admin := a.SignIn("admin@hapus.test")
	path := fmt.Sprintf("/admin/permintaan-hapus/%d", reqID)

	// The refusal needs a reason: 422, the typed text kept, an Indonesian message, nothing stored.
	res := admin.PostForm(path, url.Values{"outcome": {"ditolak"}, "note": {"   "}})
	recWant(t, res, http.StatusUnprocessableEntity, "Tuliskan alasan penolakan.", `aria-invalid="true"`)
	typed := strings.Repeat("x", 1001)
	res = admin.PostForm(path, url.Values{"outcome": {"ditolak"}, "note": {typed}})
	recWant(t, res, http.StatusUnprocessableEntity, "Catatan paling panjang 1000 karakter.", ">"+typed+"</textarea>")
	if n := recCount(t, a, `SELECT count(*) FROM data_deletion_requests WHERE id = $1 AND processed_at IS NULL`, reqID); n != 1 {
		t.Fatal("an invalid refusal processed the request")
	}

	reason := "Seleksi Angkatan 302 sedang berjalan; hasil harus disimpan."
	res = admin.PostForm(path, url.Values{"outcome": {"ditolak"}, "note": {reason}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("refuse: %d\n%.1500s", res.Status, res.Body)
	}
	if n := recCount(t, a, `SELECT count(*) FROM data_deletion_requests WHERE id = $1 AND outcome = 'rejected' AND decision_note = $2`, reqID, reason); n != 1 {
		t.Error("the refusal and its reason were not stored")
	}
	// Nothing erased.
	if storedNIK(t, a, u.ID) != nik {
		t.Error("the profile changed on a refusal")
	}
	if n := recCount(t, a, `SELECT count(*) FROM users WHERE id = $1 AND email = 'tolak@guru.test' AND disabled_at IS NULL`, u.ID); n != 1 {
		t.Error("the account changed on a refusal")
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'tolak@guru.test' AND subject = 'belum terkirim'`); n != 1 {
		t.Error("pending mail was removed on a refusal")
	}
	if n := recCount(t, a, `SELECT count(*) FROM mail_outbox WHERE to_addr = 'tolak@guru.test' AND subject = 'Permintaan hapus data Anda ditolak' AND body_text LIKE '%' || $1 || '%'`, reason); n != 1 {
		t.Error("no refusal mail with the reason to the requester")
	}
	if n := recCount(t, a, `SELECT count(*) FROM audit_log WHERE action = 'pdp.deletion_rejected' AND object_id = $1::bigint::text
		AND detail::text NOT LIKE '%' || $2 || '%' AND detail::text NOT LIKE '%tolak@guru.test%'`, u.ID, nik); n != 1 {
		t.Errorf("%d refusal audit entries without NIK or email, want 1", n)
	}
	recWant(t, admin.Get("/admin/permintaan-hapus"), 200, "Ditolak", reason)
	if res := admin.PostForm(path, url.Values{"outcome": {"dihapus"}, "confirm": {"yes"}}); res.Status != http.StatusConflict {
		t.Errorf("carrying out a refused request: %d, want 409", res.Status)
	}
	if storedNIK(t, a, u.ID) != nik {
		t.Error("a refused request was carried out later")
	}
	// The teacher sees the outcome and may ask again.
	c := a.SignIn("tolak@guru.test")
	recWant(t, c.Get("/profil/data-saya"), 200, reason)
	if res := c.PostForm("/profil/data-saya/hapus", url.Values{"confirm": {"yes"}, "reason": {"Lagi"}}); res.Status != http.StatusSeeOther {
		t.Errorf("asking again after a refusal: %d", res.Status)
	}
}
