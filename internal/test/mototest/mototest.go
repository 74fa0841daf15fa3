// Package mototest starts a moto server (PyPI moto[server], installed into
// .venv by the Makefile) on 127.0.0.1 for integration tests that make real
// AWS SDK calls. Without moto the tests are skipped, unless
// AUTHSTACK_REQUIRE_MOTO=1 (set by `make test`), where they fail.
package mototest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region of every moto client.
const Region = "eu-west-1"

// Start runs a fresh moto server for the test and returns an aws.Config
// pointed at it (static test credentials).
func Start(t testing.TB) aws.Config {
	t.Helper()
	bin := os.Getenv("AUTHSTACK_MOTO_SERVER")
	if bin == "" {
		_, file, _, _ := runtime.Caller(0)
		bin = filepath.Join(filepath.Dir(file), "..", "..", "..", ".venv", "bin", "moto_server")
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("AUTHSTACK_REQUIRE_MOTO") == "1" {
			t.Fatalf("moto server not found at %s (run `make tools`)", bin)
		}
		t.Skipf("moto server not installed (%s); run `make tools`", bin)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto server did not start on %s: %v", endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return aws.Config{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	}
}

// Context is a test context that ends with the test or after a minute.
func Context(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}
