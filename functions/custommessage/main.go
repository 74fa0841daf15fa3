// Command custommessage is the custom message Lambda trigger (see internal/runtime/custommessage).
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/authstack/authstack/internal/runtime/custommessage"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	r, err := custommessage.FromEnv(os.Getenv, &telemetry.Metrics{}, telemetry.NewLogger(os.Stdout))
	if err != nil {
		telemetry.Fatal(err)
	}
	lambda.Start(r.Handle)
}
