package customresource

import (
	"context"
	"fmt"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/authstack/authstack/internal/contract"
)

// TypeCrossRegionParameter reads an SSM parameter of another region.
const TypeCrossRegionParameter = contract.CustomResourceCrossRegionParameter

// SSM is what CrossRegionParameter needs of an SSM client.
type SSM interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// CrossRegionParameter reads a parameter another stack wrote in another
// region (the us-east-1 certificate of a hosted UI whose stack lives
// elsewhere) and returns it as the attribute Value. Properties: Region,
// Name. Delete does nothing.
type CrossRegionParameter struct {
	// SSM returns a client for region.
	SSM func(region string) SSM
}

// Handle implements Handler.
func (c *CrossRegionParameter) Handle(ctx context.Context, ev cfn.Event) (string, map[string]interface{}, error) {
	if ev.RequestType == cfn.RequestDelete {
		return ev.PhysicalResourceID, nil, nil
	}
	region, err := prop(ev, "Region")
	if err != nil {
		return "", nil, err
	}
	name, err := prop(ev, "Name")
	if err != nil {
		return "", nil, err
	}
	var out *ssm.GetParameterOutput
	err = retry(ctx, func() (err error) {
		out, err = c.SSM(region).GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("reading the parameter %s in %s: %w", name, region, err)
	}
	if out.Parameter == nil {
		return "", nil, fmt.Errorf("the parameter %s in %s has no value", name, region)
	}
	return region + ":" + name, map[string]interface{}{"Value": aws.ToString(out.Parameter.Value)}, nil
}
