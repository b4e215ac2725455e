package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"penggerak/internal/account"
	"penggerak/internal/apptest"
)

func TestUploadChecks(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t)
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	u, c := recTeacher(t, a, "unggah@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	path := fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0])
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 100)...)
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"png renamed .pdf", png, "Berkas bukan PDF"},
		{"oversized", append(append([]byte{}, recPDF...), make([]byte, 1<<20)...), "Berkas terlalu besar (maksimal 1 MB)"},
		{"empty", []byte{}, "Berkas kosong"},
		{"PDF with JavaScript", []byte("%PDF-1.4\n1 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n"), "Berkas PDF ini berisi skrip"},
		{"PDF with a launch action", []byte("%PDF-1.4\n1 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"), "Berkas PDF ini berisi skrip"},
		{"PDF and HTML at once", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>\n"), "Berkas PDF ini berisi skrip"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			recWant(t, recUpload(c, path, "ktp.pdf", tt.data), http.StatusUnprocessableEntity, tt.want)
		})
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_documents`); n != 0 {
		t.Fatalf("%d bad files stored", n)
	}
	if ents, _ := os.ReadDir(filepath.Join(a.Config.UploadDir, "applications")); len(ents) != 0 {
		t.Errorf("%d files left on disk", len(ents))
	}
	// Good file, then a replacement: one row, the old file removed.
	if res := recUpload(c, path, "ktp.pdf", recPDF); res.Status != http.StatusSeeOther {
		t.Fatalf("upload %d", res.Status)
	}
	pdf2 := append(append([]byte{}, recPDF...), []byte("% versi 2\n")...)
	// The stored name loses control and bidirectional-override characters ("fdp.exe" shown
	// right to left reads "exe.pdf").
	if res := recUpload(c, path, "ktp-\u202ebaru\u200b.pdf", pdf2); res.Status != http.StatusSeeOther {
		t.Fatalf("replace %d", res.Status)
	}
	var id int64
	var name string
	if err := a.DB.QueryRow(context.Background(), `SELECT id, original_name FROM application_documents`).Scan(&id, &name); err != nil || name != "ktp-baru.pdf" {
		t.Fatalf("replaced doc: %v %s", err, name)
	}
	if ents, _ := os.ReadDir(filepath.Join(a.Config.UploadDir, "applications")); len(ents) != 1 {
		t.Errorf("%d files on disk after replace, want 1", len(ents))
	}
	// Download: owner gets an attachment; another teacher and a dinas get 404.
	res := c.Get(fmt.Sprintf("/berkas/%d", id))
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") || res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Body != string(pdf2) {
		t.Errorf("download: %d %v", res.Status, res.Header)
	}
	_, other := recTeacher(t, a, "lain@guru.test", "10600002", "16.01", recProfileOpts{})
	if res := other.Get(fmt.Sprintf("/berkas/%d", id)); res.Status != 404 {
		t.Errorf("other teacher got %d", res.Status)
	}
	a.User("dinas.oku@x.test", account.RoleDinas, account.Scope{ProvinceCode: "16", RegencyCode: "16.01"})
	if res := a.SignIn("dinas.oku@x.test").Get(fmt.Sprintf("/berkas/%d", id)); res.Status != 404 {
		t.Errorf("dinas got %d", res.Status)
	}
	// The owner's own downloads are not audited; the admin's is, as personal-data access.
	var audited int
	_ = a.DB.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'application.document.download'`).Scan(&audited)
	if audited != 0 {
		t.Errorf("%d audit entries for the owner's own downloads", audited)
	}
	admin := a.User("admin.berkas@x.test", account.RoleAdmin, account.Scope{})
	if res := a.SignIn("admin.berkas@x.test").Get(fmt.Sprintf("/berkas/%d", id)); res.Status != 200 {
		t.Fatalf("admin download: %d", res.Status)
	}
	var actorID int64
	var ip string
	if err := a.DB.QueryRow(context.Background(), `SELECT actor_id, actor_ip FROM audit_log WHERE action = 'application.document.download'`).Scan(&actorID, &ip); err != nil || actorID != admin.ID || ip == "" {
		t.Errorf("admin download audit: actor %d ip %q (%v)", actorID, ip, err)
	}
	// Someone else's application steps are 404.
	if res := other.Get(base + "/dokumen"); res.Status != 404 {
		t.Errorf("other teacher's step: %d", res.Status)
	}
	_ = u
}
