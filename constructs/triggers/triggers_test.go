package triggers_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	secretsmanager "github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/claims"
	"github.com/authstack/authstack/constructs/triggers"
	"github.com/authstack/authstack/constructs/userevents"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func setup(t *testing.T, mutate func(*triggers.TriggersProps)) (awscdk.Stack, *triggers.Triggers) {
	stack := cdktest.NewStack(t)
	props := &triggers.TriggersProps{
		UserPool:   cognito.NewUserPool(stack, jsii.String("Pool"), nil),
		UserEvents: userevents.NewUserEvents(stack, jsii.String("Events"), nil),
		AppName:    jsii.String("shop"), Environment: jsii.String("test"),
		PreSignUp: &triggers.PreSignUpOptions{DenyDomains: []string{"blocked.example"}},
	}
	if mutate != nil {
		mutate(props)
	}
	return stack, triggers.NewTriggers(stack, jsii.String("Triggers"), props)
}

func lambdaConfig(t *testing.T, tpl assertions.Template) map[string]interface{} {
	for _, r := range *tpl.FindResources(jsii.String("AWS::Cognito::UserPool"), nil) {
		props := (*r)["Properties"].(map[string]interface{})
		if lc, ok := props["LambdaConfig"].(map[string]interface{}); ok {
			return lc
		}
	}
	t.Fatal("no LambdaConfig")
	return nil
}

func TestDefaultTriggers(t *testing.T) {
	// GIVEN triggers with defaults
	stack, tr := setup(t, nil)
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN two functions exist, each attached, with 5 s timeouts
	tpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(2))
	lc := lambdaConfig(t, tpl)
	for _, op := range []string{"PreSignUp", "PreAuthentication", "PostAuthentication", "PostConfirmation"} {
		if lc[op] == nil {
			t.Errorf("LambdaConfig.%s missing: %v", op, lc)
		}
	}
	// AND no custom message trigger: with Cognito's default email sender and
	// no SMS it could change nothing (email fields are refused then)
	for _, op := range []string{"CustomMessage", "PreTokenGenerationConfig", "UserMigration"} {
		if lc[op] != nil {
			t.Errorf("LambdaConfig.%s present without configuration", op)
		}
	}
	if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{
		"Timeout": 5,
		"Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{
			"AUTHSTACK_DENY_DOMAINS": "blocked.example", "AUTHSTACK_STACK": "Test",
		})},
	}); err != nil {
		t.Error(err)
	}
	// AND no function is told the pool id (no pool <-> function cycle)
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil))
	if strings.Contains(string(b), `"Ref":"Pool`) {
		t.Errorf("a function references the pool: %s", b)
	}
	// AND Cognito may invoke each function only from this pool
	if err := cdktest.Has(tpl, "AWS::Lambda::Permission", map[string]interface{}{
		"Principal": "cognito-idp.amazonaws.com", "SourceArn": map[string]interface{}{"Fn::GetAtt": []interface{}{assertions.Match_AnyValue(), "Arn"}},
	}); err != nil {
		t.Error(err)
	}
	if len(tr.Functions()) != 2 {
		t.Errorf("Functions() = %d; want 2", len(tr.Functions()))
	}
	// AND the user-events function claims event ids in an encrypted table with a TTL
	if err := cdktest.Has(tpl, "AWS::DynamoDB::Table", map[string]interface{}{
		"TimeToLiveSpecification": map[string]interface{}{"AttributeName": "expiresAt", "Enabled": true},
		"SSESpecification":        map[string]interface{}{"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": assertions.Match_AnyValue()},
	}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{
		"Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{
			"AUTHSTACK_EVENT_ID_TABLE": map[string]interface{}{"Ref": assertions.Match_AnyValue()},
		})},
	}); err != nil {
		t.Error(err)
	}
}

