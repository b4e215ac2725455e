package storage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"penggerak/internal/storage"
	"penggerak/internal/storage/storagetest"
)

// Both backends keep the same contract: put, open (content and size), replace nothing else,
// delete, not found after, bad keys refused.
func TestBackends(t *testing.T) {
	dir := t.TempDir()
	s3, err := storage.NewS3(storagetest.S3(t))
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]storage.Store{"local": storage.NewLocal(dir), "s3": s3} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			content := bytes.Repeat([]byte("%PDF-1.7 isi dokumen "), 50000) // ~1 MB
			if err := st.Put(ctx, "applications/abc.pdf", bytes.NewReader(content), int64(len(content))); err != nil {
				t.Fatal(err)
			}
			if err := st.Put(ctx, "pakta/def.pdf", strings.NewReader("%PDF-pakta"), 10); err != nil {
				t.Fatal(err)
			}
			rc, size, err := st.Open(ctx, "applications/abc.pdf")
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if size != int64(len(content)) || !bytes.Equal(got, content) {
				t.Errorf("read back %d bytes (size %d), want %d", len(got), size, len(content))
			}
			if err := st.Delete(ctx, "applications/abc.pdf"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := st.Open(ctx, "applications/abc.pdf"); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("open after delete: %v, want ErrNotFound", err)
			}
			if err := st.Delete(ctx, "applications/abc.pdf"); err != nil {
				t.Errorf("deleting a missing object: %v", err)
			}
			if rc, _, err := st.Open(ctx, "pakta/def.pdf"); err != nil {
				t.Errorf("the other object: %v", err)
			} else {
				rc.Close()
			}
			for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a\\b", "a//b"} {
				if err := st.Put(ctx, bad, strings.NewReader("x"), 1); err == nil {
					t.Errorf("key %q accepted", bad)
				}
			}
		})
	}
	// The local backend keeps the layout scripts/backup.sh archives: UPLOAD_DIR/<key>.
	if _, err := os.Stat(filepath.Join(dir, "pakta", "def.pdf")); err != nil {
		t.Errorf("local file layout: %v", err)
	}
}

// Spool stops reading as soon as the limit is passed: a 24 MiB body for a 2 MB limit is
// refused after about 2 MB, never held in memory.
func TestSpoolStopsAtTheLimit(t *testing.T) {
	src := &countingReader{left: 24 << 20}
	_, err := storage.Spool(src, 2_000_000, t.TempDir())
	if !errors.Is(err, storage.ErrTooBig) {
		t.Fatalf("err = %v, want ErrTooBig", err)
	}
	if src.read > 2_000_000+64<<10 {
		t.Errorf("read %d bytes of a 24 MiB body for a 2 MB limit", src.read)
	}
	sp, err := storage.Spool(strings.NewReader("%PDF-1.7 kecil"), 2_000_000, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	b, _ := io.ReadAll(sp.Reader())
	if sp.Size != 14 || string(b) != "%PDF-1.7 kecil" || string(sp.Head) != "%PDF-1.7 kecil" || len(sp.SHA256) != 64 {
		t.Errorf("spooled: size %d, head %q, content %q, sum %q", sp.Size, sp.Head, b, sp.SHA256)
	}
}

type countingReader struct{ left, read int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left == 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), c.left)
	for i := range p[:n] {
		p[i] = 'x'
	}
	c.left -= n
	c.read += n
	return int(n), nil
}
