package userpool_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/userpool"
	"github.com/authstack/authstack/internal/test/cdktest"
)

const poolType = "AWS::Cognito::UserPool"

func TestDefaults(t *testing.T) {
	// GIVEN a stack
	stack := cdktest.NewStack(t)
	// WHEN a user pool is created with no props
	userpool.NewUserPool(stack, jsii.String("Pool"), nil)
	// THEN it has authstack's secure defaults
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String(poolType), jsii.Number(1))
	if err := cdktest.Has(tpl, poolType, map[string]interface{}{
		"UsernameAttributes":     []string{"email"},
		"UsernameConfiguration":  map[string]interface{}{"CaseSensitive": false},
		"AutoVerifiedAttributes": []string{"email"},
		"AdminCreateUserConfig":  map[string]interface{}{"AllowAdminCreateUserOnly": false},
		"AccountRecoverySetting": map[string]interface{}{
			"RecoveryMechanisms": []interface{}{map[string]interface{}{"Name": "verified_email", "Priority": 1}},
		},
		"Policies": map[string]interface{}{"PasswordPolicy": map[string]interface{}{
			"MinimumLength": 8, "RequireUppercase": true, "RequireLowercase": true,
			"RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 7,
		}},
		"MfaConfiguration":   "OPTIONAL",
		"EnabledMfas":        []string{"SOFTWARE_TOKEN_MFA"},
		"DeletionProtection": "ACTIVE",
		"UserPoolTier":       "ESSENTIALS",
		"UserPoolAddOns":     assertions.Match_Absent(),
		"SmsConfiguration":   assertions.Match_Absent(),
		"Schema": []interface{}{
			map[string]interface{}{"Name": "email", "Mutable": true, "Required": true},
			map[string]interface{}{"Name": "name", "Mutable": true, "Required": false},
			map[string]interface{}{"Name": "phone_number", "Mutable": true, "Required": false},
		},
	}); err != nil {
		t.Fatal(err)
	}
	// AND the pool is retained when the stack or resource is deleted or replaced
	tpl.HasResource(jsii.String(poolType), map[string]interface{}{
		"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
	})
	// AND no IAM role exists (no SMS)
	tpl.ResourceCountIs(jsii.String("AWS::IAM::Role"), jsii.Number(0))
}