func TestCustomMessageFollowsTheSendingAccount(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(*triggers.TriggersProps)
		account string // "" when no custom message trigger is expected
	}{
		{"SES, read from the pool", func(p *triggers.TriggersProps) {
			p.UserPool = cognito.NewUserPool(awscdk.Stack_Of(p.UserPool), jsii.String("SesPool"), &cognito.UserPoolProps{
				Email: cognito.UserPoolEmail_WithSES(&cognito.UserPoolSESOptions{FromEmail: jsii.String("no-reply@example.com")}),
			})
		}, "DEVELOPER"},
		{"SMS only", func(p *triggers.TriggersProps) { p.SmsEnabled = jsii.Bool(true) }, "COGNITO_DEFAULT"},
		{"neither", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stack, tr := setup(t, tc.mutate)
			tpl := assertions.Template_FromStack(stack, nil)
			lc := lambdaConfig(t, tpl)
			if (lc["CustomMessage"] != nil) != (tc.account != "") || (tr.CustomMessage != nil) != (tc.account != "") {
				t.Fatalf("custom message trigger attached = %v; want %v", lc["CustomMessage"] != nil, tc.account != "")
			}
			if tc.account == "" {
				return
			}
			if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{
				"Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{
					"AUTHSTACK_EMAIL_SENDING_ACCOUNT": tc.account,
				})},
			}); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestTokenClaimsAndMigration(t *testing.T) {
	stack, tr := setup(t, func(p *triggers.TriggersProps) {
		p.PreTokenGeneration = &triggers.PreTokenGenerationOptions{Rules: claims.Rules{RolesClaim: "roles"}}
		p.Migration = &triggers.MigrationOptions{
			Endpoint: jsii.String("https://legacy.example.com"),
			Secret:   secretsmanager.Secret_FromSecretCompleteArn(p.UserPool, jsii.String("S"), jsii.String("arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf")),
		}
	})
	tpl := assertions.Template_FromStack(stack, nil)
	lc := lambdaConfig(t, tpl)
	ptg, _ := lc["PreTokenGenerationConfig"].(map[string]interface{})
	if ptg == nil || ptg["LambdaVersion"] != "V2_0" || lc["UserMigration"] == nil {
		t.Errorf("LambdaConfig = %v; want pre token generation V2_0 and user migration", lc)
	}
	if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{
		"Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{"AUTHSTACK_CLAIMS": `{"rolesClaim":"roles"}`})},
	}); err != nil {
		t.Error(err)
	}
	if len(tr.Functions()) != 4 {
		t.Errorf("Functions() = %d; want 4", len(tr.Functions()))
	}
	// The migration role may read the secret.
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil))
	if !strings.Contains(string(b), "secretsmanager:GetSecretValue") {
		t.Error("migration role cannot read its secret")
	}
}

