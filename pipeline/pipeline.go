// Package pipeline is authstack's deployment pipeline: a CDK Pipelines
// (self-mutating CodePipeline) stack that builds the repository from a
// CodeStar connection, runs `make test` before it synthesizes, and deploys
// the environments of a config.Pipeline in order, each an stacks.AuthStage
// (cdk-nag inside the stage). With more than one stage, every stage but the
// last is followed by the smoke journey (authctl smoke, with the stage's
// outputs as the step's environment), and the last one is preceded by a
// manual approval and a backup of its user pool (authctl backup --remote),
// so a deployment never reaches its users without a fresh restore point.
//
// Synthesis stays offline: no context lookups; the pipeline and every
// stage have an explicit account and region.
package pipeline

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	codebuild "github.com/aws/aws-cdk-go/awscdk/v2/awscodebuild"
	codepipeline "github.com/aws/aws-cdk-go/awscdk/v2/awscodepipeline"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	sns "github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	subs "github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/pipelines"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/cdk/nag"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/stacks"
)

// Context keys of the CDK app (cmd/cdkapp) that select a pipeline.
const (
	// ContextPipeline names the pipeline to synthesize instead of the
	// environments: cdk synth -c pipeline=release.
	ContextPipeline = "pipeline"
	// ContextPipelines names a pipelines file (default: the reference,
	// config/pipelines.yaml): cdk synth -c pipelines=my-pipelines.yaml.
	ContextPipelines = "pipelines"
)

// PipelineStackProps configure a PipelineStack.
type PipelineStackProps struct {
	// StackProps are passed to the stack. Env and StackName are filled
	// from Pipeline where unset.
	awscdk.StackProps
	// Pipeline is the pipeline's configuration. Required; it is validated
	// against Environments.
	Pipeline config.Pipeline
	// Environments are the environments the stages name. Required.
	Environments []config.Config
	// ConfigFile and PipelinesFile are the repository paths the synth step
	// passes to cdk synth (-c config=..., -c pipelines=...), so the
	// pipeline rebuilds itself from the same files. Default: "" (the
	// reference files embedded in package config).
	ConfigFile, PipelinesFile string
}

// PipelineStack is the pipeline.
type PipelineStack struct {
	awscdk.Stack
	// Pipeline is the CDK pipeline (built: Pipeline.Pipeline() is the CodePipeline).
	Pipeline pipelines.CodePipeline
	// Stages are the environments in deployment order.
	Stages []*stacks.AuthStage
	// OperationsTopic receives failed executions and approvals waiting.
	OperationsTopic sns.Topic
}

// Toolchain is the build image and runtimes of every CodeBuild step: Go
// from the image selects the module's pinned toolchain (go.mod's toolchain
// line, downloaded from the Go module proxy and checked against the Go
// checksum database, GOTOOLCHAIN=auto); Node and the CDK CLI come from
// package-lock.json, Python tools from the lock files (make tools).
// Source: https://docs.aws.amazon.com/codebuild/latest/userguide/available-runtimes.html
var (
	buildImage = codebuild.LinuxBuildImage_STANDARD_7_0()
	runtimes   = map[string]interface{}{"golang": "1.22", "python": "3.11", "nodejs": "20"}
	goEnv      = map[string]*string{"GOTOOLCHAIN": jsii.String("auto"), "GONOSUMDB": jsii.String("github.com/aws/*,github.com/cdklabs/*"),
		"CDK_DISABLE_VERSION_CHECK": jsii.String("1"), "CDK_DISABLE_CLI_TELEMETRY": jsii.String("1")}
)

// Outputs the smoke journey reads (authctl --outputs-env).
var smokeOutputs = []string{contract.OutputUserPoolID, contract.OutputIssuerURL, contract.OutputJWKSURL, contract.OutputHostedUIBaseURL,
	contract.OutputAPIURL, contract.OutputMachineClientID, contract.OutputClientID("Web")}

