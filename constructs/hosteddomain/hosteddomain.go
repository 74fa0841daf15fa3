// Package hosteddomain provides HostedDomain, the domain of a user pool's
// managed login (hosted UI) and OAuth2 endpoints: a Cognito prefix domain
// (https://PREFIX.auth.REGION.amazoncognito.com), or a custom domain of
// yours (https://auth.example.com) with its certificate and Route 53 alias.
//
// A custom domain goes through three steps, each a resource: Cognito's
// precondition is checked first (its parent domain has an A record, else
// CreateUserPoolDomain fails; customresources.NewParentARecord), then the
// AWS::Cognito::UserPoolDomain is created, then a wait, bounded, until
// Cognito reports it ACTIVE (customresources.NewUserPoolDomainActive),
// whose CloudFront distribution the A and AAAA alias records target. The
// records and everything after them exist only once sign-in works.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
package hosteddomain

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	route53 "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	targets "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/customresources"
	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/internal/validate"
)

// CustomDomainOptions configure a custom domain.
type CustomDomainOptions struct {
	// DomainName is the fully qualified name (auth.example.com). Required.
	DomainName *string
	// Certificate covers DomainName and is in us-east-1 (CloudFront's
	// region), whatever the stack's region. Required.
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
	Certificate acm.ICertificate
	// HostedZone receives the A and AAAA alias records of DomainName.
	// Default: none (create the alias records at your DNS provider, to the
	// CloudFrontDistribution).
	HostedZone route53.IHostedZone
}

// HostedDomainProps configures a HostedDomain.
type HostedDomainProps struct {
	// UserPool the domain serves. Required.
	UserPool cognito.IUserPool
	// DomainPrefix is the Cognito prefix: 1-63 characters of a-z, 0-9 and
	// inner hyphens, without "aws", "amazon" or "cognito", unique in the
	// region. Required without CustomDomain; not with it.
	DomainPrefix *string
	// CustomDomain serves managed login on a domain of yours instead of a
	// Cognito prefix domain. Default: none.
	CustomDomain *CustomDomainOptions
	// ManagedLoginVersion is managed login (the newer, version 2) or the
	// classic hosted UI (version 1). Managed login serves its pages to an
	// app client once the client has a style: call BrandClients with every
	// client that signs in there. Default: cognito.ManagedLoginVersion_NEWER_MANAGED_LOGIN.
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/managed-login-branding.html
	ManagedLoginVersion cognito.ManagedLoginVersion
}

// HostedDomain is an L3 construct around cognito.UserPoolDomain.
type HostedDomain struct {
	constructs.Construct
	// Domain is the user-pool domain (construct id "Resource").
	Domain cognito.UserPoolDomain
	// Active waits until the custom domain is ACTIVE; nil for a prefix domain.
	Active *customresources.UserPoolDomainActive
	// ParentARecord checks Cognito's precondition (an A record for the
	// custom domain's parent domain) before the domain is created; make
	// whatever is slow to create before it (a certificate) depend on it too.
	// Nil for a prefix domain.
	ParentARecord awscdk.CustomResource

	userPool cognito.IUserPool
	version  cognito.ManagedLoginVersion
	custom   *string
}

// NewHostedDomain creates the hosted UI domain. It panics with a message
// naming the prop when props are invalid (nothing is added then).
func NewHostedDomain(scope constructs.Construct, id *string, props *HostedDomainProps) *HostedDomain {
	if err := props.validate(); err != nil {
		panic(fmt.Errorf("hosteddomain %s: %w", *id, err))
	}
	version := props.ManagedLoginVersion
	if version == "" {
		version = cognito.ManagedLoginVersion_NEWER_MANAGED_LOGIN
	}
	d := &HostedDomain{userPool: props.UserPool, version: version}
	constructs.NewConstruct_Override(d, scope, id)
	if c := props.CustomDomain; c != nil {
		d.custom = c.DomainName
		precondition := customresources.NewParentARecord(d, jsii.String("ParentARecord"), &customresources.ParentARecordProps{Domain: c.DomainName})
		d.ParentARecord = precondition
		d.Domain = cognito.NewUserPoolDomain(d, jsii.String("Resource"), &cognito.UserPoolDomainProps{
			UserPool:            props.UserPool,
			CustomDomain:        &cognito.CustomDomainOptions{DomainName: c.DomainName, Certificate: c.Certificate},
			ManagedLoginVersion: version,
		})
		d.Domain.Node().AddDependency(precondition)
		d.Active = customresources.NewUserPoolDomainActive(d, jsii.String("Active"), &customresources.UserPoolDomainActiveProps{
			UserPool: props.UserPool, Domain: c.DomainName, Certificate: c.Certificate, ManagedLoginVersion: version,
		})
		d.Active.Resource.Node().AddDependency(d.Domain)
		if c.HostedZone != nil {
			target := route53.RecordTarget_FromAlias(&distributionTarget{name: d.Active.CloudFrontDistribution()})
			route53.NewARecord(d, jsii.String("Alias"), &route53.ARecordProps{Zone: c.HostedZone, RecordName: c.DomainName, Target: target})
			route53.NewAaaaRecord(d, jsii.String("AliasIpv6"), &route53.AaaaRecordProps{Zone: c.HostedZone, RecordName: c.DomainName, Target: target})
		}
		return d
	}
	d.Domain = cognito.NewUserPoolDomain(d, jsii.String("Resource"), &cognito.UserPoolDomainProps{
		UserPool:            props.UserPool,
		CognitoDomain:       &cognito.CognitoDomainOptions{DomainPrefix: props.DomainPrefix},
		ManagedLoginVersion: version,
	})
	return d
}

