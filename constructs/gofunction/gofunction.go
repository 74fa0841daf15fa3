// Package gofunction provides GoFunction: a Lambda function written in Go,
// built at synth time by the local Go toolchain (no Docker) for
// provided.al2023 on arm64, reproducibly (-trimpath, no build id or VCS
// stamp), so unchanged code gives unchanged asset hashes. Each function gets
// its own least-privilege role and its own log group encrypted with a
// customer-managed KMS key, and logs JSON at the configured level.
package gofunction

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3assets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/internal/cdk/kmskey"
	"github.com/authstack/authstack/internal/cdk/nag"
)

// GoFunctionProps configures a GoFunction: every option of lambda.Function
// (as aws-lambda-go-alpha's GoFunctionProps extends FunctionOptions), the
// package to build, and the function's log group.
//
// authstack chooses these defaults where lambda.FunctionOptions leaves a
// field nil: Timeout 3 seconds (Lambda's), MemorySize 256 MB, Architecture
// arm64 (or the app's ContextArchitecture), LoggingFormat JSON,
// ApplicationLogLevelV2 INFO, SystemLogLevelV2 WARN, a Role of its own
// (trusting lambda.amazonaws.com, no managed policy) and a LogGroup of its
// own (KMS-encrypted, retained). Options you set are used as given.
// FunctionOptions.LogRetention (deprecated; it adds a custom resource) is
// refused: use LogRetention below, or your own LogGroup.
type GoFunctionProps struct {
	lambda.FunctionOptions
	// Entry is the main package to build: an import path
	// ("example.com/app/functions/hello") or a directory relative to
	// ModuleDir ("./functions/hello"), resolved by the Go toolchain (`go
	// list`) in ModuleDir and built in its own module. Required.
	Entry *string
	// ModuleDir is the directory Entry is resolved in; its go.mod decides
	// the module. Default: the process's working directory (a CDK app's
	// directory: cdk.json's `go run` starts there). Under `go test` that is
	// the test's package directory, so prefer an import path for Entry:
	// it resolves from anywhere in the module.
	ModuleDir *string
	// LogKey encrypts the function's own log group; it must allow CloudWatch
	// Logs (logkey.NewLogKey). Not allowed with FunctionOptions.LogGroup.
	// Default: a new key (logkey.NewLogKey) for this function.
	LogKey kms.IKey
	// LogRetention of the function's own log group. Not allowed with
	// FunctionOptions.LogGroup. Default: logs.RetentionDays_THREE_MONTHS.
	LogRetention logs.RetentionDays
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
	// Role is the function's execution role (FunctionOptions.Role, or the
	// one created); grant it what the function needs.
	Role iam.IRole
	// LogGroup is the function's log group (FunctionOptions.LogGroup, or the
	// encrypted one created).
	LogGroup logs.ILogGroup
	// Package is the built package as the Go toolchain resolved Entry.
	Package Package
}

// NewGoFunction builds and defines the function. It panics with a message
// naming the prop when props are invalid (nothing is added then), and with
// the compiler's output when the build fails.
func NewGoFunction(scope constructs.Construct, id *string, props *GoFunctionProps) *GoFunction {
	pkg, arch, err := props.validate(scope)
	if err != nil {
		panic(fmt.Errorf("gofunction %s: %w", *id, err))
	}
	f := &GoFunction{Package: pkg}
	constructs.NewConstruct_Override(f, scope, id)

	fp := functionProps(props.FunctionOptions)
	fp.Runtime = lambda.Runtime_PROVIDED_AL2023()
	fp.Handler = jsii.String("bootstrap")
	fp.Architecture = arch
	fp.Code = code(pkg, goarch(arch))
	if fp.LogGroup == nil {
		key := props.LogKey
		if key == nil {
			key = kmskey.NewForLogs(f, "LogKey", "the log group of the function "+*f.Node().Path())
		}
		retention := props.LogRetention
		if retention == "" {
			retention = logs.RetentionDays_THREE_MONTHS
		}
		fp.LogGroup = logs.NewLogGroup(f, jsii.String("Logs"), &logs.LogGroupProps{
			EncryptionKey: key,
			Retention:     retention,
			RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		})
	}
	f.LogGroup = fp.LogGroup.(logs.ILogGroup) // validate checked a given one
	var ownRole iam.Role
	if fp.Role == nil {
		ownRole = iam.NewRole(f, jsii.String("Role"), &iam.RoleProps{
			AssumedBy:   iam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
			Description: jsii.String("Execution role of " + *f.Node().Path()),
		})
		fp.Role = ownRole
	}
	f.Role = fp.Role
	f.LogGroup.GrantWrite(f.Role)
	if fp.Timeout == nil {
		fp.Timeout = awscdk.Duration_Seconds(jsii.Number(3))
	}
	if fp.MemorySize == nil {
		fp.MemorySize = jsii.Number(256)
	}
	// The deprecated options are read only to respect a choice made with them.
	//lint:ignore SA1019 a LogFormat the user set wins over our default
	if fp.LoggingFormat == "" && fp.LogFormat == nil {
		fp.LoggingFormat = lambda.LoggingFormat_JSON
	}
	// Log levels exist only with JSON logs (Lambda's advanced logging controls).
	if fp.LoggingFormat == lambda.LoggingFormat_JSON {
		//lint:ignore SA1019 an ApplicationLogLevel the user set wins over our default
		if fp.ApplicationLogLevelV2 == "" && fp.ApplicationLogLevel == nil {
			fp.ApplicationLogLevelV2 = lambda.ApplicationLogLevel_INFO
		}
		//lint:ignore SA1019 a SystemLogLevel the user set wins over our default
		if fp.SystemLogLevelV2 == "" && fp.SystemLogLevel == nil {
			fp.SystemLogLevelV2 = lambda.SystemLogLevel_WARN
		}
	}
	f.Function = lambda.NewFunction(f, jsii.String("Resource"), fp)
	if fp.Tracing == lambda.Tracing_ACTIVE && ownRole != nil {
		nag.Suppress(ownRole, "AwsSolutions-IAM5",
			"X-Ray's xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions; the role may do nothing else on *.",
			"Resource::*")
	}
	// Lambda's L2 makes the function depend on the role and its policy; the
	// role is already referenced (cfn-lint W3005), the policy is what the
	// function needs first (to write its logs), so depend on the policy alone.
	if ownRole != nil {
		if policy := ownRole.Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
			cfnPolicy := policy.Node().DefaultChild().(awscdk.CfnResource)
			f.Function.Node().DefaultChild().(awscdk.CfnResource).AddOverride(jsii.String("DependsOn"), []*string{cfnPolicy.LogicalId()})
		}
	}
	return f
}

