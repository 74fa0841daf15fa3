package triggers_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
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
		AppName:    "shop", Environment: "test",
		DenyDomains: []string{"blocked.example"},
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
		p.TokenClaims = claims.Rules{RolesClaim: "roles"}
		p.Migration = &triggers.Migration{
			Endpoint: "https://legacy.example.com",
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
		{func(p *triggers.TriggersProps) { p.AppName = "" }, "AppName is required"},
		{func(p *triggers.TriggersProps) { p.DenyDomains = []string{"not a domain"} }, `DenyDomains[0]: "not a domain"`},
		{func(p *triggers.TriggersProps) { p.TokenClaims = claims.Rules{RolesClaim: "sub"} }, `TokenClaims: claims: claim "sub"`},
		{func(p *triggers.TriggersProps) { p.Migration = &triggers.Migration{Endpoint: "http://x"} }, "Migration.Endpoint"},
		{func(p *triggers.TriggersProps) { p.MemorySize = jsii.Number(64) }, "MemorySize: 64"},
		{func(p *triggers.TriggersProps) { p.UserEvents = nil }, "UserEvents is required"},
		{func(p *triggers.TriggersProps) { p.EmailSendingAccount = jsii.String("SES") }, `EmailSendingAccount: "SES"`},
		// The pool sends with Cognito's default sender: DEVELOPER would make every message fail.
		{func(p *triggers.TriggersProps) { p.EmailSendingAccount = jsii.String("DEVELOPER") }, `EmailSendingAccount: "DEVELOPER", but the user pool sends with COGNITO_DEFAULT`},
		{func(p *triggers.TriggersProps) { p.AppName = strings.Repeat("a", 61) }, "AppName and Environment: 65 characters together"},
		{func(p *triggers.TriggersProps) {
			p.Migration = &triggers.Migration{Endpoint: "https://legacy.example.com/" + strings.Repeat("x", 4000),
				Secret: secretsmanager.Secret_FromSecretCompleteArn(p.UserPool, jsii.String("S"), jsii.String("arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf"))}
		}, "the user migration function's environment needs up to"},
		// Lambda's 4 KB environment budget: 300 domains of 20 characters overflow it.
		{func(p *triggers.TriggersProps) { p.DenyDomains = manyDomains(300) }, "the pre sign-up function's environment needs up to"},
	}
	for _, tc := range cases {
		msg := cdktest.Panics(func() { setup(t, tc.mutate) })
		if !strings.Contains(msg, "triggers Triggers: "+tc.want) {
			t.Errorf("panic = %q; want %q", msg, tc.want)
		}
	}
}

func manyDomains(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("disposable%04d.example", i)
	}
	return out
}