func TestInvalidProps(t *testing.T) {
	cases := []struct {
		mutate func(*triggers.TriggersProps)
		want   string
	}{
		{func(p *triggers.TriggersProps) { p.AppName = nil; p.SmsEnabled = jsii.Bool(true) }, "AppName is required"},
		{func(p *triggers.TriggersProps) { p.PreSignUp.DenyDomains = []string{"not a domain"} }, `PreSignUp.DenyDomains[0]: "not a domain"`},
		{func(p *triggers.TriggersProps) {
			p.PreTokenGeneration = &triggers.PreTokenGenerationOptions{Rules: claims.Rules{RolesClaim: "sub"}}
		}, `PreTokenGeneration.Rules: claims: claim "sub"`},
		{func(p *triggers.TriggersProps) {
			p.Migration = &triggers.MigrationOptions{Endpoint: jsii.String("http://x")}
		}, "Migration.Endpoint"},
		{func(p *triggers.TriggersProps) { p.MemorySize = jsii.Number(64) }, "MemorySize: 64"},
		{func(p *triggers.TriggersProps) { p.UserEvents = nil }, "UserEvents (the topic) is required"},
		{func(p *triggers.TriggersProps) {
			p.PreSignUp = &triggers.PreSignUpOptions{Disabled: true, Hook: lambda.Function_FromFunctionName(p.UserPool, jsii.String("H"), jsii.String("h"))}
		}, "PreSignUp: set one of Disabled, Function or Hook"},
		{func(p *triggers.TriggersProps) {
			p.PreSignUp.Function = lambda.Function_FromFunctionName(p.UserPool, jsii.String("F"), jsii.String("f"))
		}, "PreSignUp: DenyDomains and AllowDomains configure authstack's function"},
		{func(p *triggers.TriggersProps) {
			p.PreTokenGeneration = &triggers.PreTokenGenerationOptions{Rules: claims.Rules{RolesClaim: "roles"},
				Function: lambda.Function_FromFunctionName(p.UserPool, jsii.String("F"), jsii.String("f"))}
		}, "PreTokenGeneration: Rules configure authstack's function"},
		{func(p *triggers.TriggersProps) { p.EmailSendingAccount = jsii.String("SES") }, `EmailSendingAccount: "SES"`},
		// The pool sends with Cognito's default sender: DEVELOPER would make every message fail.
		{func(p *triggers.TriggersProps) { p.EmailSendingAccount = jsii.String("DEVELOPER") }, `EmailSendingAccount: "DEVELOPER", but the user pool sends with COGNITO_DEFAULT`},
		{func(p *triggers.TriggersProps) {
			p.AppName = jsii.String(strings.Repeat("a", 61))
			p.SmsEnabled = jsii.Bool(true)
		}, "AppName and Environment: 65 characters together"},
		{func(p *triggers.TriggersProps) {
			p.Migration = &triggers.MigrationOptions{Endpoint: jsii.String("https://legacy.example.com/" + strings.Repeat("x", 4000)),
				Secret: secretsmanager.Secret_FromSecretCompleteArn(p.UserPool, jsii.String("S"), jsii.String("arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf"))}
		}, "the user migration function's environment needs up to"},
		// Lambda's 4 KB environment budget: 300 domains of 20 characters overflow it.
		{func(p *triggers.TriggersProps) { p.PreSignUp.DenyDomains = manyDomains(300) }, "the pre sign-up function's environment needs up to"},
	}
	for _, tc := range cases {
		msg := cdktest.Panics(func() { setup(t, tc.mutate) })
		if !strings.Contains(msg, "triggers Triggers: "+tc.want) {
			t.Errorf("panic = %q; want %q", msg, tc.want)
		}
	}
}

func TestSlotsCanBeOffOwnOrHooked(t *testing.T) {
	// GIVEN pre sign-up hooked, the user-events slot filled with the user's
	// own function, and custom message off although the pool sends SMS
	var hook, own lambda.IFunction
	stack, tr := setup(t, func(p *triggers.TriggersProps) {
		hook = lambda.Function_FromFunctionArn(p.UserPool, jsii.String("Hook"), jsii.String("arn:aws:lambda:eu-west-1:111111111111:function:shop-presignup"))
		own = lambda.NewFunction(p.UserPool, jsii.String("Own"), &lambda.FunctionProps{
			Runtime: lambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler"),
			Code: lambda.Code_FromInline(jsii.String("def handler(event, context):\n    return event\n")),
		})
		p.PreSignUp.Hook = hook
		p.UserEventsTrigger = &triggers.UserEventsOptions{Function: own}
		p.SmsEnabled = jsii.Bool(true)
		p.CustomMessage = &triggers.CustomMessageOptions{Disabled: true}
	})
	tpl := assertions.Template_FromStack(stack, nil)
	lc := lambdaConfig(t, tpl)
	// THEN authstack's pre sign-up function is attached and told the hook,
	// and may invoke it and nothing else
	if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{
		"Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{
			"AUTHSTACK_HOOK_FUNCTION": "arn:aws:lambda:eu-west-1:111111111111:function:shop-presignup",
		})},
	}); err != nil {
		t.Error(err)
	}
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil))
	if !strings.Contains(string(b), `"Action":"lambda:InvokeFunction"`) || !strings.Contains(string(b), "function:shop-presignup") {
		t.Errorf("pre sign-up may not invoke its hook: %s", b)
	}
	// AND the user's own function is attached to the three user-event
	// operations, with no user-events function or table of authstack's
	ownRef, _ := json.Marshal(awscdk.Stack_Of(own).Resolve(own.FunctionArn()))
	for _, op := range []string{"PreAuthentication", "PostAuthentication", "PostConfirmation"} {
		if got, _ := json.Marshal(lc[op]); string(got) != string(ownRef) {
			t.Errorf("LambdaConfig.%s = %s; want the user's function %s", op, got, ownRef)
		}
	}
	tpl.ResourceCountIs(jsii.String("AWS::DynamoDB::Table"), jsii.Number(0))
	// AND no custom message trigger, although the pool sends SMS
	if lc["CustomMessage"] != nil || tr.CustomMessage != nil || tr.UserEvents != nil {
		t.Errorf("LambdaConfig = %v", lc)
	}
	tpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(2)) // pre sign-up and the user's own
}

