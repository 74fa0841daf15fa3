package authctl

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/spf13/cobra"
)

func TestPasswordCommands(t *testing.T) {
	h := newHarness(t)
	h.signedIn()
	out := h.mustRun("", "forgot-password", "jane@example.com")
	if !strings.Contains(out, "authctl reset-password jane@example.com") {
		t.Errorf("forgot-password said %q", out)
	}
	if code, _, errOut := h.run("Other-Password-2\n", "reset-password", "jane@example.com", "--code", "999999"); code != ExitInvalid || !strings.Contains(errOut, "expired") {
		t.Errorf("reset with a wrong code = %d %q; want %d", code, errOut, ExitInvalid)
	}
	if h.cog.users["jane@example.com"].password != "Correct-Horse-9" {
		t.Fatal("a refused reset changed the password")
	}
	h.mustRun("123456\nOther-Password-2\n", "reset-password", "jane@example.com")
	if got := h.cog.users["jane@example.com"].password; got != "Other-Password-2" {
		t.Errorf("password = %q after reset", got)
	}
	if code, _, errOut := h.run("wrong\nThird-Password-3\n", "change-password"); code != ExitAuth || !strings.Contains(errOut, "password is wrong") {
		t.Errorf("change-password with a wrong current password = %d %q", code, errOut)
	}
	h.env["AUTHCTL_PASSWORD"], h.env["AUTHCTL_NEW_PASSWORD"] = "Other-Password-2", "Third-Password-3"
	h.mustRun("", "change-password")
	if got := h.cog.users["jane@example.com"].password; got != "Third-Password-3" {
		t.Errorf("password = %q after change-password from the environment", got)
	}
}

func TestDeleteMeAsksFirst(t *testing.T) {
	h := newHarness(t)
	h.signedIn()
	if code, _, errOut := h.run("", "delete-me"); code != ExitCancelled || !strings.Contains(errOut, "--yes") {
		t.Errorf("delete-me without a terminal or --yes = %d %q; want %d", code, errOut, ExitCancelled)
	}
	h.terminal = true
	if code, _, _ := h.run("n\n", "delete-me"); code != ExitCancelled || h.cog.users["jane@example.com"] == nil {
		t.Errorf("delete-me answered no = %d; want %d and the user kept", code, ExitCancelled)
	}
	h.mustRun("y\n", "delete-me")
	if h.cog.users["jane@example.com"] != nil {
		t.Error("the user survived delete-me")
	}
	if code, _, _ := h.run("", "whoami"); code != ExitAuth {
		t.Errorf("whoami after delete-me = %d; want %d (no cached tokens)", code, ExitAuth)
	}
}

// MFA setup: the secret reaches the app through the QR code, and is printed
// only when asked.
func TestMFASetup(t *testing.T) {
	h := newHarness(t)
	h.signedIn()
	if code, _, errOut := h.run("654321\n", "mfa", "setup"); code != ExitUsage || !strings.Contains(errOut, "--show-secret") {
		t.Errorf("mfa setup without a terminal or --show-secret = %d %q; want %d", code, errOut, ExitUsage)
	}
	h.terminal = true
	if code, _, _ := h.run("000000\n", "mfa", "setup"); code != ExitInvalid || h.cog.users["jane@example.com"].totp {
		t.Errorf("a wrong code = %d, totp %v; want %d and MFA left off", code, h.cog.users["jane@example.com"].totp, ExitInvalid)
	}
	code, out, errOut := h.run("654321\n", "mfa", "setup")
	if code != 0 || !h.cog.users["jane@example.com"].totp {
		t.Fatalf("mfa setup = %d %q %q", code, out, errOut)
	}
	if !strings.Contains(errOut, "█") && !strings.Contains(errOut, "▀") {
		t.Errorf("no QR code on the terminal: %q", errOut)
	}
	if strings.Contains(out+errOut, h.cog.totpKey) {
		t.Error("the TOTP secret was printed without --show-secret")
	}
	h.terminal = false
	_, _, errOut = h.run("654321\n", "mfa", "setup", "--show-secret")
	if !strings.Contains(errOut, "otpauth://totp/authdev-development:jane@example.com?issuer=authdev-development&secret="+h.cog.totpKey) {
		t.Errorf("--show-secret printed %q; want the otpauth URI", errOut)
	}
}

