package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

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
