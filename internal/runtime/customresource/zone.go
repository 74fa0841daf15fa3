package customresource

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/authstack/authstack/internal/contract"
)

// TypeValidationRecords removes ACM's DNS validation records from a zone.
const TypeValidationRecords = contract.CustomResourceValidationRecords

// Route53Writer is what ValidationRecords needs of the Route 53 client.
type Route53Writer interface {
	ListResourceRecordSets(ctx context.Context, in *route53.ListResourceRecordSetsInput, opts ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error)
	ChangeResourceRecordSets(ctx context.Context, in *route53.ChangeResourceRecordSetsInput, opts ...func(*route53.Options)) (*route53.ChangeResourceRecordSetsOutput, error)
}

// ValidationRecords, on Delete, removes from the zone ZoneId the DNS
// validation records of ACM certificates (CNAMEs named _TOKEN.NAME), which
// an AWS::CertificateManager::Certificate validated in a zone creates and
// leaves behind: a zone that still holds them cannot be deleted, so a
// rollback or a stack deletion would stop at DELETE_FAILED. It removes
// nothing else (CloudFormation deletes the records it manages). Create and
// Update do nothing. Properties: ZoneId.
// Source: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
type ValidationRecords struct {
	Route53 Route53Writer
}

// Handle implements Handler.
func (v *ValidationRecords) Handle(ctx context.Context, ev cfn.Event) (string, map[string]interface{}, error) {
	zone, err := prop(ev, "ZoneId")
	if ev.RequestType != cfn.RequestDelete {
		if err != nil {
			return "", nil, err
		}
		return "validation-records:" + zone, nil, nil
	}
	if err != nil {
		return ev.PhysicalResourceID, nil, nil // nothing was created
	}
	var removed int
	err = retry(ctx, func() (err error) {
		removed, err = v.remove(ctx, zone)
		var missing *r53types.NoSuchHostedZone
		if errors.As(err, &missing) {
			return nil // deleted already: nothing to remove
		}
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("removing ACM's validation records from the zone %s: %w", zone, err)
	}
	return ev.PhysicalResourceID, map[string]interface{}{"Removed": removed}, nil
}

func (v *ValidationRecords) remove(ctx context.Context, zone string) (int, error) {
	var changes []r53types.Change
	p := route53.NewListResourceRecordSetsPaginator(v.Route53, &route53.ListResourceRecordSetsInput{HostedZoneId: aws.String(zone)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, err
		}
		for _, rs := range page.ResourceRecordSets {
			if rs.Type == r53types.RRTypeCname && strings.HasPrefix(aws.ToString(rs.Name), "_") {
				changes = append(changes, r53types.Change{Action: r53types.ChangeActionDelete, ResourceRecordSet: &rs})
			}
		}
	}
	removed := len(changes)
	// Route 53 takes at most 1,000 changes a request.
	// Source: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/DNSLimitations.html
	for len(changes) > 0 {
		n := min(len(changes), 1000)
		_, err := v.Route53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
			HostedZoneId: aws.String(zone),
			ChangeBatch:  &r53types.ChangeBatch{Comment: aws.String("authstack: ACM validation records of a zone being deleted"), Changes: changes[:n]},
		})
		if err != nil {
			return 0, err
		}
		changes = changes[n:]
	}
	return removed, nil
}