func TestUsersAndGroups(t *testing.T) {
	h := newHarness(t)
	for _, u := range []string{"a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"} {
		h.mustRun("Correct-Horse-9\n", "signup", u)
	}
	var users []user
	if err := json.Unmarshal([]byte(h.mustRun("", "users", "list", "-o", "json")), &users); err != nil || len(users) != 5 {
		t.Fatalf("users list = %v %v; want all five across pages", users, err)
	}
	if err := json.Unmarshal([]byte(h.mustRun("", "users", "list", "-o", "json", "--limit", "3")), &users); err != nil || len(users) != 3 {
		t.Errorf("users list --limit 3 = %d users", len(users))
	}
	if out := h.mustRun("", "users", "list"); !strings.Contains(out, "USERNAME") || !strings.Contains(out, "e@example.com") {
		t.Errorf("users list (text) = %q", out)
	}

	if code, _, _ := h.run("", "users", "disable", "a@example.com"); code != ExitCancelled || h.cog.called("AdminDisableUser") {
		t.Errorf("disable without --yes = %d (called: %v); want %d and no call", code, h.cog.called("AdminDisableUser"), ExitCancelled)
	}
	h.mustRun("", "users", "disable", "a@example.com", "--yes")
	if h.cog.users["a@example.com"].enabled {
		t.Error("still enabled")
	}
	h.mustRun("", "users", "enable", "a@example.com")
	if !h.cog.users["a@example.com"].enabled {
		t.Error("still disabled")
	}

	out := h.mustRun("", "groups", "add", "a@example.com", "admin")
	if !strings.Contains(out, "authdev-development-admin") {
		t.Errorf("groups add with the short name: %q; want the stack's group", out)
	}
	var got user
	if err := json.Unmarshal([]byte(h.mustRun("", "users", "get", "a@example.com", "-o", "json")), &got); err != nil || len(got.Groups) != 1 || got.Attributes["email"] != "a@example.com" {
		t.Errorf("users get = %+v %v", got, err)
	}
	if code, _, errOut := h.run("", "groups", "add", "a@example.com", "owners"); code != ExitNotFound || !strings.Contains(errOut, "groups list") {
		t.Errorf("an unknown group = %d %q", code, errOut)
	}
	h.mustRun("", "groups", "remove", "a@example.com", "authdev-development-admin", "-y")
	if len(h.cog.users["a@example.com"].groups) != 0 {
		t.Error("still in the group")
	}
}

func TestClientCredentials(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("", "token", "client-credentials")
	if strings.TrimSpace(out) != "machine-token" {
		t.Errorf("token = %q; want the access token alone", out)
	}
	if !h.cog.called("DescribeUserPoolClient") {
		t.Error("the secret was not read from Cognito")
	}
	if strings.Contains(out, h.cog.secret) {
		t.Error("the client secret was printed")
	}
	// An outputs file naming another token endpoint: the secret is not sent.
	h.cog.customDomain = "auth.other.example"
	if code, _, errOut := h.run("", "token", "client-credentials"); code != ExitUsage || !strings.Contains(errOut, "not the user pool's domain (auth.other.example, authdev.auth.eu-west-1.amazoncognito.com)") {
		t.Errorf("a token endpoint that is not the pool's = %d %q; want %d", code, errOut, ExitUsage)
	}
	h.cog.customDomain = "auth.example.com"
	h.env["AUTHCTL_CLIENT_SECRET"] = "wrong"
	if code, _, errOut := h.run("", "token", "client-credentials"); code != ExitAuth || !strings.Contains(errOut, "invalid_client") {
		t.Errorf("a wrong secret = %d %q; want %d", code, errOut, ExitAuth)
	}
	h.env["AUTHCTL_CLIENT_SECRET"] = h.cog.secret
	h.cog.fail["DescribeUserPoolClient"] = &ciptypes.NotAuthorizedException{Message: aws.String("no")}
	h.mustRun("", "token", "client-credentials") // the environment's secret: DescribeUserPoolClient not needed
	if out := h.mustRun("", "call", "GET", "/client", "--machine"); !strings.Contains(out, `"principal": "machine"`) {
		t.Errorf("call --machine = %s", out)
	}
}