func (p *HostedDomainProps) validate() error {
	if p == nil || p.UserPool == nil {
		return fmt.Errorf("UserPool is required")
	}
	if c := p.CustomDomain; c != nil {
		if p.DomainPrefix != nil {
			return fmt.Errorf("DomainPrefix and CustomDomain: give one")
		}
		if c.DomainName == nil || c.Certificate == nil {
			return fmt.Errorf("CustomDomain: DomainName and Certificate are required")
		}
		if cdkutil.Literal(c.DomainName) {
			if err := validate.DomainName(*c.DomainName); err != nil {
				return fmt.Errorf("CustomDomain.DomainName: %w", err)
			}
		}
		return nil
	}
	if p.DomainPrefix == nil {
		return fmt.Errorf("DomainPrefix is required (or CustomDomain)")
	}
	if cdkutil.Literal(p.DomainPrefix) {
		if err := validate.CognitoDomainPrefix(*p.DomainPrefix); err != nil {
			return fmt.Errorf("DomainPrefix: %w", err)
		}
	}
	return nil
}

// distributionTarget is an alias to a CloudFront distribution by name.
type distributionTarget struct{ name *string }

// Bind implements route53.IAliasRecordTarget.
func (t *distributionTarget) Bind(record route53.IRecordSet, _ route53.IHostedZone) *route53.AliasRecordTargetConfig {
	return &route53.AliasRecordTargetConfig{DnsName: t.name, HostedZoneId: targets.CloudFrontTarget_GetHostedZoneId(record)}
}

// BrandClients gives each app client managed login's default style
// (Cognito's provided values), which is what makes managed login serve its
// pages for a client; restyle it later in the branding editor. It does
// nothing for the classic hosted UI; a client given twice is styled once.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/managed-login-branding.html
func (d *HostedDomain) BrandClients(clients ...cognito.IUserPoolClient) {
	if d.version != cognito.ManagedLoginVersion_NEWER_MANAGED_LOGIN {
		return
	}
	for _, c := range clients {
		id := "Branding" + pathInStack(c)
		if d.Node().TryFindChild(jsii.String(id)) != nil {
			continue // branded already
		}
		b := cognito.NewCfnManagedLoginBranding(d, jsii.String(id), &cognito.CfnManagedLoginBrandingProps{
			UserPoolId: d.userPool.UserPoolId(), ClientId: c.UserPoolClientId(), UseCognitoProvidedValues: jsii.Bool(true),
		})
		b.Node().AddDependency(d.Domain)
	}
}

// DomainName is the domain's fully qualified name: the custom domain, or
// PREFIX.auth.REGION.amazoncognito.com.
func (d *HostedDomain) DomainName() *string {
	if d.custom != nil {
		return d.custom
	}
	return d.Domain.DomainName()
}

// BaseUrl is the domain's base URL with its scheme and without a trailing
// slash: https://auth.example.com, or https://PREFIX.auth.REGION.amazoncognito.com
// (aws-cdk-lib builds it from the domain's Ref and the stack's region).
// With a custom domain it is read from the wait for ACTIVE (its Ref is the
// domain), so whatever uses it (outputs, app configuration) follows a
// working sign-in.
func (d *HostedDomain) BaseUrl() *string {
	if d.Active != nil {
		return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://"), d.Active.Resource.Ref()})
	}
	return d.Domain.BaseUrl(nil)
}

// SignInUrl is the hosted UI sign-in URL of client, redirecting to redirectUri
// (one of the client's callback URLs) after sign-in:
// BaseUrl + "/login?client_id=CLIENT_ID&response_type=code&redirect_uri=URI",
// as aws-cdk-lib's UserPoolDomain.signInUrl writes it.
func (d *HostedDomain) SignInUrl(client cognito.IUserPoolClient, redirectUri *string) *string {
	if uc, ok := client.(cognito.UserPoolClient); ok && d.Active == nil {
		return d.Domain.SignInUrl(uc, &cognito.SignInUrlOptions{RedirectUri: redirectUri})
	}
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		d.BaseUrl(), jsii.String("/login?client_id="), client.UserPoolClientId(), jsii.String("&response_type=code&redirect_uri="), redirectUri,
	})
}

// pathInStack names c by its construct path below its stack, without
// separators (AndroidClient/Resource: AndroidClientResource): an L3's
// client has id "Resource", and the stack's name stays out of logical ids.
func pathInStack(c constructs.IConstruct) string {
	return cdkutil.Alphanumeric(strings.TrimPrefix(*c.Node().Path(), *awscdk.Stack_Of(c).Node().Path()+"/"))
}
