package resourceserver_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/resourceserver"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestResourceServerAndMachineClient(t *testing.T) {
	// GIVEN a pool
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	// WHEN a resource server with two scopes is created, the machine client limited to one
	rs := resourceserver.NewResourceServer(stack, jsii.String("Api"), &resourceserver.ResourceServerProps{
		UserPool: pool, Identifier: jsii.String("https://api.example.com/v1"),
		Scopes:              []resourceserver.Scope{{Name: "read", Description: "Read"}, {Name: "write"}},
		MachineClientScopes: []string{"read"},
	})
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN the server has both scopes (description defaulting to the name)
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolResourceServer", map[string]interface{}{
		"Identifier": "https://api.example.com/v1", "Name": "api.example.com-v1",
		"Scopes": []interface{}{
			map[string]interface{}{"ScopeName": "read", "ScopeDescription": "Read"},
			map[string]interface{}{"ScopeName": "write", "ScopeDescription": "write"},
		},
	}); err != nil {
		t.Fatal(err)
	}
	// AND the machine client is confidential, client-credentials only, for "read" only
	serverID := *stack.GetLogicalId(rs.Server.Node().DefaultChild().(awscdk.CfnElement))
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolClient", map[string]interface{}{
		"GenerateSecret":      true,
		"AllowedOAuthFlows":   []string{"client_credentials"},
		"AllowedOAuthScopes":  []interface{}{map[string]interface{}{"Fn::Join": []interface{}{"", []interface{}{map[string]interface{}{"Ref": serverID}, "/read"}}}},
		"ExplicitAuthFlows":   []string{"ALLOW_REFRESH_TOKEN_AUTH"},
		"AccessTokenValidity": 60,
		"CallbackURLs":        assertions.Match_Absent(),
	}); err != nil {
		t.Fatal(err)
	}
}

func TestInvalidProps(t *testing.T) {
	base := func(pool cognito.IUserPool) *resourceserver.ResourceServerProps {
		return &resourceserver.ResourceServerProps{UserPool: pool, Identifier: jsii.String("api"), Scopes: []resourceserver.Scope{{Name: "client"}}}
	}
	cases := []struct {
		name   string
		mutate func(*resourceserver.ResourceServerProps)
		want   string
	}{
		{"no identifier", func(p *resourceserver.ResourceServerProps) { p.Identifier = nil }, "Identifier is required"},
		{"bad identifier", func(p *resourceserver.ResourceServerProps) { p.Identifier = jsii.String("two words") }, `Identifier: "two words"`},
		{"bad name", func(p *resourceserver.ResourceServerProps) { p.Name = jsii.String("a/b") }, `Name: "a/b"`},
		{"no scopes", func(p *resourceserver.ResourceServerProps) { p.Scopes = nil }, "Scopes: 0 scopes; Cognito allows 1 to 100 per resource server"},
		{"bad scope", func(p *resourceserver.ResourceServerProps) { p.Scopes = []resourceserver.Scope{{Name: "a b"}} }, `Scopes[0].Name: "a b"`},
		{"duplicate scope", func(p *resourceserver.ResourceServerProps) { p.Scopes = append(p.Scopes, p.Scopes[0]) }, `Scopes[1].Name: "client" is listed twice`},
		{"unknown machine scope", func(p *resourceserver.ResourceServerProps) { p.MachineClientScopes = []string{"admin"} }, `MachineClientScopes[0]: "admin"`},
		{"token validity", func(p *resourceserver.ResourceServerProps) {
			p.MachineAccessTokenValidity = awscdk.Duration_Days(jsii.Number(2))
		}, "MachineAccessTokenValidity: 2880 minutes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := cdktest.NewStack(t)
			props := base(cognito.NewUserPool(stack, jsii.String("Pool"), nil))
			tc.mutate(props)
			msg := cdktest.Panics(func() { resourceserver.NewResourceServer(stack, jsii.String("Api"), props) })
			if !strings.Contains(msg, "resourceserver Api: "+tc.want) {
				t.Errorf("panic = %q; want %q", msg, tc.want)
			}
		})
	}
}

func TestOAuthScopeUnknownPanics(t *testing.T) {
	stack := cdktest.NewStack(t)
	rs := resourceserver.NewResourceServer(stack, jsii.String("Api"), &resourceserver.ResourceServerProps{
		UserPool: cognito.NewUserPool(stack, jsii.String("Pool"), nil), Identifier: jsii.String("api"), Scopes: []resourceserver.Scope{{Name: "client"}},
	})
	if msg := cdktest.Panics(func() { rs.OAuthScope("nope") }); !strings.Contains(msg, `no scope "nope"`) {
		t.Errorf("panic = %q", msg)
	}
}

func TestMachineAccessTokensUpToADay(t *testing.T) {
	// GIVEN the longest access-token validity Cognito allows (1 day); the
	// machine client has no refresh tokens, but aws-cdk-lib wants the access
	// token no longer than the refresh token
	// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html (AccessTokenValidity)
	for _, minutes := range []float64{5, 60, 61, 1440} {
		stack := cdktest.NewStack(t)
		pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
		msg := cdktest.Panics(func() {
			resourceserver.NewResourceServer(stack, jsii.String("Api"), &resourceserver.ResourceServerProps{
				UserPool: pool, Identifier: jsii.String("api.example.com"), Scopes: []resourceserver.Scope{{Name: "read"}},
				MachineAccessTokenValidity: awscdk.Duration_Minutes(jsii.Number(minutes)),
			})
		})
		if msg != "" {
			t.Errorf("%v minutes: %s", minutes, msg)
			continue
		}
		// THEN the client issues access tokens of that validity
		if err := cdktest.Has(assertions.Template_FromStack(stack, nil), "AWS::Cognito::UserPoolClient", map[string]interface{}{
			"AccessTokenValidity": minutes, "TokenValidityUnits": assertions.Match_ObjectLike(&map[string]interface{}{"AccessToken": "minutes"}),
		}); err != nil {
			t.Errorf("%v minutes: %v", minutes, err)
		}
	}
}
