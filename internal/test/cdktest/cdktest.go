// Package cdktest holds test helpers for constructs: an App that loads the
// feature flags from the repository's cdk.json (so tests and `cdk synth`
// agree), and panic-to-error helpers for assertions.
package cdktest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// RepoRoot is the directory holding go.mod and cdk.json.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// Context returns the "context" of the repository's cdk.json.
func Context(t testing.TB) map[string]interface{} {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(RepoRoot(), "cdk.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context map[string]interface{} `json:"context"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	return doc.Context
}

// NewApp returns an App with cdk.json's feature flags and an output directory
// under t.TempDir().
func NewApp(t testing.TB) awscdk.App {
	t.Helper()
	ctx := Context(t)
	return awscdk.NewApp(&awscdk.AppProps{
		Context:            &ctx,
		Outdir:             jsii.String(t.TempDir()),
		AnalyticsReporting: jsii.Bool(false),
	})
}

// NewStack returns a stack in a fresh App, in region eu-west-1 with an
// unresolved account.
func NewStack(t testing.TB) awscdk.Stack {
	t.Helper()
	return awscdk.NewStack(NewApp(t), jsii.String("Test"), &awscdk.StackProps{
		Env: &awscdk.Environment{Region: jsii.String("eu-west-1")},
	})
}

// Panics runs f and returns the panic's message, or "" when f did not panic.
// assertions.Template matchers and construct validation both panic in Go.
func Panics(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// Has reports whether the template has a resource of type with props, as an
// error describing the mismatch (nil when it matches).
func Has(tpl assertions.Template, typ string, props interface{}) error {
	if msg := Panics(func() { tpl.HasResourceProperties(jsii.String(typ), props) }); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	return nil
}
