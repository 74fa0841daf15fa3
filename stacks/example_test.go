package stacks_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/stacks"
)

// An app that deploys the reference "test" environment with a longer
// refresh-token lifetime, checked by cdk-nag.
func ExampleNewAuthStack() {
	app := awscdk.NewApp(nil)
	cfg, err := config.Select(config.Reference(), "test")
	if err != nil {
		panic(err)
	}
	cfg.Tokens.RefreshTokenValidityDays = 90
	if _, err := stacks.NewAuthStack(app, jsii.String(cfg.StackName()), &stacks.AuthStackProps{Config: cfg}); err != nil {
		panic(err)
	}
	stacks.CheckAwsSolutions(app)
	app.Synth(nil)
}
