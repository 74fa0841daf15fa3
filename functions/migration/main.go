// Command migration is the user migration Lambda trigger (see internal/runtime/migration).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/authstack/authstack/internal/runtime/awsenv"
	"github.com/authstack/authstack/internal/runtime/migration"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	cfg, err := awsenv.Config(context.Background(), os.Getenv, "SECRETS_MANAGER")
	if err != nil {
		telemetry.Fatal(err)
	}
	h, err := migration.FromEnv(os.Getenv, secretsmanager.NewFromConfig(cfg), &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout))
	if err != nil {
		telemetry.Fatal(err)
	}
	lambda.Start(h.Handle)
}
