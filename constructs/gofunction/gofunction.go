// Package gofunction provides GoFunction: a Lambda function written in Go,
// built at synth time by the local Go toolchain (no Docker) for
// provided.al2023 on arm64, reproducibly (-trimpath, no build id or VCS
// stamp), so unchanged code gives unchanged asset hashes. Each function gets
// its own least-privilege role and its own log group encrypted with a
// customer-managed KMS key, and logs JSON at the configured level.
package gofunction

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/internal/cdk/nag"
)

// GoFunctionProps configures a GoFunction.
type GoFunctionProps struct {
	// Entry is the main package, relative to the authstack module root
	// ("functions/presignup"). Required.
	Entry string
	// Description of the function. Default: none.
	Description *string
	// Environment variables. Default: none.
	Environment *map[string]*string
	// Timeout of one invocation. Default: 5 seconds (Cognito's trigger limit).
	Timeout awscdk.Duration
	// MemorySize in MB; Lambda gives CPU in proportion. Default: 256.
	MemorySize *float64
	// Architecture is the instruction set the function runs on, and the
	// GOARCH it is built for (arm64 or amd64).
	// Default: the app's context value ContextArchitecture ("arm64" or
	// "x86_64") when set, else lambda.Architecture_ARM_64() (Graviton).
	Architecture lambda.Architecture
	// LogLevel is the application log level (Lambda's ApplicationLogLevel).
	// Default: lambda.ApplicationLogLevel_INFO.
	LogLevel lambda.ApplicationLogLevel
	// LogRetention of the function's log group. Default: logs.RetentionDays_THREE_MONTHS.
	LogRetention logs.RetentionDays
	// LogKey encrypts the log group; it must allow CloudWatch Logs
	// (kmskey.NewForLogs). Required.
	LogKey kms.IKey
	// Tracing turns on AWS X-Ray active tracing. Default: lambda.Tracing_DISABLED.
	Tracing lambda.Tracing
}

// ContextArchitecture is the context key that sets the default
// Architecture of every GoFunction in an app: "arm64" (the default when
// unset) or "x86_64". It exists for local emulators that run a function's
// bootstrap directly on the host (`make local` on an x86-64 Linux machine
// synthesizes with -c authstack:functionArchitecture=x86_64); deployments
// to AWS leave it unset.
const ContextArchitecture = "authstack:functionArchitecture"

// GoFunction is an L3 construct: function, role and log group.
type GoFunction struct {
	constructs.Construct
	// Function is the Lambda function (construct id "Resource").
	Function lambda.Function
	// Role is the function's execution role; grant it what the function needs.
	Role iam.Role
	// LogGroup is the function's encrypted log group.
	LogGroup logs.LogGroup
}

