// Package testevents loads the captured trigger events under
// testdata/events (the reference design's samples and aws-lambda-go's
// fixtures) for handler tests, and writes EMF output to a buffer.
package testevents

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

// Dir is testdata/events in the repository.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "events")
}

// Load returns the event file name (relative to Dir).
func Load(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Decode unmarshals the event file name into v.
func Decode(t testing.TB, name string, v interface{}) {
	t.Helper()
	if err := json.Unmarshal(Load(t, name), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// Buffer collects EMF records.
type Buffer struct{ *bytes.Buffer }

// Metrics returns metrics (stack "auth-test") that write to the returned buffer.
func Metrics() (*telemetry.Metrics, *Buffer) {
	buf := &Buffer{new(bytes.Buffer)}
	return &telemetry.Metrics{W: buf, Stack: "auth-test"}, buf
}

// Counted reports how many EMF records in buf count metric name with value
// 1 and every extra dimension pair given (key, value, ...).
func Counted(t testing.TB, buf *bytes.Buffer, name string, dims ...string) int {
	t.Helper()
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]interface{}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("EMF line is not JSON: %q", line)
		}
		if _, ok := rec["_aws"]; !ok || rec[name] == nil || rec[contract.DimStack] != "auth-test" {
			continue
		}
		match := true
		for i := 0; i+1 < len(dims); i += 2 {
			if rec[dims[i]] != dims[i+1] {
				match = false
			}
		}
		if match {
			n++
		}
	}
	return n
}
