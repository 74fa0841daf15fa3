package customresources_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	route53 "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/customresources"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestOneProviderGrantedWhatItsHandlersCall(t *testing.T) {
	// GIVEN a stack WHEN it declares one custom resource of each type
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	customresources.NewParentARecord(stack, jsii.String("Parent"), &customresources.ParentARecordProps{Domain: jsii.String("auth.example.com")})
	active := customresources.NewUserPoolDomainActive(stack, jsii.String("Active"), &customresources.UserPoolDomainActiveProps{UserPool: pool, Domain: jsii.String("auth.example.com")})
	customresources.NewCrossRegionParameter(stack, jsii.String("Cert-Arn"), &customresources.CrossRegionParameterProps{
		Region: jsii.String("us-east-1"), Name: jsii.String("/authstack/x/certificate-arn"), Refresh: jsii.String("auth.example.com"),
	})
	tpl := assertions.Template_FromStack(stack, nil)

	// THEN one provider function serves them all, with Lambda's longest timeout
	tpl.ResourcePropertiesCountIs(jsii.String("AWS::Lambda::Function"), map[string]interface{}{"Timeout": 900}, jsii.Number(1))
	fnID := ""
	for id := range *tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil) {
		fnID = id
	}
	for _, typ := range []string{customresources.TypeParentARecord, customresources.TypeUserPoolDomainActive, customresources.TypeCrossRegionParameter} {
		if err := cdktest.Has(tpl, typ, map[string]interface{}{"ServiceToken": map[string]interface{}{"Fn::GetAtt": []interface{}{fnID, "Arn"}}}); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
	// AND its role may call exactly what the handlers call: the parent
	// zone's records, the domain's status, the one parameter in its region
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil))
	policy := string(b)
	for _, want := range []string{
		`"Action":"route53:ListHostedZonesByName","Effect":"Allow","Resource":"*"`,
		`"Action":"route53:ListResourceRecordSets"`, `":route53:::hostedzone/*"`,
		`"Action":"cognito-idp:DescribeUserPoolDomain","Effect":"Allow","Resource":"*"`,
		`"Action":"ssm:GetParameter"`, `":ssm:us-east-1:",{"Ref":"AWS::AccountId"},":parameter/authstack/x/certificate-arn"`,
		`"Sid":"ReadParameterCertArn"`,
	} {
		if !strings.Contains(policy, want) {
			t.Errorf("provider policy %s does not contain %s", policy, want)
		}
	}
	for _, never := range []string{"route53:ChangeResourceRecordSets", "cognito-idp:*", "ssm:*"} {
		if strings.Contains(policy, never) {
			t.Errorf("provider policy grants %s", never)
		}
	}
	// AND each resource is created after the policy it needs
	res := (*tpl.ToJSON())["Resources"].(map[string]interface{})
	activeID := *stack.GetLogicalId(active.Resource.Node().DefaultChild().(awscdk.CfnElement))
	deps, _ := json.Marshal(res[activeID].(map[string]interface{})["DependsOn"])
	if !strings.Contains(string(deps), "DefaultPolicy") {
		t.Errorf("wait DependsOn %s; want the provider's policy", deps)
	}
}

func TestNewProviderTraces(t *testing.T) {
	// GIVEN a stack whose provider is made first, tracing
	stack := cdktest.NewStack(t)
	customresources.NewProvider(stack, &customresources.ProviderProps{Tracing: lambda.Tracing_ACTIVE})
	// WHEN a resource uses it
	customresources.NewParentARecord(stack, jsii.String("Parent"), &customresources.ParentARecordProps{Domain: jsii.String("auth.example.com")})
	// THEN the one function traces
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(1))
	if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{"TracingConfig": map[string]interface{}{"Mode": "Active"}}); err != nil {
		t.Error(err)
	}
	// AND a second provider is refused with what to do
	if msg := cdktest.Panics(func() { customresources.NewProvider(stack, nil) }); !strings.Contains(msg, "has a provider already; call NewProvider before its first custom resource") {
		t.Errorf("second provider: panic = %q", msg)
	}
}

func TestRequiredProps(t *testing.T) {
	stack := cdktest.NewStack(t)
	for _, tc := range []struct {
		f    func()
		want string
	}{
		{func() {
			customresources.NewParentARecord(stack, jsii.String("P"), &customresources.ParentARecordProps{})
		}, "customresources P: Domain is required"},
		{func() {
			customresources.NewUserPoolDomainActive(stack, jsii.String("A"), &customresources.UserPoolDomainActiveProps{Domain: jsii.String("auth.example.com")})
		}, "customresources A: UserPool and Domain are required"},
		{func() {
			customresources.NewCrossRegionParameter(stack, jsii.String("C"), &customresources.CrossRegionParameterProps{Name: jsii.String("/x")})
		}, "customresources C: Region and Name are required"},
	} {
		if msg := cdktest.Panics(tc.f); !strings.Contains(msg, tc.want) {
			t.Errorf("panic = %q; want %q", msg, tc.want)
		}
	}
	if len(*stack.Node().Children()) != 0 {
		t.Errorf("%d constructs added despite the errors", len(*stack.Node().Children()))
	}
}

func TestValidationRecordsMayWriteOnlyTheirZone(t *testing.T) {
	// GIVEN a zone WHEN its validation records are to be removed on delete
	stack := cdktest.NewStack(t)
	zone := route53.NewPublicHostedZone(stack, jsii.String("Zone"), &route53.PublicHostedZoneProps{ZoneName: jsii.String("auth.example.com")})
	customresources.NewValidationRecords(stack, jsii.String("ZoneValidation"), &customresources.ValidationRecordsProps{Zone: zone})
	tpl := assertions.Template_FromStack(stack, nil)
	zoneID := *stack.GetLogicalId(zone.Node().DefaultChild().(awscdk.CfnElement))
	// THEN the resource names the zone by Ref, which makes CloudFormation
	// delete it before the zone
	if err := cdktest.Has(tpl, customresources.TypeValidationRecords, map[string]interface{}{"ZoneId": map[string]interface{}{"Ref": zoneID}}); err != nil {
		t.Error(err)
	}
	// AND the provider may list and change records of that zone only
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil))
	want := `"Action":["route53:ChangeResourceRecordSets","route53:ListResourceRecordSets"],"Effect":"Allow","Resource":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":route53:::hostedzone/",{"Ref":"` + zoneID + `"}]]}`
	if !strings.Contains(string(b), want) {
		t.Errorf("policy %s lacks %s", b, want)
	}
	if msg := cdktest.Panics(func() {
		customresources.NewValidationRecords(stack, jsii.String("X"), &customresources.ValidationRecordsProps{})
	}); !strings.Contains(msg, "customresources X: Zone is required") {
		t.Errorf("no zone: panic = %q", msg)
	}
}
