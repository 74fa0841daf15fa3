package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	route53 "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	ssm "github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/customresources"
)

// Domains are the hosted zones and certificates of an environment's custom
// domains (config.Config.CustomDomains).
type Domains struct {
	// AuthZone and APIZone receive the alias records of AuthDomainName and
	// APIDomainName: the zones authstack creates (AuthZone may live in the
	// certificate stack), or both the existing domains.hostedZoneId zone.
	AuthZone, APIZone route53.IHostedZone
	// HostedUICertificate (us-east-1) and APICertificate (the stack's
	// region) serve the two domains.
	HostedUICertificate, APICertificate acm.ICertificate
}

// CertificateStack is the small us-east-1 stack an environment outside
// us-east-1 needs for its hosted UI: Cognito's CloudFront distribution
// reads the custom domain's certificate from us-east-1 only. It holds the
// hosted UI's zone (when authstack creates it: the certificate is
// validated in it), the DNS-validated certificate, and SSM parameters
// with their ids, which the auth stack reads across regions
// (customresources.NewCrossRegionParameter). The auth stack depends on it,
// so `cdk deploy --all` deploys it first.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
type CertificateStack struct {
	awscdk.Stack
	// Zone is the hosted UI's zone; nil with an existing zone.
	Zone route53.PublicHostedZone
	// Certificate covers AuthDomainName.
	Certificate acm.Certificate
}

// CertificateArn is the hosted UI certificate's ARN (in us-east-1).
func (c *CertificateStack) CertificateArn() *string { return c.Certificate.CertificateArn() }

// Parameter names the certificate stack writes (and the auth stack reads),
// under the auth stack's name.
func certificateParameter(stackName string) string {
	return "/authstack/" + stackName + "/hosted-ui/certificate-arn"
}
func zoneParameter(stackName string) string { return "/authstack/" + stackName + "/hosted-ui/zone-id" }

// newCertificateStack adds the certificate stack of the auth stack authID
// (stack name authName) beside it in scope.
func newCertificateStack(scope constructs.Construct, authID, authName string, account *string, cfg config.Config) *CertificateStack {
	c := &CertificateStack{}
	awscdk.NewStack_Override(c, scope, jsii.String(authID+"-certificates"), &awscdk.StackProps{
		Env:         &awscdk.Environment{Account: account, Region: jsii.String(config.CertificateRegion)},
		StackName:   jsii.String(authName + "-certificates"),
		Description: jsii.String("authstack: the us-east-1 certificate of the hosted UI of " + authName),
	})
	pp := &customresources.ProviderProps{LogRetention: retention(cfg.LogRetentionDays), LogLevel: lambda.ApplicationLogLevel(cfg.LogLevel)}
	if cfg.Tracing {
		pp.Tracing = lambda.Tracing_ACTIVE
	}
	customresources.NewProvider(c, pp)
	zone, after := hostedUIZone(c, cfg)
	if z, ok := zone.(route53.PublicHostedZone); ok {
		c.Zone = z
	}
	// Cognito's precondition, checked before the certificate is requested:
	// a missing A record fails here, at once, with what to create.
	after = append(after, customresources.NewParentARecord(c, jsii.String("ParentARecord"), &customresources.ParentARecordProps{Domain: jsii.String(cfg.AuthDomainName)}))
	c.Certificate = dnsCertificate(c, "HostedUiCertificate", cfg.AuthDomainName, zone, after)
	ssm.NewStringParameter(c, jsii.String("CertificateArnParameter"), &ssm.StringParameterProps{
		ParameterName: jsii.String(certificateParameter(authName)), StringValue: c.Certificate.CertificateArn(),
		Description: jsii.String("The hosted UI certificate of " + authName + ", read by that stack"),
	})
	ssm.NewStringParameter(c, jsii.String("ZoneIdParameter"), &ssm.StringParameterProps{
		ParameterName: jsii.String(zoneParameter(authName)), StringValue: zone.HostedZoneId(),
		Description: jsii.String("The hosted UI's hosted zone of " + authName + ", read by that stack"),
	})
	return c
}

