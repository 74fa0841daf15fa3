// Package customresources declares authstack's CloudFormation custom
// resources and their provider: one Go function per stack
// (functions/customresources, built like every authstack function), which
// CloudFormation calls directly (its ARN is each resource's ServiceToken)
// and which answers through the custom-resource protocol with aws-lambda-go's
// cfn helpers.
//
// The provider is one function for every type, so further custom resources
// sit beside these: a constant for the type, a handler in
// internal/runtime/customresource, a constructor here that grants the
// provider exactly what the handler calls.
//
// Why not CDK's Provider framework (custom_resources.Provider)? Its own
// functions are Node.js with the AWS SDK the Lambda runtime supplies, which
// the local emulator cannot run, and it adds a Step Functions waiter. A Go
// function bounded by its own deadline answers every request, SUCCESS or
// FAILED with the reason, well within CloudFormation's hour: the provider's
// timeout is 15 minutes and every handler stops 20 seconds before it.
package customresources

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	route53 "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/internal/cdk/module"
	"github.com/authstack/authstack/internal/cdk/nag"
	"github.com/authstack/authstack/internal/contract"
)

// Resource types (the ResourceType CloudFormation sends the provider).
const (
	TypeParentARecord        = contract.CustomResourceParentARecord
	TypeUserPoolDomainActive = contract.CustomResourceUserPoolDomainActive
	TypeCrossRegionParameter = contract.CustomResourceCrossRegionParameter
	TypeValidationRecords    = contract.CustomResourceValidationRecords
)

// ProviderTimeoutMinutes is the provider function's timeout, Lambda's
// longest: handlers stop 20 seconds before it and answer FAILED with the
// reason.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const ProviderTimeoutMinutes = contract.CustomResourceTimeoutMinutes

// providerID is the provider's construct id, directly under its stack.
const providerID = "AuthstackCustomResourceProvider"

// Provider is the custom-resource provider of one stack.
type Provider struct {
	constructs.Construct
	// Function is the provider function.
	Function *gofunction.GoFunction
}

// ProviderProps configure a stack's provider (NewProvider).
type ProviderProps struct {
	// Tracing is the provider function's AWS X-Ray tracing.
	// Default: lambda.Tracing_DISABLED.
	Tracing lambda.Tracing
	// LogKey encrypts the provider's log group. Default: a new key (gofunction's).
	LogKey kms.IKey
	// LogRetention of the provider's log group. Default: gofunction's (three months).
	LogRetention logs.RetentionDays
	// LogLevel is the provider's application log level. Default: INFO.
	LogLevel lambda.ApplicationLogLevel
}

// NewProvider creates the provider of scope's stack with props; call it
// before the stack's first custom resource (which otherwise creates the
// provider with the defaults). It panics if the stack has a provider.
func NewProvider(scope constructs.Construct, props *ProviderProps) *Provider {
	stack := awscdk.Stack_Of(scope)
	if stack.Node().TryFindChild(jsii.String(providerID)) != nil {
		panic(fmt.Errorf("customresources: stack %s has a provider already; call NewProvider before its first custom resource", *stack.Node().Path()))
	}
	if props == nil {
		props = &ProviderProps{}
	}
	root, err := module.Root()
	if err != nil {
		panic(err)
	}
	p := &Provider{}
	constructs.NewConstruct_Override(p, stack, jsii.String(providerID))
	p.Function = gofunction.NewGoFunction(p, jsii.String("Function"), &gofunction.GoFunctionProps{
		Entry: jsii.String(module.Function("customresources")), ModuleDir: jsii.String(root),
		FunctionOptions: lambda.FunctionOptions{
			Description: jsii.String("authstack's CloudFormation custom resources (custom domain checks, cross-region parameters)"),
			Timeout:     awscdk.Duration_Minutes(jsii.Number(ProviderTimeoutMinutes)),
			Tracing:     props.Tracing,
			// The JSON log format the level needs is gofunction's default.
			ApplicationLogLevelV2: props.LogLevel,
		},
		LogKey: props.LogKey, LogRetention: props.LogRetention,
	})
	return p
}

// ProviderOf returns the provider of scope's stack, creating it (one per
// stack, with the defaults) on first use.
func ProviderOf(scope constructs.Construct) *Provider {
	stack := awscdk.Stack_Of(scope)
	if existing := stack.Node().TryFindChild(jsii.String(providerID)); existing != nil {
		return existing.(*Provider)
	}
	return NewProvider(scope, nil)
}

