// Command userevents is the pre authentication, post authentication and post
// confirmation Lambda trigger that publishes user events (see internal/runtime/userevent).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/awsenv"
	"github.com/authstack/authstack/internal/runtime/hook"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/runtime/userevent"
)

func main() {
	cfg, err := awsenv.Config(context.Background(), os.Getenv, "SNS")
	if err != nil {
		telemetry.Fatal(err)
	}
	// The Publisher retries within the trigger's time budget itself.
	client := sns.NewFromConfig(cfg, func(o *sns.Options) { o.RetryMaxAttempts = 1 })
	ddbCfg, err := awsenv.Config(context.Background(), os.Getenv, "DYNAMODB")
	if err != nil {
		telemetry.Fatal(err)
	}
	ids := dynamodb.NewFromConfig(ddbCfg, func(o *dynamodb.Options) { o.RetryMaxAttempts = 2 })
	// The Lambda client exists only when there is a hook to call.
	var invoker hook.Invoker
	if os.Getenv(contract.EnvHookFunction) != "" {
		lambdaCfg, err := awsenv.Config(context.Background(), os.Getenv, "LAMBDA")
		if err != nil {
			telemetry.Fatal(err)
		}
		invoker = lambdasdk.NewFromConfig(lambdaCfg)
	}
	p, err := userevent.FromEnv(os.Getenv, client, ids, invoker, &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout))
	if err != nil {
		telemetry.Fatal(err)
	}
	lambda.Start(p.Handle)
}
