package appclient_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/appclient"
	"github.com/authstack/authstack/internal/test/cdktest"
)

const clientType = "AWS::Cognito::UserPoolClient"

func TestPublicClientDefaults(t *testing.T) {
	// GIVEN a pool
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	// WHEN a client is created with only the required props
	c := appclient.NewAppClient(stack, jsii.String("Web"), &appclient.AppClientProps{
		UserPool: pool, CallbackUrls: jsii.Strings("https://example.com/cb", "app://cb"),
	})
	// THEN it is a public PKCE code-flow client with SRP and revocation
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, clientType, map[string]interface{}{
		"GenerateSecret":             false,
		"AllowedOAuthFlows":          []string{"code"},
		"AllowedOAuthScopes":         []string{"openid", "email", "profile"},
		"CallbackURLs":               []string{"https://example.com/cb", "app://cb"},
		"LogoutURLs":                 assertions.Match_Absent(),
		"ExplicitAuthFlows":          []string{"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		"PreventUserExistenceErrors": "ENABLED",
		"EnableTokenRevocation":      true,
		"SupportedIdentityProviders": []string{"COGNITO"},
		"AccessTokenValidity":        15,
		"IdTokenValidity":            15,
		"RefreshTokenValidity":       30 * 24 * 60,
		"TokenValidityUnits":         map[string]interface{}{"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "minutes"},
	}); err != nil {
		t.Fatal(err)
	}
	if *c.CallbackUrl != "https://example.com/cb" {
		t.Errorf("CallbackUrl = %s; want the first callback URL", *c.CallbackUrl)
	}
}

func TestUserPasswordAuthAndValidity(t *testing.T) {
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	appclient.NewAppClient(stack, jsii.String("Legacy"), &appclient.AppClientProps{
		UserPool: pool, CallbackUrls: jsii.Strings("http://localhost:3000/cb"), LogoutUrls: jsii.Strings("http://localhost:3000/out"),
		AllowUserPasswordAuth: jsii.Bool(true),
		AccessTokenValidity:   awscdk.Duration_Minutes(jsii.Number(5)),
		RefreshTokenValidity:  awscdk.Duration_Hours(jsii.Number(1)),
		IdTokenValidity:       awscdk.Duration_Minutes(jsii.Number(60)),
	})
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, clientType, map[string]interface{}{
		"ExplicitAuthFlows":    []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		"LogoutURLs":           []string{"http://localhost:3000/out"},
		"AccessTokenValidity":  5,
		"IdTokenValidity":      60,
		"RefreshTokenValidity": 60,
	}); err != nil {
		t.Fatal(err)
	}
}

func TestTokensAreNotValidated(t *testing.T) {
	// GIVEN a callback URL only known at deploy time
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	url := awscdk.NewCfnParameter(stack, jsii.String("Url"), nil).ValueAsString()
	// THEN the construct accepts it (validation skips tokens)
	if msg := cdktest.Panics(func() {
		appclient.NewAppClient(stack, jsii.String("C"), &appclient.AppClientProps{UserPool: pool, CallbackUrls: &[]*string{url}})
	}); msg != "" {
		t.Fatalf("token rejected: %s", msg)
	}
}

func TestInvalidProps(t *testing.T) {
	cases := []struct {
		name  string
		props func(pool cognito.IUserPool) *appclient.AppClientProps
		want  string
	}{
		{"no pool", func(cognito.IUserPool) *appclient.AppClientProps {
			return &appclient.AppClientProps{CallbackUrls: jsii.Strings("https://x.com")}
		}, "UserPool is required"},
		{"no callback", func(p cognito.IUserPool) *appclient.AppClientProps { return &appclient.AppClientProps{UserPool: p} }, "at least one callback URL"},
		{"http callback", func(p cognito.IUserPool) *appclient.AppClientProps {
			return &appclient.AppClientProps{UserPool: p, CallbackUrls: jsii.Strings("https://ok.com", "http://evil.com/cb")}
		}, `CallbackUrls[1]: "http://evil.com/cb" uses http`},
		{"fragment logout", func(p cognito.IUserPool) *appclient.AppClientProps {
			return &appclient.AppClientProps{UserPool: p, CallbackUrls: jsii.Strings("https://ok.com"), LogoutUrls: jsii.Strings("https://ok.com/#x")}
		}, `LogoutUrls[0]: "https://ok.com/#x" has a fragment`},
		{"access token too short", func(p cognito.IUserPool) *appclient.AppClientProps {
			return &appclient.AppClientProps{UserPool: p, CallbackUrls: jsii.Strings("https://ok.com"), AccessTokenValidity: awscdk.Duration_Minutes(jsii.Number(4))}
		}, "AccessTokenValidity: 4 minutes is outside"},
		{"id token too long", func(p cognito.IUserPool) *appclient.AppClientProps {
			return &appclient.AppClientProps{UserPool: p, CallbackUrls: jsii.Strings("https://ok.com"), IdTokenValidity: awscdk.Duration_Days(jsii.Number(2))}
		}, "IdTokenValidity: 2880 minutes is outside"},
		{"refresh too short", func(p cognito.IUserPool) *appclient.AppClientProps {
			return &appclient.AppClientProps{UserPool: p, CallbackUrls: jsii.Strings("https://ok.com"), RefreshTokenValidity: awscdk.Duration_Minutes(jsii.Number(30))}
		}, "RefreshTokenValidity: 30 minutes is outside"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := cdktest.NewStack(t)
			pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
			msg := cdktest.Panics(func() { appclient.NewAppClient(stack, jsii.String("C"), tc.props(pool)) })
			if !strings.Contains(msg, "appclient C: ") || !strings.Contains(msg, tc.want) {
				t.Errorf("panic = %q; want %q", msg, tc.want)
			}
			if stack.Node().TryFindChild(jsii.String("C")) != nil {
				t.Error("construct added despite the error")
			}
		})
	}
}
