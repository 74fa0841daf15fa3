// Command api is the API's Lambda integration (see internal/runtime/apihandler).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/apihandler"
	"github.com/authstack/authstack/internal/runtime/awsenv"
	"github.com/authstack/authstack/internal/runtime/denylist"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	cfg, err := awsenv.Config(context.Background(), os.Getenv, "DYNAMODB")
	if err != nil {
		telemetry.Fatal(err)
	}
	idpCfg, err := awsenv.Config(context.Background(), os.Getenv, "COGNITO_IDENTITY_PROVIDER")
	if err != nil {
		telemetry.Fatal(err)
	}
	list := &denylist.List{Client: dynamodb.NewFromConfig(cfg), Table: os.Getenv(contract.EnvDenyListTable)}
	h, err := apihandler.FromEnv(os.Getenv, list, cip.NewFromConfig(idpCfg), &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout))
	if err != nil {
		telemetry.Fatal(err)
	}
	lambda.Start(h.Handle)
}
