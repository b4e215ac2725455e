package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"penggerak/internal/apptest"
	"penggerak/internal/server"
	"penggerak/internal/storage"
	"penggerak/internal/storage/storagetest"
)

// A 24 MiB upload for a 1 MB document is refused while it streams: the server does not read
// it whole into memory before checking the size (it used to: ParseMultipartForm kept up to
// 32 MiB of a file in memory).
func TestOversizedUploadIsRefusedWhileStreaming(t *testing.T) {
	a, tc, _, c, base := recBegin(t, "besar@guru.test")

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, _ := mw.CreateFormFile("file", "besar.pdf")
		_, _ = fw.Write([]byte("%PDF-1.4\n"))
		chunk := bytes.Repeat([]byte{'x'}, 64<<10)
		for range (24 << 20) / len(chunk) {
			if _, err := fw.Write(chunk); err != nil {
				break // the server stopped reading
			}
		}
		_ = mw.Close()
		_ = pw.Close()
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	req, _ := http.NewRequest(http.MethodPost, c.Base+fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0]), pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.HTTP.Do(req)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	status := res.StatusCode
	if status == http.StatusSeeOther && res.Header.Get(server.RefusedHeader) != "" {
		page := c.Get(res.Header.Get("Location")) // the refused form on its page (Post/Redirect/Get)
		status, body = page.Status, []byte(page.Body)
	}
	if status != http.StatusUnprocessableEntity || !bytes.Contains(body, []byte("Berkas terlalu besar (maksimal 1 MB)")) {
		t.Fatalf("status %d\n%.1500s", status, body)
	}
	// Allocation during the request, client and server together (the client's body is
	// produced in 64 KiB chunks): far below the 24 MiB sent.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 12<<20 {
		t.Errorf("allocated %d MiB while refusing a 24 MiB upload", alloc>>20)
	}
	if n := recCount(t, a, `SELECT count(*) FROM application_documents`); n != 0 {
		t.Errorf("%d documents stored", n)
	}
}

// With STORAGE=s3 the documents and the Pakta go to the bucket (a real S3-protocol server),
// nothing to the local folder, and downloads read them back from the bucket.
func TestUploadsToObjectStorage(t *testing.T) {
	s3, err := storage.NewS3(storagetest.S3(t))
	if err != nil {
		t.Fatal(err)
	}
	a := apptest.Start(t, apptest.Options{Files: s3})
	tc := recSeedCohort(t, a, 12, "pendaftaran", 0)
	_, c := recTeacher(t, a, "awan@guru.test", "10600001", "16.01", recProfileOpts{})
	base := recStart(t, c, tc.ID)
	path := fmt.Sprintf("%s/dokumen/%d", base, tc.Docs[0])
	if res := recUpload(c, path, "ktp.pdf", recPDF); res.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", res.Status, res.Body)
	}
	var id int64
	var name string
	if err := a.DB.QueryRow(context.Background(), `SELECT id, storage_name FROM application_documents`).Scan(&id, &name); err != nil {
		t.Fatal(err)
	}
	obj, size, err := s3.Open(context.Background(), "applications/"+name)
	if err != nil {
		t.Fatalf("object in the bucket: %v", err)
	}
	got, _ := io.ReadAll(obj)
	obj.Close()
	if size != int64(len(recPDF)) || !bytes.Equal(got, recPDF) {
		t.Errorf("bucket holds %d bytes, want the upload", size)
	}
	if ents, _ := os.ReadDir(filepath.Join(a.Config.UploadDir, "applications")); len(ents) != 0 {
		t.Errorf("%d files in the local folder with STORAGE=s3", len(ents))
	}
	// A replacement removes the old object.
	pdf2 := append(append([]byte{}, recPDF...), []byte("% versi 2\n")...)
	if res := recUpload(c, path, "ktp-baru.pdf", pdf2); res.Status != http.StatusSeeOther {
		t.Fatalf("replace: %d", res.Status)
	}
	if _, _, err := s3.Open(context.Background(), "applications/"+name); err == nil {
		t.Errorf("the replaced object is still in the bucket")
	}
	if res := c.Get(fmt.Sprintf("/berkas/%d", id)); res.Status != 200 || res.Body != string(pdf2) {
		t.Errorf("download from the bucket: %d, %d bytes", res.Status, len(res.Body))
	}
}
