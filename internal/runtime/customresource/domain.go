package customresource

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/authstack/authstack/internal/contract"
)

// Resource types of the custom domain (customresources.NewUserPoolDomain...).
const (
	TypeParentARecord        = contract.CustomResourceParentARecord
	TypeUserPoolDomainActive = contract.CustomResourceUserPoolDomainActive
)

// Route53 is what ParentARecord needs of the Route 53 client.
type Route53 interface {
	ListHostedZonesByName(ctx context.Context, in *route53.ListHostedZonesByNameInput, opts ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error)
	ListResourceRecordSets(ctx context.Context, in *route53.ListResourceRecordSetsInput, opts ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error)
}

// Resolver is what ParentARecord needs of DNS (net.Resolver).
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// ParentARecord checks Cognito's precondition for a custom domain: its
// parent domain (example.com for auth.example.com) has an A record, else
// CreateUserPoolDomain fails. It looks in the Route 53 hosted zone of the
// parent when the account has it, else in public DNS, and fails with what
// to create. Properties: Domain (the custom domain). Delete does nothing.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
type ParentARecord struct {
	Route53 Route53
	DNS     Resolver
}

// Handle implements Handler.
func (p *ParentARecord) Handle(ctx context.Context, ev cfn.Event) (string, map[string]interface{}, error) {
	if ev.RequestType == cfn.RequestDelete {
		return ev.PhysicalResourceID, nil, nil
	}
	domain, err := prop(ev, "Domain")
	if err != nil {
		return "", nil, err
	}
	id := "parent-a-record:" + domain
	parent, ok := parentOf(domain)
	if !ok {
		return "", nil, fmt.Errorf("%s has no parent domain", domain)
	}
	var found bool
	var where string
	err = retry(ctx, func() (err error) {
		found, where, err = p.hasA(ctx, parent)
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("checking the A record of %s: %w", parent, err)
	}
	if !found {
		return "", nil, fmt.Errorf("the custom domain %s needs an A record for its parent domain %s (Cognito creates a custom domain only then), and %s has none: "+
			"create an A record for %s (for example an alias to your website, or any address) and deploy again", domain, parent, where, parent)
	}
	return id, map[string]interface{}{"ParentDomain": parent}, nil
}

// hasA looks for an A record of name in the account's hosted zone that
// holds it, else in public DNS; where names the place it looked.
func (p *ParentARecord) hasA(ctx context.Context, name string) (bool, string, error) {
	fqdn := strings.TrimSuffix(name, ".") + "."
	if p.Route53 != nil {
		// The zone that holds name: the longest zone name that is name or a parent of it.
		zone, zoneName, err := p.zoneOf(ctx, fqdn)
		if err != nil {
			return false, "", err
		}
		if zone != "" {
			out, err := p.Route53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{
				HostedZoneId: aws.String(zone), StartRecordName: aws.String(fqdn), StartRecordType: r53types.RRTypeA, MaxItems: aws.Int32(1),
			})
			if err != nil {
				return false, "", err
			}
			for _, rs := range out.ResourceRecordSets {
				if strings.EqualFold(aws.ToString(rs.Name), fqdn) && rs.Type == r53types.RRTypeA {
					return true, "", nil
				}
			}
			return false, fmt.Sprintf("the hosted zone %s (%s)", zoneName, zone), nil
		}
	}
	if p.DNS == nil {
		return false, "DNS", nil
	}
	addrs, err := p.DNS.LookupIPAddr(ctx, name)
	var dnsErr *net.DNSError
	// Only NXDOMAIN (or no address) is an answer; SERVFAIL and timeouts are
	// errors, retried.
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false, "public DNS", nil
	}
	if err != nil {
		return false, "", err
	}
	for _, a := range addrs {
		if a.IP.To4() != nil {
			return true, "", nil
		}
	}
	return false, "public DNS", nil
}

