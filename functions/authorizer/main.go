// Command authorizer is the API's Lambda authorizer (see internal/runtime/authorizer).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/authorizer"
	"github.com/authstack/authstack/internal/runtime/awsenv"
	"github.com/authstack/authstack/internal/runtime/denylist"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	cfg, err := awsenv.Config(context.Background(), os.Getenv, "DYNAMODB")
	if err != nil {
		telemetry.Fatal(err)
	}
	list := &denylist.List{Client: dynamodb.NewFromConfig(cfg), Table: os.Getenv(contract.EnvDenyListTable)}
	h, err := authorizer.FromEnv(os.Getenv, list, &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout))
	if err != nil {
		telemetry.Fatal(err)
	}
	// Fetch the signing keys while Lambda finishes init; the first request
	// waits for this fetch instead of starting its own.
	if keys, ok := h.Verifier.Keys.(*jwtverify.JWKS); ok {
		go keys.Prefetch(context.Background())
	}
	lambda.Start(h.Handle)
}
