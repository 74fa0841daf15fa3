// Command pretokengen is the pre token generation (V2_0) Lambda trigger
// (see internal/runtime/tokenclaims).
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/runtime/tokenclaims"
)

func main() {
	h, err := tokenclaims.FromEnv(os.Getenv, &telemetry.Metrics{})
	if err != nil {
		telemetry.Fatal(err)
	}
	lambda.Start(h.Handle)
}