func (p *ParentARecord) zoneOf(ctx context.Context, fqdn string) (string, string, error) {
	labels := strings.Split(strings.TrimSuffix(fqdn, "."), ".")
	for i := 0; i < len(labels)-1; i++ {
		candidate := strings.Join(labels[i:], ".") + "."
		out, err := p.Route53.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(candidate), MaxItems: aws.Int32(1)})
		if err != nil {
			return "", "", err
		}
		for _, z := range out.HostedZones {
			if strings.EqualFold(aws.ToString(z.Name), candidate) && (z.Config == nil || !z.Config.PrivateZone) {
				return strings.TrimPrefix(aws.ToString(z.Id), "/hostedzone/"), candidate, nil
			}
		}
	}
	return "", "", nil
}

// parentOf is the domain one label up: example.com for auth.example.com.
func parentOf(domain string) (string, bool) {
	_, parent, ok := strings.Cut(strings.TrimSuffix(domain, "."), ".")
	return parent, ok && strings.Contains(parent, ".")
}

// Cognito is what UserPoolDomainActive needs of the Cognito client.
type Cognito interface {
	DescribeUserPoolDomain(ctx context.Context, in *cip.DescribeUserPoolDomainInput, opts ...func(*cip.Options)) (*cip.DescribeUserPoolDomainOutput, error)
}

// UserPoolDomainActive waits, bounded by the invocation's deadline, until
// Cognito reports a custom domain ACTIVE (managed login answers on it), so
// the alias records, outputs and anything after them exist only once
// sign-in works, and returns the CloudFront distribution the alias targets.
// Properties: Domain, UserPoolId. Delete does nothing (the
// AWS::Cognito::UserPoolDomain resource owns the domain).
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DescribeUserPoolDomain.html
type UserPoolDomainActive struct {
	Cognito Cognito
	// Interval between two DescribeUserPoolDomain calls. Default: 15 s.
	Interval time.Duration
}

// Handle implements Handler.
func (u *UserPoolDomainActive) Handle(ctx context.Context, ev cfn.Event) (string, map[string]interface{}, error) {
	if ev.RequestType == cfn.RequestDelete {
		return ev.PhysicalResourceID, nil, nil
	}
	domain, err := prop(ev, "Domain")
	if err != nil {
		return "", nil, err
	}
	pool, err := prop(ev, "UserPoolId")
	if err != nil {
		return "", nil, err
	}
	interval := u.Interval
	if interval == 0 {
		interval = 15 * time.Second
	}
	start, status, lastErr := time.Now(), "unknown", error(nil)
	for {
		out, err := u.Cognito.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(domain)})
		switch d := describeOf(out); {
		case err != nil && (apiCodeIn(err, permanentCodes) || apiCodeIn(err, deniedCodes) && time.Since(start) >= grace):
			return "", nil, fmt.Errorf("reading the custom domain %s: %w", domain, err)
		case err != nil:
			// Throttling, network errors, IAM propagation: try again until the deadline.
			lastErr = err
		case d == nil || aws.ToString(d.Domain) == "":
			return "", nil, fmt.Errorf("no Cognito domain %s", domain)
		case aws.ToString(d.UserPoolId) != pool:
			return "", nil, fmt.Errorf("the domain %s belongs to the user pool %s, not %s", domain, aws.ToString(d.UserPoolId), pool)
		case d.Status == ciptypes.DomainStatusTypeActive:
			return domain, map[string]interface{}{
				"CloudFrontDistribution": aws.ToString(d.CloudFrontDistribution),
				"Status":                 string(d.Status),
			}, nil
		case d.Status == ciptypes.DomainStatusTypeFailed:
			return "", nil, fmt.Errorf("the custom domain %s is FAILED in Cognito: check that its certificate (us-east-1) covers it and is ISSUED, then deploy again", domain)
		default:
			status, lastErr = string(d.Status), nil
		}
		select {
		case <-ctx.Done():
			why := fmt.Sprintf("still %s", status)
			if lastErr != nil {
				why = fmt.Sprintf("not readable (%v)", lastErr)
			}
			return "", nil, fmt.Errorf("the custom domain %s is %s after %s; Cognito puts a custom domain online within five minutes: check its certificate and DNS, then deploy again",
				domain, why, time.Since(start).Round(time.Second))
		case <-time.After(interval):
		}
	}
}

func describeOf(out *cip.DescribeUserPoolDomainOutput) *ciptypes.DomainDescriptionType {
	if out == nil {
		return nil
	}
	return out.DomainDescription
}