// NewPipelineStack adds the pipeline stack; it returns an error, and adds
// nothing, when the configuration is invalid.
func NewPipelineStack(scope constructs.Construct, id *string, props *PipelineStackProps) (*PipelineStack, error) {
	if props == nil {
		return nil, fmt.Errorf("pipeline: PipelineStackProps with a Pipeline is required")
	}
	p := props.Pipeline
	if err := p.Validate(props.Environments); err != nil {
		return nil, fmt.Errorf("pipeline %q: %w", p.Name, err)
	}
	envs := make([]config.Config, len(p.Stages))
	for i, name := range p.Stages {
		envs[i], _ = config.Select(props.Environments, name) // validated
		if err := envs[i].Validate(); err != nil {
			return nil, fmt.Errorf("pipeline %q: environment %q: %w", p.Name, name, err)
		}
		if len(p.Stages) > 1 && i < len(p.Stages)-1 && !hasClient(envs[i], "web") {
			return nil, fmt.Errorf("pipeline %q: environment %q: the smoke journey signs in on the app client \"web\", which it lacks", p.Name, name)
		}
	}
	sp := props.StackProps
	if sp.Env == nil {
		sp.Env = &awscdk.Environment{Account: jsii.String(p.Account), Region: jsii.String(p.Region)}
	}
	if sp.StackName == nil {
		sp.StackName = jsii.String(p.StackName())
	}
	if sp.Description == nil {
		sp.Description = jsii.String(fmt.Sprintf("authstack: deployment pipeline %s (%s)", p.Name, strings.Join(p.Stages, " -> ")))
	}
	s := &PipelineStack{Stack: awscdk.NewStack(scope, id, &sp)}

	source := pipelines.CodePipelineSource_Connection(jsii.String(p.Repository), jsii.String(p.Branch), &pipelines.ConnectionSourceOptions{
		ConnectionArn: jsii.String(p.ConnectionARN), TriggerOnPush: jsii.Bool(true),
	})
	synthContext := "-c " + ContextPipeline + "=" + p.Name
	if props.ConfigFile != "" {
		synthContext += " -c " + stacks.ContextConfig + "=" + props.ConfigFile
	}
	if props.PipelinesFile != "" {
		synthContext += " -c " + ContextPipelines + "=" + props.PipelinesFile
	}
	synth := pipelines.NewCodeBuildStep(jsii.String("Synth"), &pipelines.CodeBuildStepProps{
		Input:           source,
		InstallCommands: jsii.Strings("go version", "make tools tools-emulator tools-scan"),
		// make test gates every change (unit and construct tests, golden
		// templates, cdk-nag, cfn-lint, checkov, cfn-guard, the deployed
		// journey in the local emulator); then the pipeline's own assembly.
		Commands:               jsii.Strings("make test", "node_modules/.bin/cdk synth --quiet "+synthContext+" --output cdk.out"),
		PrimaryOutputDirectory: jsii.String("cdk.out"),
		Env:                    &goEnv,
		BuildEnvironment:       &codebuild.BuildEnvironment{BuildImage: buildImage, ComputeType: codebuild.ComputeType_LARGE},
		PartialBuildSpec:       codebuild.BuildSpec_FromObject(&map[string]interface{}{"phases": map[string]interface{}{"install": map[string]interface{}{"runtime-versions": runtimes}}}),
		Timeout:                awscdk.Duration_Minutes(jsii.Number(90)),
	})
	s.Pipeline = pipelines.NewCodePipeline(s.Stack, jsii.String("Pipeline"), &pipelines.CodePipelineProps{
		PipelineName: jsii.String(p.StackName()),
		Synth:        synth,
		// A KMS-encrypted artifact bucket, with keys other accounts' stages
		// can use (cross-account ready), rotated yearly.
		CrossAccountKeys:  jsii.Bool(true),
		EnableKeyRotation: jsii.Bool(true),
		SelfMutation:      jsii.Bool(true),
		PipelineType:      codepipeline.PipelineType_V2,
		CodeBuildDefaults: &pipelines.CodeBuildOptions{BuildEnvironment: &codebuild.BuildEnvironment{BuildImage: buildImage}},
	})

	for i, cfg := range envs {
		st, err := stacks.NewAuthStage(s.Stack, jsii.String(contract.Pascal(cfg.Environment)), &stacks.AuthStageProps{Config: cfg, PipelineAccount: p.Account})
		if err != nil {
			return nil, err
		}
		s.Stages = append(s.Stages, st)
		opts := &pipelines.AddStageOpts{}
		routeToLive := len(envs) > 1
		switch {
		case routeToLive && i < len(envs)-1:
			opts.Post = &[]pipelines.Step{s.smokeStep(source, st)}
		case routeToLive:
			approval := pipelines.NewManualApprovalStep(jsii.String("Approve"+contract.Pascal(cfg.Environment)), &pipelines.ManualApprovalStepProps{
				Comment: jsii.String(fmt.Sprintf("Deploy %s to %s? The smoke journey passed on %s.", cfg.StackName(), cfg.Environment, strings.Join(p.Stages[:i], ", "))),
			})
			pre := []pipelines.Step{approval}
			if cfg.Backup.Enabled {
				b := s.backupStep(source, st, props.ConfigFile)
				b.AddStepDependency(approval)
				pre = append(pre, b)
			}
			opts.Pre = &pre
		}
		s.Pipeline.AddStage(st.Stage, opts)
	}
	s.Pipeline.BuildPipeline()
	// The L2 makes the pipeline depend on its role, which its RoleArn
	// already references (cfn-lint W3005); the role's policy is what it needs first.
	cp := s.Pipeline.Pipeline()
	if policy := cp.Role().Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
		cfnPolicy := policy.Node().DefaultChild().(awscdk.CfnResource)
		cp.Node().DefaultChild().(awscdk.CfnResource).AddOverride(jsii.String("DependsOn"), []*string{cfnPolicy.LogicalId()})
	}
	s.addNotifications(p)
	s.suppress()
	return s, nil
}

