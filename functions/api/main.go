// Command api is the API's Lambda integration (see internal/apihandler).
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/authstack/authstack/internal/apihandler"
	"github.com/authstack/authstack/internal/authorizer"
	"github.com/authstack/authstack/internal/denylist"
	"github.com/authstack/authstack/internal/telemetry"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	list := &denylist.List{Client: dynamodb.NewFromConfig(cfg), Table: os.Getenv(authorizer.EnvDenyListTable)}
	h, err := apihandler.FromEnv(os.Getenv, list, cip.NewFromConfig(cfg), &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout))
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
