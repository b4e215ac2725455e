// Package storagetest starts a real S3-protocol server (gofakes3, in memory) for tests of the
// S3 backend: the app's requests are signed and sent over HTTP as they are to a production
// object store.
package storagetest

import (
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"penggerak/internal/storage"
)

// Bucket is the bucket the fake server holds.
const Bucket = "penggerak-test"

// S3 starts an S3-protocol server on loopback until the test ends and returns the
// configuration that reaches its bucket.
func S3(t testing.TB) storage.S3Config {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(Bucket); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend, gofakes3.WithTimeSkewLimit(0)).Server())
	t.Cleanup(srv.Close)
	return storage.S3Config{Endpoint: srv.URL, Bucket: Bucket, Region: "us-east-1",
		AccessKey: "penggerak", SecretKey: "penggerak-secret", PathStyle: true, Prefix: "uploads/"}
}
