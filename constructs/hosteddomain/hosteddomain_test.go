package hosteddomain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/hosteddomain"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestPrefixDomainAndSignInUrl(t *testing.T) {
	// GIVEN a pool and a client
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	client := pool.AddClient(jsii.String("Client"), nil)
	// WHEN a hosted domain is created and a sign-in URL requested
	d := hosteddomain.NewHostedDomain(stack, jsii.String("Domain"), &hosteddomain.HostedDomainProps{
		UserPool: pool, DomainPrefix: jsii.String("shop-prod"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("SignIn"), &awscdk.CfnOutputProps{Value: d.SignInUrl(client, jsii.String("app://cb"))})
	// THEN the domain uses the prefix and the URL points at it with the redirect
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolDomain", map[string]interface{}{"Domain": "shop-prod"}); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(tpl.FindOutputs(jsii.String("SignIn"), nil))
	domainID := *stack.GetLogicalId(d.Domain.Node().DefaultChild().(awscdk.CfnElement))
	for _, want := range []string{`"https://",{"Ref":"` + domainID + `"},".auth.eu-west-1.amazoncognito.com/login?client_id="`, "redirect_uri=app://cb"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("sign-in URL %s does not contain %q", b, want)
		}
	}
}

func TestInvalidPrefix(t *testing.T) {
	for _, tc := range []struct{ prefix, want string }{
		{"my-cognito-login", `contains the reserved word "cognito"`},
		{"Shop", `"Shop" must be 1-63 characters`},
	} {
		stack := cdktest.NewStack(t)
		pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
		msg := cdktest.Panics(func() {
			hosteddomain.NewHostedDomain(stack, jsii.String("D"), &hosteddomain.HostedDomainProps{UserPool: pool, DomainPrefix: jsii.String(tc.prefix)})
		})
		if !strings.Contains(msg, "hosteddomain D: DomainPrefix: ") || !strings.Contains(msg, tc.want) {
			t.Errorf("prefix %q: panic = %q; want %q", tc.prefix, msg, tc.want)
		}
	}
	stack := cdktest.NewStack(t)
	if msg := cdktest.Panics(func() { hosteddomain.NewHostedDomain(stack, jsii.String("D"), nil) }); !strings.Contains(msg, "UserPool is required") {
		t.Errorf("nil props: panic = %q", msg)
	}
}