// stageEnv is the account and region a stage deploys to.
func stageEnv(st *stacks.AuthStage) (account, region string) {
	return *st.AuthStack.Account(), *st.AuthStack.Region()
}

// assumeProfile writes an AWS CLI/SDK profile that assumes role from the
// CodeBuild container's credentials.
// Source: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html (credential_source)
func assumeProfile(name, role string) string {
	return fmt.Sprintf(`mkdir -p ~/.aws && printf '[profile %s]\nrole_arn = %s\ncredential_source = EcsContainer\n' >> ~/.aws/config`, name, role)
}

func roleARN(account, name string) string { return "arn:aws:iam::" + account + ":role/" + name }

// smokeStep runs authctl's smoke journey against st with its outputs as
// the step's environment, assuming the stage's smoke-test role.
func (s *PipelineStack) smokeStep(source pipelines.IFileSetProducer, st *stacks.AuthStage) pipelines.Step {
	account, _ := stageEnv(st)
	stack := *st.AuthStack.StackName()
	role := roleARN(account, stacks.SmokeTestRoleName(stack))
	outputs := map[string]awscdk.CfnOutput{}
	for _, k := range smokeOutputs {
		outputs["AUTHSTACK_OUTPUT_"+k] = st.AuthStack.Outputs[k]
	}
	env := map[string]*string{"AUTHSTACK_STACK_NAME": jsii.String(stack)}
	for k, v := range goEnv {
		env[k] = v
	}
	return pipelines.NewCodeBuildStep(jsii.String("SmokeJourney"+contract.Pascal(st.AuthStack.Config.Environment)), &pipelines.CodeBuildStepProps{
		Input:             source,
		EnvFromCfnOutputs: &outputs,
		Env:               &env,
		Commands: jsii.Strings(assumeProfile("smoke", role),
			"go run ./cmd/authctl --outputs-env --profile smoke --client web smoke"),
		RolePolicyStatements: &[]iam.PolicyStatement{iam.NewPolicyStatement(&iam.PolicyStatementProps{
			Actions: jsii.Strings("sts:AssumeRole"), Resources: jsii.Strings(role)})},
		PartialBuildSpec: codebuild.BuildSpec_FromObject(&map[string]interface{}{"phases": map[string]interface{}{"install": map[string]interface{}{"runtime-versions": map[string]interface{}{"golang": runtimes["golang"]}}}}),
		Timeout:          awscdk.Duration_Minutes(jsii.Number(20)),
	})
}

// backupStep starts the stage's backup state machine and waits for it,
// unless the stage's stack does not exist yet (checked with the CDK
// bootstrap lookup role, which `cdk bootstrap --trust` lets the pipeline
// account assume): a first deployment has no users to lose.
func (s *PipelineStack) backupStep(source pipelines.IFileSetProducer, st *stacks.AuthStage, configFile string) pipelines.CodeBuildStep {
	account, region := stageEnv(st)
	cfg := st.AuthStack.Config
	stack := *st.AuthStack.StackName()
	backup := roleARN(account, stacks.PreDeployBackupRoleName(stack))
	lookup := roleARN(account, "cdk-hnb659fds-lookup-role-"+account+"-"+region)
	authctl := "go run ./cmd/authctl --env " + cfg.Environment
	if configFile != "" {
		authctl += " --config " + configFile
	}
	return pipelines.NewCodeBuildStep(jsii.String("BackupBefore"+contract.Pascal(cfg.Environment)), &pipelines.CodeBuildStepProps{
		Input: source,
		Env:   &goEnv,
		Commands: jsii.Strings(assumeProfile("backup", backup), assumeProfile("lookup", lookup),
			fmt.Sprintf(`if out=$(aws cloudformation describe-stacks --profile lookup --region %s --stack-name %s 2>&1 >/dev/null); then %s --profile backup backup --remote; `+
				`elif echo "$out" | grep -q 'does not exist'; then echo "%s does not exist yet: its first deployment has no users to back up"; else echo "$out"; exit 1; fi`,
				region, stack, authctl, stack)),
		RolePolicyStatements: &[]iam.PolicyStatement{iam.NewPolicyStatement(&iam.PolicyStatementProps{
			Actions: jsii.Strings("sts:AssumeRole"), Resources: jsii.Strings(backup, lookup)})},
		PartialBuildSpec: codebuild.BuildSpec_FromObject(&map[string]interface{}{"phases": map[string]interface{}{"install": map[string]interface{}{"runtime-versions": map[string]interface{}{"golang": runtimes["golang"]}}}}),
		Timeout:          awscdk.Duration_Hours(jsii.Number(2)),
	})
}