// ServiceToken is the provider's ARN, the ServiceToken of its resources.
func (p *Provider) ServiceToken() *string { return p.Function.Function.FunctionArn() }

// grant lets the provider call actions on resources.
func (p *Provider) grant(sid string, actions []string, resources ...*string) {
	p.Function.Role.AddToPrincipalPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Sid: jsii.String(sid), Actions: jsii.Strings(actions...), Resources: &resources,
	}))
}

func newResource(scope constructs.Construct, id *string, typ string, props map[string]interface{}) awscdk.CustomResource {
	p := ProviderOf(scope)
	r := awscdk.NewCustomResource(scope, id, &awscdk.CustomResourceProps{
		ServiceToken: p.ServiceToken(), ResourceType: jsii.String(typ), Properties: &props,
		// Nothing to remove: the handlers create nothing.
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	// The role's policy before the first call.
	if policy := p.Function.Role.Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
		r.Node().AddDependency(policy)
	}
	return r
}

// ParentARecordProps configures NewParentARecord.
type ParentARecordProps struct {
	// Domain is the custom domain whose parent domain must have an A record. Required.
	Domain *string
}

// NewParentARecord checks, before the domain is created (make the
// AWS::Cognito::UserPoolDomain depend on it), Cognito's precondition for
// a custom domain: an A record for its parent domain, in the account's
// hosted zone of the parent or else in public DNS. A missing record fails
// the deployment with what to create and where.
func NewParentARecord(scope constructs.Construct, id *string, props *ParentARecordProps) awscdk.CustomResource {
	if props == nil || props.Domain == nil {
		panic(fmt.Errorf("customresources %s: Domain is required", *id))
	}
	r := newResource(scope, id, TypeParentARecord, map[string]interface{}{"Domain": props.Domain})
	p := ProviderOf(scope)
	// ListHostedZonesByName has no resource-level permission; record sets
	// are read in whichever zone of the account holds the parent.
	// Source: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html
	p.grant("FindParentZone", []string{"route53:ListHostedZonesByName"}, jsii.String("*"))
	p.grant("ReadParentRecords", []string{"route53:ListResourceRecordSets"},
		awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":route53:::hostedzone/*")}))
	nag.Suppress(p.Function.Role, "AwsSolutions-IAM5",
		"Reading a custom domain's parent A record: route53:ListHostedZonesByName supports no resource-level permission, and the parent's zone is found at deploy time, so ListResourceRecordSets reads hostedzone/* (read-only).",
		"Resource::*", "Resource::arn:<AWS::Partition>:route53:::hostedzone/*")
	return r
}

// UserPoolDomainActiveProps configures NewUserPoolDomainActive.
type UserPoolDomainActiveProps struct {
	// UserPool owns the domain. Required.
	UserPool cognito.IUserPool
	// Domain is the custom domain (its fully qualified name). Required.
	Domain *string
	// Certificate is the domain's certificate: a new one (the update
	// CloudFormation makes in place) waits again until Cognito reports the
	// domain ACTIVE. Default: none (only a new Domain waits again).
	Certificate acm.ICertificate
	// ManagedLoginVersion is the domain's version, for the same reason.
	// Default: none.
	ManagedLoginVersion cognito.ManagedLoginVersion
}

// UserPoolDomainActive waits for a custom domain.
type UserPoolDomainActive struct {
	// Resource is the custom resource; depend on it.
	Resource awscdk.CustomResource
}