func TestIdentityCredentials(t *testing.T) {
	h := newHarness(t)
	if code, _, errOut := h.run("", "identity", "credentials", "--guest"); code != ExitAuth || !strings.Contains(errOut, "unauthenticated") {
		t.Errorf("guest on a pool without guests = %d %q", code, errOut)
	}
	h.id.guests = true
	out := h.mustRun("", "identity", "credentials", "--guest")
	if !strings.Contains(out, "export AWS_ACCESS_KEY_ID=ASIAFAKE") || !strings.Contains(out, "export AWS_SESSION_TOKEN=sessiontoken") {
		t.Errorf("guest credentials = %q", out)
	}
	h.signedIn()
	var creds awsCredentials
	if err := json.Unmarshal([]byte(h.mustRun("", "identity", "credentials", "-o", "json")), &creds); err != nil || creds.SecretAccessKey != "secretkey" {
		t.Errorf("credentials = %+v %v", creds, err)
	}
	last := h.id.logins[len(h.id.logins)-1]
	if tok := last["cognito-idp.eu-west-1.amazonaws.com/"+testPool]; !strings.HasPrefix(tok, "eyJ") {
		t.Errorf("logins %v; want the ID token under the pool's provider name", last)
	}
}

func TestSmoke(t *testing.T) {
	h := newHarness(t)
	code, out, errOut := h.run("", "smoke", "-o", "json")
	var report struct {
		OK    bool
		Steps []smokeStep
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != 0 || !report.OK {
		t.Fatalf("smoke = %d %s %s", code, out, errOut)
	}
	if len(report.Steps) != 12 {
		t.Errorf("%d steps; want 12: %+v", len(report.Steps), report.Steps)
	}
	if len(h.cog.users) != 0 {
		t.Errorf("users left behind: %v", h.cog.users)
	}

	// A broken logout (the API keeps accepting the old token): the smoke fails.
	h = newHarness(t)
	h.api.ignoreLogout = true
	code, out, _ = h.run("", "smoke")
	if code != ExitFailed || !strings.Contains(out, "FAIL GET /user with the old access token: 401") || len(h.cog.users) != 0 {
		t.Errorf("smoke against an API that ignores logout = %d, users %v\n%s", code, h.cog.users, out)
	}

	// A failing sign-in: the later steps are skipped, the user is still deleted.
	h = newHarness(t)
	h.cog.fail["RespondToAuthChallenge/PASSWORD_VERIFIER"] = &ciptypes.NotAuthorizedException{Message: aws.String("Incorrect username or password.")}
	code, out, _ = h.run("", "smoke")
	if code != ExitFailed || !strings.Contains(out, "FAIL sign in with SRP") || !strings.Contains(out, "skip GET /guest") {
		t.Errorf("smoke with a failing sign-in = %d\n%s", code, out)
	}
	if len(h.cog.users) != 0 || !strings.Contains(out, "ok   delete success+authctl-smoke-") {
		t.Errorf("the throw-away user was not deleted after a failure: %v\n%s", h.cog.users, out)
	}
}

func TestCompletionAndHelp(t *testing.T) {
	h := newHarness(t)
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, _ := h.runArgs([]string{"completion", shell})
		if code != 0 || !strings.Contains(out, "authctl") {
			t.Errorf("completion %s = %d", shell, code)
		}
	}
	code, out, _ := h.runArgs([]string{"--help"})
	if code != 0 || !strings.Contains(out, "Exit codes:") || !strings.Contains(out, "9  the API answered") {
		t.Errorf("--help = %d %q; want the exit codes", code, out)
	}
	// Every runnable command has an example in its help.
	root := (&app{}).root()
	root.InitDefaultCompletionCmd()
	var check func(c *cobra.Command)
	check = func(c *cobra.Command) {
		for _, s := range c.Commands() {
			check(s)
		}
		if c.Runnable() && !c.HasSubCommands() && c.Example == "" && c.Name() != "help" && !strings.Contains(c.CommandPath(), "completion") {
			t.Errorf("%s has no example", c.CommandPath())
		}
	}
	check(root)
}

