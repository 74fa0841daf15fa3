package authctl

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/test/mototest"
)

// GIVEN a pool with users and a group (moto's Cognito API) WHEN an
// administrator runs authctl backup then restore into a new pool THEN the
// users, the group and the membership come back, the report and sub map
// are written; a restore not confirmed changes nothing.
func TestBackupAndRestoreThroughTheCLI(t *testing.T) {
	cfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(cfg)
	pool := func(name string) string {
		out, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name),
			UsernameAttributes: []ciptypes.UsernameAttributeType{ciptypes.UsernameAttributeTypeEmail}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.UserPool.Id)
	}
	old, fresh := pool("old"), pool("new")
	if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(old), GroupName: aws.String("admin")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"ann@example.com", "bob@example.com"} {
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(old), Username: aws.String(u), MessageAction: ciptypes.MessageActionTypeSuppress,
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(u)}, {Name: aws.String("email_verified"), Value: aws.String("true")}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(old), Username: aws.String("ann@example.com"), GroupName: aws.String("admin")}); err != nil {
		t.Fatal(err)
	}

	h := newHarness(t)
	out := testOutputs()
	out["UserPoolId"] = old
	b, _ := json.Marshal(map[string]interface{}{"authdev-development": out})
	if err := os.WriteFile(h.outputs, b, 0o644); err != nil {
		t.Fatal(err)
	}
	real := cip.NewFromConfig(cfg)
	run := func(stdin string, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		d := h.deps(stdin, &stdout, &stderr)
		d.Cognito = func(aws.Config) Cognito { return real }
		code := Main(ctx, append([]string{"--outputs-file", h.outputs}, args...), d)
		return code, stdout.String(), stderr.String()
	}
	dir := t.TempDir()
	to := filepath.Join(dir, "backup")
	code, stdout, stderr := run("", "backup", "--to", to)
	if code != 0 || !strings.Contains(stdout, "2 users, 1 groups, 1 memberships") {
		t.Fatalf("backup = %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr = run("", "backup", "--to", to); code != ExitConflict || !strings.Contains(stderr, "holds a complete backup already") {
		t.Errorf("a second backup into a complete one = %d %q; want %d (not a stale success)", code, stderr, ExitConflict)
	}
	if code, _, stderr = run("", "restore", "--from", to, "--into", fresh); code != ExitCancelled {
		t.Errorf("restore unconfirmed = %d %q; want %d", code, stderr, ExitCancelled)
	}
	if l, _ := idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(fresh)}); len(l.Users) != 0 {
		t.Fatalf("an unconfirmed restore created %d users", len(l.Users))
	}
	report := filepath.Join(dir, "report")
	code, stdout, stderr = run("", "restore", "--from", to, "--into", fresh, "--yes", "--report", report)
	if code != 0 || !strings.Contains(stdout, "users 2 created") {
		t.Fatalf("restore = %d %q %q", code, stdout, stderr)
	}
	g, err := idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(fresh), Username: aws.String("ann@example.com")})
	if err != nil || len(g.Groups) != 1 || aws.ToString(g.Groups[0].GroupName) != "admin" {
		t.Errorf("ann's groups in the new pool: %+v %v", g, err)
	}
	for _, f := range []string{"restore-report.json", "sub-map.csv"} {
		if info, err := os.Stat(filepath.Join(report, f)); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", f, info, err)
		}
	}
	if code, _, stderr = run("", "restore", "--from", filepath.Join(dir, "nothing"), "--dry-run"); code != ExitNotFound || !strings.Contains(stderr, "No complete backup") {
		t.Errorf("restore from an empty place = %d %q", code, stderr)
	}
	if code, _, _ = run("", "restore"); code != ExitUsage {
		t.Errorf("restore without --from = %d; want %d", code, ExitUsage)
	}
}