// NewUserPoolDomainActive waits, after the AWS::Cognito::UserPoolDomain
// (it depends on it), until Cognito reports the custom domain ACTIVE, at
// most until the provider's deadline; alias records and outputs that use
// CloudFrontDistribution exist only once sign-in works.
func NewUserPoolDomainActive(scope constructs.Construct, id *string, props *UserPoolDomainActiveProps) *UserPoolDomainActive {
	if props == nil || props.UserPool == nil || props.Domain == nil {
		panic(fmt.Errorf("customresources %s: UserPool and Domain are required", *id))
	}
	rp := map[string]interface{}{"Domain": props.Domain, "UserPoolId": props.UserPool.UserPoolId()}
	if props.Certificate != nil {
		rp["CertificateArn"] = props.Certificate.CertificateArn()
	}
	if props.ManagedLoginVersion != "" {
		rp["ManagedLoginVersion"] = string(props.ManagedLoginVersion)
	}
	r := newResource(scope, id, TypeUserPoolDomainActive, rp)
	p := ProviderOf(scope)
	// DescribeUserPoolDomain takes a domain, not a pool: no resource-level permission.
	// Source: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncognitouserpools.html
	p.grant("DescribeUserPoolDomain", []string{"cognito-idp:DescribeUserPoolDomain"}, jsii.String("*"))
	nag.Suppress(p.Function.Role, "AwsSolutions-IAM5",
		"cognito-idp:DescribeUserPoolDomain takes a domain name and supports no resource-level permission (read-only).",
		"Resource::*")
	return &UserPoolDomainActive{Resource: r}
}

// CloudFrontDistribution is the distribution an alias to the custom domain
// targets, once the domain is ACTIVE.
func (u *UserPoolDomainActive) CloudFrontDistribution() *string {
	return u.Resource.GetAttString(jsii.String("CloudFrontDistribution"))
}

// CrossRegionParameterProps configures NewCrossRegionParameter.
type CrossRegionParameterProps struct {
	// Region of the parameter (us-east-1 for a hosted UI certificate). Required.
	Region *string
	// Name of the SSM parameter, starting with "/". Required.
	Name *string
	// Refresh is any value that changes when the parameter's value may have
	// changed (the certificate's domain name): CloudFormation calls a
	// custom resource again only when its properties change.
	// Default: none (read once, on create).
	Refresh *string
}

// NewCrossRegionParameter reads a String parameter another stack wrote in
// another region; Value is its value. The reading stack must deploy after
// the writing one (Stack.AddDependency).
func NewCrossRegionParameter(scope constructs.Construct, id *string, props *CrossRegionParameterProps) awscdk.CustomResource {
	if props == nil || props.Region == nil || props.Name == nil {
		panic(fmt.Errorf("customresources %s: Region and Name are required", *id))
	}
	if n := props.Name; cdkutil.Literal(n) && !strings.HasPrefix(*n, "/") {
		panic(fmt.Errorf("customresources %s: Name %q must start with \"/\"", *id, *n))
	}
	rp := map[string]interface{}{"Region": props.Region, "Name": props.Name}
	if props.Refresh != nil {
		rp["Refresh"] = props.Refresh
	}
	r := newResource(scope, id, TypeCrossRegionParameter, rp)
	ProviderOf(scope).grant("ReadParameter"+cdkutil.Alphanumeric(*id), []string{"ssm:GetParameter"}, awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":ssm:"), props.Region, jsii.String(":"), awscdk.Aws_ACCOUNT_ID(), jsii.String(":parameter"), props.Name,
	}))
	return r
}

// ValidationRecordsProps configures NewValidationRecords.
type ValidationRecordsProps struct {
	// Zone whose ACM validation records to remove when it is deleted. Required.
	Zone route53.IHostedZone
}

// NewValidationRecords lets the zone be deleted: on delete (before the
// zone's, which it follows) it removes the DNS validation records
// (_TOKEN.NAME CNAMEs) that certificates validated in the zone leave
// behind, and nothing else. Without it a rollback or a stack deletion stops
// at DELETE_FAILED on a zone that is not empty. Make the certificates
// validated in Zone depend on it.
// Source: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
func NewValidationRecords(scope constructs.Construct, id *string, props *ValidationRecordsProps) awscdk.CustomResource {
	if props == nil || props.Zone == nil {
		panic(fmt.Errorf("customresources %s: Zone is required", *id))
	}
	r := newResource(scope, id, TypeValidationRecords, map[string]interface{}{"ZoneId": props.Zone.HostedZoneId()})
	// Its ZoneId Ref orders it after the zone: deleted before it.
	// The zone's ARN in the stack's partition (HostedZoneArn writes arn:aws).
	arn := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":route53:::hostedzone/"), props.Zone.HostedZoneId()})
	ProviderOf(scope).grant("ValidationRecords"+cdkutil.Alphanumeric(*id), []string{"route53:ListResourceRecordSets", "route53:ChangeResourceRecordSets"}, arn)
	return r
}