func TestSecretsOnlyWhenAsked(t *testing.T) {
	h := newHarness(t)
	h.mustRun("Correct-Horse-9\n", "signup", "jane@example.com")
	h.mustRun("", "confirm", "--admin", "jane@example.com")
	out := h.mustRun("Correct-Horse-9\n", "login", "jane@example.com", "-o", "json")
	if strings.Contains(out, "eyJ") || strings.Contains(out, "refresh-") {
		t.Errorf("login -o json printed tokens: %s", out)
	}
	out = h.mustRun("Correct-Horse-9\n", "login", "jane@example.com", "-o", "json", "--show-tokens")
	var r map[string]interface{}
	if err := json.Unmarshal([]byte(out), &r); err != nil || !strings.HasPrefix(r["accessToken"].(string), "eyJ") {
		t.Errorf("--show-tokens: %s %v", out, err)
	}
}

func TestUsageErrors(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"confirm", "jane", "123456", "--admin"}, "drop the code"},
		{[]string{"signup", "jane", "--attr", "novalue"}, "NAME=VALUE"},
		{[]string{"call", "GET"}, "accepts 2 arg(s)"},
		{[]string{"call", "GET", "/user", "--data", "@/nonexistent"}, "--data @/nonexistent"},
		{[]string{"backup", "--to", "s3://"}, "s3://"},
		{[]string{"backup", "--to", "/tmp/x", "--quota-share", "2"}, "(0, 1]"},
		{[]string{"restore", "--from", "/tmp/x", "--passwords", "bogus"}, "reset"},
		{[]string{"restore", "--from", "/tmp/x", "--method", "fast"}, "admin, import"},
		{[]string{"users", "dissable", "jane"}, "unknown command"},
		{[]string{"users"}, "needs a subcommand: disable, enable, get, list"},
		{[]string{"signup"}, "accepts 1 arg(s)"},
	} {
		code, _, errOut := h.run("Correct-Horse-9\n", tc.args...)
		if code != ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("authctl %v = %d %q; want %d and %q", tc.args, code, errOut, ExitUsage, tc.want)
		}
	}
}

// Errors without a Cognito exception name: missing AWS credentials (the
// SDK's message), a network failure.
func TestOtherErrors(t *testing.T) {
	h := newHarness(t)
	h.cog.fail["ListUsers"] = fmt.Errorf("operation error Cognito Identity Provider: ListUsers, get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found")
	if code, _, errOut := h.run("", "users", "list"); code != ExitAuth || !strings.Contains(errOut, "No AWS credentials") || !strings.Contains(errOut, "AWS_PROFILE") {
		t.Errorf("no credentials = %d %q", code, errOut)
	}
	h.cog.fail["ListUsers"] = &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "User: arn:aws:iam::1:user/x is not authorized to perform: cognito-idp:ListUsers"}
	if code, _, errOut := h.run("", "users", "list"); code != ExitAuth || !strings.Contains(errOut, "not allowed") || !strings.Contains(errOut, "cognito-idp:ListUsers") {
		t.Errorf("access denied = %d %q", code, errOut)
	}
	h.api.srv.Close() // the API is unreachable
	h.signedIn()
	if code, _, errOut := h.run("", "call", "GET", "/guest", "--anonymous"); code != ExitError || !strings.Contains(errOut, "connect") {
		t.Errorf("an unreachable API = %d %q; want %d", code, errOut, ExitError)
	}
}

// With -o json an error is a JSON object on stderr.
func TestJSONErrors(t *testing.T) {
	h := newHarness(t)
	code, _, errOut := h.run("", "call", "GET", "/user", "-o", "json")
	var e struct {
		Error    string
		Next     string
		ExitCode int
	}
	if err := json.Unmarshal([]byte(errOut), &e); err != nil || code != ExitAuth || e.ExitCode != ExitAuth || e.Next != "authctl login" {
		t.Errorf("JSON error = %d %q (%v)", code, errOut, err)
	}
}