// addNotifications sends failed executions and approvals waiting to the
// operations topic (KMS-encrypted, TLS only).
// Source: https://docs.aws.amazon.com/dtconsole/latest/userguide/concepts.html#events-ref-pipeline
func (s *PipelineStack) addNotifications(p config.Pipeline) {
	key := kms.NewKey(s.Stack, jsii.String("OperationsTopicKey"), &kms.KeyProps{EnableKeyRotation: jsii.Bool(true),
		Description: jsii.String("The operations topic of pipeline " + p.Name)})
	// AWS CodeStar Notifications publishes to an encrypted topic only with the key's use.
	// Source: https://docs.aws.amazon.com/dtconsole/latest/userguide/set-up-sns.html
	key.AddToResourcePolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Actions: jsii.Strings("kms:GenerateDataKey*", "kms:Decrypt"), Resources: jsii.Strings("*"),
		Principals: &[]iam.IPrincipal{iam.NewServicePrincipal(jsii.String("codestar-notifications.amazonaws.com"), nil)},
	}), jsii.Bool(true))
	s.OperationsTopic = sns.NewTopic(s.Stack, jsii.String("OperationsTopic"), &sns.TopicProps{MasterKey: key, EnforceSSL: jsii.Bool(true),
		DisplayName: jsii.String("authstack pipeline " + p.Name)})
	emails := append([]string(nil), p.NotificationEmails...)
	sort.Strings(emails)
	for _, e := range emails {
		s.OperationsTopic.AddSubscription(subs.NewEmailSubscription(jsii.String(e), nil))
	}
	s.Pipeline.Pipeline().NotifyOn(jsii.String("Operations"), s.OperationsTopic, &codepipeline.PipelineNotifyOnOptions{
		Events: &[]codepipeline.PipelineNotificationEvents{codepipeline.PipelineNotificationEvents_PIPELINE_EXECUTION_FAILED,
			codepipeline.PipelineNotificationEvents_MANUAL_APPROVAL_NEEDED, codepipeline.PipelineNotificationEvents_MANUAL_APPROVAL_FAILED},
	})
}

// suppress records, with reasons, the cdk-nag findings CDK Pipelines'
// generated resources have and cannot avoid.
func (s *PipelineStack) suppress() {
	nag.Suppress(s.Stack, "AwsSolutions-IAM5", "CDK Pipelines' generated roles: artifact objects (bucket/*), the CodeBuild projects' log streams and reports, and the bootstrap roles of each stage (cdk-*-role-*), whose names are only known by pattern.")
	nag.Suppress(s.Stack, "AwsSolutions-S1", "The artifact bucket CDK Pipelines creates holds build artifacts only (encrypted, TLS only, versioned); its reads are logged by CloudTrail data events where an account enables them.")
	// The us-east-1 certificate stacks make CodePipeline add a support stack
	// per extra region with a replication bucket for the artifacts.
	for _, region := range slices.Sorted(maps.Keys(*s.Pipeline.Pipeline().CrossRegionSupport())) {
		support := (*s.Pipeline.Pipeline().CrossRegionSupport())[region]
		nag.Suppress(support.Stack, "AwsSolutions-S1", "CodePipeline's cross-region replication bucket for "+region+" holds build artifacts only (KMS-encrypted, TLS only); reads are logged by CloudTrail data events where an account enables them.")
	}
}

func hasClient(c config.Config, name string) bool {
	for _, a := range c.AppClients {
		if a.Name == name {
			return true
		}
	}
	return false
}
