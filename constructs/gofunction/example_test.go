package gofunction_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/constructs/logkey"
)

// A Go function of your own module (the package ./functions/welcome of the
// module the CDK app runs in), built locally for arm64 at synth time, with
// any lambda.Function option.
func ExampleNewGoFunction() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Shop"), nil)
	gofunction.NewGoFunction(stack, jsii.String("Welcome"), &gofunction.GoFunctionProps{
		Entry: jsii.String("./functions/welcome"),
		FunctionOptions: lambda.FunctionOptions{
			Timeout:     awscdk.Duration_Seconds(jsii.Number(3)),
			Environment: &map[string]*string{"GREETING": jsii.String("Welcome to the shop")},
		},
		// One key for the log groups of several functions.
		LogKey: logkey.NewLogKey(stack, jsii.String("LogKey"), nil),
	})
}
