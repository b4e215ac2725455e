// Package storage keeps uploaded files (application documents, the signed Pakta Integritas)
// behind one interface with two backends, chosen by configuration (STORAGE): a local folder
// (the default, UPLOAD_DIR) and S3-compatible object storage (S3_ENDPOINT, S3_BUCKET, ...),
// which several instances of the app can share. Keys are paths such as
// "applications/<random>.pdf"; in the local folder they are the file paths under UPLOAD_DIR,
// so scripts/backup.sh and restore.sh work on them unchanged.
//
// Uploads reach a store through Spool: the request body is streamed into a temporary file
// while its size is counted against the per-document limit, so a file that is too big is
// refused as soon as the limit is passed, without holding it in memory.
package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Store keeps objects by key.
type Store interface {
	// Put stores size bytes read from r under key.
	Put(ctx context.Context, key string, r io.Reader, size int64) error
	// Open returns the object's content and size; ErrNotFound when there is none.
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// Delete removes the object; deleting a missing object is not an error.
	Delete(ctx context.Context, key string) error
}

// ErrNotFound is returned by Open for a key without an object.
var ErrNotFound = errors.New("storage: object not found")

// ErrTooBig is returned by Spool when the content is longer than the limit.
var ErrTooBig = errors.New("storage: file too big")

// CheckKey refuses keys that could leave the store's namespace: empty, absolute, with "..",
// backslashes or empty segments.
func CheckKey(key string) error {
	if key == "" || strings.HasPrefix(key, "/") || strings.Contains(key, "\\") || path.Clean(key) != key ||
		strings.HasPrefix(key, "../") || key == ".." || key == "." {
		return fmt.Errorf("storage: bad key %q", key)
	}
	return nil
}

// Local keeps objects as files under a folder.
type Local struct{ Dir string }

// NewLocal returns a store under dir (created on the first Put).
func NewLocal(dir string) *Local { return &Local{Dir: dir} }

func (l *Local) path(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return filepath.Join(l.Dir, filepath.FromSlash(key)), nil
}

// Put writes the object to a temporary file beside its final place and renames it there, so
// a reader never sees a half-written file.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	n, err := io.Copy(tmp, r)
	if err == nil && n != size {
		err = fmt.Errorf("storage: wrote %d bytes of %d", n, size)
	}
	if err == nil {
		err = tmp.Chmod(0o640)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}

// Open opens the file.
func (l *Local) Open(_ context.Context, key string) (io.ReadCloser, int64, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Delete removes the file.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// Spooled is an upload received into a temporary file: its size, SHA-256 and first bytes are
// known, and Reader reads it again from the start. Close removes the file.
type Spooled struct {
	file   *os.File
	Size   int64
	SHA256 string
	// Head is the first bytes of the content (up to 512), for checks by content.
	Head []byte
}

// Spool streams r into a temporary file (in dir, or the system's when dir is ""), counting
// the bytes and hashing them, and stops with ErrTooBig as soon as more than max bytes arrive:
// memory use is a copy buffer, whatever the size sent.
func Spool(r io.Reader, max int64, dir string) (*Spooled, error) {
	f, err := os.CreateTemp(dir, "penggerak-upload-*")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(f.Name()) // unlinked at once: the open file is all that is left, gone on Close
	sp := &Spooled{file: f}
	h := sha256.New()
	head := &headWriter{max: 512}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(r, max+1))
	if err != nil {
		f.Close()
		return nil, err
	}
	if n > max {
		f.Close()
		return nil, ErrTooBig
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	sp.Size, sp.SHA256, sp.Head = n, hex.EncodeToString(h.Sum(nil)), head.b
	return sp, nil
}

// Reader reads the spooled content from the start.
func (s *Spooled) Reader() io.Reader {
	_, _ = s.file.Seek(0, io.SeekStart)
	return s.file
}

// Close removes the temporary file.
func (s *Spooled) Close() error { return s.file.Close() }

type headWriter struct {
	b   []byte
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// FromConfig opens the store that cfg selects: the local folder, or the S3 bucket (which must
// exist and be reachable: checked here, so a misconfigured instance fails at start).
func FromConfig(ctx context.Context, kind, uploadDir string, c S3Config) (Store, error) {
	if kind != "s3" {
		return NewLocal(uploadDir), nil
	}
	s, err := NewS3(c)
	if err != nil {
		return nil, err
	}
	ok, err := s.client.BucketExists(ctx, c.Bucket)
	if err != nil {
		return nil, fmt.Errorf("storage: S3 bucket %q at %s: %w", c.Bucket, c.Endpoint, err)
	}
	if !ok {
		return nil, fmt.Errorf("storage: S3 bucket %q does not exist at %s", c.Bucket, c.Endpoint)
	}
	return s, nil
}
