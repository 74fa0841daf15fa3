// Command authorizer is the API's Lambda authorizer (see internal/authorizer).
package main

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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
	h, err := authorizer.FromEnv(os.Getenv, list, &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout))
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(h.Handle)
}
