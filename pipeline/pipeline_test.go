package pipeline_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/test/cdktest"
	"github.com/authstack/authstack/pipeline"
	"github.com/authstack/authstack/stacks"
)

var update = flag.Bool("update", false, "rewrite the pipeline's golden template under testdata/golden/pipeline")

// build synthesizes the reference pipeline name as cmd/cdkapp does (-c pipeline=NAME).
func build(t *testing.T, name string) (*pipeline.PipelineStack, map[string]interface{}) {
	t.Helper()
	app := cdktest.NewApp(t)
	p, err := config.SelectPipeline(config.ReferencePipelines(), name)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pipeline.NewPipelineStack(app, jsii.String(p.StackName()), &pipeline.PipelineStackProps{Pipeline: p, Environments: config.Reference()})
	if err != nil {
		t.Fatal(err)
	}
	stacks.CheckAwsSolutions(app)
	return s, *assertions.Template_FromStack(s.Stack, nil).ToJSON()
}

type action struct {
	Name           string
	RunOrder       float64
	ActionTypeID   map[string]interface{} `json:"ActionTypeId"`
	Configuration  map[string]interface{}
	InputArtifacts []map[string]interface{}
}

type stage struct {
	Name    string
	Actions []action
}

func stagesOf(t *testing.T, tpl map[string]interface{}) []stage {
	t.Helper()
	for _, r := range tpl["Resources"].(map[string]interface{}) {
		r := r.(map[string]interface{})
		if r["Type"] == "AWS::CodePipeline::Pipeline" {
			b, _ := json.Marshal(r["Properties"].(map[string]interface{})["Stages"])
			var out []stage
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatal("no pipeline")
	return nil
}

func names(ss []stage) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

func TestRouteToLive(t *testing.T) {
	s, tpl := build(t, "release")
	ss := stagesOf(t, tpl)
	// Stages in order: source, synth, self-mutation, assets, checks (make test), test, production.
	if got, want := strings.Join(names(ss), " "), "Source Build UpdatePipeline Assets Checks Test Production"; got != want {
		t.Fatalf("stages %q; want %q", got, want)
	}
	if src := ss[0].Actions[0]; src.ActionTypeID["Provider"] != "CodeStarSourceConnection" || src.Configuration["ConnectionArn"] == nil || src.Configuration["BranchName"] != "release" {
		t.Errorf("source = %+v; want the CodeStar connection on branch release", src)
	}

	// Test: deploy, then the smoke journey, which consumes the stage's outputs.
	if len(ss[4].Actions) != 1 || ss[4].Actions[0].Name != "Test" {
		t.Errorf("Checks = %+v; want the make test step alone", ss[4].Actions)
	}
	test := ss[5].Actions
	smoke := test[len(test)-1]
	if smoke.Name != "SmokeJourneyTest" {
		t.Fatalf("last action of Test = %s; want the smoke journey", smoke.Name)
	}
	for _, a := range test[:len(test)-1] {
		if a.RunOrder >= smoke.RunOrder {
			t.Errorf("%s runs at %v, not before the smoke journey (%v)", a.Name, a.RunOrder, smoke.RunOrder)
		}
	}
	var vars []struct{ Name, Type, Value string }
	if err := json.Unmarshal([]byte(smoke.Configuration["EnvironmentVariables"].(string)), &vars); err != nil {
		t.Fatal(err)
	}
	fromOutputs := map[string]string{}
	for _, v := range vars {
		fromOutputs[v.Name] = v.Value
	}
	for _, k := range []string{"UserPoolId", "ApiUrl", "IssuerUrl", "HostedUiBaseUrl", "WebClientId", "MachineClientId"} {
		// #{NAMESPACE.OutputName}: the deploy action's output variables.
		if v := fromOutputs["AUTHSTACK_OUTPUT_"+k]; !regexp.MustCompile(`^#\{[A-Za-z0-9@_-]+\.` + k + `\}$`).MatchString(v) {
			t.Errorf("AUTHSTACK_OUTPUT_%s = %q; want the test stage's output variable", k, v)
		}
	}

	// Production: approval, then the backup, then the deployment.
	prod := ss[6].Actions
	if prod[0].Name != "ApproveProduction" || prod[0].ActionTypeID["Category"] != "Approval" {
		t.Fatalf("first production action = %+v; want the manual approval", prod[0])
	}
	if prod[1].Name != "BackupBeforeProduction" || prod[1].RunOrder <= prod[0].RunOrder {
		t.Fatalf("second production action = %+v; want the backup after the approval", prod[1])
	}
	for _, a := range prod[2:] {
		if a.ActionTypeID["Provider"] != "CloudFormation" || a.RunOrder <= prod[1].RunOrder {
			t.Errorf("production action %s (%v) deploys before the backup", a.Name, a.RunOrder)
		}
	}

	raw, _ := json.Marshal(tpl)
	projects := tpl["Resources"].(map[string]interface{})
	var backup, smokeCmds string
	for id, r := range projects {
		r := r.(map[string]interface{})
		if r["Type"] != "AWS::CodeBuild::Project" {
			continue
		}
		spec := r["Properties"].(map[string]interface{})["Source"].(map[string]interface{})["BuildSpec"]
		b, _ := json.Marshal(spec)
		switch {
		case strings.Contains(id, "BackupBeforeProduction"):
			backup = string(b)
		case strings.Contains(id, "SmokeJourney"):
			smokeCmds = string(b)
		}
	}
	for _, want := range []string{"role/auth-production-pre-deploy-backup", "cdk-hnb659fds-lookup-role-", "backup --remote", "--env production", "does not exist"} {
		if !strings.Contains(backup, want) {
			t.Errorf("backup step lacks %q: %s", want, backup)
		}
	}
	for _, want := range []string{"role/auth-test-smoke-test", "credential_source = EcsContainer", "authctl --outputs-env --profile smoke --client web smoke"} {
		if !strings.Contains(smokeCmds, want) {
			t.Errorf("smoke step lacks %q: %s", want, smokeCmds)
		}
	}
	// No plaintext secrets anywhere: no client secret, password or token in
	// an environment variable or a command.
	for _, bad := range []string{"ClientSecret", "AUTHCTL_CLIENT_SECRET", "AUTHCTL_PASSWORD", "OAuthToken", "personal"} {
		if bytes.Contains(raw, []byte(bad)) {
			t.Errorf("the pipeline template contains %q", bad)
		}
	}

	// Encrypted artifacts (a rotated KMS key), self-mutation, notifications.
	a := assertions.Template_FromStack(s.Stack, nil)
	a.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]interface{}{"BucketEncryption": map[string]interface{}{"ServerSideEncryptionConfiguration": []interface{}{
		map[string]interface{}{"ServerSideEncryptionByDefault": map[string]interface{}{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": assertions.Match_AnyValue()}}}}})
	a.HasResourceProperties(jsii.String("AWS::KMS::Key"), map[string]interface{}{"EnableKeyRotation": true})
	a.HasResourceProperties(jsii.String("AWS::CodeStarNotifications::NotificationRule"), map[string]interface{}{
		"EventTypeIds": assertions.Match_ArrayWith(&[]interface{}{"codepipeline-pipeline-pipeline-execution-failed", "codepipeline-pipeline-manual-approval-needed"}),
		"Targets":      []interface{}{map[string]interface{}{"TargetType": "SNS", "TargetAddress": assertions.Match_AnyValue()}}})
	a.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), map[string]interface{}{"Protocol": "email", "Endpoint": "ops@example.com"})

	// cdk-nag: Template_FromStack synthesized the app with the checks on the
	// App (the pipeline stack) and on each stage; an unsuppressed finding
	// would have failed that synthesis (stacks.TestAuthStageChecksItsStacks).

	// The stages' roles: the smoke role only in test, the backup role only
	// in production, each trusting exactly its step's role.
	testTpl := assertions.Template_FromStack(s.Stages[0].AuthStack.Stack, nil)
	prodTpl := assertions.Template_FromStack(s.Stages[1].AuthStack.Stack, nil)
	testTpl.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": "auth-test-smoke-test",
		"AssumeRolePolicyDocument": map[string]interface{}{"Statement": []interface{}{map[string]interface{}{"Action": "sts:AssumeRole", "Effect": "Allow",
			"Condition": map[string]interface{}{"ArnEquals": map[string]interface{}{"aws:PrincipalArn": "arn:aws:iam::111111111111:role/authstack-pipeline-release-smoke-test"}},
			"Principal": assertions.Match_AnyValue()}}}}, jsii.Number(1))
	testTpl.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": "auth-test-pre-deploy-backup"}, jsii.Number(0))
	prodTpl.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": "auth-production-smoke-test"}, jsii.Number(0))
	prodTpl.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": "auth-production-pre-deploy-backup"}, jsii.Number(1))
	a.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": "authstack-pipeline-release-smoke-test"}, jsii.Number(1))
	a.ResourcePropertiesCountIs(jsii.String("AWS::IAM::Role"), map[string]interface{}{"RoleName": "authstack-pipeline-release-backup-production"}, jsii.Number(1))

	golden(t, "authstack-pipeline-release", tpl)
}

func TestSingleStage(t *testing.T) {
	_, tpl := build(t, "development")
	ss := stagesOf(t, tpl)
	if got, want := strings.Join(names(ss), " "), "Source Build UpdatePipeline Assets Checks Development"; got != want {
		t.Fatalf("stages %q; want %q", got, want)
	}
	for _, a := range ss[len(ss)-1].Actions {
		if a.ActionTypeID["Category"] != "Deploy" {
			t.Errorf("development has %s (%v); want deployments only", a.Name, a.ActionTypeID)
		}
	}
}

func TestInvalidPipelineAddsNothing(t *testing.T) {
	app := cdktest.NewApp(t)
	p := config.ReferencePipelines()[1]
	p.Stages = []string{"test", "staging"}
	if _, err := pipeline.NewPipelineStack(app, jsii.String("P"), &pipeline.PipelineStackProps{Pipeline: p, Environments: config.Reference()}); err == nil || !strings.Contains(err.Error(), `unknown environment "staging"`) {
		t.Errorf("err = %v; want the unknown environment named", err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("the app has %d children after a refused pipeline", n)
	}
}

func golden(t *testing.T, name string, tpl map[string]interface{}) {
	t.Helper()
	got, err := json.MarshalIndent(tpl, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join(cdktest.RepoRoot(), "testdata", "golden", "pipeline", name+".template.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make update-golden`)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s; if intended, run `make update-golden` and review the diff", name, path)
	}
}

// The CLIs self-mutation and asset publishing install are pinned, the CDK
// CLI to package.json's version.
func TestPinnedCLIs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(cdktest.RepoRoot(), "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ DevDependencies, Dependencies map[string]string }
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	v := pkg.DevDependencies["aws-cdk"]
	if v == "" {
		v = pkg.Dependencies["aws-cdk"]
	}
	if v != pipeline.CLIVersion {
		t.Errorf("package.json pins aws-cdk %q, the pipeline %q", v, pipeline.CLIVersion)
	}
	_, tpl := build(t, "development")
	raw, _ := json.Marshal(tpl)
	for _, want := range []string{"aws-cdk@" + pipeline.CLIVersion, "cdk-assets@" + pipeline.AssetsCLIVersion} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("the pipeline does not install %s", want)
		}
	}
}
