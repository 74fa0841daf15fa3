// Command customresources is authstack's CloudFormation custom-resource
// provider (see internal/runtime/customresource and customresources/).
package main

import (
	"context"
	"net"
	"os"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambda"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/authstack/authstack/internal/runtime/awsenv"
	cr "github.com/authstack/authstack/internal/runtime/customresource"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	ctx := context.Background()
	r53Cfg, err := awsenv.Config(ctx, os.Getenv, "ROUTE_53")
	if err != nil {
		telemetry.Fatal(err)
	}
	idpCfg, err := awsenv.Config(ctx, os.Getenv, "COGNITO_IDENTITY_PROVIDER")
	if err != nil {
		telemetry.Fatal(err)
	}
	ssmCfg, err := awsenv.Config(ctx, os.Getenv, "SSM")
	if err != nil {
		telemetry.Fatal(err)
	}
	router := &cr.Router{Handlers: map[string]cr.Handler{
		cr.TypeParentARecord:        &cr.ParentARecord{Route53: route53.NewFromConfig(r53Cfg), DNS: net.DefaultResolver},
		cr.TypeUserPoolDomainActive: &cr.UserPoolDomainActive{Cognito: cip.NewFromConfig(idpCfg)},
		cr.TypeCrossRegionParameter: &cr.CrossRegionParameter{SSM: func(region string) cr.SSM {
			c := ssmCfg.Copy()
			c.Region = region
			return ssm.NewFromConfig(c)
		}},
	}}
	lambda.Start(cfn.LambdaWrap(router.Handle))
}
