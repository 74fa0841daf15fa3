package groups_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/groups"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestGroupsWithAndWithoutRoles(t *testing.T) {
	// GIVEN a pool and a principal for group roles
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	principal := iam.NewServicePrincipal(jsii.String("example.amazonaws.com"), nil)
	// WHEN two groups are declared, one with a role
	g := groups.NewGroups(stack, jsii.String("Groups"), &groups.GroupsProps{
		UserPool: pool, RolePrincipal: principal,
		Groups: []groups.Group{
			{Name: "app-user", Description: "Users", Precedence: jsii.Number(100)},
			{Name: "admin", Precedence: jsii.Number(1), CreateRole: true},
		},
	})
	// THEN both exist, and only admin has a role
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::Cognito::UserPoolGroup"), jsii.Number(2))
	tpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(1))
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolGroup", map[string]interface{}{
		"GroupName": "app-user", "Description": "Users", "Precedence": 100, "RoleArn": assertions.Match_Absent(),
	}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolGroup", map[string]interface{}{
		"GroupName": "admin", "Precedence": 1, "RoleArn": assertions.Match_AnyValue(),
	}); err != nil {
		t.Error(err)
	}
	if g.Group("admin") == nil || g.Roles["admin"] == nil || g.Roles["app-user"] != nil || g.Group("nope") != nil {
		t.Errorf("accessors wrong: roles %v", g.Roles)
	}
}

func TestInvalidGroups(t *testing.T) {
	cases := []struct {
		name  string
		props func(pool cognito.IUserPool) *groups.GroupsProps
		want  string
	}{
		{"duplicate", func(p cognito.IUserPool) *groups.GroupsProps {
			return &groups.GroupsProps{UserPool: p, Groups: []groups.Group{{Name: "a"}, {Name: "a"}}}
		}, `Groups[1].Name: duplicate group "a"`},
		{"bad name", func(p cognito.IUserPool) *groups.GroupsProps {
			return &groups.GroupsProps{UserPool: p, Groups: []groups.Group{{Name: "two words"}}}
		}, `Groups[0].Name: "two words"`},
		{"negative precedence", func(p cognito.IUserPool) *groups.GroupsProps {
			return &groups.GroupsProps{UserPool: p, Groups: []groups.Group{{Name: "a", Precedence: jsii.Number(-1)}}}
		}, "Groups[0].Precedence: -1"},
		{"role without principal", func(p cognito.IUserPool) *groups.GroupsProps {
			return &groups.GroupsProps{UserPool: p, Groups: []groups.Group{{Name: "a", CreateRole: true}}}
		}, "Groups[0] (a): CreateRole needs RolePrincipal"},
		{"no pool", func(cognito.IUserPool) *groups.GroupsProps { return &groups.GroupsProps{} }, "UserPool is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := cdktest.NewStack(t)
			msg := cdktest.Panics(func() {
				groups.NewGroups(stack, jsii.String("G"), tc.props(cognito.NewUserPool(stack, jsii.String("Pool"), nil)))
			})
			if !strings.Contains(msg, "groups G: "+tc.want) {
				t.Errorf("panic = %q; want %q", msg, tc.want)
			}
		})
	}
}
