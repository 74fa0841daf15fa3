package stacks_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/customresources"
	"github.com/authstack/authstack/guard"
	"github.com/authstack/authstack/internal/test/cdktest"
	"github.com/authstack/authstack/stacks"
)

func newStack(t *testing.T, c config.Config) *stacks.AuthStack {
	t.Helper()
	s, err := stacks.NewAuthStack(cdktest.NewApp(t), jsii.String("Auth"), &stacks.AuthStackProps{Config: c})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func templateJSON(tpl assertions.Template) string {
	b, _ := json.Marshal(tpl.ToJSON())
	return string(b)
}

func TestCreatedZonesAndTheCertificateStack(t *testing.T) {
	// GIVEN the reference development environment: custom domains in
	// eu-west-1, zones and certificates created by authstack
	c := config.Reference()[0]
	s := newStack(t, c)
	// THEN a us-east-1 certificate stack holds the hosted UI's zone, its
	// delegation from the parent, the DNS-validated certificate and the
	// SSM parameters the auth stack reads
	cs := s.CertificateStack
	if cs == nil || *cs.Region() != "us-east-1" {
		t.Fatalf("certificate stack %v; want one in us-east-1", cs)
	}
	ct := assertions.Template_FromStack(cs.Stack, nil)
	for _, ch := range []struct {
		typ   string
		props map[string]interface{}
	}{
		{"AWS::Route53::HostedZone", map[string]interface{}{"Name": c.AuthDomainName + "."}},
		// The NS record goes into the parent zone by name (no lookup at synth)
		{"AWS::Route53::RecordSet", map[string]interface{}{"Type": "NS", "HostedZoneName": c.ParentHostedZoneName + ".", "Name": c.AuthDomainName + "."}},
		{"AWS::Route53::RecordSet", map[string]interface{}{"Type": "CAA", "ResourceRecords": []interface{}{`0 issue "amazon.com"`}}},
		{"AWS::CertificateManager::Certificate", map[string]interface{}{"DomainName": c.AuthDomainName, "ValidationMethod": "DNS"}},
		{"AWS::SSM::Parameter", map[string]interface{}{"Name": "/authstack/" + c.StackName() + "/hosted-ui/certificate-arn"}},
		{"AWS::SSM::Parameter", map[string]interface{}{"Name": "/authstack/" + c.StackName() + "/hosted-ui/zone-id"}},
	} {
		if err := cdktest.Has(ct, ch.typ, ch.props); err != nil {
			t.Errorf("certificate stack %s: %v", ch.typ, err)
		}
	}
	// AND the certificate is requested only after the delegation (ACM
	// validates through public DNS) and Cognito's parent A record check,
	// and deleted before ACM's validation records are removed from the zone
	// (which the zone's deletion needs)
	if !strings.Contains(templateJSON(ct), `"DependsOn":["AuthZoneDelegation","AuthZoneValidationRecords","ParentARecord"]`) {
		t.Error("hosted UI certificate does not depend on the delegation, the validation records' removal and the parent A record check")
	}
	ct.ResourcePropertiesCountIs(jsii.String(customresources.TypeParentARecord), map[string]interface{}{"Domain": c.AuthDomainName}, jsii.Number(1))
	ct.ResourcePropertiesCountIs(jsii.String("AWS::Logs::LogGroup"), map[string]interface{}{"RetentionInDays": c.LogRetentionDays}, jsii.Number(1))
	// AND the auth stack deploys after it and reads both parameters from us-east-1
	deps := s.Dependencies()
	if len(*deps) != 1 || *(*deps)[0].StackName() != *cs.StackName() {
		t.Errorf("auth stack dependencies %v; want the certificate stack", deps)
	}
	at := assertions.Template_FromStack(s.Stack, nil)
	at.ResourcePropertiesCountIs(jsii.String(customresources.TypeCrossRegionParameter), map[string]interface{}{"Region": "us-east-1"}, jsii.Number(2))
	// AND the API's zone and certificate live in the auth stack's region
	for _, ch := range []struct {
		typ   string
		props map[string]interface{}
	}{
		{"AWS::Route53::HostedZone", map[string]interface{}{"Name": c.APIDomainName + "."}},
		{"AWS::Route53::RecordSet", map[string]interface{}{"Type": "NS", "HostedZoneName": c.ParentHostedZoneName + ".", "Name": c.APIDomainName + "."}},
		{"AWS::CertificateManager::Certificate", map[string]interface{}{"DomainName": c.APIDomainName}},
		{"AWS::ApiGateway::DomainName", map[string]interface{}{"DomainName": c.APIDomainName}},
		{"AWS::Cognito::UserPoolDomain", map[string]interface{}{"Domain": c.AuthDomainName, "ManagedLoginVersion": 2}},
		// Passkeys stay on the domain users sign in on
		{"AWS::Cognito::UserPool", map[string]interface{}{"WebAuthnRelyingPartyID": c.AuthDomainName}},
		{"AWS::ApiGateway::RestApi", map[string]interface{}{"DisableExecuteApiEndpoint": true}},
	} {
		if err := cdktest.Has(at, ch.typ, ch.props); err != nil {
			t.Errorf("auth stack %s: %v", ch.typ, err)
		}
	}
	// AND the API's certificate too waits for the parent A record check and the zone's cleanup
	res := (*at.ToJSON())["Resources"].(map[string]interface{})
	for id, r := range res {
		r := r.(map[string]interface{})
		if r["Type"] != "AWS::CertificateManager::Certificate" {
			continue
		}
		deps, _ := json.Marshal(r["DependsOn"])
		if !strings.Contains(string(deps), "HostedDomainParentARecord") || !strings.Contains(string(deps), "ApiZoneValidationRecords") {
			t.Errorf("%s DependsOn %s", id, deps)
		}
	}
	// AND its outputs name the custom domains
	out, _ := json.Marshal(at.FindOutputs(jsii.String("*"), nil))
	if strings.Contains(string(out), "amazoncognito.com") || strings.Contains(string(out), "execute-api") {
		t.Errorf("outputs %s still name the Cognito prefix domain or execute-api", out)
	}
}

func TestExistingZoneAndCertificates(t *testing.T) {
	// GIVEN custom domains in an existing zone with both certificates given
	c := config.Reference()[0]
	c.Domains = config.Domains{
		HostedZoneID:           "Z0123456789ABCDEFGHIJ",
		HostedUICertificateARN: "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
		APICertificateARN:      "arn:aws:acm:eu-west-1:123456789012:certificate/66666666-7777-8888-9999-000000000000",
	}
	c.Account = "123456789012"
	s := newStack(t, c)
	// THEN there is no certificate stack, no zone, no certificate, no cross-region read
	if s.CertificateStack != nil {
		t.Error("a certificate stack exists with a certificate ARN given")
	}
	tpl := assertions.Template_FromStack(s.Stack, nil)
	for _, typ := range []string{"AWS::Route53::HostedZone", "AWS::CertificateManager::Certificate", customresources.TypeCrossRegionParameter} {
		tpl.ResourceCountIs(jsii.String(typ), jsii.Number(0))
	}
	// AND the records go into the given zone, the domains use the given certificates
	tpl.ResourcePropertiesCountIs(jsii.String("AWS::Route53::RecordSet"), map[string]interface{}{"HostedZoneId": "Z0123456789ABCDEFGHIJ"}, jsii.Number(4))
	for _, ch := range []struct {
		typ   string
		props map[string]interface{}
	}{
		{"AWS::Cognito::UserPoolDomain", map[string]interface{}{"CustomDomainConfig": map[string]interface{}{"CertificateArn": c.Domains.HostedUICertificateARN}}},
		{"AWS::ApiGateway::DomainName", map[string]interface{}{"RegionalCertificateArn": c.Domains.APICertificateARN}},
	} {
		if err := cdktest.Has(tpl, ch.typ, ch.props); err != nil {
			t.Errorf("%s: %v", ch.typ, err)
		}
	}
}

func TestPrefixDomainWithoutCustomDomains(t *testing.T) {
	// GIVEN an environment with customDomains: false and no domain names
	c := config.Reference()[0]
	c.CustomDomains = false
	c.AuthDomainName, c.APIDomainName, c.ParentHostedZoneName = "", "", ""
	c.ResourceServer.Identifier = "https://api.example.com"
	for i := range c.AppClients {
		c.AppClients[i].CallbackURLs = []string{"https://app.example.com/auth/callback"}
		c.AppClients[i].LogoutURLs = []string{"https://app.example.com/"}
	}
	s := newStack(t, c)
	// THEN the hosted UI is on the Cognito prefix domain and the API on execute-api
	if s.CertificateStack != nil || s.Domains != nil {
		t.Error("domains or a certificate stack exist without custom domains")
	}
	tpl := assertions.Template_FromStack(s.Stack, nil)
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolDomain", map[string]interface{}{"Domain": c.DomainPrefix()}); err != nil {
		t.Error(err)
	}
	for _, typ := range []string{"AWS::Route53::HostedZone", "AWS::Route53::RecordSet", "AWS::ApiGateway::DomainName", customresources.TypeUserPoolDomainActive, "AWS::CertificateManager::Certificate"} {
		tpl.ResourceCountIs(jsii.String(typ), jsii.Number(0))
	}
	if strings.Contains(templateJSON(tpl), `"DisableExecuteApiEndpoint":true`) {
		t.Error("execute-api endpoint disabled without a custom domain")
	}
	out, _ := json.Marshal(tpl.FindOutputs(jsii.String("*"), nil))
	if !strings.Contains(string(out), ".amazoncognito.com") || !strings.Contains(string(out), "execute-api") {
		t.Errorf("outputs %s; want the prefix domain and execute-api", out)
	}
}