// validate checks the props and resolves the package and the architecture.
func (p *GoFunctionProps) validate(scope constructs.Construct) (Package, lambda.Architecture, error) {
	if p == nil || p.Entry == nil || *p.Entry == "" {
		//lint:ignore ST1005 starts with the prop's Go name
		return Package{}, nil, fmt.Errorf("Entry is required")
	}
	//lint:ignore SA1019 refused: it would add a custom resource beside our log group
	if p.FunctionOptions.LogRetention != "" {
		return Package{}, nil, fmt.Errorf("FunctionOptions.LogRetention is deprecated and adds a custom resource; set LogRetention of GoFunctionProps (or your own LogGroup)")
	}
	if p.FunctionOptions.LogGroup != nil {
		if p.LogKey != nil || p.LogRetention != "" {
			return Package{}, nil, fmt.Errorf("LogKey and LogRetention configure the log group GoFunction creates; with your own LogGroup, set them on it")
		}
		if _, ok := p.FunctionOptions.LogGroup.(logs.ILogGroup); !ok {
			return Package{}, nil, fmt.Errorf("FunctionOptions.LogGroup must be a logs.ILogGroup (a LogGroup, or one imported with logs.LogGroup_FromLogGroupArn), so the role can be granted writing to it")
		}
	}
	dir := "."
	if p.ModuleDir != nil {
		dir = *p.ModuleDir
	}
	pkg, err := Resolve(dir, *p.Entry)
	if err != nil {
		//lint:ignore ST1005 starts with the prop's Go name
		return Package{}, nil, fmt.Errorf("Entry: %w", err)
	}
	arch, err := architecture(scope, p.Architecture)
	return pkg, arch, err
}

// functionProps copies every field of the options into lambda.FunctionProps
// (FunctionProps is FunctionOptions plus Code, Handler and Runtime), so
// options CDK adds later pass through too.
func functionProps(o lambda.FunctionOptions) *lambda.FunctionProps {
	fp := &lambda.FunctionProps{}
	src, dst := reflect.ValueOf(o), reflect.ValueOf(fp).Elem()
	for i := 0; i < src.NumField(); i++ {
		name := src.Type().Field(i).Name
		if f := dst.FieldByName(name); f.IsValid() && f.CanSet() {
			f.Set(src.Field(i))
		}
	}
	return fp
}

// code is the function's asset: a bootstrap built locally; its hash is the
// hash of the built output, so it changes exactly when the binary does.
func code(pkg Package, goarch string) lambda.Code {
	return lambda.Code_FromAsset(jsii.String(pkg.Dir), &awss3assets.AssetOptions{
		AssetHashType: awscdk.AssetHashType_OUTPUT,
		Bundling: &awscdk.BundlingOptions{
			// Never pulled: the local build always succeeds or panics.
			Image: awscdk.DockerImage_FromRegistry(jsii.String("local-go-build-only")),
			Local: &goBuild{pkg: pkg, goarch: goarch},
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
