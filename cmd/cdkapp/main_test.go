package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/guard"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func appWith(t *testing.T, ctx map[string]interface{}) awscdk.App {
	c := cdktest.Context(t)
	for k, v := range ctx {
		c[k] = v
	}
	return awscdk.NewApp(&awscdk.AppProps{Context: &c, Outdir: jsii.String(t.TempDir())})
}

func TestRunSelectsOneEnvironment(t *testing.T) {
	app := appWith(t, map[string]interface{}{"env": "test"})
	if err := run(app); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range *app.Node().Children() {
		names = append(names, *c.Node().Id())
	}
	// (the reference's test environment has custom domains outside
	// us-east-1: its hosted UI certificate has a stack of its own)
	if got := strings.Join(names, ","); got != "auth-test-certificates,auth-test" {
		t.Errorf("stacks = %s; want auth-test-certificates,auth-test", got)
	}
}

func TestRunRejectsUnknownEnvironment(t *testing.T) {
	app := appWith(t, map[string]interface{}{"env": "prod"})
	err := run(app)
	if err == nil || !strings.Contains(err.Error(), `unknown environment "prod"; known: development, test, production`) {
		t.Fatalf("run = %v; want an unknown-environment error", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("%d stacks added despite the error", n)
	}
}

func TestGuardRefusesAPoolReplacement(t *testing.T) {
	// GIVEN the test environment's pool locked as case-sensitive (a change
	// of UsernameConfiguration, which Cognito cannot make in place)
	lockPath := filepath.Join(t.TempDir(), "userpool.lock.json")
	lock := &guard.Lock{Version: guard.LockVersion, Stacks: map[string]map[string]guard.Immutable{
		"auth-test": {"UserPool335E89E8": {UsernameAttributes: []string{"email"}, UsernameConfiguration: map[string]any{"CaseSensitive": true}}},
	}}
	if err := guard.Write(lockPath, lock); err != nil {
		t.Fatal(err)
	}
	synth := func(ctx map[string]interface{}) error {
		ctx["env"], ctx[ContextUserPoolLock] = "test", lockPath
		app := appWith(t, ctx)
		if err := run(app); err != nil {
			t.Fatal(err)
		}
		return guardPools(app, io.Discard)
	}
	// WHEN the app is synthesized THEN it fails naming the stack, the pool and the property
	err := synth(map[string]interface{}{})
	if err == nil || !strings.Contains(err.Error(), `auth-test: user pool UserPool335E89E8: UsernameConfiguration changes from {"CaseSensitive":true} to {"CaseSensitive":false}`) {
		t.Fatalf("guard = %v", err)
	}
	// AND a stack whose pool is not locked is named in a warning
	var log strings.Builder
	empty := filepath.Join(t.TempDir(), "empty.json")
	if err := guard.Write(empty, &guard.Lock{Version: guard.LockVersion, Stacks: map[string]map[string]guard.Immutable{}}); err != nil {
		t.Fatal(err)
	}
	app := appWith(t, map[string]interface{}{"env": "test", ContextUserPoolLock: empty})
	if err := run(app); err != nil {
		t.Fatal(err)
	}
	if err := guardPools(app, &log); err != nil || !strings.Contains(log.String(), "warning: auth-test: user pool UserPool335E89E8 is not in") {
		t.Errorf("unlocked pool: %v, %q", err, log.String())
	}
	// AND a lock path that does not exist is an error, not a guard turned off
	app = appWith(t, map[string]interface{}{"env": "test", ContextUserPoolLock: filepath.Join(t.TempDir(), "typo.json")})
	if err := run(app); err != nil {
		t.Fatal(err)
	}
	if err := guardPools(app, io.Discard); err == nil || !strings.Contains(err.Error(), "typo.json (-c authstack:userPoolLock) cannot be read") {
		t.Errorf("missing named lock: %v", err)
	}
	// AND a deliberate migration of that stack passes
	if err := synth(map[string]interface{}{ContextAllowReplacement: "auth-test"}); err != nil {
		t.Errorf("allowed: %v", err)
	}
	// AND updating the lock records the pool as it is, after which it passes
	if err := synth(map[string]interface{}{ContextUpdateLock: "true"}); err != nil {
		t.Fatal(err)
	}
	if err := synth(map[string]interface{}{}); err != nil {
		t.Errorf("after update: %v", err)
	}
}