func manyDomains(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("disposable%04d.example", i)
	}
	return out
}

func TestReadsThePoolAndOwnOperations(t *testing.T) {
	// GIVEN a LITE pool THEN pre token generation (V2_0) is refused, as config refuses it
	msg := cdktest.Panics(func() {
		setup(t, func(p *triggers.TriggersProps) {
			p.UserPool = cognito.NewUserPool(awscdk.Stack_Of(p.UserPool), jsii.String("Lite"), &cognito.UserPoolProps{FeaturePlan: cognito.FeaturePlan_LITE})
			p.PreTokenGeneration = &triggers.PreTokenGenerationOptions{Rules: claims.Rules{RolesClaim: "roles"}}
		})
	})
	if !strings.Contains(msg, "feature plan is LITE") {
		t.Errorf("panic = %q", msg)
	}
	// GIVEN a pool that sends SMS THEN the custom message function is there without SmsEnabled
	stack, tr := setup(t, func(p *triggers.TriggersProps) {
		p.UserPool = cognito.NewUserPool(awscdk.Stack_Of(p.UserPool), jsii.String("Sms"), &cognito.UserPoolProps{
			EnableSmsRole: jsii.Bool(true), SmsRoleExternalId: jsii.String("x-sms"),
		})
	})
	if tr.CustomMessage == nil {
		t.Error("no custom message function for a pool that sends SMS")
	}
	_ = stack
	// GIVEN the user's own post-confirmation function THEN it takes that
	// operation, authstack's user-events function keeps the other two
	var own lambda.IFunction
	stack, tr = setup(t, func(p *triggers.TriggersProps) {
		own = lambda.NewFunction(p.UserPool, jsii.String("Welcome"), &lambda.FunctionProps{
			Runtime: lambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler"),
			Code: lambda.Code_FromInline(jsii.String("def handler(event, context):\n    return event\n")),
		})
		p.UserEventsTrigger = &triggers.UserEventsOptions{PostConfirmation: own}
	})
	lc := lambdaConfig(t, assertions.Template_FromStack(stack, nil))
	ownRef, _ := json.Marshal(awscdk.Stack_Of(own).Resolve(own.FunctionArn()))
	ours, _ := json.Marshal(awscdk.Stack_Of(own).Resolve(tr.UserEvents.Function.FunctionArn()))
	for op, want := range map[string]string{"PostConfirmation": string(ownRef), "PreAuthentication": string(ours), "PostAuthentication": string(ours)} {
		if got, _ := json.Marshal(lc[op]); string(got) != want {
			t.Errorf("LambdaConfig.%s = %s; want %s", op, got, want)
		}
	}
}