type fakeSfn struct {
	statuses []sfntypes.ExecutionStatus // answered in turn
	started  []string
}

func (f *fakeSfn) StartExecution(_ context.Context, in *sfn.StartExecutionInput, _ ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error) {
	f.started = append(f.started, aws.ToString(in.StateMachineArn))
	return &sfn.StartExecutionOutput{ExecutionArn: aws.String("arn:aws:states:eu-west-1:1:execution:backup:x")}, nil
}

func (f *fakeSfn) DescribeExecution(_ context.Context, in *sfn.DescribeExecutionInput, _ ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error) {
	st := f.statuses[0]
	if len(f.statuses) > 1 {
		f.statuses = f.statuses[1:]
	}
	return &sfn.DescribeExecutionOutput{Status: st, Error: aws.String("States.TaskFailed"), StartDate: aws.Time(time.Unix(0, 0)), StopDate: aws.Time(time.Unix(90, 0))}, nil
}

// The pipeline's pre-deploy backup: the stack's state machine, waited for;
// a failed execution fails the step; no stack yet is no backup and success.
func TestRemoteBackup(t *testing.T) {
	h := newHarness(t)
	h.stacks.outputs["BackupStateMachineArn"] = "arn:aws:states:eu-west-1:1:stateMachine:backup"
	f := &fakeSfn{statuses: []sfntypes.ExecutionStatus{sfntypes.ExecutionStatusRunning, sfntypes.ExecutionStatusSucceeded}}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		d := h.deps("", &out, &errOut)
		d.Sfn = func(aws.Config) StepFunctions { return f }
		code := Main(context.Background(), args, d)
		return code, out.String(), errOut.String()
	}
	code, out, errOut := run("--env", "development", "backup", "--remote", "--poll", "1ms")
	if code != 0 || len(f.started) != 1 || f.started[0] != "arn:aws:states:eu-west-1:1:stateMachine:backup" || !strings.Contains(out, "1m30s") {
		t.Errorf("remote backup = %d %q %q, started %v", code, out, errOut, f.started)
	}
	f.statuses = []sfntypes.ExecutionStatus{sfntypes.ExecutionStatusFailed}
	if code, _, errOut = run("--env", "development", "backup", "--remote", "--poll", "1ms"); code != ExitFailed || !strings.Contains(errOut, "ended FAILED: States.TaskFailed") {
		t.Errorf("a failed execution = %d %q; want %d", code, errOut, ExitFailed)
	}
	if code, out, _ = run("--env", "production", "backup", "--remote", "--if-deployed", "-o", "json"); code != 0 || !strings.Contains(out, `"deployed": false`) {
		t.Errorf("--if-deployed before the first deployment = %d %q; want success without a backup", code, out)
	}
	if code, _, _ = run("--env", "production", "backup", "--remote"); code != ExitNotFound {
		t.Errorf("no stack without --if-deployed = %d; want %d", code, ExitNotFound)
	}
}

// A pipeline step gets the stage's outputs as AUTHSTACK_OUTPUT_<Name>.
func TestOutputsFromTheEnvironment(t *testing.T) {
	h := newHarness(t)
	for k, v := range testOutputs() {
		h.env[OutputEnvPrefix+k] = v
	}
	h.env["AUTHSTACK_STACK_NAME"] = "authdev-development"
	code, out, errOut := h.runArgs([]string{"--outputs-env", "smoke"})
	if code != 0 || !strings.Contains(out, "ok   delete") {
		t.Errorf("smoke with --outputs-env = %d\n%s%s", code, out, errOut)
	}
	delete(h.env, OutputEnvPrefix+"UserPoolId")
	if code, _, errOut = h.runArgs([]string{"--outputs-env", "urls"}); code != ExitUsage || !strings.Contains(errOut, "AUTHSTACK_OUTPUT_UserPoolId") {
		t.Errorf("--outputs-env without the pool = %d %q", code, errOut)
	}
}
