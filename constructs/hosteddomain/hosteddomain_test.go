package hosteddomain_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	route53 "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/hosteddomain"
	"github.com/authstack/authstack/customresources"
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

func TestCustomDomainWaitsForActiveBeforeItsAlias(t *testing.T) {
	// GIVEN a pool with two clients, a us-east-1 certificate and the zone of the domain
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	web, android := pool.AddClient(jsii.String("Web"), nil), pool.AddClient(jsii.String("Android"), nil)
	cert := acm.Certificate_FromCertificateArn(stack, jsii.String("Cert"), jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"))
	zone := route53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &route53.HostedZoneAttributes{
		HostedZoneId: jsii.String("Z0123456789ABCDEFGHIJ"), ZoneName: jsii.String("auth.example.com"),
	})
	// WHEN the hosted domain is the custom domain and both clients are branded (one twice)
	d := hosteddomain.NewHostedDomain(stack, jsii.String("Domain"), &hosteddomain.HostedDomainProps{
		UserPool:     pool,
		CustomDomain: &hosteddomain.CustomDomainOptions{DomainName: jsii.String("auth.example.com"), Certificate: cert, HostedZone: zone},
	})
	d.BrandClients(web, android, web)
	awscdk.NewCfnOutput(stack, jsii.String("SignIn"), &awscdk.CfnOutputProps{Value: d.SignInUrl(web, jsii.String("https://www.example.com/cb"))})
	awscdk.NewCfnOutput(stack, jsii.String("Base"), &awscdk.CfnOutputProps{Value: d.BaseUrl()})
	tpl := assertions.Template_FromStack(stack, nil)
	id := func(c constructs.IConstruct) string {
		return *stack.GetLogicalId(c.Node().DefaultChild().(awscdk.CfnElement))
	}
	domainID, activeID, preID := id(d.Domain), id(d.Active.Resource), id(d.Node().FindChild(jsii.String("ParentARecord")))

	// THEN the domain is the custom one with its certificate and the newer
	// managed login (CloudFormation's UserPoolDomain properties), after the
	// parent A record check
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolDomain", map[string]interface{}{
		"Domain": "auth.example.com", "ManagedLoginVersion": 2,
		"CustomDomainConfig": map[string]interface{}{"CertificateArn": *cert.CertificateArn()},
	}); err != nil {
		t.Fatal(err)
	}
	resources := *tpl.ToJSON()
	res := resources["Resources"].(map[string]interface{})
	dependsOn := func(id string) string {
		b, _ := json.Marshal(res[id].(map[string]interface{})["DependsOn"])
		return string(b)
	}
	if !strings.Contains(dependsOn(domainID), preID) {
		t.Errorf("domain DependsOn %s; want the parent A record check %s", dependsOn(domainID), preID)
	}
	// AND the wait for ACTIVE follows the domain and names the pool, the
	// domain, the certificate and the version (a change of either re-waits)
	if !strings.Contains(dependsOn(activeID), domainID) {
		t.Errorf("wait DependsOn %s; want the domain %s", dependsOn(activeID), domainID)
	}
	if err := cdktest.Has(tpl, customresources.TypeUserPoolDomainActive, map[string]interface{}{
		"Domain": "auth.example.com", "CertificateArn": *cert.CertificateArn(), "ManagedLoginVersion": "NEWER_MANAGED_LOGIN",
		"UserPoolId": map[string]interface{}{"Ref": id(pool)},
	}); err != nil {
		t.Error(err)
	}
	// AND A and AAAA alias records target the distribution the wait returns,
	// in CloudFront's hosted zone (Z2FDTNDATAQYW2, as Route 53 documents for
	// alias records to CloudFront)
	// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html
	for _, typ := range []string{"A", "AAAA"} {
		if err := cdktest.Has(tpl, "AWS::Route53::RecordSet", map[string]interface{}{
			"Type": typ, "Name": "auth.example.com.", "HostedZoneId": "Z0123456789ABCDEFGHIJ",
			"AliasTarget": map[string]interface{}{
				"DNSName":      map[string]interface{}{"Fn::GetAtt": []interface{}{activeID, "CloudFrontDistribution"}},
				"HostedZoneId": assertions.Match_AnyValue(),
			},
		}); err != nil {
			t.Errorf("%s alias: %v", typ, err)
		}
	}
	if err := cdktest.Has(tpl, "AWS::Route53::RecordSet", map[string]interface{}{"AliasTarget": map[string]interface{}{
		"HostedZoneId": map[string]interface{}{"Fn::FindInMap": []interface{}{"AWSCloudFrontPartitionHostedZoneIdMap", map[string]interface{}{"Ref": "AWS::Partition"}, "zoneId"}},
	}}); err != nil {
		t.Error(err)
	}
	tpl.HasMapping(jsii.String("AWSCloudFrontPartitionHostedZoneIdMap"), map[string]interface{}{"aws": map[string]interface{}{"zoneId": "Z2FDTNDATAQYW2"}})
	// AND each client gets managed login's default style once, after the domain
	if n := len(*tpl.FindResources(jsii.String("AWS::Cognito::ManagedLoginBranding"), nil)); n != 2 {
		t.Errorf("%d brandings; want 2 (web given twice)", n)
	}
	if err := cdktest.Has(tpl, "AWS::Cognito::ManagedLoginBranding", map[string]interface{}{
		"ClientId": map[string]interface{}{"Ref": id(android)}, "UseCognitoProvidedValues": true,
	}); err != nil {
		t.Error(err)
	}
	// AND the URLs are on the custom domain, read from the wait (so they exist once sign-in works)
	out, _ := json.Marshal(tpl.ToJSON())
	for _, want := range []string{`{"Fn::Join":["",["https://",{"Ref":"` + activeID + `"}]]}`, `"/login?client_id=",{"Ref":"` + id(web) + `"},"\u0026response_type=code\u0026redirect_uri=https://www.example.com/cb"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("outputs do not contain %s", want)
		}
	}
	if got := *d.DomainName(); got != "auth.example.com" {
		t.Errorf("DomainName = %s", got)
	}
}

func TestClassicHostedUIHasNoBranding(t *testing.T) {
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	d := hosteddomain.NewHostedDomain(stack, jsii.String("Domain"), &hosteddomain.HostedDomainProps{
		UserPool: pool, DomainPrefix: jsii.String("shop-prod"), ManagedLoginVersion: cognito.ManagedLoginVersion_CLASSIC_HOSTED_UI,
	})
	d.BrandClients(pool.AddClient(jsii.String("Web"), nil))
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::Cognito::ManagedLoginBranding"), jsii.Number(0))
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolDomain", map[string]interface{}{"ManagedLoginVersion": 1}); err != nil {
		t.Error(err)
	}
	if d.Active != nil {
		t.Error("a prefix domain has a wait for ACTIVE")
	}
}

func TestInvalidCustomDomain(t *testing.T) {
	cert := func(s awscdk.Stack) acm.ICertificate {
		return acm.Certificate_FromCertificateArn(s, jsii.String("Cert"), jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/x"))
	}
	for _, tc := range []struct {
		name  string
		props func(awscdk.Stack, cognito.IUserPool) *hosteddomain.HostedDomainProps
		want  string
	}{
		{"both", func(s awscdk.Stack, p cognito.IUserPool) *hosteddomain.HostedDomainProps {
			return &hosteddomain.HostedDomainProps{UserPool: p, DomainPrefix: jsii.String("shop"), CustomDomain: &hosteddomain.CustomDomainOptions{DomainName: jsii.String("auth.example.com"), Certificate: cert(s)}}
		}, "DomainPrefix and CustomDomain: give one"},
		{"no certificate", func(s awscdk.Stack, p cognito.IUserPool) *hosteddomain.HostedDomainProps {
			return &hosteddomain.HostedDomainProps{UserPool: p, CustomDomain: &hosteddomain.CustomDomainOptions{DomainName: jsii.String("auth.example.com")}}
		}, "CustomDomain: DomainName and Certificate are required"},
		{"bad name", func(s awscdk.Stack, p cognito.IUserPool) *hosteddomain.HostedDomainProps {
			return &hosteddomain.HostedDomainProps{UserPool: p, CustomDomain: &hosteddomain.CustomDomainOptions{DomainName: jsii.String("auth_example.com"), Certificate: cert(s)}}
		}, "CustomDomain.DomainName: "},
	} {
		stack := cdktest.NewStack(t)
		pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
		props := tc.props(stack, pool)
		msg := cdktest.Panics(func() { hosteddomain.NewHostedDomain(stack, jsii.String("D"), props) })
		if !strings.Contains(msg, tc.want) {
			t.Errorf("%s: panic = %q; want %q", tc.name, msg, tc.want)
		}
		if stack.Node().TryFindChild(jsii.String("D")) != nil {
			t.Errorf("%s: construct added despite the error", tc.name)
		}
	}
}