func TestPlusEnforcesThreatProtection(t *testing.T) {
	stack := cdktest.NewStack(t)
	userpool.NewUserPool(stack, jsii.String("Pool"), &userpool.UserPoolProps{FeaturePlan: cognito.FeaturePlan_PLUS})
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, poolType, map[string]interface{}{
		"UserPoolTier":   "PLUS",
		"UserPoolAddOns": map[string]interface{}{"AdvancedSecurityMode": "ENFORCED"},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestSmsCreatesRoleWithExternalId(t *testing.T) {
	stack := cdktest.NewStack(t)
	userpool.NewUserPool(stack, jsii.String("Pool"), &userpool.UserPoolProps{
		EnableSms: jsii.Bool(true), SmsRoleExternalId: jsii.String("auth-test-sms"), Mfa: cognito.Mfa_REQUIRED,
	})
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, poolType, map[string]interface{}{
		"MfaConfiguration": "ON",
		"EnabledMfas":      []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"},
		"SmsConfiguration": map[string]interface{}{"ExternalId": "auth-test-sms", "SnsCallerArn": assertions.Match_AnyValue()},
	}); err != nil {
		t.Fatal(err)
	}
	if err := cdktest.Has(tpl, "AWS::IAM::Role", map[string]interface{}{
		"AssumeRolePolicyDocument": map[string]interface{}{"Statement": []interface{}{map[string]interface{}{
			"Condition": map[string]interface{}{"StringEquals": map[string]interface{}{"sts:ExternalId": "auth-test-sms"}},
			"Principal": map[string]interface{}{"Service": "cognito-idp.amazonaws.com"},
		}}},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestMfaOffHasNoSecondFactor(t *testing.T) {
	stack := cdktest.NewStack(t)
	userpool.NewUserPool(stack, jsii.String("Pool"), &userpool.UserPoolProps{Mfa: cognito.Mfa_OFF})
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, poolType, map[string]interface{}{
		"MfaConfiguration": "OFF", "EnabledMfas": assertions.Match_Absent(),
	}); err != nil {
		t.Fatal(err)
	}
}

func TestStrongerPasswordPolicyIsKept(t *testing.T) {
	stack := cdktest.NewStack(t)
	userpool.NewUserPool(stack, jsii.String("Pool"), &userpool.UserPoolProps{
		PasswordPolicy: &cognito.PasswordPolicy{MinLength: jsii.Number(14), RequireSymbols: jsii.Bool(false)},
	})
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, poolType, map[string]interface{}{
		"Policies": map[string]interface{}{"PasswordPolicy": map[string]interface{}{
			"MinimumLength": 14, "RequireSymbols": false, "RequireUppercase": true, "RequireLowercase": true, "RequireNumbers": true,
		}},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestInvalidPropsPanicWithClearMessage(t *testing.T) {
	cases := []struct {
		name  string
		props *userpool.UserPoolProps
		want  string
	}{
		{"short password", &userpool.UserPoolProps{PasswordPolicy: &cognito.PasswordPolicy{MinLength: jsii.Number(6)}}, "PasswordPolicy.MinLength: 6 must be a whole number between 8 and 99"},
		{"no digits", &userpool.UserPoolProps{PasswordPolicy: &cognito.PasswordPolicy{RequireDigits: jsii.Bool(false)}}, "RequireDigits=false"},
		{"no upper", &userpool.UserPoolProps{PasswordPolicy: &cognito.PasswordPolicy{RequireUppercase: jsii.Bool(false)}}, "RequireUppercase=false"},
		{"email optional", &userpool.UserPoolProps{StandardAttributes: &cognito.StandardAttributes{
			Email: &cognito.StandardAttribute{Required: jsii.Bool(false)},
		}}, "Email must be present with Required=true"},
		{"no email", &userpool.UserPoolProps{StandardAttributes: &cognito.StandardAttributes{}}, "Email must be present"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack := cdktest.NewStack(t)
			msg := cdktest.Panics(func() { userpool.NewUserPool(stack, jsii.String("Pool"), tc.props) })
			if !strings.Contains(msg, tc.want) {
				t.Errorf("panic = %q; want it to contain %q", msg, tc.want)
			}
			// AND nothing was added to the stack
			if c := stack.Node().TryFindChild(jsii.String("Pool")); c != nil {
				t.Errorf("a construct was added despite the error: %s", *c.Node().Path())
			}
		})
	}
}

func TestIssuerAndJwksUrlsResolveToTheIssClaim(t *testing.T) {
	// GIVEN a pool in an environment-agnostic stack (region and URL suffix are tokens)
	app := cdktest.NewApp(t)
	stack := awscdk.NewStack(app, jsii.String("Test"), nil)
	up := userpool.NewUserPool(stack, jsii.String("Pool"), nil)
	awscdk.NewCfnOutput(stack, jsii.String("Issuer"), &awscdk.CfnOutputProps{Value: up.IssuerUrl()})
	awscdk.NewCfnOutput(stack, jsii.String("Jwks"), &awscdk.CfnOutputProps{Value: up.JwksUrl()})
	tpl := assertions.Template_FromStack(stack, nil)
	poolID := *stack.GetLogicalId(up.Pool.Node().DefaultChild().(awscdk.CfnElement))

	// WHEN CloudFormation resolves them with the pool's documented attribute
	// values (ProviderURL already starts with https://)
	var d cdktest.Deployed
	d.Commercial("us-east-2")
	d.CognitoUserPool(poolID, "us-east-2", "us-east-2_123456789")

	// THEN they are exactly the iss claim Cognito writes and its key set URL
	// (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html)
	for name, want := range map[string]string{
		"Issuer": "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_123456789",
		"Jwks":   "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_123456789/.well-known/jwks.json",
	} {
		out := *(*tpl.FindOutputs(jsii.String(name), nil))[name]
		got, err := d.Resolve(out["Value"])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got != want {
			t.Errorf("%s resolves to %q; want %q", name, got, want)
		}
	}
}

func TestResolveCatchesAProviderURLPrefixedWithScheme(t *testing.T) {
	// GIVEN the join the first version of IssuerUrl made ("https://" + ProviderURL)
	var d cdktest.Deployed
	d.Commercial("us-east-2")
	d.CognitoUserPool("Pool", "us-east-2", "us-east-2_123456789")
	buggy := map[string]interface{}{"Fn::Join": []interface{}{"", []interface{}{
		"https://", map[string]interface{}{"Fn::GetAtt": []interface{}{"Pool", "ProviderURL"}},
	}}}
	// WHEN it is resolved THEN the doubled scheme shows (the test above would fail on it)
	got, err := d.Resolve(buggy)
	if err != nil {
		t.Fatal(err)
	}
	if got != "https://https://cognito-idp.us-east-2.amazonaws.com/us-east-2_123456789" {
		t.Errorf("Resolve = %q; the documented ProviderURL carries its own scheme", got)
	}
}

func TestIssuerUrlOfAPoolImportedFromAnotherRegion(t *testing.T) {
	// GIVEN a stack in eu-west-1 and a pool id of us-east-2
	stack := cdktest.NewStack(t)
	imported := cognito.UserPool_FromUserPoolId(stack, jsii.String("Imported"), jsii.String("us-east-2_AbC123"))
	awscdk.NewCfnWaitConditionHandle(stack, jsii.String("AnyResource"), nil) // a template needs one resource
	awscdk.NewCfnOutput(stack, jsii.String("Issuer"), &awscdk.CfnOutputProps{Value: userpool.IssuerUrl(imported.UserPoolId())})
	out := *(*assertions.Template_FromStack(stack, nil).FindOutputs(jsii.String("Issuer"), nil))["Issuer"]
	// WHEN it is resolved in eu-west-1
	var d cdktest.Deployed
	d.Commercial("eu-west-1")
	got, err := d.Resolve(out["Value"])
	// THEN the region is the pool's, not the stack's
	if err != nil || got != "https://cognito-idp.us-east-2.amazonaws.com/us-east-2_AbC123" {
		t.Errorf("IssuerUrl = %q, %v; want the us-east-2 issuer", got, err)
	}
}

func TestEmailSendingAccount(t *testing.T) {
	// GIVEN a pool with Cognito's default sender
	stack := cdktest.NewStack(t)
	def := userpool.NewUserPool(stack, jsii.String("Default"), nil)
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN it sets no email message templates (the API reference allows them
	// only with EmailSendingAccount DEVELOPER), and keeps the SMS ones
	if def.EmailSendingAccount() != "COGNITO_DEFAULT" {
		t.Errorf("EmailSendingAccount = %q", def.EmailSendingAccount())
	}
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPool", map[string]interface{}{
		"EmailVerificationMessage": assertions.Match_Absent(), "EmailVerificationSubject": assertions.Match_Absent(),
		"VerificationMessageTemplate": map[string]interface{}{
			"DefaultEmailOption": "CONFIRM_WITH_CODE", "SmsMessage": assertions.Match_AnyValue(),
			"EmailMessage": assertions.Match_Absent(), "EmailSubject": assertions.Match_Absent(),
		},
		"EmailConfiguration": assertions.Match_Absent(),
	}); err != nil {
		t.Error(err)
	}

	// GIVEN a pool that sends through SES
	stack = cdktest.NewStack(t)
	ses := userpool.NewUserPool(stack, jsii.String("Ses"), &userpool.UserPoolProps{SES: &cognito.UserPoolSESOptions{
		FromEmail: jsii.String("no-reply@example.com"), FromName: jsii.String("Example"), ConfigurationSetName: jsii.String("auth"),
		SesVerifiedDomain: jsii.String("example.com"),
	}})
	tpl = assertions.Template_FromStack(stack, nil)
	// THEN it is DEVELOPER, from the domain identity, with the configuration set
	if ses.EmailSendingAccount() != "DEVELOPER" {
		t.Errorf("EmailSendingAccount = %q", ses.EmailSendingAccount())
	}
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPool", map[string]interface{}{
		"EmailConfiguration": map[string]interface{}{
			"EmailSendingAccount": "DEVELOPER", "From": "Example <no-reply@example.com>", "ConfigurationSet": "auth",
			"SourceArn": assertions.Match_AnyValue(),
		},
		"VerificationMessageTemplate": map[string]interface{}{"DefaultEmailOption": "CONFIRM_WITH_CODE", "EmailMessage": assertions.Match_AnyValue(),
			"EmailSubject": assertions.Match_AnyValue(), "SmsMessage": assertions.Match_AnyValue()},
	}); err != nil {
		t.Error(err)
	}
}
