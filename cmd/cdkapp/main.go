// Command cdkapp is authstack's CDK app (cdk.json "app"): it synthesizes one
// AuthStack per environment, checked by cdk-nag's AwsSolutions rules.
//
//	cdk synth                          # every reference environment
//	cdk synth -c env=production        # one environment
//	cdk synth -c config=envs.yaml      # your own environments file
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"

	"github.com/authstack/authstack/stacks"
)

func main() {
	app := awscdk.NewApp(nil)
	if err := run(app); err != nil {
		fmt.Fprintln(os.Stderr, "authstack:", err)
		os.Exit(1)
	}
	app.Synth(nil)
}

// run adds the stacks of the environments selected by app's context.
func run(app awscdk.App) error {
	envs, err := stacks.Environments(app)
	if err != nil {
		return err
	}
	if _, err := stacks.AddAuthStacks(app, envs); err != nil {
		return err
	}
	stacks.CheckAwsSolutions(app)
	return nil
}