// addDomains builds the zones and certificates of s, reading what the
// certificate stack cert (nil when there is none) holds.
func (s *AuthStack) addDomains(cfg config.Config, cert *CertificateStack) *Domains {
	d := &Domains{}
	var apiDelegation []constructs.IConstruct
	if cfg.Domains.HostedZoneID != "" {
		zone := route53.HostedZone_FromHostedZoneAttributes(s, jsii.String("HostedZone"), &route53.HostedZoneAttributes{
			HostedZoneId: jsii.String(cfg.Domains.HostedZoneID), ZoneName: jsii.String(cfg.HostedZoneName()),
		})
		d.AuthZone, d.APIZone = zone, zone
	} else {
		d.APIZone, apiDelegation = delegatedZone(s, "ApiZone", cfg.APIDomainName, cfg.ParentHostedZoneName)
	}
	name := *s.StackName()
	switch {
	case cert != nil:
		read := func(id, parameter string) *string {
			return customresources.NewCrossRegionParameter(s, jsii.String(id), &customresources.CrossRegionParameterProps{
				Region: jsii.String(config.CertificateRegion), Name: jsii.String(parameter), Refresh: jsii.String(certificateDefinition(cfg)),
			}).GetAttString(jsii.String("Value"))
		}
		d.HostedUICertificate = acm.Certificate_FromCertificateArn(s, jsii.String("HostedUiCertificate"), read("HostedUiCertificateArn", certificateParameter(name)))
		if d.AuthZone == nil {
			d.AuthZone = route53.HostedZone_FromHostedZoneAttributes(s, jsii.String("AuthZone"), &route53.HostedZoneAttributes{
				HostedZoneId: read("HostedUiZoneId", zoneParameter(name)), ZoneName: jsii.String(cfg.AuthDomainName),
			})
		}
		s.AddStackDependency(cert.Stack, jsii.String("the hosted UI's us-east-1 certificate and zone"))
	default:
		var delegation []constructs.IConstruct
		if d.AuthZone == nil {
			d.AuthZone, delegation = hostedUIZone(s, cfg)
		}
		if arn := cfg.Domains.HostedUICertificateARN; arn != "" {
			d.HostedUICertificate = acm.Certificate_FromCertificateArn(s, jsii.String("HostedUiCertificate"), jsii.String(arn))
		} else {
			d.HostedUICertificate = dnsCertificate(s, "HostedUiCertificate", cfg.AuthDomainName, d.AuthZone, delegation)
		}
	}
	if arn := cfg.Domains.APICertificateARN; arn != "" {
		d.APICertificate = acm.Certificate_FromCertificateArn(s, jsii.String("ApiCertificate"), jsii.String(arn))
	} else {
		d.APICertificate = dnsCertificate(s, "ApiCertificate", cfg.APIDomainName, d.APIZone, apiDelegation)
	}
	return d
}

// hostedUIZone is the zone of AuthDomainName: the existing one, or a new
// one delegated from the parent (then also its delegation record).
func hostedUIZone(scope constructs.Construct, cfg config.Config) (route53.IHostedZone, []constructs.IConstruct) {
	if cfg.Domains.HostedZoneID != "" {
		return route53.HostedZone_FromHostedZoneAttributes(scope, jsii.String("HostedZone"), &route53.HostedZoneAttributes{
			HostedZoneId: jsii.String(cfg.Domains.HostedZoneID), ZoneName: jsii.String(cfg.HostedZoneName()),
		}), nil
	}
	return delegatedZone(scope, "AuthZone", cfg.AuthDomainName, cfg.ParentHostedZoneName)
}

// delegatedZone creates the public hosted zone name and its NS record in
// the parent zone, found by name (HostedZoneName: no lookup at synth).
// The zone's CAA record lets only Amazon's CA issue for it: its names are
// served with ACM certificates only.
// Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-routing-traffic-for-subdomains.html
//
// The certificates validated in the zone must come after what is returned:
// the delegation (ACM validates through public DNS) and the removal of ACM's
// validation records, which CloudFormation leaves in the zone, on delete
// (without it the zone cannot be deleted: a rollback or `cdk destroy`
// would stop at DELETE_FAILED).
func delegatedZone(scope constructs.Construct, id, name, parent string) (route53.PublicHostedZone, []constructs.IConstruct) {
	zone := route53.NewPublicHostedZone(scope, jsii.String(id), &route53.PublicHostedZoneProps{
		ZoneName: jsii.String(name), CaaAmazon: jsii.Bool(true),
		Comment: jsii.String("authstack: " + name + ", delegated from " + parent),
	})
	delegation := route53.NewCfnRecordSet(scope, jsii.String(id+"Delegation"), &route53.CfnRecordSetProps{
		HostedZoneName: jsii.String(parent + "."), Name: jsii.String(name + "."), Type: jsii.String("NS"),
		// Two days, Route 53's own TTL for a zone's NS record.
		Ttl: jsii.String("172800"), ResourceRecords: zone.HostedZoneNameServers(),
	})
	cleanup := customresources.NewValidationRecords(scope, jsii.String(id+"ValidationRecords"), &customresources.ValidationRecordsProps{Zone: zone})
	return zone, []constructs.IConstruct{delegation, cleanup}
}

// dnsCertificate creates a certificate for name, validated by DNS in zone,
// after after (what delegatedZone returns when authstack creates the zone).
func dnsCertificate(scope constructs.Construct, id, name string, zone route53.IHostedZone, after []constructs.IConstruct) acm.Certificate {
	c := acm.NewCertificate(scope, jsii.String(id), &acm.CertificateProps{
		DomainName: jsii.String(name), Validation: acm.CertificateValidation_FromDns(zone),
		CertificateName: jsii.String(name),
	})
	for _, a := range after {
		c.Node().AddDependency(a)
	}
	return c
}

// certificateDefinition is what the certificate stack's certificate and
// zone are made of: when it changes, they may be new, and the auth stack
// reads their ids again (CloudFormation updates a custom resource only when
// its properties change).
func certificateDefinition(cfg config.Config) string {
	zone := "zone " + cfg.AuthDomainName + " delegated from " + cfg.ParentHostedZoneName
	if cfg.Domains.HostedZoneID != "" {
		zone = "zone " + cfg.Domains.HostedZoneID + " (" + cfg.HostedZoneName() + ")"
	}
	return "certificate for " + cfg.AuthDomainName + ", validated by DNS in " + zone
}
