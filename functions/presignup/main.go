// Command presignup is the pre sign-up Lambda trigger (see internal/runtime/presignup).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/awsenv"
	"github.com/authstack/authstack/internal/runtime/hook"
	"github.com/authstack/authstack/internal/runtime/presignup"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	// The Lambda client exists only when there is a hook to call.
	var invoker hook.Invoker
	if os.Getenv(contract.EnvHookFunction) != "" {
		cfg, err := awsenv.Config(context.Background(), os.Getenv, "LAMBDA")
		if err != nil {
			telemetry.Fatal(err)
		}
		invoker = lambdasdk.NewFromConfig(cfg)
	}
	lambda.Start(presignup.FromEnv(os.Getenv, invoker, &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout)).Handle)
}
