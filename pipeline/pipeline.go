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
	// ContextPipelineRoles adds the roles of pipeline NAME's steps to the
	// environments' stacks when they are deployed without it (make deploy):
	// cdk deploy -c env=production -c authstack:pipelineRoles=release.
	ContextPipelineRoles = "authstack:pipelineRoles"
)

// PipelineOut is where the synth step writes the pipeline's cloud
// assembly (make synth-pipeline).
const PipelineOut = "cdk.out.pipeline"

// CLIVersion and AssetsCLIVersion are the npm versions of the CDK CLI
// (self-mutation) and cdk-assets (asset publishing) the pipeline runs:
// package.json's aws-cdk, and cdk-assets as npm served it on 2026-12-03.
const (
	CLIVersion       = "2.1148.1"
	AssetsCLIVersion = "4.7.3"
)

// Trust is what the pipeline p's steps may do in environment env's stack:
// the smoke journey after every stage but the last, the backup before the
// last, each through a role of the pipeline account named for it. Nil when
// p does not deploy env or has a single stage.
func Trust(p config.Pipeline, env string) *stacks.PipelineTrust {
	i := slices.Index(p.Stages, env)
	if i < 0 || len(p.Stages) < 2 {
		return nil
	}
	if i < len(p.Stages)-1 {
		return &stacks.PipelineTrust{SmokeTestPrincipal: roleARN(p.Account, stepRoleName(p.Name, "smoke", env))}
	}
	return &stacks.PipelineTrust{PreDeployBackupPrincipal: roleARN(p.Account, stepRoleName(p.Name, "backup", env))}
}

// stepRoleName names a step's CodeBuild role, so a stage's role can trust
// exactly it.
func stepRoleName(pipeline, step, env string) string {
	return "authstack-pipeline-" + pipeline + "-" + step + "-" + env
}

type stepRoles struct{ smoke, backup iam.IRole }

// stepRole is the CodeBuild role of a step that assumes a stage's role.
func (s *PipelineStack) stepRole(id, arn string) iam.IRole {
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	return iam.NewRole(s.Stack, jsii.String(id), &iam.RoleProps{RoleName: jsii.String(name),
		AssumedBy: iam.NewServicePrincipal(jsii.String("codebuild.amazonaws.com"), nil)})
}

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

	pipelineName string
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

