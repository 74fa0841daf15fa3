// Command presignup is the pre sign-up Lambda trigger (see internal/runtime/presignup).
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/authstack/authstack/internal/runtime/presignup"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	lambda.Start(presignup.FromEnv(os.Getenv, &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout)).Handle)
}
