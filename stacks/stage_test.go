package stacks_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	sns "github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/test/cdktest"
	"github.com/authstack/authstack/stacks"
)

func dev(t *testing.T) config.Config {
	c, err := config.Select(config.Reference(), "development")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// aws/aws-cdk#20468: an Aspect on the App does not reach the stacks of a
// Stage. This is why AuthStage carries the checks itself.
func TestAppAspectsDoNotReachAStage(t *testing.T) {
	app := cdktest.NewApp(t)
	st := awscdk.NewStage(app, jsii.String("Plain"), nil)
	sns.NewTopic(awscdk.NewStack(st, jsii.String("Bad"), nil), jsii.String("Plain"), nil) // AwsSolutions-SNS3
	stacks.CheckAwsSolutions(app)
	if msg := cdktest.Panics(func() { app.Synth(nil) }); msg != "" {
		t.Fatalf("synth = %q; the App's checks reached the stage after all (then AuthStage's own checks are redundant)", msg)
	}
}

func TestAuthStageChecksItsStacks(t *testing.T) {
	// GIVEN an AuthStage with a deliberately non-compliant topic in its stack
	app := cdktest.NewApp(t)
	st, err := stacks.NewAuthStage(app, jsii.String("Development"), &stacks.AuthStageProps{Config: dev(t), PipelineAccount: "111111111111", Pipeline: trust})
	if err != nil {
		t.Fatal(err)
	}
	sns.NewTopic(st.AuthStack, jsii.String("PlainTopic"), nil)
	// WHEN the app is synthesized (no checks on the App)
	msg := cdktest.Panics(func() { app.Synth(nil) })
	// THEN the stage's own checks report it, and nothing else
	if !strings.Contains(msg, "Validation failed") {
		t.Fatalf("synth = %q; want the stage's cdk-nag checks to fail it", msg)
	}
	report, err := os.ReadFile(filepath.Join(*st.Outdir(), "..", "validation-report.json"))
	if err != nil {
		report, err = os.ReadFile(filepath.Join(*app.Outdir(), "validation-report.json"))
	}
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "AwsSolutions-SNS3") || !strings.Contains(string(report), "PlainTopic") {
		t.Errorf("validation report does not name the topic's AwsSolutions-SNS3:\n%.2000s", report)
	}
	for _, rule := range []string{"AwsSolutions-IAM5", "AwsSolutions-S1", "AwsSolutions-L1"} {
		if strings.Contains(string(report), rule) {
			t.Errorf("the stage's own resources have an unsuppressed %s finding", rule)
		}
	}
}

// trust names both pipeline roles (each stage of a real pipeline has one).
var trust = &stacks.PipelineTrust{SmokeTestPrincipal: "arn:aws:iam::222222222222:role/authstack-pipeline-p-smoke-development",
	PreDeployBackupPrincipal: "arn:aws:iam::222222222222:role/authstack-pipeline-p-backup-development"}

func TestAuthStagePipelineRoles(t *testing.T) {
	app := cdktest.NewApp(t)
	st, err := stacks.NewAuthStage(app, jsii.String("Development"), &stacks.AuthStageProps{Config: dev(t), PipelineAccount: "222222222222", Pipeline: trust})
	if err != nil {
		t.Fatal(err)
	}
	if got := *st.AuthStack.Account(); got != "222222222222" {
		t.Errorf("stack account = %s; want the pipeline's when the environment names none", got)
	}
	tpl := assertions.Template_FromStack(st.AuthStack.Stack, nil)
	// Each role trusts exactly its step's role: its account, on the condition aws:PrincipalArn.
	for name, principal := range map[string]string{stacks.SmokeTestRoleName("authdev-development"): trust.SmokeTestPrincipal,
		stacks.PreDeployBackupRoleName("authdev-development"): trust.PreDeployBackupPrincipal} {
		tpl.HasResourceProperties(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": name, "AssumeRolePolicyDocument": map[string]interface{}{
			"Statement": []interface{}{map[string]interface{}{"Action": "sts:AssumeRole", "Effect": "Allow",
				"Condition": map[string]interface{}{"ArnEquals": map[string]interface{}{"aws:PrincipalArn": principal}},
				"Principal": map[string]interface{}{"AWS": assertions.Match_StringLikeRegexp(jsii.String("222222222222"))}}}}})
	}
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]interface{}{"PolicyDocument": map[string]interface{}{"Statement": assertions.Match_ArrayWith(&[]interface{}{
		map[string]interface{}{"Action": []interface{}{"cognito-idp:AdminConfirmSignUp", "cognito-idp:AdminDeleteUser", "cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient"},
			"Effect": "Allow", "Resource": assertions.Match_AnyValue()}})}})
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]interface{}{"PolicyDocument": map[string]interface{}{"Statement": assertions.Match_ArrayWith(&[]interface{}{
		map[string]interface{}{"Action": "states:StartExecution", "Effect": "Allow", "Resource": assertions.Match_AnyValue()}})}})
	if st.AuthStack.Outputs["UserPoolId"] == nil || st.AuthStack.Outputs["ApiUrl"] == nil {
		t.Errorf("outputs %v; want them by name for pipeline steps", st.AuthStack.Outputs)
	}
}

func TestPipelineRolesOnlyWhereTrusted(t *testing.T) {
	app := cdktest.NewApp(t)
	st, err := stacks.NewAuthStage(app, jsii.String("Development"), &stacks.AuthStageProps{Config: dev(t),
		Pipeline: &stacks.PipelineTrust{PreDeployBackupPrincipal: trust.PreDeployBackupPrincipal}})
	if err != nil {
		t.Fatal(err)
	}
	if st.AuthStack.SmokeTestRole != nil {
		t.Error("a smoke-test role without a smoke-test principal (it can delete users)")
	}
	tpl := assertions.Template_FromStack(st.AuthStack.Stack, nil)
	tpl.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": stacks.SmokeTestRoleName("authdev-development")}, jsii.Number(0))
	tpl.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": stacks.PreDeployBackupRoleName("authdev-development")}, jsii.Number(1))
}

func TestPipelineTrustIsValidated(t *testing.T) {
	app := cdktest.NewApp(t)
	_, err := stacks.NewAuthStage(app, jsii.String("Development"), &stacks.AuthStageProps{Config: dev(t),
		Pipeline: &stacks.PipelineTrust{SmokeTestPrincipal: "authstack-pipeline-p-smoke-development"}})
	if err == nil || !strings.Contains(err.Error(), "PipelineTrust.SmokeTestPrincipal") {
		t.Errorf("err = %v; want the bad principal named", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("the app has %d children after a refused stage", n)
	}
}
