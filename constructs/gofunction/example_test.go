package gofunction_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/internal/cdk/kmskey"
)

// A Go function of this module, built locally for arm64 at synth time.
func ExampleNewGoFunction() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Fn"), nil)
	gofunction.NewGoFunction(stack, jsii.String("PreSignUp"), &gofunction.GoFunctionProps{
		Entry:  "functions/presignup",
		LogKey: kmskey.NewForLogs(stack, "LogKey", "function logs"),
	})
}
