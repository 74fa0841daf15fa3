package logkey_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/constructs/logkey"
)

// One key for the log groups of every function of a stack.
func ExampleNewLogKey() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Shop"), nil)
	key := logkey.NewLogKey(stack, jsii.String("LogKey"), &logkey.LogKeyProps{Description: jsii.String("the shop's function logs")})
	for _, name := range []string{"welcome", "orders"} {
		gofunction.NewGoFunction(stack, jsii.String(name), &gofunction.GoFunctionProps{
			Entry:  jsii.String("example.com/shop/functions/" + name),
			LogKey: key,
		})
	}
}
