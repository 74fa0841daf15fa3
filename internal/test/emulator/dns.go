package emulator

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// ParentZone does in the emulator the one-time DNS step a user does before
// deploying custom domains (see the README): a public hosted zone for zone
// (the config's parentHostedZoneName, which authstack delegates its zones
// from) with an A record for parent, the parent domain of the hosted UI's
// domain, which Cognito requires before it creates a custom domain. The
// record points at 192.0.2.1 (TEST-NET-1, RFC 5737); parent "" creates the
// zone alone. It returns the zone id; an existing zone of that name is
// reused and the record upserted.
func ParentZone(ctx context.Context, cfg aws.Config, zone, parent string) (string, error) {
	r53 := route53.NewFromConfig(cfg)
	fqdn := strings.TrimSuffix(zone, ".") + "."
	var id string
	list, err := r53.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(fqdn)})
	if err != nil {
		return "", fmt.Errorf("emulator: list hosted zones: %w", err)
	}
	for _, z := range list.HostedZones {
		if aws.ToString(z.Name) == fqdn {
			id = aws.ToString(z.Id)
			break
		}
	}
	if id == "" {
		out, err := r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
			Name: aws.String(fqdn), CallerReference: aws.String("authstack-e2e-" + fqdn),
		})
		if err != nil {
			return "", fmt.Errorf("emulator: create hosted zone %s: %w", zone, err)
		}
		id = aws.ToString(out.HostedZone.Id)
	}
	if parent == "" {
		return strings.TrimPrefix(id, "/hostedzone/"), nil
	}
	_, err = r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{
		HostedZoneId: aws.String(id),
		ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{
			Action: r53types.ChangeActionUpsert,
			ResourceRecordSet: &r53types.ResourceRecordSet{
				Name: aws.String(strings.TrimSuffix(parent, ".") + "."), Type: r53types.RRTypeA, TTL: aws.Int64(300),
				ResourceRecords: []r53types.ResourceRecord{{Value: aws.String("192.0.2.1")}},
			},
		}}},
	})
	if err != nil {
		return "", fmt.Errorf("emulator: A record %s: %w", parent, err)
	}
	return strings.TrimPrefix(id, "/hostedzone/"), nil
}
