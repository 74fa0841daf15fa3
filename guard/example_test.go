package guard_test

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/authstack/authstack/guard"
)

// In your own CDK app's main: synthesize, then refuse a change that would
// replace a user pool.
func ExampleCheck() {
	app := awscdk.NewApp(nil)
	// ... add your stacks ...
	templates, err := guard.FromAssembly(app.Synth(nil))
	if err != nil {
		panic(err)
	}
	lock, err := guard.Read("userpool.lock.json")
	if err != nil {
		panic(err)
	}
	if err := guard.Check(templates, lock, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
