package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// Store holds the files of one backup: a folder (Dir) or an S3 prefix (S3).
type Store interface {
	// Put writes name, replacing it.
	Put(ctx context.Context, name string, body []byte) error
	// Get reads name; a missing name is an error wrapping fs.ErrNotExist.
	Get(ctx context.Context, name string) ([]byte, error)
}

// Dir is a Store in the folder path (created on the first Put).
func Dir(path string) Store { return dirStore(path) }

type dirStore string

func (d dirStore) Put(_ context.Context, name string, body []byte) error {
	if err := os.MkdirAll(string(d), 0o700); err != nil {
		return err
	}
	// Write and rename: a reader never sees half a file.
	tmp := filepath.Join(string(d), "."+name+".tmp")
	if err := os.WriteFile(tmp, body, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(string(d), name))
}

func (d dirStore) Get(_ context.Context, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(string(d), name))
}

// S3API is what an S3 Store calls.
type S3API interface {
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// S3 is a Store under prefix in bucket (objects PREFIX/NAME), encrypted with
// the bucket's default encryption (the stack's backup bucket: its KMS key).
func S3(client S3API, bucket, prefix string) Store {
	return &s3Store{client: client, bucket: bucket, prefix: strings.Trim(prefix, "/")}
}

// ParseS3URL splits s3://BUCKET/PREFIX.
func ParseS3URL(u string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	bucket, prefix, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" {
		return "", "", fmt.Errorf("%q is not an s3://BUCKET/PREFIX URL", u)
	}
	return bucket, strings.Trim(prefix, "/"), nil
}

type s3Store struct {
	client         S3API
	bucket, prefix string
}

func (s *s3Store) key(name string) string { return path.Join(s.prefix, name) }

func (s *s3Store) Put(ctx context.Context, name string, body []byte) error {
	_, err := s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(s.bucket), Key: aws.String(s.key(name)), Body: bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	})
	return err
}

func (s *s3Store) Get(ctx context.Context, name string) ([]byte, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.key(name))})
	var missing *s3types.NoSuchKey
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("s3://%s/%s: %w", s.bucket, s.key(name), fs.ErrNotExist)
	}
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}
