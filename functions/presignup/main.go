// Command presignup is the pre sign-up Lambda trigger (see internal/presignup).
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/authstack/authstack/internal/presignup"
	"github.com/authstack/authstack/internal/telemetry"
)

func main() {
	lambda.Start(presignup.FromEnv(os.Getenv, &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout)).Handle)
}