// goBuildSpec selects the image's Go (which switches to the pinned toolchain).
func goBuildSpec() codebuild.BuildSpec {
	return codebuild.BuildSpec_FromObject(&map[string]interface{}{"phases": map[string]interface{}{"install": map[string]interface{}{
		"runtime-versions": map[string]interface{}{"golang": runtimes["golang"]}}}})
}

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
	s := &PipelineStack{Stack: awscdk.NewStack(scope, id, &sp), pipelineName: p.Name}

	source := pipelines.CodePipelineSource_Connection(jsii.String(p.Repository), jsii.String(p.Branch), &pipelines.ConnectionSourceOptions{
		ConnectionArn: jsii.String(p.ConnectionARN), TriggerOnPush: jsii.Bool(true),
		// A git clone, not a zip: make test's gofmt check lists files with git ls-files.
		CodeBuildCloneOutput: jsii.Bool(true),
	})
	cdkContext := ""
	if props.ConfigFile != "" {
		cdkContext += " -c " + stacks.ContextConfig + "=" + props.ConfigFile
	}
	if props.PipelinesFile != "" {
		cdkContext += " -c " + ContextPipelines + "=" + props.PipelinesFile
	}
	buildSpec := codebuild.BuildSpec_FromObject(&map[string]interface{}{"phases": map[string]interface{}{"install": map[string]interface{}{"runtime-versions": runtimes}}})
	// The synth step only synthesizes (the pinned Node and CDK CLI, Go):
	// the tools of the tests and scanners never run where the deployed
	// assembly is made.
	synth := pipelines.NewCodeBuildStep(jsii.String("Synth"), &pipelines.CodeBuildStepProps{
		Input:                  source,
		Commands:               jsii.Strings("go version", fmt.Sprintf("make synth-pipeline PIPELINE=%s CDK_CONTEXT='%s'", p.Name, strings.TrimSpace(cdkContext))),
		PrimaryOutputDirectory: jsii.String(PipelineOut),
		Env:                    &goEnv,
		BuildEnvironment:       &codebuild.BuildEnvironment{BuildImage: buildImage, ComputeType: codebuild.ComputeType_LARGE},
		PartialBuildSpec:       buildSpec,
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
		// Self-mutation and asset publishing install these CLIs with npm:
		// pinned, like package.json's (a test keeps them equal).
		CliVersion:          jsii.String(CLIVersion),
		CdkAssetsCliVersion: jsii.String(AssetsCLIVersion),
		CodeBuildDefaults:   &pipelines.CodeBuildOptions{BuildEnvironment: &codebuild.BuildEnvironment{BuildImage: buildImage}},
	})

	// make test gates every change before any stage deploys: unit and
	// construct tests, golden templates, cdk-nag, cfn-lint, checkov,
	// cfn-guard, the deployed journey in the local emulator. Its output is
	// thrown away.
	test := pipelines.NewCodeBuildStep(jsii.String("Test"), &pipelines.CodeBuildStepProps{
		Input:            source,
		Commands:         jsii.Strings("go version", "make test"),
		Env:              &goEnv,
		BuildEnvironment: &codebuild.BuildEnvironment{BuildImage: buildImage, ComputeType: codebuild.ComputeType_LARGE},
		PartialBuildSpec: buildSpec,
		Timeout:          awscdk.Duration_Minutes(jsii.Number(90)),
	})
	s.Pipeline.AddWave(jsii.String("Checks"), &pipelines.WaveOptions{Pre: &[]pipelines.Step{test}})

	for i, cfg := range envs {
		var stepRoles stepRoles
		trust := Trust(p, cfg.Environment)
		if trust != nil && trust.SmokeTestPrincipal != "" {
			stepRoles.smoke = s.stepRole("SmokeStepRole"+contract.Pascal(cfg.Environment), trust.SmokeTestPrincipal)
		}
		if trust != nil && trust.PreDeployBackupPrincipal != "" {
			stepRoles.backup = s.stepRole("BackupStepRole"+contract.Pascal(cfg.Environment), trust.PreDeployBackupPrincipal)
		}
		st, err := stacks.NewAuthStage(s.Stack, jsii.String(contract.Pascal(cfg.Environment)), &stacks.AuthStageProps{Config: cfg, PipelineAccount: p.Account, Pipeline: trust})
		if err != nil {
			return nil, err
		}
		s.Stages = append(s.Stages, st)
		opts := &pipelines.AddStageOpts{}
		routeToLive := len(envs) > 1
		switch {
		case routeToLive && i < len(envs)-1:
			opts.Post = &[]pipelines.Step{s.smokeStep(source, st, stepRoles.smoke)}
		case routeToLive:
			approval := pipelines.NewManualApprovalStep(jsii.String("Approve"+contract.Pascal(cfg.Environment)), &pipelines.ManualApprovalStepProps{
				Comment: jsii.String(fmt.Sprintf("Deploy %s to %s? The smoke journey passed on %s.", cfg.StackName(), cfg.Environment, strings.Join(p.Stages[:i], ", "))),
			})
			pre := []pipelines.Step{approval}
			if cfg.Backup.Enabled {
				b := s.backupStep(source, st, props.ConfigFile, stepRoles.backup)
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
func (s *PipelineStack) smokeStep(source pipelines.IFileSetProducer, st *stacks.AuthStage, role iam.IRole) pipelines.Step {
	account, _ := stageEnv(st)
	stack := *st.AuthStack.StackName()
	target := roleARN(account, stacks.SmokeTestRoleName(stack))
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
		Commands: jsii.Strings(assumeProfile("smoke", target),
			"go run ./cmd/authctl --outputs-env --profile smoke --client web smoke"),
		Role: role,
		RolePolicyStatements: &[]iam.PolicyStatement{iam.NewPolicyStatement(&iam.PolicyStatementProps{
			Actions: jsii.Strings("sts:AssumeRole"), Resources: jsii.Strings(target)})},
		PartialBuildSpec: goBuildSpec(),
		Timeout:          awscdk.Duration_Minutes(jsii.Number(20)),
	})
}

// backupStep starts the stage's backup state machine and waits for it,
// unless the stage's stack does not exist yet (checked with the CDK
// bootstrap lookup role, which `cdk bootstrap --trust` lets the pipeline
// account assume): a first deployment has no users to lose.
func (s *PipelineStack) backupStep(source pipelines.IFileSetProducer, st *stacks.AuthStage, configFile string, role iam.IRole) pipelines.CodeBuildStep {
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
		// The stack exists (lookup role): back it up, failing loudly when it
		// has no backup role (deployed outside this pipeline: see the README);
		// it does not exist: nothing to back up; anything else: fail.
		Commands: jsii.Strings(assumeProfile("backup", backup), assumeProfile("lookup", lookup),
			fmt.Sprintf(`if out=$(aws cloudformation describe-stacks --profile lookup --region %[1]s --stack-name %[2]s 2>&1 >/dev/null); then `+
				`if ! aws sts get-caller-identity --profile backup >/dev/null; then echo "%[2]s exists but its role %[3]s cannot be assumed: it was deployed outside this pipeline; deploy it once with -c %[4]s=%[5]s (README: Deploy with a pipeline)"; exit 1; fi; `+
				`%[6]s --profile backup backup --remote --timeout 100m; `+
				`elif echo "$out" | grep -q 'does not exist'; then echo "%[2]s does not exist yet: its first deployment has no users to back up"; else echo "$out"; exit 1; fi`,
				region, stack, backup, ContextPipelineRoles, s.pipelineName, authctl)),
		Role: role,
		RolePolicyStatements: &[]iam.PolicyStatement{iam.NewPolicyStatement(&iam.PolicyStatementProps{
			Actions: jsii.Strings("sts:AssumeRole"), Resources: jsii.Strings(backup, lookup)})},
		PartialBuildSpec: goBuildSpec(),
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
		Conditions: &map[string]interface{}{"StringEquals": map[string]interface{}{"aws:SourceAccount": s.Account()}},
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
