package restore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/test/mototest"
	"github.com/authstack/authstack/restore"
)

// pool creates a user pool shaped like authstack's (email as username,
// a custom attribute) in moto and returns its id.
func pool(t *testing.T, ctx context.Context, idp *cip.Client, name string) string {
	t.Helper()
	out, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(name),
		UsernameAttributes: []ciptypes.UsernameAttributeType{ciptypes.UsernameAttributeTypeEmail},
		Schema: []ciptypes.SchemaAttributeType{{Name: aws.String("tenant_id"), AttributeDataType: ciptypes.AttributeDataTypeString, Mutable: aws.Bool(true),
			StringAttributeConstraints: &ciptypes.StringAttributeConstraintsType{MaxLength: aws.String("2048")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.UserPool.Id)
}

type seeded struct {
	username, status string
	enabled          bool
	attrs            map[string]string
	groups           []string
}

// seed fills the source pool with users in every status Cognito has for
// them, unicode and maximum-length values, a custom attribute, groups and
// memberships.
func seed(t *testing.T, ctx context.Context, idp *cip.Client, poolID string) []seeded {
	t.Helper()
	for i, g := range []string{"admin", "staff", "kunden-ü"} {
		if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(g),
			Description: aws.String("group " + g), Precedence: aws.Int32(int32(i))}); err != nil {
			t.Fatal(err)
		}
	}
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("web")})
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 2048) // 2,048 characters, Cognito's attribute maximum
	users := []seeded{
		{username: "confirmed@example.com", status: "CONFIRMED", enabled: true, attrs: map[string]string{"name": "Zoë Ünïcødé 名前", "custom:tenant_id": "t-1", "email_verified": "true"}, groups: []string{"admin", "staff"}},
		{username: "unconfirmed@example.com", status: "UNCONFIRMED", enabled: true, attrs: map[string]string{"name": long}, groups: []string{"kunden-ü"}},
		{username: "forced@example.com", status: "FORCE_CHANGE_PASSWORD", enabled: true, attrs: map[string]string{"phone_number": "+15555550100", "phone_number_verified": "true"}},
		{username: "disabled@example.com", status: "CONFIRMED", enabled: false, attrs: map[string]string{"custom:tenant_id": "t-2", "email_verified": "true"}, groups: []string{"staff"}},
	}
	for _, u := range users {
		// In an email-username pool every user has its email attribute.
		attrs := []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(u.username)}}
		for k, v := range u.attrs {
			attrs = append(attrs, ciptypes.AttributeType{Name: aws.String(k), Value: aws.String(v)})
		}
		switch u.status {
		case "UNCONFIRMED":
			if _, err := idp.SignUp(ctx, &cip.SignUpInput{ClientId: client.UserPoolClient.ClientId, Username: aws.String(u.username),
				Password: aws.String("Correct-Horse-9"), UserAttributes: attrs}); err != nil {
				t.Fatal(err)
			}
		default:
			// A retry by the SDK of a create moto answered late finds the user: fine.
			var exists *ciptypes.UsernameExistsException
			if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String(u.username),
				UserAttributes: attrs, MessageAction: ciptypes.MessageActionTypeSuppress}); err != nil && !errors.As(err, &exists) {
				t.Fatal(err)
			}
			if u.status == "CONFIRMED" {
				if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String(u.username),
					Password: aws.String("Correct-Horse-9"), Permanent: true}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if !u.enabled {
			if _, err := idp.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(poolID), Username: aws.String(u.username)}); err != nil {
				t.Fatal(err)
			}
		}
		for _, g := range u.groups {
			if _, err := idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(poolID), Username: aws.String(u.username), GroupName: aws.String(g)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return users
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	src := pool(t, ctx, idp, "source")
	users := seed(t, ctx, idp, src)

	// GIVEN a backup of the source pool, in parts of two users
	dir := filepath.Join(t.TempDir(), "backup")
	m, err := backup.Export(ctx, idp, backup.Dir(dir), src, &backup.Options{PartSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if m.Counts != (backup.Counts{Users: 4, Groups: 3, Memberships: 4, AppClients: 1}) {
		t.Fatalf("counts %+v", m.Counts)
	}
	// WHEN it is planned, then restored into a fresh pool
	dst := pool(t, ctx, idp, "target")
	plan, err := restore.Restore(ctx, idp, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsReset, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if plan.UsersCreated != 4 || plan.GroupsCreated != 3 || plan.MembershipsAdded != 4 {
		t.Errorf("plan %+v", plan)
	}
	if n := count(t, ctx, idp, dst); n != 0 {
		t.Fatalf("a dry run created %d users", n)
	}
	rep, err := restore.Restore(ctx, idp, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsReset})
	if err != nil {
		t.Fatal(err)
	}
	// THEN every group, user, attribute, enabled flag and membership is back
	for _, u := range users {
		got, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(dst), Username: aws.String(u.username)})
		if err != nil {
			t.Fatalf("%s: %v", u.username, err)
		}
		attrs := map[string]string{}
		for _, a := range got.UserAttributes {
			attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
		}
		for k, v := range u.attrs {
			if attrs[k] != v {
				t.Errorf("%s: %s = %.40q; want %.40q", u.username, k, attrs[k], v)
			}
		}
		if got.Enabled != u.enabled {
			t.Errorf("%s: enabled %v; want %v", u.username, got.Enabled, u.enabled)
		}
		// Passwords never leave Cognito: the user sets a new one with a code
		// sent to a verified contact; without one it awaits an invitation.
		want := ciptypes.UserStatusTypeResetRequired
		if !u.enabled {
			// A disabled user is sent nothing: a random password, reset when enabled again.
			want = ciptypes.UserStatusTypeConfirmed
		} else if u.attrs["email_verified"] != "true" && u.attrs["phone_number_verified"] != "true" {
			want = ciptypes.UserStatusTypeForceChangePassword
			if !slices.Contains(rep.UsersToInvite, aws.ToString(got.Username)) {
				t.Errorf("%s: not in UsersToInvite %v", u.username, rep.UsersToInvite)
			}
		}
		if got.UserStatus != want {
			t.Errorf("%s: status %s; want %s", u.username, got.UserStatus, want)
		}
		groups, err := idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(dst), Username: aws.String(u.username)})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, g := range groups.Groups {
			names = append(names, aws.ToString(g.GroupName))
		}
		sort.Strings(names)
		wantGroups := append([]string(nil), u.groups...)
		sort.Strings(wantGroups)
		if fmt.Sprint(names) != fmt.Sprint(wantGroups) {
			t.Errorf("%s: groups %v; want %v", u.username, names, wantGroups)
		}
		// AND the old sub maps to the new one
		oldSub := subOf(t, ctx, idp, src, u.username)
		if rep.SubMap[oldSub] != attrs["sub"] || attrs["sub"] == "" {
			t.Errorf("%s: sub map %s -> %s; want %s", u.username, oldSub, rep.SubMap[oldSub], attrs["sub"])
		}
	}
	g, err := idp.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(dst), GroupName: aws.String("kunden-ü")})
	if err != nil || aws.ToString(g.Group.Description) != "group kunden-ü" || aws.ToInt32(g.Group.Precedence) != 2 {
		t.Errorf("group kunden-ü: %+v, %v", g, err)
	}
	// AND the report and the sub map can be written beside each other
	out := filepath.Join(t.TempDir(), "report")
	if err := rep.Write(out); err != nil {
		t.Fatal(err)
	}
	subs, err := os.ReadFile(filepath.Join(out, restore.SubMapFile))
	if err != nil || !strings.HasPrefix(string(subs), "old_sub,new_sub\n") || strings.Count(string(subs), "\n") != 5 {
		t.Errorf("sub map %q, %v; want a header and 4 users", subs, err)
	}
	if fi, err := os.Stat(filepath.Join(out, restore.ReportFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("report file: %v, %v; want mode 0600", fi, err)
	}
	// AND a second run changes nothing (idempotent)
	again, err := restore.Restore(ctx, idp, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsReset})
	if err != nil {
		t.Fatal(err)
	}
	if again.UsersCreated+again.GroupsCreated+again.MembershipsAdded != 0 || again.UsersExisting != 4 || again.MembershipsExisting != 4 {
		t.Errorf("second run %+v", again)
	}
}

