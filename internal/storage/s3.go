package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config is where an S3-compatible store is and how to sign in to it.
type S3Config struct {
	// Endpoint is the server's URL, e.g. https://s3.ap-southeast-3.amazonaws.com or
	// http://127.0.0.1:9000 (the scheme says whether TLS is used).
	Endpoint  string
	Bucket    string
	Region    string
	AccessKey string
	SecretKey string
	// Prefix is put before every key (e.g. "penggerak/"), so one bucket can hold more.
	Prefix string
	// PathStyle addresses the bucket as endpoint/bucket (MinIO, most self-hosted stores)
	// instead of bucket.endpoint.
	PathStyle bool
}

// S3 keeps objects in a bucket of an S3-compatible object store.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

// NewS3 connects to the store; it does not create the bucket.
func NewS3(c S3Config) (*S3, error) {
	u, err := url.Parse(c.Endpoint)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("storage: S3 endpoint must be an http(s) URL, not %q", c.Endpoint)
	}
	if c.Bucket == "" {
		return nil, errors.New("storage: S3 bucket is required")
	}
	lookup := minio.BucketLookupAuto
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKey, c.SecretKey, ""),
		Secure:       u.Scheme == "https",
		Region:       c.Region,
		BucketLookup: lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("storage: S3 client: %w", err)
	}
	return &S3{client: client, bucket: c.Bucket, prefix: strings.TrimLeft(c.Prefix, "/")}, nil
}

// Client is the underlying client (for setting up a bucket in tests and tools).
func (s *S3) Client() *minio.Client { return s.client }

func (s *S3) key(key string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", err
	}
	return s.prefix + key, nil
}

// Put uploads the object with its size known, in one request (the reader is streamed; no
// part buffer is held for objects under the multipart threshold).
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	_, err = s.client.PutObject(ctx, s.bucket, k, r, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream", PartSize: 16 << 20, DisableMultipart: size < 16<<20,
	})
	return err
}

// Open starts a download of the object.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	k, err := s.key(key)
	if err != nil {
		return nil, 0, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, k, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, err
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil, 0, fmt.Errorf("%s: %w", key, ErrNotFound)
		}
		return nil, 0, err
	}
	return obj, st.Size, nil
}

// Delete removes the object.
func (s *S3) Delete(ctx context.Context, key string) error {
	k, err := s.key(key)
	if err != nil {
		return err
	}
	return s.client.RemoveObject(ctx, s.bucket, k, minio.RemoveObjectOptions{})
}
