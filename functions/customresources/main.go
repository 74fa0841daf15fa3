// Command customresources is authstack's CloudFormation custom-resource
// provider (see internal/runtime/customresource and customresources/).
package main

import (
	"context"
	"log/slog"
	"net"
	"os"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambda"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/authstack/authstack/internal/runtime/awsenv"
	cr "github.com/authstack/authstack/internal/runtime/customresource"
)

func main() {
	router, err := newRouter(context.Background())
	if err != nil {
		// Answer every request FAILED with the reason (deletes succeed)
		// rather than leave CloudFormation waiting for its hour.
		slog.New(slog.NewJSONHandler(os.Stderr, nil)).Error("custom-resource provider cannot start", "error", err.Error())
		router = cr.Failing(err)
	}
	lambda.Start(cfn.LambdaWrap(router.Handle))
}

func newRouter(ctx context.Context) (*cr.Router, error) {
	r53Cfg, err := awsenv.Config(ctx, os.Getenv, "ROUTE_53")
	if err != nil {
		return nil, err
	}
	idpCfg, err := awsenv.Config(ctx, os.Getenv, "COGNITO_IDENTITY_PROVIDER")
	if err != nil {
		return nil, err
	}
	ssmCfg, err := awsenv.Config(ctx, os.Getenv, "SSM")
	if err != nil {
		return nil, err
	}
	r53 := route53.NewFromConfig(r53Cfg)
	return &cr.Router{Handlers: map[string]cr.Handler{
		cr.TypeParentARecord:        &cr.ParentARecord{Route53: r53, DNS: net.DefaultResolver},
		cr.TypeUserPoolDomainActive: &cr.UserPoolDomainActive{Cognito: cip.NewFromConfig(idpCfg)},
		cr.TypeCrossRegionParameter: &cr.CrossRegionParameter{SSM: func(region string) cr.SSM {
			c := ssmCfg.Copy()
			c.Region = region
			return ssm.NewFromConfig(c)
		}},
		cr.TypeValidationRecords: &cr.ValidationRecords{Route53: r53},
	}}, nil
}