func TestMigrateRestoresGroupsAndLeavesUsersToTheTrigger(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	src := pool(t, ctx, idp, "source")
	seed(t, ctx, idp, src)
	dir := t.TempDir()
	if _, err := backup.Export(ctx, idp, backup.Dir(dir), src, nil); err != nil {
		t.Fatal(err)
	}
	dst := pool(t, ctx, idp, "target")
	rep, err := restore.Restore(ctx, idp, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsMigrate})
	if err != nil {
		t.Fatal(err)
	}
	if rep.GroupsCreated != 3 || rep.UsersCreated != 0 || len(rep.UsersSkipped) != 4 || rep.MembershipsPending != 4 || count(t, ctx, idp, dst) != 0 {
		t.Errorf("migrate %+v", rep)
	}
	// AND without a choice of passwords nothing happens
	if _, err := restore.Restore(ctx, idp, backup.Dir(dir), dst, restore.Options{}); err == nil || !strings.Contains(err.Error(), `choose "reset"`) {
		t.Errorf("no password choice: %v", err)
	}
}

func count(t *testing.T, ctx context.Context, idp *cip.Client, poolID string) int {
	out, err := idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(poolID)})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Users)
}

func subOf(t *testing.T, ctx context.Context, idp *cip.Client, poolID, username string) string {
	out, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(poolID), Username: aws.String(username)})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range out.UserAttributes {
		if aws.ToString(a.Name) == "sub" {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

func TestNamesakesHalfRestoredUsersAndRefusedOnes(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	src := pool(t, ctx, idp, "source")
	users := seed(t, ctx, idp, src)
	dir := t.TempDir()
	if _, err := backup.Export(ctx, idp, backup.Dir(dir), src, nil); err != nil {
		t.Fatal(err)
	}
	// GIVEN a live target pool where someone else already holds a backed-up
	// name, and a user an earlier run created but did not finish
	dst := pool(t, ctx, idp, "target")
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(dst), Username: aws.String("confirmed@example.com"),
		UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String("confirmed@example.com")}, {Name: aws.String("name"), Value: aws.String("Someone Else")}},
		MessageAction:  ciptypes.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	forced := users[2] // phone verified, FORCE_CHANGE_PASSWORD in the source
	var attrs []ciptypes.AttributeType
	attrs = append(attrs, ciptypes.AttributeType{Name: aws.String("email"), Value: aws.String(forced.username)})
	for k, v := range forced.attrs {
		attrs = append(attrs, ciptypes.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(dst), Username: aws.String(forced.username),
		UserAttributes: attrs, MessageAction: ciptypes.MessageActionTypeSuppress}); err != nil {
		t.Fatal(err)
	}
	// WHEN the backup is restored
	rep, err := restore.Restore(ctx, idp, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsReset})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the namesake is reported and keeps its groups (none), not merged
	if len(rep.Conflicts) != 1 || rep.MembershipsSkipped != 2 {
		t.Errorf("conflicts %v, memberships skipped %d; want the namesake and its 2 memberships", rep.Conflicts, rep.MembershipsSkipped)
	}
	g, _ := idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(dst), Username: aws.String("confirmed@example.com")})
	if g == nil || len(g.Groups) != 0 {
		t.Errorf("the namesake got groups: %+v", g)
	}
	// AND the half-restored user is finished: its password reset like the others
	got, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(dst), Username: aws.String(forced.username)})
	if err != nil || got.UserStatus != ciptypes.UserStatusTypeResetRequired {
		t.Errorf("half-restored user: %+v, %v; want RESET_REQUIRED", got, err)
	}
	// GIVEN a pool whose schema lacks the backup's custom attribute (moto
	// does not check schemas; Cognito answers InvalidParameterException,
	// as its API reference documents) WHEN restored THEN the users it
	// refuses are reported and the others restored
	bare, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("bare"),
		UsernameAttributes: []ciptypes.UsernameAttributeType{ciptypes.UsernameAttributeTypeEmail}})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = restore.Restore(ctx, schemaChecking{idp}, backup.Dir(dir), aws.ToString(bare.UserPool.Id), restore.Options{Passwords: restore.PasswordsReset})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.UsersFailed) != 2 || rep.UsersCreated != 2 {
		t.Errorf("failed %v, created %d; want the 2 users with custom:tenant_id refused and 2 restored", rep.UsersFailed, rep.UsersCreated)
	}
}

// schemaChecking refuses custom attributes as Cognito does for a pool
// whose schema lacks them.
type schemaChecking struct{ *cip.Client }

func (c schemaChecking) AdminCreateUser(ctx context.Context, in *cip.AdminCreateUserInput, o ...func(*cip.Options)) (*cip.AdminCreateUserOutput, error) {
	for _, a := range in.UserAttributes {
		if strings.HasPrefix(aws.ToString(a.Name), "custom:") {
			return nil, &ciptypes.InvalidParameterException{Message: aws.String("Attributes did not conform to the schema: Type for attribute {" + aws.ToString(a.Name) + "} could not be determined")}
		}
	}
	return c.Client.AdminCreateUser(ctx, in, o...)
}