func TestLitePlanKeepsTheClassicHostedUI(t *testing.T) {
	// GIVEN custom domains on the LITE feature plan, which has the classic hosted UI only
	c := config.Reference()[0]
	c.UserPool.FeaturePlan = "LITE"
	tpl := assertions.Template_FromStack(newStack(t, c).Stack, nil)
	// THEN the domain is the classic hosted UI, with no branding and no passkey relying party
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolDomain", map[string]interface{}{"ManagedLoginVersion": 1}); err != nil {
		t.Error(err)
	}
	tpl.ResourceCountIs(jsii.String("AWS::Cognito::ManagedLoginBranding"), jsii.Number(0))
	if strings.Contains(templateJSON(tpl), "WebAuthnRelyingPartyID") {
		t.Error("a passkey relying party on LITE")
	}
	// AND asking for managed login on LITE is refused
	c.HostedUI.ManagedLoginVersion = 2
	if _, err := stacks.NewAuthStack(cdktest.NewApp(t), jsii.String("Auth"), &stacks.AuthStackProps{Config: c}); err == nil || !strings.Contains(err.Error(), "needs the ESSENTIALS or PLUS feature plan") {
		t.Errorf("LITE with managed login: %v", err)
	}
}

func TestTheCommittedUserPoolLockHoldsTheReferencePools(t *testing.T) {
	// GIVEN the reference environments WHEN their templates are checked
	// against userpool.lock.json, as `cdk synth` does
	_, ss := synthAll(t)
	var templates []guard.Template
	for _, s := range ss {
		templates = append(templates, guard.Template{StackName: *s.StackName(), Body: *assertions.Template_FromStack(s.Stack, nil).ToJSON()})
	}
	lock, err := guard.Read(filepath.Join(cdktest.RepoRoot(), "userpool.lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	// THEN every pool is locked and none would be replaced
	for _, tpl := range templates {
		if len(lock.Stacks[tpl.StackName]) != 1 {
			t.Errorf("%s: %d pools locked; want 1 (make update-lock)", tpl.StackName, len(lock.Stacks[tpl.StackName]))
		}
	}
	if err := guard.Check(templates, lock, nil); err != nil {
		t.Error(err)
	}
}