// NewGoFunction builds and defines the function. It panics with a message
// naming the prop when props are invalid, and with the compiler's output
// when the build fails.
func NewGoFunction(scope constructs.Construct, id *string, props *GoFunctionProps) *GoFunction {
	if props == nil || props.Entry == "" {
		panic(fmt.Errorf("gofunction %s: Entry is required", *id))
	}
	if props.LogKey == nil {
		panic(fmt.Errorf("gofunction %s: LogKey is required", *id))
	}
	root, err := ModuleRoot()
	if err != nil {
		panic(err)
	}
	entry := filepath.Join(root, filepath.FromSlash(props.Entry))
	if _, err := os.Stat(filepath.Join(entry, "main.go")); err != nil {
		panic(fmt.Errorf("gofunction %s: Entry %q has no main.go under %s", *id, props.Entry, root))
	}

	arch, err := architecture(scope, props.Architecture)
	if err != nil {
		panic(fmt.Errorf("gofunction %s: %w", *id, err))
	}

	f := &GoFunction{}
	constructs.NewConstruct_Override(f, scope, id)
	retention := props.LogRetention
	if retention == "" {
		retention = logs.RetentionDays_THREE_MONTHS
	}
	f.LogGroup = logs.NewLogGroup(f, jsii.String("Logs"), &logs.LogGroupProps{
		EncryptionKey: props.LogKey,
		Retention:     retention,
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	f.Role = iam.NewRole(f, jsii.String("Role"), &iam.RoleProps{
		AssumedBy:   iam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
		Description: jsii.String("Execution role of " + *f.Node().Path()),
	})
	f.LogGroup.GrantWrite(f.Role)

	level := props.LogLevel
	if level == "" {
		level = lambda.ApplicationLogLevel_INFO
	}
	timeout := props.Timeout
	if timeout == nil {
		timeout = awscdk.Duration_Seconds(jsii.Number(5))
	}
	memory := props.MemorySize
	if memory == nil {
		memory = jsii.Number(256)
	}
	f.Function = lambda.NewFunction(f, jsii.String("Resource"), &lambda.FunctionProps{
		Description:           props.Description,
		Runtime:               lambda.Runtime_PROVIDED_AL2023(),
		Architecture:          arch,
		Handler:               jsii.String("bootstrap"),
		Code:                  code(root, props.Entry, goarch(arch)),
		Environment:           props.Environment,
		Timeout:               timeout,
		MemorySize:            memory,
		Role:                  f.Role,
		LogGroup:              f.LogGroup,
		LoggingFormat:         lambda.LoggingFormat_JSON,
		ApplicationLogLevelV2: level,
		SystemLogLevelV2:      lambda.SystemLogLevel_WARN,
		Tracing:               props.Tracing,
	})
	if props.Tracing == lambda.Tracing_ACTIVE {
		nag.Suppress(f.Role, "AwsSolutions-IAM5",
			"X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; the role may do nothing else on *.",
			"Resource::*")
	}
	// Lambda's L2 makes the function depend on the role and its policy; the
	// role is already referenced (cfn-lint W3005), the policy is what the
	// function needs first (to write its logs), so depend on the policy alone.
	if policy := f.Role.Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
		cfnPolicy := policy.Node().DefaultChild().(awscdk.CfnResource)
		f.Function.Node().DefaultChild().(awscdk.CfnResource).AddOverride(jsii.String("DependsOn"), []*string{cfnPolicy.LogicalId()})
	}
	return f
}

// code is the function's asset: a bootstrap built locally; its hash is the
// hash of the built output, so it changes exactly when the binary does.
func code(root, entry, goarch string) lambda.Code {
	return lambda.Code_FromAsset(jsii.String(filepath.Join(root, filepath.FromSlash(entry))), &awss3assets.AssetOptions{
		AssetHashType: awscdk.AssetHashType_OUTPUT,
		Bundling: &awscdk.BundlingOptions{
			// Never pulled: the local build always succeeds or panics.
			Image: awscdk.DockerImage_FromRegistry(jsii.String("local-go-build-only")),
			Local: &goBuild{dir: root, pkg: "./" + strings.TrimPrefix(filepath.ToSlash(entry), "./"), goarch: goarch},
		},
	})
}

// FunctionArn is the function's ARN.
func (f *GoFunction) FunctionArn() *string { return f.Function.FunctionArn() }

// architecture is arch, else the context's ContextArchitecture, else arm64.
func architecture(scope constructs.Construct, arch lambda.Architecture) (lambda.Architecture, error) {
	if arch != nil {
		if goarch(arch) == "" {
			//lint:ignore ST1005 starts with the prop's Go name
			return nil, fmt.Errorf("Architecture %q: want arm64 or x86_64", *arch.Name())
		}
		return arch, nil
	}
	v := scope.Node().TryGetContext(jsii.String(ContextArchitecture))
	switch v {
	case nil, "arm64":
		return lambda.Architecture_ARM_64(), nil
	case "x86_64":
		return lambda.Architecture_X86_64(), nil
	}
	return nil, fmt.Errorf("context %s=%v: want arm64 or x86_64", ContextArchitecture, v)
}

// goarch is the GOARCH of a Lambda architecture, "" for an unknown one.
func goarch(arch lambda.Architecture) string {
	return map[string]string{"arm64": "arm64", "x86_64": "amd64"}[*arch.Name()]
}
